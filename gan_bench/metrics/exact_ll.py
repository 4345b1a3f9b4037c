"""Exact log-likelihood under p_data for the 2-D Gaussian mixtures: the reference for Parzen.

An equal-weight mixture of isotropic Gaussians N(mu_k, std^2 I) is exactly a Parzen estimator with
the means as kernel centres and sigma = std, so one implementation serves both.
"""

import torch

from gan_bench.metrics.parzen import MIXTURE_N_TEST, MIXTURE_TEST_SEED, parzen_log_likelihood
from gan_bench.registry import register_metric, require_metric_support


def mixture_log_likelihood(points: torch.Tensor, means: torch.Tensor, std: float) -> torch.Tensor:
    """log p_data(x) in nats of each point (n, d) under equal-weight components with means (K, d)
    and per-axis ``std``: float64 (n,), on the means' device."""
    return parzen_log_likelihood(means, points, std, matmul_dtype=torch.float64)


def exact_test_ll_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``exact_ll``: the mean exact log-likelihood (nats) of the Parzen test points,
    the ceiling that ``parzen_ll_nats`` approaches from below. A property of the dataset, not of
    the samples; listed on every row so that each Parzen value stands beside it."""
    require_metric_support("exact_ll", dataset)
    test = dataset.held_out(MIXTURE_N_TEST, MIXTURE_TEST_SEED)
    exact = mixture_log_likelihood(test, dataset.means, dataset.std)
    return {"exact_test_ll_nats": float(exact.mean())}


register_metric("exact_ll", exact_test_ll_metric, supports=lambda dataset: hasattr(dataset, "means"))
