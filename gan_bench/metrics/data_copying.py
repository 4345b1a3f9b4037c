"""Memorisation: the data-copying test C_T of Meehan, Chaudhuri and Dasgupta 2020 ("A
Non-Parametric Test to Detect Data-Copying in Generative Models", AISTATS 2020), on the features of
gan_bench.metrics.comparison_features (the classifier's for MNIST, the points for the mixtures).

Each sample's distance to its nearest training example is compared with held-out real data's:
a model that copies its training set puts its samples closer to it than fresh real data lies.
The training reference is cut into cells by k-means (N_CELLS, or one per SAMPLES_PER_CELL
samples where there are fewer); in each cell holding at least
MIN_CELL_SAMPLES generated and held-out points, the Mann-Whitney U of the generated points'
distances against the held-out points' (scipy.stats.mannwhitneyu) becomes a Z-score, and C_T is
those Z-scores' mean weighted by the cell's share of the held-out points (the paper's Pi_tau).
Under "no copying" each Z is about standard normal and the cells are independent given the
training set, so C_T's standard deviation is at most 1; copying drives it far below 0 (the paper's
"C_T << 0"), underfitting above. A sample set is flagged (``copying_flagged`` = 1) when
C_T < -FLAG_BELOW_CT.

Beside it, ``copying_closer_share``: the share of generated samples closer to their nearest
training example than the median held-out point is to its own, about 0.5 for fresh real data and
1 for copies.
"""

import hashlib

import numpy as np

from gan_bench.errors import GanBenchError
from gan_bench.metrics.comparison_features import (
    held_out_reference,
    kmeans_bins,
    sample_features,
    supports_comparison,
    training_reference,
)
from gan_bench.registry import register_metric, require_metric_support

N_CELLS = 20
MIN_CELL_SAMPLES = 20  # the paper's tau: a cell needs this many generated (and held-out) points
SAMPLES_PER_CELL = 50  # fewer cells for fewer samples: 100 samples in 2 cells, 1,000 or more in 20
FLAG_BELOW_CT = 3.0  # three standard deviations of C_T's null spread (at most 1)
KMEANS_SEED = 0


_held_out_distances: dict[str, np.ndarray] = {}


def nearest_training_distances(training: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Each point's Euclidean distance (N,) to its nearest row of ``training``."""
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=1).fit(training).kneighbors(points)[0][:, 0]


def held_out_distances(training: np.ndarray, held_out: np.ndarray) -> np.ndarray:
    """:func:`nearest_training_distances` of the held-out set, once per process for each pair of
    sets (keyed by their bytes): every run of a suite meets the same two (for MNIST, 10,000
    queries among 50,000 points, the test's largest cost)."""
    digest = hashlib.sha256()
    for array in (training, held_out):
        digest.update(np.ascontiguousarray(array).tobytes())
    key = digest.hexdigest()
    if key not in _held_out_distances:
        _held_out_distances[key] = nearest_training_distances(training, held_out)
    return _held_out_distances[key]


def cell_z_score(generated_distances: np.ndarray, held_out_distances: np.ndarray) -> float:
    """Mann-Whitney U of the generated distances against the held-out ones, standardised:
    (U - m n / 2) / sqrt(m n (m + n + 1) / 12); negative where the generated points lie closer."""
    m, n = len(generated_distances), len(held_out_distances)
    from scipy.stats import mannwhitneyu

    u = mannwhitneyu(generated_distances, held_out_distances).statistic
    return float((u - m * n / 2) / np.sqrt(m * n * (m + n + 1) / 12))


def data_copying(training: np.ndarray, held_out: np.ndarray, generated: np.ndarray,
                 n_cells: int | None = None, min_cell_samples: int = MIN_CELL_SAMPLES) -> dict[str, float]:
    """C_T of ``generated`` (N, d) against ``training`` and ``held_out`` features, the share of
    samples closer than the held-out median, the flag, and the cells C_T averaged over;
    ``n_cells`` k-means cells (default: N_CELLS, fewer for fewer samples)."""
    for what, array in (("training", training), ("held-out", held_out), ("generated", generated)):
        if array.ndim != 2 or len(array) < min_cell_samples:
            raise GanBenchError(f"the data-copying test needs at least {min_cell_samples} {what} "
                                f"points as an (N, d) array, got shape {array.shape}")
    n_cells = n_cells or min(N_CELLS, max(1, len(generated) // SAMPLES_PER_CELL))
    cells = kmeans_bins(training, n_cells, seed=KMEANS_SEED)
    generated_distances = nearest_training_distances(training, generated)
    reference_distances = held_out_distances(training, held_out)
    generated_cells, held_out_cells = cells.predict(generated), cells.predict(held_out)
    z_scores, weights = [], []
    for cell in range(n_cells):
        in_generated = generated_distances[generated_cells == cell]
        in_held_out = reference_distances[held_out_cells == cell]
        if min(len(in_generated), len(in_held_out)) >= min_cell_samples:
            z_scores.append(cell_z_score(in_generated, in_held_out))
            weights.append(len(in_held_out) / len(held_out))
    c_t = float(np.average(z_scores, weights=weights)) if z_scores else float("nan")
    closer = float(np.mean(generated_distances < np.median(reference_distances)))
    return {"copying_ct": c_t, "copying_closer_share": closer,
            "copying_flagged": int(c_t < -FLAG_BELOW_CT), "copying_cells": len(z_scores)}


def data_copying_metric(dataset, samples) -> dict[str, float]:
    """Registered as ``memorisation``: C_T against the dataset's training and held-out references."""
    require_metric_support("memorisation", dataset)
    return data_copying(training_reference(dataset), held_out_reference(dataset),
                        sample_features(dataset, samples))


register_metric("memorisation", data_copying_metric, supports=supports_comparison)
