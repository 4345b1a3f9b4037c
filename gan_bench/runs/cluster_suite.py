"""A suite's pending runs as cluster jobs (``--executor slurm`` or ``submitit-local``): submitted
one job per run (gan_bench.runs.cluster), and where the caller waits, followed to their end and
then evaluated."""

from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from gan_bench.config.suite import Suite
from gan_bench.runs.cluster import ClusterOptions, RunJob, require_executor, submit_runs, wait_for
from gan_bench.runs.evaluations import evaluate_runs
from gan_bench.runs.suite_runs import prepare_suite
from gan_bench.runtime.seeding import resolve_device
from gan_bench.runtime.stop_signals import stop_on_signals


@dataclass(frozen=True)
class SubmittedSuite:
    results_dir: Path
    submitted: int  # jobs submitted, one per pending run
    failed: int | None  # jobs that failed; None when not waited for


@dataclass(frozen=True)
class RunSettings:
    """How each run trains, as ``gan-bench run`` was told."""
    device: str
    seeds: int | None
    compile: bool
    threads: int | None
    only: str | None
    extend_from: str | None


def run_suite_on_cluster(suite: Suite, results_root: Path, options: ClusterOptions,
                         settings: RunSettings, wait: bool, log) -> SubmittedSuite:
    require_executor(options)  # before the results folder is made
    prepared = prepare_suite(suite, results_root, settings.seeds, log, settings.only,
                             settings.extend_from, settings.compile)
    results_dir = prepared.results_dir.resolve()
    run_jobs = [RunJob(suite.path.resolve(), spec.run_id, results_dir, settings.device, settings.seeds,
                       settings.compile, prepared.extend_from_dir, settings.threads)
                for spec in prepared.pending]
    submitted, failed = submit_jobs(run_jobs, results_dir, options, wait, log)
    if failed is None:
        return SubmittedSuite(results_dir, submitted, None)
    evaluate_runs(prepared.all_jobs, results_dir, resolve_device(settings.device),
                  suite.meta.evaluation_metrics, log)
    return SubmittedSuite(results_dir, submitted, failed)


def submit_jobs(run_jobs: list[RunJob], results_dir: Path, options: ClusterOptions, wait: bool,
                log) -> tuple[int, int | None]:
    """(jobs submitted, jobs failed: None when not waited for). Waiting, a stop signal reaches the
    jobs of submitit-local (wait_for); SLURM's run on."""
    local = options.executor == "submitit-local"
    with stop_on_signals() if local else nullcontext():
        jobs = submit_runs(run_jobs, results_dir, options, log) if run_jobs else []
        if not wait:
            return len(jobs), None
        return len(jobs), wait_for(jobs, log, [run_one.run_id for run_one in run_jobs], results_dir)
