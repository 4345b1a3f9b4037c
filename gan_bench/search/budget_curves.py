"""Each searched model's expected best objective against the budget, with its bootstrap band, and
equal-budget differences between two models with their intervals (gan_bench.search.expected_max)."""

from dataclasses import dataclass

import numpy as np

from gan_bench.search.expected_max import band, bootstrap_curves, expected_max_curve
from gan_bench.search.trial_scores import objective_sign, objective_value

BOOTSTRAP_SEED = 0  # the band's resamples: the same report from the same records
TABLE_BUDGETS = (1, 5, 10, 20)


@dataclass(frozen=True)
class BudgetCurve:
    """E[best of n trials] for n = 1..N in the metric's own units, its band, and the trials behind
    it: ``scored`` of them have a value; ``failed`` (diverged, or no finite value) are left out."""

    model: str
    dataset: str
    values: np.ndarray  # the scored trials' objective values, in trial order
    failed: int
    expected: np.ndarray  # index n - 1
    low: np.ndarray
    high: np.ndarray
    resampled: np.ndarray  # (resamples, N) bootstrap curves, in the metric's units

    @property
    def scored(self) -> int:
        return len(self.values)


def budget_curve(model: str, dataset: str, trials: list[dict], metric: str) -> BudgetCurve | None:
    """The curve of ``trials`` (records), or None when none has a value of ``metric``."""
    values = [objective_value(r, metric) for r in trials]
    scored = np.array([v for v in values if v is not None])
    if not len(scored):
        return None
    sign = objective_sign(metric)
    budgets = np.arange(1, len(scored) + 1)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    resampled = sign * bootstrap_curves(sign * scored, budgets, rng)
    low, high = band(resampled)
    return BudgetCurve(model, dataset, scored, len(values) - len(scored),
                       sign * expected_max_curve(sign * scored, budgets), low, high, resampled)


def table_budgets(trials: int) -> list[int]:
    """The budgets a table shows: 1, 5, 10, 20 up to N, and N."""
    return sorted({b for b in TABLE_BUDGETS if b <= trials} | {trials})


@dataclass(frozen=True)
class BudgetDifference:
    """E_a[best of n] - E_b[best of n], and its 95% interval over the two sides' independent
    bootstrap resamples."""

    difference: float
    low: float
    high: float


def budget_difference(a: BudgetCurve, b: BudgetCurve, n: int) -> BudgetDifference:
    differences = a.resampled[:, n - 1] - b.resampled[:, n - 1]
    low, high = band(differences[:, None])
    return BudgetDifference(float(a.expected[n - 1] - b.expected[n - 1]), float(low[0]), float(high[0]))
