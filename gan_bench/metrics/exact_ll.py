"""Exact log-likelihood under p_data for the 2-D Gaussian mixtures: the reference for Parzen.

An equal-weight mixture of isotropic Gaussians N(mu_k, std^2 I) is exactly a Parzen estimator with
the means as kernel centres and sigma = std, so one implementation serves both.
"""

import torch

from gan_bench.metrics.parzen import parzen_log_likelihood


def mixture_log_likelihood(points: torch.Tensor, means: torch.Tensor, std: float) -> torch.Tensor:
    """log p_data(x) in nats of each point (n, d) under equal-weight components with means (K, d)
    and per-axis ``std``: float64 (n,), on the means' device."""
    return parzen_log_likelihood(means, points, std, matmul_dtype=torch.float64)
