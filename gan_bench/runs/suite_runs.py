"""Expand a suite into runs (model x dataset x seed), run the unfinished ones, record each.

A run's record is appended only when it is complete; a run interrupted part-way resumes from its
last checkpoint on the next invocation; finished runs are skipped. With ``extend_from`` a run
with no checkpoint of its own starts from the same run's checkpoint in another suite that gave it
a smaller step budget (gan_bench.storage.checkpoint_compatibility.read_shorter_run). A diverged
run is recorded as such and the suite carries on; so is a stalled one (gan_bench.runs.stall),
which is scored as well: its numbers show the failure.
"""

import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import torch
from tqdm import tqdm

from gan_bench import lookup
from gan_bench.config.suite import Suite
from gan_bench.errors import GanBenchError
from gan_bench.metrics.collapse import collapsed_at_step
from gan_bench.runs.claims import RunTakenElsewhere, claim_run
from gan_bench.runs.evaluations import SCORED_STATUSES, evaluate_runs, score
from gan_bench.runs.run_specs import CHECKPOINTS_DIR, RunSpec, expand_run_specs
from gan_bench.runs.tensorboard_monitor import TensorboardMonitor
from gan_bench.runs.trainer import Trainer
from gan_bench.runtime.provenance import how_made
from gan_bench.runtime.seeding import forked_rng, seed_everything
from gan_bench.runtime.stop_signals import (
    Stopped,
    handle_in_worker,
    raise_if_requested,
    requested,
    stop_on_signals,
)
from gan_bench.storage.atomic_files import remove_orphan_temporaries
from gan_bench.storage.checkpoint_compatibility import ConfigDriftError, config_differences
from gan_bench.storage.records import append_record, read_records
from gan_bench.storage.safe_paths import refuse_links_within
from gan_bench.storage.samples_io import run_samples_path, save_samples
from gan_bench.storage.writable_folder import require_writable_folder


def learning_curve_hook(job: RunSpec, dataset, device: torch.device):
    """A Trainer hook scoring ``curve_metrics`` every ``curve_every_steps`` steps, or None.

    It draws its samples, and scores them, under a forked RNG so that training follows the same
    trajectory with or without a learning curve.
    """
    train, names = job.train, job.suite.meta.curve_metrics
    if not train.curve_every_steps or not names:
        return None

    def hook(model, step: int) -> dict[str, float]:
        if step % train.curve_every_steps:
            return {}
        with forked_rng(device, job.seed + step):
            samples = model.sample(train.curve_samples)
            return score(dataset, samples, names, model)  # the game metric draws noise too

    return hook


# a worker process's own line for its runs' progress bars, below the suite's bar (see _worker_init)
_progress_line: int | None = None


def worker_device(device: torch.device, worker_index: int | None) -> torch.device:
    """The device a run trains on: in worker ``k`` (from 0) of a ``--jobs`` pool on CUDA, GPU
    k mod (the number of GPUs), so the workers share out the machine's GPUs; else ``device``."""
    if worker_index is None or device.type != "cuda" or device.index is not None:
        return device
    return torch.device("cuda", worker_index % torch.cuda.device_count())


def run_one(job: RunSpec, results_dir: Path, device: torch.device,
            extend_from_dir: Path | None = None, tensorboard_dir: Path | None = None) -> dict:
    """Train, score and record ``job`` under its claim (gan_bench.runs.claims); returns the record.
    Raises Stopped at a stop signal (gan_bench.runtime.stop_signals) and RunTakenElsewhere when another
    process has the run."""
    raise_if_requested()
    with claim_run(results_dir, job.run_id):
        record = _train_and_score(job, results_dir, device, extend_from_dir, tensorboard_dir)
        append_record(results_dir, record)
    return record


def _train_and_score(job: RunSpec, results_dir: Path, device: torch.device,
                     extend_from_dir: Path | None, tensorboard_dir: Path | None = None) -> dict:
    lookup.import_plugins(job.suite.meta.plugins, str(job.suite.path))  # in a --jobs worker too
    device = worker_device(device, None if _progress_line is None else _progress_line - 1)
    if device.type == "cuda":
        torch.cuda.set_device(device)
    config = job.config()
    seed_everything(job.seed)
    dataset, model = job.build(device)
    monitor = None if tensorboard_dir is None else TensorboardMonitor(
        tensorboard_dir, job.run_id, job.seed, job.train.steps, job.train.checkpoint_every_steps, device)
    trainer = Trainer(model, dataset, job.train, job.seed, device,
                      job.checkpoint_path(results_dir), config,
                      description=job.run_id, progress_line=_progress_line,
                      eval_hook=learning_curve_hook(job, dataset, device), monitor=monitor,
                      extend_from=job.checkpoint_path(extend_from_dir) if extend_from_dir else None)
    try:
        result = trainer.fit()
    finally:
        if monitor is not None:
            monitor.close()
    metrics: dict[str, float] = {}
    samples_sha256 = None
    if result.status in SCORED_STATUSES:
        samples = job.eval_samples(model, dataset.shape)
        try:
            metrics = score(dataset, samples, job.suite.meta.metrics, model)
        except GanBenchError as error:  # a metric's bad value: nothing recorded, nothing lost
            raise GanBenchError(f"{job.run_id} failed, not recorded: {error}; its final checkpoint "
                                f"is kept, and a rerun scores it again without training") from None
        samples_sha256 = save_samples(run_samples_path(results_dir, job.run_id), samples)
    return {
        "run_id": job.run_id,
        "kind": "reference" if model.is_reference else "model",
        "status": result.status,
        "diverged_at_step": result.diverged_at_step,
        "stalled_at_step": result.stalled_at_step,
        "collapsed_at_step": collapsed_at_step(result.history),
        "steps": result.steps_done,
        "extended_from": result.extended_from,
        "invocations": result.invocations,
        "train_seconds": result.train_seconds,
        "metrics": metrics,
        "samples_sha256": samples_sha256,
        "curve_metrics": list(job.suite.meta.curve_metrics),  # drift-neutral: RNG is forked
        "timing": result.timing,
        "history": result.history,
        **how_made(config, device),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _worker_init(threads: int, workers_started) -> None:
    """A worker process: bounded torch threads, its own progress-bar line (1, 2, ... in the order
    the workers start; ``workers_started`` is a shared counter; the line less one is the worker's
    index, which picks its GPU, see worker_device), a stop signal stops its run at the next step
    (gan_bench.runtime.stop_signals), and it dies with its parent (no orphans left training after the
    parent is killed)."""
    global _progress_line
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    handle_in_worker()
    torch.set_num_threads(threads)
    with workers_started.get_lock():
        workers_started.value += 1
        _progress_line = workers_started.value


@dataclass
class PreparedSuite:
    """A suite's results folder made ready, and its runs: all of them and those still to train."""

    results_dir: Path
    all_jobs: list[RunSpec]
    pending: list[RunSpec]
    extend_from_dir: Path | None


def prepare_suite(suite: Suite, results_root: Path, seeds: int | None = None, log=print,
                  only: str | None = None, extend_from: str | None = None,
                  compile: bool = False) -> PreparedSuite:
    """The results folder checked writable, free of links (gan_bench.storage.safe_paths) and cleared of
    orphan temporaries; the recorded runs
    checked against their config; the runs still to train (with ``extend_from``, each with a
    checkpoint to start from)."""
    results_dir = Path(results_root) / suite.name
    ready_results_folder(results_dir, log)
    all_jobs = expand_run_specs(suite, seeds, only, compile)
    pending = pending_runs(results_dir, all_jobs, log)
    extend_from_dir = Path(results_root) / extend_from if extend_from else None
    if extend_from_dir is not None:
        _check_extension(results_dir, extend_from_dir, pending)
    return PreparedSuite(results_dir, all_jobs, pending, extend_from_dir)


def ready_results_folder(results_dir: Path, log=print) -> None:
    """``results_dir`` checked writable and free of links (gan_bench.storage.safe_paths), cleared of
    orphan temporaries."""
    require_writable_folder(results_dir, "results folder")
    refuse_links_within(results_dir)
    for orphan in remove_orphan_temporaries(results_dir):
        log(f"removed {orphan}, left by an interrupted write")


def pending_runs(results_dir: Path, specs: list[RunSpec], log=print) -> list[RunSpec]:
    """The run ``specs`` not yet recorded in ``results_dir``; a recorded one whose config differs
    from its spec's is a ConfigDriftError."""
    done = {r["run_id"]: r for r in read_records(results_dir)}
    pending = []
    for job in specs:
        previous = done.get(job.run_id)
        if previous is None:
            pending.append(job)
            continue
        diffs = config_differences(previous["config"], job.config())
        if diffs:
            raise ConfigDriftError(f"{results_dir}: recorded run {job.run_id} has a different "
                                   f"config ({'; '.join(diffs)}); use another --results folder")
        log(f"{job.run_id}: already recorded, skipped")
    return pending


def run_suite(suite: Suite, results_root: Path, device: torch.device, seeds: int | None = None,
              log=print, jobs: int = 1, only: str | None = None,
              extend_from: str | None = None, compile: bool = False,
              tensorboard_dir: Path | None = None) -> Path:
    """Run every unfinished job of ``suite``, ``jobs`` at a time; returns the results folder.
    ``extend_from`` names the suite under ``results_root`` whose checkpoints the runs extend;
    with ``tensorboard_dir`` each run writes its live monitoring there (gan_bench.runs.tensorboard_monitor).

    With ``jobs > 1`` runs go to worker processes with ``torch.get_num_threads() // jobs`` threads
    each (at least 1). Each run is recorded as it finishes, by the process that trained it, under
    its claim. A stop signal stops the suite at the runs' next steps (Stopped).
    """
    prepared = prepare_suite(suite, results_root, seeds, log, only, extend_from, compile)
    results_dir, all_jobs, pending = prepared.results_dir, prepared.all_jobs, prepared.pending
    taken_elsewhere = train_runs(pending, len(all_jobs), suite.name, results_dir, device, log, jobs,
                                 prepared.extend_from_dir, tensorboard_dir)
    if taken_elsewhere:
        log(f"{len(taken_elsewhere)} runs left to other gan-bench processes; their records "
            f"join {results_dir / 'runs.jsonl'} when they finish")
    evaluate_runs(all_jobs, results_dir, device, suite.meta.evaluation_metrics, log)
    return results_dir


def train_runs(pending: list[RunSpec], total: int, description: str, results_dir: Path,
               device: torch.device, log=print, jobs: int = 1, extend_from_dir: Path | None = None,
               tensorboard_dir: Path | None = None) -> list[RunTakenElsewhere]:
    """Train and record ``pending``, ``jobs`` at a time, under a progress bar of ``total`` runs;
    returns the runs another process had. A stop signal stops them at their next steps (Stopped)."""
    progress = tqdm(total=total, initial=total - len(pending), desc=description, unit="run",
                    disable=None)
    taken_elsewhere, stopped = [], None
    args = (results_dir, device, extend_from_dir, tensorboard_dir)
    with stop_on_signals(), progress:
        outcomes = ((_outcome(run_one, job, *args) for job in pending) if jobs == 1
                    else _outcomes_in_workers(pending, jobs, *args))
        for outcome in outcomes:
            if isinstance(outcome, Stopped):
                stopped = stopped or outcome
            elif isinstance(outcome, RunTakenElsewhere):
                taken_elsewhere.append(outcome)
                log(str(outcome))
            else:
                progress.update(1)
                log(f"{outcome['run_id']}: {outcome['status']} after "
                    f"{outcome['train_seconds']:.1f} s of training {_brief(outcome['metrics'])}")
        raise_if_requested()
    if stopped is not None:
        raise stopped
    return taken_elsewhere


def _outcome(function, *args):
    """``function(*args)``, or the RunTakenElsewhere or Stopped it raised."""
    try:
        return function(*args)
    except (RunTakenElsewhere, Stopped) as outcome:
        return outcome


def _outcomes_in_workers(pending: list[RunSpec], jobs: int, *args):
    """The outcomes of ``pending`` run in ``jobs`` worker processes (threads shared out), as they
    come. After a stop signal or an error, the runs not yet started are cancelled; running ones
    stop at their next step (gan_bench.runtime.stop_signals) or run to their end."""
    threads = max(1, torch.get_num_threads() // jobs)
    context = multiprocessing.get_context("spawn")
    workers_started = context.Value("i", 0)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init,
                             initargs=(threads, workers_started)) as pool:
        futures = [pool.submit(_outcome, run_one, job, *args) for job in pending]
        for future in as_completed(futures):
            if future.cancelled():
                continue
            try:
                outcome = future.result()
            except BaseException:
                _cancel(futures)
                raise
            if isinstance(outcome, Stopped) or requested() is not None:
                _cancel(futures)
            yield outcome


def _cancel(futures) -> None:
    for future in futures:
        future.cancel()


def _check_extension(results_dir: Path, source_dir: Path, pending: list[RunSpec]) -> None:
    """Each pending run without a checkpoint of its own in ``results_dir`` has one in
    ``source_dir``, the results folder of the suite to extend, or an error names them."""
    if source_dir == results_dir:
        raise GanBenchError(f"--extend-from {source_dir.name}: a suite cannot extend its own runs")
    missing = [job.run_id for job in pending if not job.checkpoint_path(results_dir).exists()
               and not job.checkpoint_path(source_dir).exists()]
    if missing:
        raise GanBenchError(f"--extend-from {source_dir.name}: no checkpoint in "
                            f"{source_dir / CHECKPOINTS_DIR} for {', '.join(missing)}")


def _brief(metrics: dict) -> str:
    return " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                    for k, v in metrics.items())
