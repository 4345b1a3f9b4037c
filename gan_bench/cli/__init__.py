"""The ``gan-bench`` command: one module per command group adds its subcommands; this one only
dispatches. Every error a user can cause is one line on stderr and exit 2: option values as they
are parsed (gan_bench.cli.validators), before anything runs; the rest as a GanBenchError."""

import os
import sys

from gan_bench.cli import bench, data, reports, samples, search, suites
from gan_bench.cli.validators import OneLineParser
from gan_bench.errors import GanBenchError

COMMAND_GROUPS = (suites, search, samples, bench, data, reports)


def build_parser() -> OneLineParser:
    parser = OneLineParser(prog="gan-bench", description="Benchmark and evaluation suite for GANs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    from gan_bench.plugins import refuse_malformed_entry_points
    from gan_bench.runtime.stop_signals import Stopped

    args = build_parser().parse_args(argv)
    try:
        refuse_malformed_entry_points()  # before torch's import, which would raise on one
        status = args.handler(args)
    except Stopped as stop:
        print(f"gan-bench: {stop}; {stop.aftermath}", file=sys.stderr)
        return stop.exit_status
    except GanBenchError as error:
        print(f"gan-bench: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gan-bench: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early (`gan-bench status ... | head`): no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # for the flush at exit
        return 1
    except OSError as error:  # the environment, not the input: a full disk, a read-only folder
        where = f": {error.filename}" if error.filename else ""
        print(f"gan-bench: error: {error.strerror or error}{where}", file=sys.stderr)
        return 1
    return status or 0
