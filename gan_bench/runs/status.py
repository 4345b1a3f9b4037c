"""Where each run of a suite stands and how much training is left, read from the records and the
checkpoints without running anything (``gan-bench status``).

A run is in one of four kinds of state: *recorded* (its line in runs.jsonl says finished, stalled or
diverged), *in progress* (a checkpoint part-way through its budget: training now, or interrupted
and waiting for the same ``gan-bench run`` to resume it), *finished, stalled or diverged, not
recorded* (a checkpoint of a run that ended, killed before its record was written: the next
``gan-bench run`` writes it), or *not started*.
A run's pace is its seconds of training per step so far; a run not started is given the median
pace of the suite's runs of the same model that have one. Hours left are training hours of one
run on its own: runs in parallel (``--jobs``) share them out. Runs submitted through submitit
(``--executor``) also show their job id and scheduler state (gan_bench.runs.cluster).
"""

from pathlib import Path

import pandas as pd

from gan_bench.runs.cluster import submitted_jobs
from gan_bench.runs.run_specs import RunSpec
from gan_bench.storage.checkpoint_compatibility import read_checkpoint
from gan_bench.storage.records import read_records

COLUMNS = ["run_id", "state", "step", "steps", "done_pct", "train_hours", "hours_left"]


def _row(job: RunSpec, record: dict | None, results_dir: Path) -> dict:
    steps = job.train.steps
    ended = True  # no more training to come
    if record is not None:
        state, step, seconds = f"recorded: {record['status']}", record["steps"], record["train_seconds"]
    elif job.checkpoint_path(results_dir).exists():
        checkpoint = read_checkpoint(job.checkpoint_path(results_dir), job.config())
        step, seconds = checkpoint["step"], checkpoint["train_seconds"]
        ended = checkpoint["status"] != "running"
        state = f"{checkpoint['status']}, not recorded" if ended else "in progress"
    else:
        state, step, seconds, ended = "not started", 0, 0.0, False
    return {"run_id": job.run_id, "model": job.model.name, "state": state, "step": step,
            "steps": steps, "done_pct": 100.0 * step / steps, "train_hours": seconds / 3600,
            "seconds_per_step": seconds / step if step else float("nan"),
            "steps_left": 0 if ended else steps - step}


def suite_status(jobs: list[RunSpec], results_dir: Path) -> pd.DataFrame:
    """One row per job (COLUMNS): its state, step of its budget, training hours so far and the
    training hours left at its pace (see the module)."""
    records = {r["run_id"]: r for r in read_records(results_dir)}
    table = pd.DataFrame([_row(job, records.get(job.run_id), results_dir) for job in jobs])
    model_pace = table.groupby("model")["seconds_per_step"].transform("median")
    pace = table["seconds_per_step"].fillna(model_pace)
    table["hours_left"] = table["steps_left"] * pace / 3600
    table.loc[table["steps_left"] == 0, "hours_left"] = 0.0
    submitted = submitted_jobs(results_dir)
    if not submitted:
        return table[COLUMNS]
    table["job_id"] = [submitted.get(run_id, {}).get("job_id", "") for run_id in table["run_id"]]
    table["job_state"] = [submitted.get(run_id, {}).get("job_state", "") for run_id in table["run_id"]]
    return table[COLUMNS + ["job_id", "job_state"]]
