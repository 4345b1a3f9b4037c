"""Metrics scored after training from a finished run's final checkpoint: results/SUITE/evaluations.jsonl.

A suite's ``evaluation_metrics`` are not part of a run's training configuration, so adding one to
a suite whose runs are already recorded scores those runs from their final checkpoints instead of
retraining them. The samples are the run's own evaluation samples drawn again
(:meth:`RunSpec.eval_samples`), so an evaluation scores exactly the samples the run's recorded metrics
scored. Each (run, metric) is one line of evaluations.jsonl carrying its own provenance (command,
commit, hardware, libraries, seconds); the leaderboard merges them into the run's row. A metric
scored again (``gan-bench evaluate --rescore``, after its code changed) adds a line numbered by
``rescoring``; the older lines stay, and reports read the newest.

A run whose final checkpoint is gone (checkpoints are not committed) is scored from the samples
file it saved, where that file holds its whole evaluation set (a mixture run's points; an image
run keeps only a grid's worth) and matches the SHA-256 in its record, for the metrics that read
samples only; the record names the file (``samples_from``).
"""

import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import torch

from gan_bench import lookup
from gan_bench.errors import GanBenchError
from gan_bench.metrics.metric_values import checked_metric_values
from gan_bench.runs.run_specs import RunSpec
from gan_bench.runtime.provenance import how_made
from gan_bench.runtime.seeding import seed_everything
from gan_bench.storage.checkpoint_compatibility import read_checkpoint
from gan_bench.storage.records import EVALUATION_KEY, EVALUATIONS_FILE, append_record, read_records
from gan_bench.storage.samples_io import read_run_samples, run_samples_path, save_samples

# runs whose final checkpoint holds a model worth scoring: a stalled run's samples show its failure
SCORED_STATUSES = ("finished", "stalled")


def score(dataset, samples: torch.Tensor, metric_names: Iterable[str], model=None,
          taken: dict[str, str] | None = None) -> dict[str, float]:
    """Every named metric of ``samples`` (and of ``model``, for the metrics that read it),
    merged into one flat dict of numbers, each metric's values checked (gan_bench.metrics.metric_values);
    ``taken`` maps the names the record already holds to the metrics that gave them."""
    metrics, owners = {}, dict(taken or {})
    for name in metric_names:
        function = lookup.get_metric(name)
        if not lookup.needs_model(name):
            values = function(dataset, samples)
        elif model is None:
            raise GanBenchError(f"metric {name!r} reads the model, not only samples: score it "
                                f"during training or with gan-bench evaluate")
        else:
            values = function(dataset, samples, model)
        values = checked_metric_values(name, function, values, owners)
        owners.update(dict.fromkeys(values, name))
        metrics.update(values)
    return metrics


def pending_evaluations(jobs: list[RunSpec], results_dir: Path, metric_names: Iterable[str],
                        rescore: bool = False) -> list[tuple[RunSpec, list[str]]]:
    """(job, metrics still to score) for each recorded, scored (finished or stalled) run that
    lacks some of them; with ``rescore``, every one of them (a metric whose code changed): the
    new evaluation is appended, and supersedes the older in every report."""
    scored = {r["run_id"] for r in read_records(results_dir) if r["status"] in SCORED_STATUSES}
    done = set() if rescore else {(r["run_id"], r["metric"])
                                  for r in read_records(results_dir, EVALUATIONS_FILE)}
    pending = []
    for job in jobs:
        missing = [m for m in metric_names if (job.run_id, m) not in done]
        if job.run_id in scored and missing:
            pending.append((job, missing))
    return pending


def load_final_model(job: RunSpec, results_dir: Path, device: torch.device):
    """(dataset, model with the final checkpoint's weights, checkpoint state) of a recorded run;
    an error names a missing checkpoint, or one of a run that neither finished nor stalled."""
    path = job.checkpoint_path(results_dir)
    if not path.exists():
        raise GanBenchError(f"{job.run_id}: evaluating after training needs the final checkpoint "
                            f"{path}, which is missing; rerun the run in a fresh results folder")
    seed_everything(job.seed)
    dataset, model = job.build(device)
    state = read_checkpoint(path, job.config())
    if state["status"] not in SCORED_STATUSES:
        raise GanBenchError(f"{job.run_id}: checkpoint {path} is {state['status']!r}, not one of "
                            f"{', '.join(SCORED_STATUSES)}")
    model.load_checkpoint_state(state["model"])
    return dataset, model, state


def evaluate_run(job: RunSpec, results_dir: Path, device: torch.device, metric_names: list[str],
                 log: Callable[[str], None] = print) -> None:
    """Score ``metric_names`` on the run's evaluation samples, appending one record per metric
    as soon as it is scored (an interrupted evaluation keeps the metrics already done). A run
    whose samples file is missing (recorded by code that did not save it) gets it written. A
    metric the run already has is scored again (``--rescore``): its record is numbered
    (``rescoring``: 1 for the first scoring again), and it supersedes the older ones."""
    samples_file = run_samples_path(results_dir, job.run_id)
    saved = saved_evaluation_samples(job, results_dir, metric_names)
    if saved is not None:
        dataset, model = lookup.get_dataset(job.dataset.name)(job.dataset_options()), None
        samples, source = saved.to(device), {"samples_from": str(samples_file)}
    else:
        dataset, model, _ = load_final_model(job, results_dir, device)
        samples, source = job.eval_samples(model, dataset.shape), {}
        if not samples_file.exists():
            save_samples(samples_file, samples)
    provenance = {"n_samples": samples.shape[0], **source, **how_made(job.config(), device)}
    taken = metric_owners(results_dir, job.run_id)
    earlier = Counter(r["metric"] for r in read_records(results_dir, EVALUATIONS_FILE)
                      if r["run_id"] == job.run_id)
    for name in metric_names:
        started = time.perf_counter()
        metrics = score(dataset, samples, [name], model, taken)
        taken.update(dict.fromkeys(metrics, name))
        seconds = time.perf_counter() - started
        append_record(results_dir, {
            "run_id": job.run_id, "metric": name, "metrics": metrics, "eval_seconds": seconds,
            **({"rescoring": earlier[name]} if earlier[name] else {}),
            **provenance, "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }, EVALUATIONS_FILE, EVALUATION_KEY)
        log(f"{job.run_id}: {name} in {seconds:.1f} s " + " ".join(
            f"{k}={v:.4g}" for k, v in metrics.items()))


def saved_evaluation_samples(job: RunSpec, results_dir: Path, metric_names: list[str]) -> torch.Tensor | None:
    """The run's saved samples when its final checkpoint is missing, they are its whole
    evaluation set and no metric asked for reads the model; else None (the checkpoint is used, or
    its absence reported)."""
    if job.checkpoint_path(results_dir).exists() or any(map(lookup.needs_model, metric_names)):
        return None
    (record,) = [r for r in read_records(results_dir) if r["run_id"] == job.run_id]
    saved = read_run_samples(results_dir, record)
    if saved is None or saved.shape[0] != job.train.eval_samples or saved.dtype.kind != "f":
        return None
    return torch.from_numpy(saved)


def metric_owners(results_dir: Path, run_id: str) -> dict[str, str]:
    """Each metric value name a run's records hold, mapped to the metric that gave it: the
    evaluations' metrics by name; the run's own record's as "scored in training"."""
    (record,) = [r for r in read_records(results_dir) if r["run_id"] == run_id]
    owners = dict.fromkeys(record["metrics"], "scored in training")
    for evaluation in read_records(results_dir, EVALUATIONS_FILE):
        if evaluation["run_id"] == run_id:
            owners.update(dict.fromkeys(evaluation["metrics"], evaluation["metric"]))
    return owners


def evaluate_runs(jobs: list[RunSpec], results_dir: Path, device: torch.device,
                  metric_names: Iterable[str], log: Callable[[str], None] = print,
                  rescore: bool = False) -> int:
    """Score every recorded, finished run among ``jobs`` on the metrics it still lacks (with
    ``rescore``, on all of them again); returns how many runs were evaluated."""
    pending = pending_evaluations(jobs, results_dir, list(metric_names), rescore)
    for job, missing in pending:
        evaluate_run(job, results_dir, device, missing, log)
    return len(pending)


def runs_with_evaluations(results_dir: Path) -> list[dict]:
    """The run records, each one's metrics extended by those its evaluations scored."""
    evaluated: dict[str, dict[str, float]] = {}
    for record in read_records(results_dir, EVALUATIONS_FILE):
        evaluated.setdefault(record["run_id"], {}).update(record["metrics"])
    return [record | {"metrics": record["metrics"] | evaluated.get(record["run_id"], {})}
            for record in read_records(results_dir)]
