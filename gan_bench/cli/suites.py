"""``gan-bench run``, ``evaluate`` and ``status``: the commands that work on a suite's runs."""

import json
import math
import sys
from pathlib import Path

from gan_bench.cli.arguments import add_cluster_arguments, cluster_options, set_threads, suite_command
from gan_bench.cli.validators import at_least_one
from gan_bench.errors import GanBenchError


def _log(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def cmd_run(args) -> int | None:
    from gan_bench.config.suite import load_suite

    suite = load_suite(args.suite)
    set_threads(args.threads)
    if args.executor != "local":
        return _run_on_cluster(args, suite)
    from gan_bench.reports.suite_reports import write_reports
    from gan_bench.runs.suite_runs import run_suite
    from gan_bench.runtime.seeding import resolve_device
    from gan_bench.storage.writable_folder import require_writable_folder

    device = resolve_device(args.device)
    if args.tensorboard is not None:  # refused now, not at the first write after minutes of training
        require_writable_folder(args.tensorboard, "--tensorboard folder")
    results_dir = run_suite(suite, args.results, device, args.seeds, log=_log, jobs=args.jobs,
                            only=args.only, extend_from=args.extend_from, compile=args.compile,
                            tensorboard_dir=args.tensorboard)
    write_reports(results_dir, suite.published, suite.meta.headline_metrics)
    print(f"leaderboard: {results_dir / 'leaderboard.md'}")
    return None


def _run_on_cluster(args, suite) -> int:
    """``--executor slurm`` or ``submitit-local`` (gan_bench.runs.cluster_suite); with ``--wait``
    (the default for submitit-local) the leaderboard once every job has ended."""
    from gan_bench.reports.suite_reports import write_reports
    from gan_bench.runs.cluster_suite import RunSettings, run_suite_on_cluster

    if args.tensorboard is not None:
        raise GanBenchError(f"--tensorboard works with --executor local only, not "
                            f"{args.executor}: its jobs would not write it")
    options = cluster_options(args)
    settings = RunSettings(args.device, args.seeds, args.compile, args.threads, args.only, args.extend_from)
    wait = args.wait or args.executor == "submitit-local"
    done = run_suite_on_cluster(suite, args.results, options, settings, wait, _log)
    if done.failed is None:
        print(f"{done.submitted} jobs submitted; follow them with `gan-bench status {args.suite} "
              f"--results {args.results}`, and rebuild the leaderboard with `gan-bench "
              f"leaderboard {suite.name} --results {args.results}` when they have ended")
        return 0
    if write_reports(done.results_dir, suite.published, suite.meta.headline_metrics).empty:
        raise GanBenchError(f"no runs recorded in {done.results_dir / 'runs.jsonl'}")
    print(f"leaderboard: {done.results_dir / 'leaderboard.md'}")
    if done.failed:
        print(f"gan-bench: {done.failed} of {done.submitted} jobs failed (above)", file=sys.stderr)
        return 1
    return 0


def cmd_evaluate(args) -> None:
    from gan_bench import lookup
    from gan_bench.config.suite import load_suite
    from gan_bench.reports.suite_reports import write_reports
    from gan_bench.runs.evaluations import evaluate_runs
    from gan_bench.runs.run_specs import expand_run_specs
    from gan_bench.runtime.seeding import resolve_device
    from gan_bench.storage.records import RUNS_FILE
    from gan_bench.storage.safe_paths import refuse_links_within
    from gan_bench.storage.writable_folder import require_writable_folder

    suite = load_suite(args.suite)
    if args.rescore and not args.metrics:  # not every evaluation metric again by accident (FID: hours)
        raise GanBenchError("--rescore scores the metrics it is given again; name them with --metrics")
    metrics = args.metrics.split(",") if args.metrics else list(suite.meta.evaluation_metrics)
    if not metrics:
        raise GanBenchError(f"suite {suite.name!r} lists no evaluation_metrics; name some with --metrics")
    for name in metrics:
        lookup.get_metric(name)
        if name in suite.meta.metrics:
            raise GanBenchError(f"metric {name!r} is already scored at the end of every {suite.name} run")
    results_dir = args.results / suite.name
    if not (results_dir / RUNS_FILE).exists():
        raise GanBenchError(f"no runs recorded in {results_dir}; run the suite first")
    refuse_links_within(results_dir)
    require_writable_folder(results_dir, "results folder")  # now, not after the scoring
    device = resolve_device(args.device)
    set_threads(args.threads)
    evaluated = evaluate_runs(expand_run_specs(suite, only=args.only, compile=args.compile), results_dir,
                              device, metrics, log=_log, rescore=args.rescore)
    write_reports(results_dir, suite.published, suite.meta.headline_metrics)
    print(f"{evaluated} runs evaluated; leaderboard: {results_dir / 'leaderboard.md'}")


def cmd_status(args) -> None:
    from gan_bench.config.suite import load_suite
    from gan_bench.runs.run_specs import expand_run_specs
    from gan_bench.runs.status import suite_status
    from gan_bench.storage.records import jsonable

    suite = load_suite(args.suite, import_plugins=False)
    results_dir = args.results / suite.name
    table = suite_status(expand_run_specs(suite, only=args.only, compile=args.compile), results_dir)
    hours_left = table["hours_left"].sum(skipna=False)
    if args.json:
        print(json.dumps(jsonable({"results": str(results_dir), "hours_left": hours_left,
                                   "runs": table.to_dict("records")}), sort_keys=True))
        return
    print(f"{suite.name} in {results_dir}:\n")
    print(table.to_markdown(index=False, floatfmt=".3g"))
    print("\ntraining hours left, one run at a time: "
          + ("unknown (a model with no run started)" if math.isnan(hours_left) else f"{hours_left:.3g}"))


def add_commands(commands) -> None:
    run = suite_command(commands, "run", cmd_run, "run a benchmark suite (resumes by default)")
    run.add_argument("--seeds", type=at_least_one, default=None,
                     help="number of seeds (overrides the suite)")
    run.add_argument("--jobs", type=at_least_one, default=1,
                     help="runs in parallel worker processes (default 1); threads are shared out")
    run.add_argument("--extend-from", metavar="SUITE", default=None,
                     help="start each run from its checkpoint in RESULTS/SUITE, a suite that gave "
                          "it fewer steps and is otherwise the same")
    add_cluster_arguments(run, wait=True)
    run.add_argument("--tensorboard", type=Path, default=None, metavar="DIR",
                     help="write losses, D on real and generated data, curve metrics and samples to "
                          "TensorBoard, one subfolder per run id (pip install 'gan-bench[tensorboard]')")
    evaluate = suite_command(
        commands, "evaluate", cmd_evaluate,
        "score a suite's recorded runs on more metrics, from their final checkpoints")
    evaluate.add_argument("--metrics", default=None, metavar="NAME[,NAME...]",
                          help="metrics to score (default: the suite's evaluation_metrics)")
    evaluate.add_argument("--rescore", action="store_true",
                          help="score the --metrics again where a run already has them (after a "
                               "metric's code changed): the new evaluation is appended and "
                               "supersedes the older in the reports")
    status = suite_command(
        commands, "status", cmd_status, "where each run of a suite stands and the training hours "
        "left, from its records and checkpoints", computes=False)
    status.add_argument("--json", action="store_true", help="print one JSON object")
