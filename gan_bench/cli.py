"""The ``gan-bench`` command. Every error a user can cause is one line on stderr and exit 2."""

import argparse
import json
import math
import os
import shlex
import sys
from contextlib import nullcontext
from pathlib import Path

from gan_bench.errors import GanBenchError
from gan_bench.option_values import (
    OneLineParser,
    at_least_one,
    at_least_zero,
    key_equals_value,
    positive_number,
)
from gan_bench.search.search_command import add_search_parser

DEFAULT_RESULTS = Path("results")


def cmd_run(args) -> int | None:
    from tqdm import tqdm

    from gan_bench.config import load_suite
    from gan_bench.figures import write_figures
    from gan_bench.leaderboard import write_leaderboard
    from gan_bench.seeding import resolve_device
    from gan_bench.suite import run_suite
    from gan_bench.writable_folder import require_writable_folder

    suite = load_suite(args.suite)
    _set_threads(args.threads)
    if args.seeds is not None and args.seeds < 1:
        raise GanBenchError(f"--seeds must be >= 1, got {args.seeds}")
    if args.jobs < 1:
        raise GanBenchError(f"--jobs must be >= 1, got {args.jobs}")

    def log(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    if args.executor != "local":
        if args.tensorboard is not None:
            raise GanBenchError(f"--tensorboard works with --executor local only, not "
                                f"{args.executor}: its jobs would not write it")
        return _run_through_submitit(args, suite, log)
    device = resolve_device(args.device)
    if args.tensorboard is not None:  # refused now, not at the first write after minutes of training
        require_writable_folder(args.tensorboard, "--tensorboard folder")
    results_dir = run_suite(suite, args.results, device, args.seeds, log=log, jobs=args.jobs,
                            only=args.only, extend_from=args.extend_from, compile=args.compile,
                            tensorboard_dir=args.tensorboard)
    write_leaderboard(results_dir, suite.published, suite.meta.headline_metrics)
    write_figures(results_dir)
    print(f"leaderboard: {results_dir / 'leaderboard.md'}")
    return None


def _run_through_submitit(args, suite, log) -> int:
    """``--executor slurm`` or ``submitit-local``: one job per pending run (gan_bench.cluster_runs);
    with ``--wait`` (the default for submitit-local) the leaderboard once every job has ended."""
    from gan_bench.cluster_runs import ClusterOptions, RunJob, require_executor, submit_runs, wait_for
    from gan_bench.evaluations import evaluate_runs
    from gan_bench.figures import write_figures
    from gan_bench.leaderboard import write_leaderboard
    from gan_bench.seeding import resolve_device
    from gan_bench.stop_signals import stop_on_signals
    from gan_bench.suite import prepare_suite

    slurm_options = dict(args.slurm_option)
    options = ClusterOptions(args.executor, args.partition, args.time, args.gpus_per_run,
                             args.cpus_per_run, args.mem, args.array_parallelism, slurm_options)
    require_executor(options)  # before the results folder is made
    prepared = prepare_suite(suite, args.results, args.seeds, log, args.only, args.extend_from,
                             args.compile)
    results_dir = prepared.results_dir.resolve()
    run_jobs = [RunJob(suite.path.resolve(), job.run_id, results_dir, args.device, args.seeds,
                       args.compile, prepared.extend_from_dir, args.threads) for job in prepared.pending]
    waits = args.wait or args.executor == "submitit-local"
    local = args.executor == "submitit-local"  # a stop reaches its jobs (wait_for); SLURM's run on
    with stop_on_signals() if local else nullcontext():
        jobs = submit_runs(run_jobs, results_dir, options, log) if run_jobs else []
        if not waits:
            print(f"{len(jobs)} jobs submitted; follow them with `gan-bench status {args.suite} "
                  f"--results {args.results}`, and rebuild the leaderboard with `gan-bench "
                  f"leaderboard {suite.name} --results {args.results}` when they have ended")
            return 0
        failed = wait_for(jobs, log, [run_job.run_id for run_job in run_jobs], results_dir)
    evaluate_runs(prepared.all_jobs, results_dir, resolve_device(args.device),
                  suite.meta.evaluation_metrics, log)
    if write_leaderboard(results_dir, suite.published, suite.meta.headline_metrics).empty:
        raise GanBenchError(f"no runs recorded in {results_dir / 'runs.jsonl'}")
    write_figures(results_dir)
    print(f"leaderboard: {results_dir / 'leaderboard.md'}")
    if failed:
        print(f"gan-bench: {failed} of {len(jobs)} jobs failed (above)", file=sys.stderr)
        return 1
    return 0


def cmd_search(args) -> None:
    from gan_bench.search.search_command import cmd_search as search

    _set_threads(args.threads)
    search(args)


def cmd_evaluate(args) -> None:
    from tqdm import tqdm

    from gan_bench import registry
    from gan_bench.config import load_suite
    from gan_bench.evaluations import evaluate_runs
    from gan_bench.figures import write_figures
    from gan_bench.jobs import expand_jobs
    from gan_bench.leaderboard import write_leaderboard
    from gan_bench.records import RUNS_FILE
    from gan_bench.safe_paths import refuse_links_within
    from gan_bench.seeding import resolve_device
    from gan_bench.writable_folder import require_writable_folder

    suite = load_suite(args.suite)
    metrics = args.metrics.split(",") if args.metrics else list(suite.meta.evaluation_metrics)
    if not metrics:
        raise GanBenchError(f"suite {suite.name!r} lists no evaluation_metrics; name some with --metrics")
    for name in metrics:
        registry.get_metric(name)
        if name in suite.meta.metrics:
            raise GanBenchError(f"metric {name!r} is already scored at the end of every {suite.name} run")
    results_dir = args.results / suite.name
    if not (results_dir / RUNS_FILE).exists():
        raise GanBenchError(f"no runs recorded in {results_dir}; run the suite first")
    refuse_links_within(results_dir)
    require_writable_folder(results_dir, "results folder")  # now, not after the scoring
    device = resolve_device(args.device)
    _set_threads(args.threads)
    evaluated = evaluate_runs(expand_jobs(suite, only=args.only, compile=args.compile), results_dir,
                              device, metrics, log=lambda m: tqdm.write(m, file=sys.stderr))
    write_leaderboard(results_dir, suite.published, suite.meta.headline_metrics)
    write_figures(results_dir)
    print(f"{evaluated} runs evaluated; leaderboard: {results_dir / 'leaderboard.md'}")


def cmd_status(args) -> None:
    from gan_bench.config import load_suite
    from gan_bench.jobs import expand_jobs
    from gan_bench.records import jsonable
    from gan_bench.run_status import suite_status

    suite = load_suite(args.suite, import_plugins=False)
    results_dir = args.results / suite.name
    table = suite_status(expand_jobs(suite, only=args.only, compile=args.compile), results_dir)
    hours_left = table["hours_left"].sum(skipna=False)
    if args.json:
        print(json.dumps(jsonable({"results": str(results_dir), "hours_left": hours_left,
                                   "runs": table.to_dict("records")}), sort_keys=True))
        return
    print(f"{suite.name} in {results_dir}:\n")
    print(table.to_markdown(index=False, floatfmt=".3g"))
    print("\ntraining hours left, one run at a time: "
          + ("unknown (a model with no run started)" if math.isnan(hours_left) else f"{hours_left:.3g}"))


def _set_threads(threads: int | None) -> None:
    import torch

    if threads is not None:
        if threads < 1:
            raise GanBenchError(f"--threads must be >= 1, got {threads}")
        torch.set_num_threads(threads)


def _ab_options(args):
    from gan_bench.bench.ab_runs import AbOptions

    return AbOptions(only=args.only, pairs=args.pairs, rounds=args.rounds or AB_ROUNDS,
                     warmup_rounds=AB_WARMUP_ROUNDS if args.warmup_rounds is None else args.warmup_rounds,
                     round_seconds=args.round_seconds or AB_ROUND_SECONDS, threads=args.threads,
                     device=args.device)


def cmd_bench(args) -> int:
    if args.bench_command == "history":
        from gan_bench.bench.history import draw

        print(f"figure: {draw(args.file, args.out or args.file.with_suffix('.png'))}")
        return 0
    if args.bench_command == "bisect" or args.calibrate or args.against is not None:
        from gan_bench.stop_signals import stop_at_once_on_signals

        # a stop removes the temporary worktrees and writes nothing partial
        with stop_at_once_on_signals("temporary worktrees removed, nothing recorded"):
            return _cmd_ab(args)
    return _cmd_bench_in_process(args)


def _cmd_ab(args) -> int:
    """--against, --calibrate and bisect: commits timed in alternating fresh processes."""
    if args.bench_command == "bisect":
        from gan_bench.bench.ab_bisect import run_bisect

        return run_bisect(args.good, args.bad, _ab_options(args))
    if args.calibrate:
        from gan_bench.bench.ab_calibration import run_calibration

        if args.noise is None:
            raise GanBenchError("--calibrate writes its noise to --noise FILE; name one")
        return run_calibration(_ab_options(args), args.noise)
    from gan_bench.bench.ab_gate import GateOptions, run_against

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
    from gan_bench.bench.session import BenchOptions, run_bench
    from gan_bench.seeding import resolve_device

    thresholds = {}
    for item in args.threshold_for:
        name, _, fraction = item.partition("=")
        try:
            thresholds[name] = float(fraction)
        except ValueError:
            raise GanBenchError(f"--threshold-for takes WORKLOAD=FRACTION, got {item!r}") from None
    options = BenchOptions(
        device=args.device, threads=args.threads, only=args.only, rounds=args.rounds or 10,
        warmup_rounds=2 if args.warmup_rounds is None else args.warmup_rounds,
        round_seconds=args.round_seconds or 0.15, threshold=args.threshold,
        thresholds=thresholds, min_speedup_vs_straightforward=args.min_speedup_vs_straightforward,
        min_fraction_of_matmul_peak=args.min_fraction_of_matmul_peak, speed=not args.no_speed,
        compile=args.compile, suites=tuple(args.suite),
        quality=not args.no_quality, quality_only=args.quality_only, gate_seeds=args.gate_seeds,
        band_seeds=args.band_seeds, jobs=args.jobs)
    return run_bench(options, resolve_device(args.device), args.save, args.compare)


def cmd_modes(args) -> None:
    from gan_bench import registry
    from gan_bench.samples_io import load_samples

    dataset = registry.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape)
    coverage = registry.get_metric(dataset.coverage_metric)(dataset, samples)
    _emit(coverage | {"n_samples": samples.shape[0]}, args.json)


def cmd_parzen(args) -> None:
    from gan_bench import registry
    from gan_bench.metrics.parzen import parzen_for_dataset
    from gan_bench.samples_io import load_samples
    from gan_bench.seeding import resolve_device

    dataset = registry.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape).to(resolve_device(args.device))
    _emit(parzen_for_dataset(dataset, samples), args.json)


def cmd_theory(args) -> None:
    import warnings

    from gan_bench import registry
    from gan_bench.metrics.theory import theory_metric
    from gan_bench.samples_io import load_samples

    dataset = registry.get_dataset(args.dataset)()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = theory_metric(dataset, load_samples(args.samples, dataset.shape))
    for warning in caught:  # one line each on stderr, so that --json stdout stays one object
        print(f"gan-bench: warning: {warning.message}", file=sys.stderr)
    _emit(result, args.json)


def cmd_fid(args) -> None:
    import warnings

    from gan_bench import registry
    from gan_bench.metrics.fid import RECOMMENDED_SAMPLES, FewSamplesWarning, fid_for_dataset
    from gan_bench.samples_io import load_samples
    from gan_bench.seeding import resolve_device

    dataset = registry.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewSamplesWarning)  # one line of our own instead
        result = fid_for_dataset(dataset, samples, args.real_count, args.kid_subset_size,
                                 resolve_device(args.device))
    if samples.shape[0] < RECOMMENDED_SAMPLES:  # stderr, so that --json stdout stays one object
        print(f"gan-bench: warning: {samples.shape[0]} samples; FID and KID are biased below "
              f"{RECOMMENDED_SAMPLES}", file=sys.stderr)
    _emit(result, args.json)


def cmd_data_fetch(args) -> None:
    from gan_bench.data.mnist import fetch_mnist

    print(f"{args.name}: {fetch_mnist()}")  # the parser admits mnist only


def cmd_leaderboard(args) -> None:
    from gan_bench.figures import write_figures
    from gan_bench.leaderboard import write_leaderboard
    from gan_bench.safe_paths import refuse_links_within
    from gan_bench.search.budget_report import refresh_search_leaderboard

    folders = [args.results / args.suite] if args.suite else sorted(
        p.parent for p in args.results.glob("*/runs.jsonl"))
    if not folders or not (folders[0] / "runs.jsonl").exists():
        raise GanBenchError(f"no runs recorded under {args.results}"
                            + (f" for suite {args.suite!r}" if args.suite else ""))
    for folder in folders:
        refuse_links_within(folder)
    for folder in folders:
        if write_leaderboard(folder, *_leaderboard_settings(folder)).empty:  # an empty runs.jsonl
            raise GanBenchError(f"no runs recorded in {folder / 'runs.jsonl'}")
        # a searched suite's leaderboard is its best configurations, and its figure the search's
        # (a panel per trial would not read)
        if not refresh_search_leaderboard(folder):
            write_figures(folder)
        print((folder / "leaderboard.md").read_text())


def cmd_compare(args) -> None:
    from gan_bench.comparison_report import write_comparison
    from gan_bench.safe_paths import refuse_links_within

    folder = args.results / args.suite
    if not (folder / "runs.jsonl").is_file():
        raise GanBenchError(f"no runs recorded under {args.results} for suite {args.suite!r}")
    refuse_links_within(folder)
    metrics = [m for m in args.metrics.split(",") if m] if args.metrics else None
    command = shlex.join(["gan-bench", "compare", args.suite, args.model_a, args.model_b]
                         + (["--metrics", args.metrics] if args.metrics else [])
                         + (["--include-stalled"] if args.include_stalled else [])
                         + (["--output", str(args.output)] if args.output else [])
                         + (["--results", str(args.results)] if args.results != DEFAULT_RESULTS else []))
    path, text = write_comparison(folder, args.model_a, args.model_b, metrics, args.include_stalled,
                                  command, args.output)
    print(text + f"\nwritten to {path}")


def _leaderboard_settings(folder: Path) -> tuple[tuple, tuple[str, ...]]:
    """(published rows, headline metrics) of the built-in suite named like ``folder``, else of the
    built-in suite its records name (a suite run into a folder of another name), else none."""
    from gan_bench.config import NAME_PATTERN, SUITES_DIR, load_suite
    from gan_bench.records import read_records

    def built_in(name) -> bool:  # a plain name, never a path a record could smuggle in
        return isinstance(name, str) and bool(NAME_PATTERN.fullmatch(name)) \
            and (SUITES_DIR / f"{name}.toml").is_file()

    named = {record["config"].get("suite") for record in read_records(folder)}
    name = folder.name if built_in(folder.name) else (named.pop() if len(named) == 1 else None)
    if not built_in(name):
        return (), ()
    suite = load_suite(name, import_plugins=False)
    return suite.published, suite.meta.headline_metrics


def _emit(result: dict, as_json: bool) -> None:
    """``result`` as ``key: value`` lines, or as one JSON object: strict JSON, with an infinite
    value as the string "inf" or "-inf" and NaN as null, as the record files and ``status --json``
    write them (gan_bench.records.jsonable)."""
    from gan_bench.records import jsonable

    if as_json:
        print(json.dumps(jsonable(result), sort_keys=True, allow_nan=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def _suite_command(commands, name: str, handler, help_text: str, computes: bool = True):
    """A subcommand that works on a suite's runs: suite, --results, --only, and where it
    ``computes``, --device and --threads."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("suite", help="a suite name under gan_bench/suites/ or a path to a .toml")
    command.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                         help="results root; the suite writes to RESULTS/SUITE (default: results)")
    if computes:
        command.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
        command.add_argument("--threads", type=int, default=None,
                             help="CPU threads for torch (default: torch's choice)")
    command.add_argument("--only", metavar="REGEX", default=None,
                         help="only the runs whose run id (MODEL__DATASET__seedN) matches")
    command.add_argument("--compile", action="store_true",
                         help="the models' networks through torch.compile (runs of their own: the "
                              "config says compile = true)")
    command.set_defaults(handler=handler)
    return command


def _evaluation_command(commands, name: str, handler, help_text: str, datasets: str):
    """A subcommand that scores a samples file: --samples, --dataset and --json."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--samples", type=Path, required=True, help=".npy or .npz samples file")
    command.add_argument("--dataset", required=True, help=datasets)
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(handler=handler)
    return command


AB_ROUNDS, AB_WARMUP_ROUNDS, AB_ROUND_SECONDS = 5, 1, 0.1


def _timing_arguments(parser) -> None:
    parser.add_argument("--rounds", type=int, default=None,
                        help="timed rounds per workload (default 10; 5 per process with --against)")
    parser.add_argument("--warmup-rounds", type=int, default=None,
                        help="untimed rounds first (default 2; 1 with --against)")
    parser.add_argument("--round-seconds", type=positive_number, default=None,
                        help="how long a round of one workload lasts (default 0.15; 0.1 with --against)")
    parser.add_argument("--pairs", type=int, default=10,
                        help="with --against, --calibrate and bisect: processes per side (default 10)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads, pinned (default 1)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="gan-bench", description="Benchmark and evaluation suite for GANs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _suite_command(commands, "run", cmd_run, "run a benchmark suite (resumes by default)")
    run.add_argument("--seeds", type=int, default=None, help="number of seeds (overrides the suite)")
    run.add_argument("--jobs", type=int, default=1,
                     help="runs in parallel worker processes (default 1); threads are shared out")
    run.add_argument("--extend-from", metavar="SUITE", default=None,
                     help="start each run from its checkpoint in RESULTS/SUITE, a suite that gave "
                          "it fewer steps and is otherwise the same")
    cluster = run.add_argument_group(
        "cluster", "through submitit: one job per pending run; the results folder must be on storage "
        "every node mounts (a job that cannot see it fails, naming it); a rerun resumes")
    cluster.add_argument("--executor", choices=["local", "submitit-local", "slurm"], default="local",
                         help="local: this process and its --jobs workers (default); slurm: a SLURM "
                              "job array; submitit-local: the same jobs through submitit on this "
                              "machine")
    cluster.add_argument("--wait", action="store_true",
                         help="wait for every job, report failures, rebuild the leaderboard "
                              "(always with submitit-local)")
    cluster.add_argument("--partition", default=None)
    cluster.add_argument("--time", type=at_least_one, default=240, metavar="MINUTES",
                         help="time limit of each job; at its pre-timeout signal a job requeues "
                              "itself and resumes from its last checkpoint (default 240)")
    cluster.add_argument("--gpus-per-run", type=at_least_zero, default=0)
    cluster.add_argument("--cpus-per-run", type=at_least_one, default=1)
    cluster.add_argument("--mem", type=positive_number, default=None, metavar="GB")
    cluster.add_argument("--array-parallelism", type=at_least_one, default=256,
                         help="jobs of the array running at once")
    cluster.add_argument("--slurm-option", action="append", default=[], metavar="KEY=VALUE",
                         type=key_equals_value,
                         help="any other sbatch option, e.g. account=myproject (repeatable)")
    run.add_argument("--tensorboard", type=Path, default=None, metavar="DIR",
                     help="write losses, D on real and generated data, curve metrics and samples to "
                          "TensorBoard, one subfolder per run id (pip install 'gan-bench[tensorboard]')")
    add_search_parser(commands, _suite_command, cmd_search)
    evaluate = _suite_command(
        commands, "evaluate", cmd_evaluate,
        "score a suite's recorded runs on more metrics, from their final checkpoints")
    evaluate.add_argument("--metrics", default=None, metavar="NAME[,NAME...]",
                          help="metrics to score (default: the suite's evaluation_metrics)")

    status = _suite_command(
        commands, "status", cmd_status, "where each run of a suite stands and the training hours "
        "left, from its records and checkpoints", computes=False)
    status.add_argument("--json", action="store_true", help="print one JSON object")

    _evaluation_command(commands, "modes", cmd_modes, "mode coverage of a samples file",
                        "ring8 or grid25 (modes), mnist (digit classes, frozen classifier)")
    parzen = _evaluation_command(commands, "parzen", cmd_parzen,
                                 "Parzen window log-likelihood of a samples file",
                                 "mnist, ring8 or grid25")
    parzen.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
    _evaluation_command(commands, "theory", cmd_theory,
                        "JSD(p_data || p_g) ± its standard error and C(G) = -log 4 + 2 JSD, in "
                        "nats, of a samples file (the GAN paper's Theorem 1)", "ring8 or grid25")
    fid = _evaluation_command(commands, "fid", cmd_fid,
                              "FID, KID and precision/recall of a samples file", "mnist")
    fid.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
    fid.add_argument("--real-count", type=int, default=10_000,
                     help="first N test images as the real set (default: all 10,000; fewer for quick checks)")
    fid.add_argument("--kid-subset-size", type=int, default=1000,
                     help="images per KID subset; at most both counts (default 1000)")

    bench = commands.add_parser(
        "bench", help="time the fixed workloads against a reference workload and train the quality "
        "runs; with --compare, exit 1 on a speed or quality regression")
    bench.add_argument("--only", metavar="REGEX", default=None, help="only the workloads matching")
    _timing_arguments(bench)
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
    bench.add_argument("--quality-seeds", type=int, default=5,
                       help="with --against, seeds per side of the statistical quality tier, run "
                            "when the exact tier finds the numerics changed (default 5)")
    bench.add_argument("--save", type=Path, default=None, metavar="FILE", help="write the figures as JSON")
    bench.add_argument("--compare", type=Path, default=None, metavar="BASELINE",
                       help="a file written by --save (e.g. benchmarks/bench-baselines/cpu.json)")
    bench.add_argument("--threshold", type=float, default=None,
                       help="largest tolerated fall of a ratio, as a fraction (with --save default "
                            "0.25; with --compare default the baseline's)")
    bench.add_argument("--threshold-for", action="append", default=[], metavar="WORKLOAD=FRACTION",
                       help="a per-workload threshold, saved with --save (repeatable)")
    bench.add_argument("--min-speedup-vs-straightforward", type=float, default=None,
                       help="the reference GAN step's least speed-up over the straightforward one "
                            "(with --save default 1.1; with --compare default the baseline's)")
    bench.add_argument("--min-fraction-of-matmul-peak", type=float, default=None,
                       help="the reference GAN step's least FLOP/s as a fraction of the "
                            "matrix-product peak (with --save default 0.6; with --compare default "
                            "the baseline's)")
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
    bench.add_argument("--gate-seeds", type=int, default=2,
                       help="quality runs per row, seeds 0.. (a baseline's own count wins)")
    bench.add_argument("--band-seeds", type=int, default=None,
                       help="train this many seeds (at least 5) and save their bands with --save")
    bench.add_argument("--jobs", type=int, default=1, help="quality runs in parallel worker processes")
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

    data = commands.add_parser("data", help="datasets that are downloaded")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    fetch = data_commands.add_parser("fetch", help="download and verify a dataset into the cache")
    fetch.add_argument("name", choices=["mnist"])
    fetch.set_defaults(handler=cmd_data_fetch)

    board = commands.add_parser(
        "leaderboard", help="rebuild leaderboards and figures from the records; print as Markdown")
    board.add_argument("suite", nargs="?", help="one suite (default: every suite under --results)")
    board.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    board.set_defaults(handler=cmd_leaderboard)
    compare = commands.add_parser(
        "compare", help="each metric's difference between two models of a suite, with a 95%% "
                        "interval and a test; written to RESULTS/SUITE/compare-A-vs-B.md")
    compare.add_argument("suite", help="a suite whose runs are recorded under --results")
    compare.add_argument("model_a", metavar="A", help="a model (or published row) of the suite")
    compare.add_argument("model_b", metavar="B", help="the model (or published row) to set against A")
    compare.add_argument("--metrics", default=None, metavar="NAME[,NAME...]",
                         help="metric values to compare (default: every one both models have)")
    compare.add_argument("--include-stalled", action="store_true",
                         help="count stalled runs too (the leaderboard averages finished runs only)")
    compare.add_argument("--output", type=Path, default=None,
                         help="where to write the report (default: RESULTS/SUITE/compare-A-vs-B.md)")
    compare.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    compare.set_defaults(handler=cmd_compare)
    return parser


def main(argv: list[str] | None = None) -> int:
    from gan_bench.plugins import refuse_malformed_entry_points
    from gan_bench.stop_signals import Stopped

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


if __name__ == "__main__":
    sys.exit(main())
