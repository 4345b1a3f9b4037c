"""Mode coverage on Gaussian mixtures, as in VEEGAN and PacGAN (docs/protocols/mode-coverage.md).

Each sample goes to its nearest mode by std-normalised distance and is *high quality* when that
distance is below ``threshold_std`` (3) standard deviations.
"""

import torch

from gan_bench.registry import register_metric, require_metric_support

KEY_MODES_CAPTURED = "modes_captured"
KEY_HIGH_QUALITY_PCT = "high_quality_pct"
KEY_REVERSE_KL = "reverse_kl_nats"


def mode_coverage(samples: torch.Tensor, means: torch.Tensor, std: float,
                  threshold_std: float = 3.0) -> dict[str, float]:
    """Score samples (N, 2) against equal-weight modes ``means`` (K, 2) of per-axis ``std``.

    Returns modes captured (count of modes with >= 1 high-quality sample), high-quality samples as
    a percentage of all samples, and KL(q || p) in nats, where q is the distribution of the
    high-quality samples over modes and p is uniform. With no high-quality sample q is undefined
    and the KL is reported as infinity.
    """
    samples = samples.detach().to("cpu", torch.float64)
    means = means.to(torch.float64)
    distances_std = torch.cdist(samples, means) / std
    nearest_distance, nearest_mode = distances_std.min(dim=1)
    high_quality = nearest_distance < threshold_std
    counts = torch.bincount(nearest_mode[high_quality], minlength=means.shape[0]).to(torch.float64)
    n_high = counts.sum()
    if n_high == 0:
        reverse_kl = float("inf")
    else:
        q = counts / n_high
        p = 1.0 / means.shape[0]
        present = q > 0
        reverse_kl = float((q[present] * (q[present] / p).log()).sum())
    return {
        KEY_MODES_CAPTURED: int((counts > 0).sum()),
        KEY_HIGH_QUALITY_PCT: float(100.0 * n_high / samples.shape[0]),
        KEY_REVERSE_KL: reverse_kl,
    }


def modes_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``modes``: mode coverage for any dataset that exposes ``means`` and ``std``."""
    require_metric_support("modes", dataset)
    return mode_coverage(samples, dataset.means, dataset.std)


register_metric("modes", modes_metric, supports=lambda dataset: hasattr(dataset, "means"))
