"""``gan-bench search``: its options and what it runs (gan_bench.search.search_loop), then the
report on the expected best score against the budget (gan_bench.search.budget_report)."""

import sys
from pathlib import Path

from gan_bench.cli.arguments import add_cluster_arguments, cluster_options, set_threads, suite_command
from gan_bench.cli.validators import at_least_one, at_least_zero
from gan_bench.errors import GanBenchError
from gan_bench.search.trial_params import SAMPLERS

MAX_TRIALS = 10_000  # per model and dataset: trial seeds 0..N-1 stay below trial_specs.RERUN_FIRST_SEED


def trial_count(text: str) -> int:
    import argparse

    count = at_least_one(text)
    if count > MAX_TRIALS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_TRIALS}, got {count}")
    return count


def add_commands(commands) -> None:
    """``gan-bench search SUITE --trials N ...``, with the suite, --results, --only, --device and
    --threads options of ``run``."""
    search = suite_command(commands, "search", cmd_search,
                           "random (or TPE) search over a suite's search spaces; the expected best "
                           "score against the number of trials (docs/search.md)")
    search.add_argument("--trials", type=trial_count, required=True,
                        help="trials per model and dataset; a larger N adds trials to a search")
    search.add_argument("--sampler", choices=SAMPLERS, default="random",
                        help="random: Optuna's RandomSampler, the protocol's (default); tpe: Optuna's "
                             "TPESampler, each trial after the ones before it")
    search.add_argument("--objective", default="modes_captured", metavar="METRIC",
                        help="the metric value a trial is judged by (default modes_captured)")
    search.add_argument("--rerun-seeds", type=at_least_zero, default=3,
                        help="fresh seeds each model's best configuration is re-run on (default 3)")
    search.add_argument("--jobs", type=at_least_one, default=1,
                        help="runs in parallel worker processes (default 1; --executor local)")
    add_cluster_arguments(search, wait=False)  # a search waits for its jobs: later rounds need them


def cmd_search(args) -> None:
    from tqdm import tqdm

    from gan_bench.config.suite import load_suite
    from gan_bench.reports.leaderboard import write_leaderboard
    from gan_bench.runtime.seeding import resolve_device
    from gan_bench.search.budget_report import write_budget_report
    from gan_bench.search.search_loop import SearchOptions, run_search
    from gan_bench.search.trial_scores import objective_sign

    if args.compile:
        raise GanBenchError("--compile is not supported by search")
    set_threads(args.threads)
    suite = load_suite(args.suite)
    objective_sign(args.objective)

    def log(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    cluster = None
    if args.executor != "local":
        from gan_bench.runs.cluster import require_executor

        if args.jobs != 1:
            raise GanBenchError(f"--jobs works with --executor local; {args.executor} runs its jobs "
                                f"side by side (--array-parallelism)")
        cluster = cluster_options(args)
        require_executor(cluster)  # before the results folder is made
    options = SearchOptions(args.trials, args.sampler, args.objective, args.rerun_seeds, args.jobs,
                            args.only, cluster, args.device, args.threads)
    results_dir = run_search(suite, Path(args.results), resolve_device(args.device), options, log)
    write_leaderboard(results_dir, (), suite.meta.headline_metrics)  # every trial, in leaderboard-full.md
    print(f"report: {write_budget_report(results_dir, options)}")
