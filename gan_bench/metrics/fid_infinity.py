"""FID at several sample counts and its extrapolation to infinitely many generated samples (Chong
and Forsyth 2020, "Effectively Unbiased FID and Inception Score and where to find them", CVPR;
mchong6/FID_IS_infinity, ``calculate_FID_infinity`` in score_infinity.py).

FID is biased upwards by a term close to proportional to 1/N for N generated samples, so FIDs
computed on different sample counts do not compare. As the authors' code does, FID is computed on
N generated features drawn afresh (a seeded shuffle before each N, where the authors reshuffle one
array) for ``N_POINTS`` counts evenly
spaced from ``n_min`` to all of them, a line is fitted to FID against 1/N (scikit-learn's
LinearRegression), and its intercept is FID-infinity: the FID at infinitely many *generated*
samples. The real statistics are over all real images and their own finite-sample bias stays in
it. Statistics and the Fréchet distance are torch-fidelity's, on the features and Inception network
``fid`` uses (gan_bench.metrics.inception_features).

FID is close to linear in 1/N only once the generated covariance is well estimated: at N near the
feature dimension d it is rank-deficient and FID bends away from the line. The authors start at
5,000 for d = 2,048; here the fit starts at ``MIN_SAMPLES_PER_DIMENSION`` times d (5,120 for
Inception's pool3), and the record keeps the fit's residuals (their RMS and largest) to show how
well the line holds. On 64-d Gaussian features whose true distance is 4.0 (5 draws of 1,280), a
fit from N = d lands at 3.55 on average, one from 2.5 d at 3.96 (tests/metrics/test_fid_infinity.py).
FID is also reported at ``REPORTED_COUNTS`` where the samples reach them.
"""

import math

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.fid import MNIST_REAL_COUNT, has_mnist_test_images
from gan_bench.metrics.inception_features import mnist_features
from gan_bench.registry import register_metric

MIN_SAMPLES_PER_DIMENSION = 2.5
N_POINTS = 15
SHUFFLE_SEED = 0
REPORTED_COUNTS = (2_000, 5_000, 10_000)  # FID at these counts is kept in the record too


def fid_by_sample_count(generated: torch.Tensor, real: torch.Tensor, counts) -> dict[int, float]:
    """FID of N of ``generated`` drawn afresh for each N of ``counts`` (the first N of a random
    permutation seeded with (SHUFFLE_SEED, N), so FID at N does not depend on the other counts)."""
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

    real_statistics = fid_features_to_statistics(real)
    fids = {}
    for n in counts:
        order = np.random.default_rng((SHUFFLE_SEED, int(n))).permutation(len(generated))
        drawn = generated[torch.from_numpy(order[:n])]
        fids[int(n)] = float(fid_statistics_to_metric(fid_features_to_statistics(drawn),
                                                      real_statistics, verbose=False)[KEY_METRIC_FID])
    return fids


def fid_infinity(generated: torch.Tensor, real: torch.Tensor, n_min: int | None = None,
                 n_points: int = N_POINTS) -> dict[str, float]:
    """FID-infinity, the fitted line's slope and residuals over its counts (``n_min`` by default
    MIN_SAMPLES_PER_DIMENSION times the feature dimension), and FID at the REPORTED_COUNTS the
    samples reach."""
    from sklearn.linear_model import LinearRegression

    n_min = n_min or math.ceil(MIN_SAMPLES_PER_DIMENSION * generated.shape[1])
    if len(generated) < n_min:
        raise GanBenchError(f"FID-infinity on {generated.shape[1]}-d features needs at least {n_min} "
                            f"samples, got {len(generated)}")
    fit_counts = sorted(set(np.linspace(n_min, len(generated), n_points).astype(int).tolist()))
    reported = [n for n in REPORTED_COUNTS if n <= len(generated)]
    fids = fid_by_sample_count(generated, real, sorted(set(fit_counts) | set(reported)))
    inverse = np.array([[1.0 / n] for n in fit_counts])
    fitted = np.array([fids[n] for n in fit_counts])
    fit = LinearRegression().fit(inverse, fitted)
    residuals = fitted - fit.predict(inverse)
    return {"fid_infinity": float(fit.intercept_), "fid_infinity_slope": float(fit.coef_[0]),
            "fid_infinity_n_min": n_min, "fid_infinity_n_max": len(generated),
            "fid_infinity_residual_rms": float(np.sqrt(np.mean(residuals**2))),
            "fid_infinity_residual_max": float(np.abs(residuals).max()),
            **{f"fid_at_{n}": fids[n] for n in reported}}


def fid_infinity_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``fid_infinity`` (optional): against the 10,000 MNIST test images."""
    generated, real = mnist_features(dataset, samples, MNIST_REAL_COUNT, "fid_infinity", samples.device)
    return fid_infinity(generated.double(), real.double())


register_metric("fid_infinity", fid_infinity_metric, supports=has_mnist_test_images)
