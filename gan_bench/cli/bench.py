"""``gan-bench bench`` (and ``bench history``, ``bench bisect``): the regression gate
(gan_bench.gate), stored-baseline mode in this process, A/B mode in alternating fresh ones."""

from pathlib import Path

from gan_bench.cli.validators import at_least_one, at_least_zero, name_equals_fraction, positive_number
from gan_bench.errors import GanBenchError

AB_ROUNDS, AB_WARMUP_ROUNDS, AB_ROUND_SECONDS = 5, 1, 0.1


def cmd_bench(args) -> int:
    if args.bench_command == "history":
        from gan_bench.gate.history import draw

        print(f"figure: {draw(args.file, args.out or args.file.with_suffix('.png'))}")
        return 0
    if args.bench_command == "bisect" or args.calibrate or args.against is not None:
        from gan_bench.runtime.stop_signals import stop_at_once_on_signals

        # a stop removes the temporary worktrees and writes nothing partial
        with stop_at_once_on_signals("temporary worktrees removed, nothing recorded"):
            return _cmd_ab(args)
    return _cmd_bench_in_process(args)


def _ab_options(args):
    from gan_bench.gate.ab_runs import AbOptions

    return AbOptions(only=args.only, pairs=args.pairs, rounds=args.rounds or AB_ROUNDS,
                     warmup_rounds=AB_WARMUP_ROUNDS if args.warmup_rounds is None else args.warmup_rounds,
                     round_seconds=args.round_seconds or AB_ROUND_SECONDS, threads=args.threads,
                     device=args.device)


def _cmd_ab(args) -> int:
    """--against, --calibrate and bisect: commits timed in alternating fresh processes."""
    if args.bench_command == "bisect":
        from gan_bench.gate.ab_bisect import run_bisect

        return run_bisect(args.good, args.bad, _ab_options(args))
    if args.calibrate:
        from gan_bench.gate.ab_calibration import run_calibration

        if args.noise is None:
            raise GanBenchError("--calibrate writes its noise to --noise FILE; name one")
        return run_calibration(_ab_options(args), args.noise)
    from gan_bench.gate.ab_gate import GateOptions, run_against

    if args.compare is not None or args.save is not None:
        raise GanBenchError("--against compares with a commit; --compare and --save use a file")
    return run_against(args.against, GateOptions(
        _ab_options(args), speed=not args.no_speed, instructions=not args.no_instructions,
        quality=not args.no_quality, quality_seeds=args.quality_seeds, jobs=args.jobs, noise_file=args.noise,
        history_file=args.history, invariant_minimums={
            name: value for name, value in [
                ("speedup_vs_straightforward", args.min_speedup_vs_straightforward),
                ("fraction_of_matmul_peak", args.min_fraction_of_matmul_peak)] if value is not None}))


def _cmd_bench_in_process(args) -> int:
    """The stored-baseline mode: --save and --compare."""
    from gan_bench.gate.session import BenchOptions, run_bench
    from gan_bench.runtime.seeding import resolve_device

    options = BenchOptions(
        device=args.device, threads=args.threads, only=args.only, rounds=args.rounds or 10,
        warmup_rounds=2 if args.warmup_rounds is None else args.warmup_rounds,
        round_seconds=args.round_seconds or 0.15, threshold=args.threshold,
        thresholds=dict(args.threshold_for),
        min_speedup_vs_straightforward=args.min_speedup_vs_straightforward,
        min_fraction_of_matmul_peak=args.min_fraction_of_matmul_peak, speed=not args.no_speed,
        compile=args.compile, suites=tuple(args.suite),
        quality=not args.no_quality, quality_only=args.quality_only, gate_seeds=args.gate_seeds,
        band_seeds=args.band_seeds, jobs=args.jobs)
    return run_bench(options, resolve_device(args.device), args.save, args.compare)


def _timing_arguments(parser) -> None:
    parser.add_argument("--rounds", type=at_least_one, default=None,
                        help="timed rounds per workload (default 10; 5 per process with --against)")
    parser.add_argument("--warmup-rounds", type=at_least_zero, default=None,
                        help="untimed rounds first (default 2; 1 with --against)")
    parser.add_argument("--round-seconds", type=positive_number, default=None,
                        help="how long a round of one workload lasts (default 0.15; 0.1 with --against)")
    parser.add_argument("--pairs", type=at_least_one, default=10,
                        help="with --against, --calibrate and bisect: processes per side (default 10)")
    parser.add_argument("--threads", type=at_least_one, default=1, help="torch threads, pinned (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])


def add_commands(commands) -> None:
    bench = commands.add_parser(
        "bench", help="time the fixed workloads against a reference workload and train the quality "
        "runs; with --compare, exit 1 on a speed or quality regression")
    bench.add_argument("--only", metavar="REGEX", default=None, help="only the workloads matching")
    _timing_arguments(bench)
    _add_ab_arguments(bench)
    _add_baseline_arguments(bench)
    bench.add_argument("--compile", action="store_true",
                       help="also time each model's step with its networks through torch.compile")
    bench.add_argument("--suite", action="append", default=[], metavar="FILE",
                       help="also time the training step of each model of this suite, e.g. your "
                            "own plugin's (repeatable; workloads step/SUITE/MODEL)")
    bench.add_argument("--no-speed", action="store_true", help="skip the timed workloads")
    bench.add_argument("--no-quality", action="store_true", help="skip the quality runs")
    bench.add_argument("--no-instructions", action="store_true",
                       help="with --against, skip the instruction counts under callgrind (skipped "
                            "anyway, with a notice, where valgrind is not installed)")
    bench.add_argument("--quality-only", metavar="REGEX", default=None,
                       help="only the quality runs whose run id (MODEL__DATASET__seedN) matches")
    bench.add_argument("--gate-seeds", type=at_least_one, default=2,
                       help="quality runs per row, seeds 0.. (a baseline's own count wins)")
    bench.add_argument("--band-seeds", type=int, default=None,
                       help="train this many seeds (at least 5) and save their bands with --save")
    bench.add_argument("--jobs", type=at_least_one, default=1,
                       help="quality runs in parallel worker processes")
    bench.set_defaults(handler=cmd_bench, bench_command=None)
    bench_commands = bench.add_subparsers(dest="bench_command", metavar="{history,bisect}")
    drawn = bench_commands.add_parser("history", help="draw a --history file: each workload over commits")
    drawn.add_argument("file", type=Path)
    drawn.add_argument("--out", type=Path, default=None, help="the PNG (default: FILE with .png)")
    bisect = bench_commands.add_parser(
        "bisect", help="the first commit after GOOD, up to BAD, that slowed one workload (A/B probes)")
    bisect.add_argument("good")
    bisect.add_argument("bad")
    bisect.add_argument("--only", metavar="REGEX", default=None, help="the one workload to follow (needed)")
    _timing_arguments(bisect)


def _add_ab_arguments(bench) -> None:
    bench.add_argument("--against", metavar="REV", default=None,
                       help="A/B gate: time the working tree against this commit (branch, tag, "
                            "origin/main) in alternating fresh processes; exit 1 on a significant "
                            "slowdown, more work per call or worse quality")
    bench.add_argument("--calibrate", action="store_true",
                       help="A/A: time the working tree against itself and write each workload's "
                            "noise to --noise FILE")
    bench.add_argument("--noise", type=Path, default=None, metavar="FILE",
                       help="each workload's A/A noise (from --calibrate): sets its minimum effect")
    bench.add_argument("--history", type=Path, default=None, metavar="FILE.jsonl",
                       help="with --against, append this run to a history "
                            "(draw it with `gan-bench bench history FILE`)")
    bench.add_argument("--quality-seeds", type=at_least_one, default=5,
                       help="with --against, seeds per side of the statistical quality tier, run "
                            "when the exact tier finds the numerics changed (default 5)")


def _add_baseline_arguments(bench) -> None:
    bench.add_argument("--save", type=Path, default=None, metavar="FILE", help="write the figures as JSON")
    bench.add_argument("--compare", type=Path, default=None, metavar="BASELINE",
                       help="a file written by --save (e.g. benchmarks/bench-baselines/cpu.json)")
    bench.add_argument("--threshold", type=float, default=None,
                       help="largest tolerated fall of a ratio, as a fraction (with --save default "
                            "0.25; with --compare default the baseline's)")
    bench.add_argument("--threshold-for", action="append", default=[], metavar="WORKLOAD=FRACTION",
                       type=name_equals_fraction,
                       help="a per-workload threshold, saved with --save (repeatable)")
    bench.add_argument("--min-speedup-vs-straightforward", type=float, default=None,
                       help="the reference GAN step's least speed-up over the straightforward one "
                            "(with --save default 1.1; with --compare default the baseline's)")
    bench.add_argument("--min-fraction-of-matmul-peak", type=float, default=None,
                       help="the reference GAN step's least FLOP/s as a fraction of the "
                            "matrix-product peak (with --save default 0.6; with --compare default "
                            "the baseline's)")
