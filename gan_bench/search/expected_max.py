"""The expected best score among n trials drawn from the N run, and its bootstrap band.

Dodge et al. 2019 ("Show Your Work", section 3.1): with the N trials' scores sorted ascending,
v_(1) <= ... <= v_(N), the best of n trials drawn with replacement from their empirical CDF has

    E[max_n] = sum_i v_(i) * ((i / N)^n - ((i - 1) / N)^n),

the probability that the best of n draws is the i-th smallest score times that score. Scores are
to be maximised here; for a lower-is-better metric pass them negated (and negate the result).
The band resamples the N trials with replacement and takes the estimator's percentiles over the
resamples, for every n at once.
"""

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
BAND_PERCENTILES = (2.5, 97.5)


def expected_max_curve(scores: np.ndarray, budgets: np.ndarray) -> np.ndarray:
    """E[max_n] for each n in ``budgets`` (whole numbers >= 1), from N scores to maximise.
    ``scores`` may hold several sets of N on its last axis (bootstrap resamples)."""
    ordered = np.sort(np.asarray(scores, dtype=float), axis=-1)
    count = ordered.shape[-1]
    ranks = np.arange(1, count + 1) / count
    n = np.asarray(budgets, dtype=float)[:, None]
    weights = ranks[None, :] ** n - (ranks[None, :] - 1 / count) ** n  # (budgets, N)
    return ordered @ weights.T


def bootstrap_curves(scores: np.ndarray, budgets: np.ndarray, rng: np.random.Generator,
                     resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """E[max_n] of ``resamples`` resamples of the trials, shape (resamples, len(budgets))."""
    scores = np.asarray(scores, dtype=float)
    drawn = scores[rng.integers(0, len(scores), size=(resamples, len(scores)))]
    return expected_max_curve(drawn, budgets)


def band(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (low, high) percentiles of bootstrap ``curves`` at each budget."""
    low, high = np.percentile(curves, BAND_PERCENTILES, axis=0)
    return low, high
