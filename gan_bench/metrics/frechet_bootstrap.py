"""The bootstrap standard error of a Fréchet distance over its generated samples.

A single run's FID is one draw: another set of samples from the same generator scores another
value. Its standard error over the generated samples is a bootstrap's (Efron and Tibshirani 1993,
"An Introduction to the Bootstrap", chapter 6; scipy.stats.bootstrap): each of
``BOOTSTRAP_RESAMPLES`` replicates resamples the generated features with replacement and
recomputes the distance with torch-fidelity's arithmetic against the same reference statistics.

What it leaves out, both stated where it is shown (docs/metrics.md):

- The reference set's own sampling error. Every row of a leaderboard is scored against the same
  real images, so that error is shared by all rows and does not separate them: the s.e. is the
  error of comparing rows, not of the distance to the population.
- FID's finite-sample bias: its expectation falls like 1/N (Chong and Forsyth 2020, "Effectively
  Unbiased FID and Inception Score and where to find them"), so rows compare only at equal N.

Used where the distance is cheap to recompute: the domain FID's 128-d features (about 60 ms a
replicate at 10,000 samples on a busy core, 6 s an evaluation). An Inception FID replicate (2,048-d)
takes about 10 s, so the Inception FID has none.
"""

import numpy as np
import torch

BOOTSTRAP_RESAMPLES = 100
BOOTSTRAP_SEED = 0


def frechet_bootstrap_stderr(generated: torch.Tensor, reference_statistics: dict,
                             n_resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> float:
    """The bootstrap standard error of the Fréchet distance between the (N, d) ``generated``
    features and the reference's torch-fidelity statistics (``fid_features_to_statistics``), over
    resamples of the generated rows (module docstring)."""
    from scipy.stats import bootstrap
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

    def replicate(rows: np.ndarray) -> float:
        statistics = fid_features_to_statistics(generated[torch.from_numpy(rows)])
        return fid_statistics_to_metric(statistics, reference_statistics, verbose=False)[KEY_METRIC_FID]

    rows = (np.arange(generated.shape[0]),)
    return float(bootstrap(rows, replicate, n_resamples=n_resamples, vectorized=False, method="percentile",
                           rng=np.random.default_rng(seed)).standard_error)
