"""Arguments several commands share, and what they set up once parsed."""

from pathlib import Path

from gan_bench.cli.validators import at_least_one

DEFAULT_RESULTS = Path("results")


def suite_command(commands, name: str, handler, help_text: str, computes: bool = True):
    """A subcommand that works on a suite's runs: suite, --results, --only, --compile, and where
    it ``computes``, --device and --threads."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("suite", help="a suite name under gan_bench/suites/ or a path to a .toml")
    command.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                         help="results root; the suite writes to RESULTS/SUITE (default: results)")
    if computes:
        command.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
        command.add_argument("--threads", type=at_least_one, default=None,
                             help="CPU threads for torch (default: torch's choice)")
    command.add_argument("--only", metavar="REGEX", default=None,
                         help="only the runs whose run id (MODEL__DATASET__seedN) matches")
    command.add_argument("--compile", action="store_true",
                         help="the models' networks through torch.compile (runs of their own: the "
                              "config says compile = true)")
    command.set_defaults(handler=handler)
    return command


def evaluation_command(commands, name: str, handler, help_text: str, datasets: str):
    """A subcommand that scores a samples file: --samples, --dataset and --json."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--samples", type=Path, required=True, help=".npy or .npz samples file")
    command.add_argument("--dataset", required=True, help=datasets)
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(handler=handler)
    return command


def set_threads(threads: int | None) -> None:
    """``--threads``: torch's CPU threads, where given."""
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
