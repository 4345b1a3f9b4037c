"""FID at several sample counts and its extrapolation to infinitely many samples (Chong and
Forsyth 2020, "Effectively Unbiased FID and Inception Score and where to find them", CVPR;
mchong6/FID_IS_infinity).

FID is biased upwards by a term close to proportional to 1/N for N generated samples, so FIDs
computed on different sample counts do not compare. As the authors' code does, the generated
features are shuffled once (a fixed seed), FID is computed on their first N for ``N_POINTS``
counts evenly spaced from ``N_MIN`` to all of them, a line is fitted to FID against 1/N
(scikit-learn's LinearRegression), and its intercept is FID-infinity. The real statistics are over
all real images. Statistics and the Fréchet distance are torch-fidelity's, on the features and
Inception network ``fid`` uses (gan_bench.metrics.inception_features).
"""

import numpy as np
import torch
from sklearn.linear_model import LinearRegression
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

from gan_bench.errors import GanBenchError
from gan_bench.metrics.fid import MNIST_REAL_COUNT, has_mnist_test_images
from gan_bench.metrics.inception_features import mnist_features
from gan_bench.registry import register_metric

N_MIN = 2_000
N_POINTS = 15
SHUFFLE_SEED = 0
REPORTED_COUNTS = (2_000, 5_000, 10_000)  # FID at these counts is kept in the record too


def fid_by_sample_count(generated: torch.Tensor, real: torch.Tensor, counts) -> dict[int, float]:
    """FID of the first N of ``generated`` (shuffled with SHUFFLE_SEED) for each N of ``counts``."""
    order = np.random.default_rng(SHUFFLE_SEED).permutation(len(generated))
    shuffled = generated[torch.from_numpy(order)]
    real_statistics = fid_features_to_statistics(real)
    return {int(n): float(fid_statistics_to_metric(fid_features_to_statistics(shuffled[:n]),
                                                   real_statistics, verbose=False)[KEY_METRIC_FID])
            for n in counts}


def fid_infinity(generated: torch.Tensor, real: torch.Tensor, n_min: int = N_MIN,
                 n_points: int = N_POINTS) -> dict[str, float]:
    """FID-infinity, the fitted line's slope, and FID at the REPORTED_COUNTS the samples reach."""
    if len(generated) < n_min:
        raise GanBenchError(f"FID-infinity needs at least {n_min} samples, got {len(generated)}")
    counts = sorted(set(np.linspace(n_min, len(generated), n_points).astype(int)) |
                    {n for n in REPORTED_COUNTS if n <= len(generated)})
    fids = fid_by_sample_count(generated, real, counts)
    inverse = np.array([[1.0 / n] for n in fids])
    fit = LinearRegression().fit(inverse, np.array(list(fids.values())))
    return {"fid_infinity": float(fit.intercept_), "fid_infinity_slope": float(fit.coef_[0]),
            "fid_infinity_n_max": len(generated),
            **{f"fid_at_{n}": fids[n] for n in REPORTED_COUNTS if n in fids}}


def fid_infinity_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``fid_infinity`` (optional): against the 10,000 MNIST test images."""
    generated, real = mnist_features(dataset, samples, MNIST_REAL_COUNT, "fid_infinity", samples.device)
    return fid_infinity(generated.double(), real.double())


register_metric("fid_infinity", fid_infinity_metric, supports=has_mnist_test_images)
