"""Frechet distance between two point sets, through torch-fidelity's FID arithmetic.

FID is this distance on Inception features; on the 2-D mixtures it is computed directly in data
space (``frechet_data``): the Frechet distance between Gaussians fitted to the generated points
and to 10,000 held-out real points. It sees means and covariances only, so it is blind to which
modes are covered; mode coverage is the ``modes`` metric's job.
"""

import torch

from gan_bench.registry import register_metric, require_metric_support

KEY_FRECHET_DATA = "frechet_data"
HELD_OUT_POINTS = 10_000
HELD_OUT_SEED = 1  # the same real points for every run


def frechet_distance(features_a: torch.Tensor, features_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to (N, d) and (M, d) float feature sets."""
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

    stats = [fid_features_to_statistics(f.detach().cpu().double()) for f in (features_a, features_b)]
    return fid_statistics_to_metric(stats[0], stats[1], verbose=False)[KEY_METRIC_FID]


def frechet_data_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``frechet_data``: data-space Frechet distance for datasets with ``held_out``."""
    require_metric_support("frechet_data", dataset)
    real = dataset.held_out(HELD_OUT_POINTS, seed=HELD_OUT_SEED)
    return {KEY_FRECHET_DATA: frechet_distance(samples.reshape(samples.shape[0], -1), real)}


register_metric("frechet_data", frechet_data_metric, supports=lambda dataset: hasattr(dataset, "held_out"))
