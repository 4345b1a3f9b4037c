"""``gan-bench search``: train a suite's trials, then re-run each model's best trial on fresh seeds.

Every (model with a ``search`` space) x dataset is searched on its own. With the random sampler all
N trials are planned at once and run ``--jobs`` at a time; with TPE each (model, dataset) plans its
next trial once the ones before it are recorded (gan_bench.search.trial_params), so rounds of at
most one trial per (model, dataset) run until N are recorded. Runs are claimed, recorded and
resumed like those of ``gan-bench run`` (gan_bench.runs.suite_runs): an interrupted search run again trains
only what is not recorded, and resumes a trial part-way from its checkpoint.
With ``--executor slurm`` (or ``submitit-local``) each run is a cluster job handed its spec
(gan_bench.runs.cluster.RunJob), waited for before the next round.
"""

from dataclasses import dataclass
from pathlib import Path

import torch

from gan_bench import lookup
from gan_bench.config.only_filter import keep_matching
from gan_bench.config.search_space import parse_search_space
from gan_bench.config.suite import DatasetEntry, ModelEntry, Suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.cluster import ClusterOptions, RunJob
from gan_bench.runs.cluster_suite import submit_jobs
from gan_bench.runs.suite_runs import pending_runs, ready_results_folder, train_runs
from gan_bench.search.trial_params import sample_trial, trial_seed
from gan_bench.search.trial_scores import (
    best_trial,
    first_trials,
    objective_sign,
    objective_value,
    search_runs,
)
from gan_bench.search.trial_specs import TrialSpec, rerun_specs, trial_spec
from gan_bench.storage.records import read_records


@dataclass(frozen=True)
class SearchOptions:
    trials: int
    sampler: str = "random"
    objective: str = "modes_captured"
    rerun_seeds: int = 3
    jobs: int = 1
    only: str | None = None  # the runs whose run id matches this regular expression
    cluster: ClusterOptions | None = None  # None: this process and its --jobs workers
    job_device: str = "auto"  # a cluster job's --device, resolved on its node
    job_threads: int | None = None  # a cluster job's --threads


def searched_pairs(suite: Suite) -> list[tuple[ModelEntry, DatasetEntry]]:
    """Each (model with a search space, dataset), or a one-line error if no model has one."""
    pairs = [(m, d) for d in suite.datasets for m in suite.models if m.search]
    if not pairs:
        raise GanBenchError(f"{suite.path}: no model declares a search space (search = {{ ... }})")
    return pairs


def planned_trials(suite: Suite, model: ModelEntry, dataset: DatasetEntry, options: SearchOptions,
                   records: list[dict]) -> list[TrialSpec]:
    """Trials 0..N-1 of ``model`` on ``dataset``; with TPE only up to the first not yet recorded."""
    space = parse_search_space(model.search, lookup.get_model(model.model).Options, model.options,
                               f"model {model.name!r}")
    recorded = {r["config"]["search"]["trial"]: r
                for r in search_runs(records, model.name, dataset.name, options.sampler)}
    sign = objective_sign(options.objective)
    jobs, earlier = [], []
    for trial in range(options.trials):
        seed = trial_seed(suite.name, model.name, dataset.name, trial)
        params = sample_trial(space, options.sampler, seed, earlier)
        jobs.append(trial_spec(suite, model, dataset, options.sampler, trial, params))
        if options.sampler == "tpe":
            if trial not in recorded:
                break
            value = objective_value(recorded[trial], options.objective)
            earlier.append((recorded[trial]["config"]["search"]["params"],
                            None if value is None else sign * value))
    return jobs


def run_search(suite: Suite, results_root: Path, device: torch.device, options: SearchOptions,
               log=print) -> Path:
    """Train the suite's trials, then the best trial's re-runs; returns the results folder."""
    results_dir = Path(results_root) / suite.name
    ready_results_folder(results_dir, log)
    pairs = searched_pairs(suite)
    objective_sign(options.objective)  # a bad objective fails before any training

    def quiet(_message: str) -> None:
        pass

    last_pending = None
    while True:  # one round with random; with TPE, one trial per (model, dataset) a round
        records = read_records(results_dir)
        # trial 0 of every (model, dataset), then trial 1, ...: a search stopped part-way has
        # about as many trials of each
        planned = sorted((job for model, dataset in pairs
                          for job in planned_trials(suite, model, dataset, options, records)),
                         key=lambda job: job.search["trial"])
        planned = keep_matching(planned, lambda job: job.run_id, options.only)
        pending = pending_runs(results_dir, planned, quiet)
        log(f"{suite.name}: {len(planned) - len(pending)} trials recorded, {len(pending)} to train")
        if not pending:
            break
        if [job.run_id for job in pending] == last_pending:  # the last round recorded none of them
            raise GanBenchError("every pending trial is being trained by another gan-bench process; "
                                "run the command again when it has finished")
        last_pending = [job.run_id for job in pending]
        _train(pending, len(planned), f"{suite.name} search", results_dir, device, options, log)
    records = read_records(results_dir)
    reruns = []
    for model, dataset in pairs:
        best = best_trial(first_trials(records, model.name, dataset.name, options.sampler, options.trials),
                          options.objective)
        if best is not None:
            trial = best["config"]["search"]["trial"]
            reruns += rerun_specs(trial_spec(suite, model, dataset, options.sampler, trial,
                                           best["config"]["search"]["params"]), options.rerun_seeds)
    chosen = keep_matching(reruns, lambda job: job.run_id, options.only) if reruns else []
    pending = pending_runs(results_dir, chosen, quiet)
    log(f"{suite.name}: {len(chosen) - len(pending)} fresh-seed re-runs recorded, {len(pending)} to train")
    _train(pending, len(chosen), f"{suite.name} re-runs", results_dir, device, options, log)
    return results_dir


def _train(pending: list[TrialSpec], total: int, description: str, results_dir: Path,
           device: torch.device, options: SearchOptions, log) -> None:
    """Train ``pending`` here (``--jobs`` workers) or as cluster jobs, waiting for them: the next
    round and the re-runs depend on their records."""
    if options.cluster is None:
        train_runs(pending, total, description, results_dir, device, log, options.jobs)
        return
    folder = results_dir.resolve()
    run_jobs = [RunJob(spec.suite.path.resolve(), spec.run_id, folder, options.job_device, None, False,
                       None, options.job_threads, spec=spec) for spec in pending]
    log(f"{description}: {len(run_jobs)} runs as {options.cluster.executor} jobs")
    _, failed = submit_jobs(run_jobs, folder, options.cluster, wait=True, log=log)
    if failed:
        raise GanBenchError(f"{failed} of {len(run_jobs)} {description} jobs failed (above); run the "
                            f"search again to retry them")
