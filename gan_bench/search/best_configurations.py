"""The leaderboard of a searched suite: per model and dataset its best trial's configuration, the
trials behind it, and its scores re-run on fresh seeds (mean ± std over them)."""

import numpy as np
import pandas as pd

from gan_bench.reports.leaderboard_cells import measured_cell, number
from gan_bench.search.trial_scores import best_trial, first_trials, objective_value, search_runs


def _mean_std(values: list[float]) -> str:
    """As the leaderboard writes a mean over seeds: mean ± std [95% interval] from 3 values."""
    if not values:
        return "n/a"
    std = np.std(values, ddof=1) if len(values) > 1 else float("nan")
    return measured_cell(float(np.mean(values)), std, len(values), len(values))


def best_configurations_table(records: list[dict], pairs: list[tuple[str, str]], sampler: str,
                              trials: int, objective: str, metrics: list[str]) -> pd.DataFrame:
    """One row per (model, dataset) of ``pairs``: trials recorded of ``trials``, the best one (by
    ``objective``) and its options, its ``objective``, and each of ``metrics`` over its re-runs."""
    rows = []
    for model, dataset in pairs:
        tried = first_trials(records, model, dataset, sampler, trials)
        best = best_trial(tried, objective)
        row = {"dataset": dataset, "model": model, "trials": f"{len(tried)} of {trials}"}
        if best is None:
            rows.append(row | {"best trial": "none scored"})
            continue
        search = best["config"]["search"]
        reruns = [r for r in search_runs(records, model, dataset, sampler, reruns=True)
                  if r["config"]["search"]["trial"] == search["trial"]]
        row |= {"best trial": f"{search['trial']} (seed {best['config']['seed']})",
                "its options": ", ".join(f"{k}={number(v)}" if isinstance(v, float) else f"{k}={v}"
                                         for k, v in sorted(search["params"].items())),
                f"its {objective}": number(objective_value(best, objective)),
                "fresh seeds": len(reruns)}
        for metric in metrics:
            values = [v for v in (objective_value(r, metric) for r in reruns) if v is not None]
            row[f"{metric} re-run"] = _mean_std(values)
        rows.append(row)
    return pd.DataFrame(rows)
