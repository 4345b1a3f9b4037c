"""NDB, the number of statistically different bins (Richardson and Weiss 2018, "On GANs and GMMs",
NeurIPS), on the features of gan_bench.metrics.comparison_features (the classifier's for MNIST,
the points for the mixtures): coverage that needs no known modes.

The training reference is cut into N_BINS bins by k-means (scikit-learn); the generated samples go
to their nearest centroid; in each bin a two-proportion z-test (pooled proportion) compares the
share of generated samples there with the share of the training reference, two-sided, at the
paper's significance level ALPHA (normal tail from scipy.stats). A generator matching the data
leaves about ALPHA of the bins different by chance; one that drops half the data's mass shows the
emptied bins, and, with enough samples, the over-filled ones too. Reported: the count
(``ndb_bins_different``), the fraction NDB / K (``ndb_fraction``) and K (``ndb_bins``).
"""

from typing import TYPE_CHECKING

import numpy as np

from gan_bench.errors import GanBenchError
from gan_bench.metrics.comparison_features import (
    kmeans_bins,
    sample_features,
    supports_comparison,
    training_reference,
)
from gan_bench.registry import register_metric, require_metric_support

if TYPE_CHECKING:  # scikit-learn is imported where it is used
    from sklearn.cluster import KMeans

N_BINS = 100
ALPHA = 0.05
KMEANS_SEED = 0


def bin_counts(centroids: "KMeans", points: np.ndarray, n_bins: int) -> np.ndarray:
    """How many of ``points`` (N, d) fall in each bin (n_bins,)."""
    return np.bincount(centroids.predict(points), minlength=n_bins)


def two_proportion_p_values(counts_a: np.ndarray, n_a: int, counts_b: np.ndarray, n_b: int) -> np.ndarray:
    """Two-sided p-values of the pooled two-proportion z-test, bin by bin."""
    share_a, share_b = counts_a / n_a, counts_b / n_b
    pooled = (counts_a + counts_b) / (n_a + n_b)
    standard_error = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(standard_error > 0, (share_a - share_b) / standard_error, 0.0)
    from scipy.stats import norm

    return 2 * norm.sf(np.abs(z))


def number_of_different_bins(real: np.ndarray, generated: np.ndarray, n_bins: int = N_BINS,
                             alpha: float = ALPHA) -> dict[str, float]:
    """NDB of ``generated`` (N, d) against the k-means bins of ``real`` (M, d)."""
    if real.ndim != 2 or generated.ndim != 2 or len(real) < n_bins or len(generated) < 2:
        raise GanBenchError(f"NDB needs (N, d) arrays, at least {n_bins} real points (one a bin) and "
                            f"2 samples, got {real.shape} and {generated.shape}")
    centroids = kmeans_bins(real, n_bins, seed=KMEANS_SEED)
    p_values = two_proportion_p_values(bin_counts(centroids, real, n_bins), len(real),
                                       bin_counts(centroids, generated, n_bins), len(generated))
    different = int((p_values < alpha).sum())
    return {"ndb_bins_different": different, "ndb_fraction": different / n_bins, "ndb_bins": n_bins}


def ndb_metric(dataset, samples) -> dict[str, float]:
    """Registered as ``ndb``: against the bins of the dataset's training reference."""
    require_metric_support("ndb", dataset)
    return number_of_different_bins(training_reference(dataset), sample_features(dataset, samples))


register_metric("ndb", ndb_metric, supports=supports_comparison)
