"""``gan-bench compare SUITE A B``: is model A better than model B? Each metric's difference of
means, A - B, on each dataset both were scored on, with a 95% interval and a test, whose kind
depends on what the records hold:

- at least MIN_SEEDS runs a side: Welch's t interval over seeds (scipy.stats.ttest_ind,
  unequal variances) with its p-value, and the Mann-Whitney U p-value (scipy.stats.mannwhitneyu;
  with 3 runs a side it cannot go below 0.1);
- a published row with a standard error over its trials (PacGAN's tables): Welch's t interval
  from the summaries (scipy.stats.ttest_ind_from_stats; std = s.e. x sqrt(trials));
- fewer runs, for a metric whose runs record a standard error over their evaluation samples
  (``metric_glossary.STDERR_OF``): a normal interval from those errors, which leaves out the
  spread between seeds, and says so;
- else no interval, and the reason.

Only finished runs count, as on the leaderboard; ``include_stalled`` adds the stalled ones (whose
samples show the failure). Nothing is read but the records (runs.jsonl, evaluations.jsonl).
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from gan_bench.errors import GanBenchError
from gan_bench.reports.metric_glossary import STDERR_OF

MIN_SEEDS = 3
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Side:
    """One model's values of one metric on one dataset: the runs' values, or a published summary."""

    values: np.ndarray
    stderrs: np.ndarray | None = None  # each run's standard error over its evaluation samples
    published_std: float | None = None  # std over trials (s.e. x sqrt(trials)) of a published row

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    def shown(self) -> str:
        if self.published_std is not None:
            return f"{self.mean:.4g} ± {self.published_std:.2g} (published, {self.n} trials)"
        spread = f" ± {np.std(self.values, ddof=1):.2g}" if self.n > 1 else ""
        return f"{self.mean:.4g}{spread} ({self.n} run{'s' if self.n != 1 else ''})"


def welch_over_seeds(a: Side, b: Side) -> dict:
    with warnings.catch_warnings():  # scipy's warning on nearly equal values: the p-value says it
        warnings.simplefilter("ignore", RuntimeWarning)
        welch = stats.ttest_ind(a.values, b.values, equal_var=False)
    low, high = welch.confidence_interval(CONFIDENCE)
    u_test = stats.mannwhitneyu(a.values, b.values, alternative="two-sided")
    return {"low": low, "high": high, "interval": f"Welch t over seeds ({a.n} and {b.n})",
            "test": f"Welch p = {welch.pvalue:.2g}; Mann-Whitney p = {u_test.pvalue:.2g}"}


def welch_from_summaries(a: Side, b: Side) -> dict:
    """Welch's interval and test from means, stds and counts (a published side has no values)."""
    std_a = a.published_std if a.published_std is not None else float(np.std(a.values, ddof=1))
    std_b = b.published_std if b.published_std is not None else float(np.std(b.values, ddof=1))
    welch = stats.ttest_ind_from_stats(a.mean, std_a, a.n, b.mean, std_b, b.n, equal_var=False)
    var_a, var_b = std_a**2 / a.n, std_b**2 / b.n
    dof = (var_a + var_b) ** 2 / (var_a**2 / (a.n - 1) + var_b**2 / (b.n - 1))
    half = stats.t.ppf((1 + CONFIDENCE) / 2, dof) * math.sqrt(var_a + var_b)
    difference = a.mean - b.mean
    return {"low": difference - half, "high": difference + half,
            "interval": f"Welch t from summaries ({a.n} and {b.n}, published s.e.)",
            "test": f"Welch p = {welch.pvalue:.2g}"}


def normal_over_samples(a: Side, b: Side) -> dict:
    """A normal interval from each run's standard error over its evaluation samples."""
    stderr = math.sqrt(np.sum(a.stderrs**2) / a.n**2 + np.sum(b.stderrs**2) / b.n**2)
    difference = a.mean - b.mean
    half = stats.norm.ppf((1 + CONFIDENCE) / 2) * stderr
    p_value = 2 * stats.norm.sf(abs(difference) / stderr)
    return {"low": difference - half, "high": difference + half,
            "interval": (f"normal over evaluation samples (runs' s.e.; {a.n} and {b.n} runs, the "
                         "spread between seeds not included)"),
            "test": f"z p = {p_value:.2g}"}


def difference_interval(a: Side, b: Side) -> dict:
    """The difference of means with the interval and test the two sides allow."""
    if a.published_std is not None or b.published_std is not None:
        found = welch_from_summaries(a, b)
    elif min(a.n, b.n) >= MIN_SEEDS and np.ptp(a.values) == np.ptp(b.values) == 0:
        found = {"low": math.nan, "high": math.nan, "test": "n/a",
                 "interval": f"none: every run of each side gives one value ({a.n} and {b.n} runs)"}
    elif min(a.n, b.n) >= MIN_SEEDS:
        found = welch_over_seeds(a, b)
    elif a.stderrs is not None and b.stderrs is not None:
        found = normal_over_samples(a, b)
    else:
        found = {"low": math.nan, "high": math.nan, "test": "n/a",
                 "interval": f"none: {a.n} and {b.n} runs (fewer than {MIN_SEEDS} a side), no s.e. "
                             "over evaluation samples recorded"}
    return {"difference": a.mean - b.mean, **found}


def model_side(runs: pd.DataFrame, published: pd.DataFrame, model: str, dataset: str,
               metric: str) -> Side | None:
    """``model``'s values of ``metric`` on ``dataset`` (its finite ones), or None if it has none."""
    row = (published[(published["model"] == model) & (published["dataset"] == dataset)]
           if not published.empty else published)
    if not row.empty:
        row = row.iloc[0]
        if pd.isna(row.get(f"{metric}_mean")):
            return None
        stderr, trials = row.get(f"{metric}_stderr"), row.get("trials")
        if pd.isna(stderr) or pd.isna(trials):
            return None  # a published value without an error bar cannot be compared
        return Side(np.full(int(trials), row[f"{metric}_mean"]), published_std=stderr * math.sqrt(trials))
    chosen = runs[(runs["model"] == model) & (runs["dataset"] == dataset)]
    if metric not in chosen:
        return None
    chosen = chosen[np.isfinite(chosen[metric].astype(float))]
    if chosen.empty:
        return None
    stderr_name = STDERR_OF.get(metric)
    stderrs = (chosen[stderr_name].to_numpy(float)
               if stderr_name in chosen and chosen[stderr_name].notna().all() else None)
    return Side(chosen[metric].to_numpy(float), stderrs)


def comparison_table(runs: pd.DataFrame, published: pd.DataFrame, model_a: str, model_b: str,
                     metrics: list[str]) -> pd.DataFrame:
    """One row per dataset x metric both models have: each side, A - B, its interval and test."""
    rows = []
    datasets = pd.concat([runs["dataset"], published.get("dataset", pd.Series(dtype=str))]).unique()
    for dataset in datasets:
        for metric in metrics:
            a, b = (model_side(runs, published, m, dataset, metric) for m in (model_a, model_b))
            if a is None or b is None:
                continue
            found = difference_interval(a, b)
            rows.append({"dataset": dataset, "metric": metric, model_a: a.shown(), model_b: b.shown(),
                         "A - B": f"{found['difference']:+.4g}",
                         "95% interval": ("n/a" if math.isnan(found["low"])
                                          else f"[{found['low']:+.4g}, {found['high']:+.4g}]"),
                         "test": found["test"], "interval kind": found["interval"]})
    return pd.DataFrame(rows)


def chosen_runs(runs: pd.DataFrame, include_stalled: bool) -> pd.DataFrame:
    statuses = ("finished", "stalled") if include_stalled else ("finished",)
    return runs[runs["status"].isin(statuses)]


def check_request(runs: pd.DataFrame, published: pd.DataFrame, models: tuple[str, str],
                  metrics: list[str], known_metrics: list[str], where: str) -> None:
    """One-line errors for a model with no counted runs nor published row, or an unknown metric."""
    known_models = list(dict.fromkeys([*runs["model"], *published.get("model", ())]))
    for model in models:
        if model not in known_models:
            raise GanBenchError(f"model {model!r} has no counted runs or published row in {where}; "
                                f"known: {', '.join(known_models)}")
    if models[0] == models[1]:
        raise GanBenchError(f"compare needs two different models, got {models[0]!r} twice")
    for metric in metrics:
        if metric not in known_metrics:
            raise GanBenchError(f"metric value {metric!r} is not recorded in {where}; known: "
                                f"{', '.join(known_metrics)}")
