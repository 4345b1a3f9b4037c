"""A search's recorded trials and their objective values, read from runs.jsonl (the source of truth)."""

import math

from gan_bench.errors import GanBenchError
from gan_bench.reports.metric_glossary import GLOSSARY, HIGHER, LOWER
from gan_bench.runs.evaluations import SCORED_STATUSES


def objective_sign(metric: str) -> int:
    """+1 where higher values of ``metric`` are better, -1 where lower ones are (the glossary's
    direction); a metric with neither cannot be an objective."""
    direction = GLOSSARY.get(metric, (None, ""))[0]
    if direction not in (HIGHER, LOWER):
        known = sorted(name for name, (way, _) in GLOSSARY.items() if way in (HIGHER, LOWER))
        raise GanBenchError(f"objective {metric!r} has no higher-or-lower-is-better direction in the "
                            f"glossary; one of: {', '.join(known)}")
    return 1 if direction == HIGHER else -1


def objective_value(record: dict, metric: str) -> float | None:
    """The run's value of ``metric``, or None for a run not scored (diverged) or without a finite one."""
    if record["status"] not in SCORED_STATUSES:
        return None
    value = record["metrics"].get(metric)
    if value is None or isinstance(value, str) or not math.isfinite(value):
        return None
    return float(value)


def search_runs(records: list[dict], model: str, dataset: str, sampler: str,
                reruns: bool = False) -> list[dict]:
    """The trials (or, with ``reruns``, the fresh-seed re-runs) of ``model`` on ``dataset`` by
    ``sampler``, in trial order (then seed)."""
    chosen = [r for r in records if (s := r["config"].get("search")) and s["model"] == model
              and s["sampler"] == sampler and r["config"]["dataset"] == dataset
              and s.get("rerun", False) == reruns]
    return sorted(chosen, key=lambda r: (r["config"]["search"]["trial"], r["config"]["seed"]))


def first_trials(records: list[dict], model: str, dataset: str, sampler: str, count: int) -> list[dict]:
    """Trials 0..count-1 as far as they are recorded."""
    return [r for r in search_runs(records, model, dataset, sampler)
            if r["config"]["search"]["trial"] < count]


def best_trial(trials: list[dict], metric: str) -> dict | None:
    """The trial with the best value of ``metric`` (the earliest of ties), or None if none has one."""
    sign = objective_sign(metric)
    scored = [r for r in trials if objective_value(r, metric) is not None]
    if not scored:
        return None
    return max(scored, key=lambda r: (sign * objective_value(r, metric), -r["config"]["search"]["trial"]))
