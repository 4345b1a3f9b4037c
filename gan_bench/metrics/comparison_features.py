"""The spaces the sample-based comparison metrics (memorisation, NDB, 1-NN) work in, and the real
sets they compare against.

MNIST: the frozen digit classifier's 128-d penultimate features (gan_bench.metrics.classifier, the
features of the domain FID); the training reference is the 50,000 training images, the held-out
reference the 10,000 test images. Mixtures: the points themselves; a mixture GAN trains on fresh
draws at every step, so its "training set" has no finite list: the training reference is
TRAINING_POINTS draws from a stream of their own, the held-out reference as many from another,
both seeded, so every run is scored against the same points.
"""

import functools
import hashlib
from typing import TYPE_CHECKING

import numpy as np
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.classifier import WEIGHTS_SHA256, load_classifier
from gan_bench.metrics.real_features_cache import cached_features
from gan_bench.runtime.seeding import stream_seed

if TYPE_CHECKING:  # scikit-learn is imported where it is used
    from sklearn.cluster import KMeans

TRAINING_POINTS = 20_000
HELD_OUT_POINTS = 10_000
TRAINING_STREAM = 2_000_003  # never a training batch's stream, nor the held-out points' (1_000_003)
HELD_OUT_STREAM = 3_000_017
CHUNK_IMAGES = 1000


def is_mnist(dataset) -> bool:
    return getattr(dataset, "name", None) == "mnist"


def is_mixture(dataset) -> bool:
    return hasattr(dataset, "means") and tuple(getattr(dataset, "shape", ())) == (2,)


def supports_comparison(dataset) -> bool:
    """Whether these metrics can score ``dataset``: MNIST or a 2-D mixture."""
    return is_mnist(dataset) or is_mixture(dataset)


def classifier_features(images: torch.Tensor) -> np.ndarray:
    """The classifier's penultimate features (N, 128), float64, of images (N, 784) or
    (N, 1, 28, 28) in [0, 1]."""
    model = load_classifier()
    images = images.detach().cpu().float().reshape(-1, 1, 28, 28)
    with torch.no_grad():
        parts = [model.penultimate(part) for part in images.split(CHUNK_IMAGES)]
    return torch.cat(parts).double().numpy()


def sample_features(dataset, samples: torch.Tensor) -> np.ndarray:
    """``samples`` in the comparison space of ``dataset``, float64 (N, d)."""
    if is_mnist(dataset):
        return classifier_features(samples)
    if is_mixture(dataset):
        return samples.detach().cpu().double().reshape(-1, 2).numpy()
    raise GanBenchError(f"dataset {getattr(dataset, 'name', dataset)!r} has no comparison features")


@functools.cache
def _mnist_reference(split: str) -> np.ndarray:
    """A split's classifier features, cached on disk like the FIDs' real features (the 50,000
    training images take about a minute on a CPU core)."""
    from gan_bench.data.mnist import Mnist

    mnist = Mnist()
    images = {"train": mnist.train_images, "test": mnist.parzen_test}[split]
    name = f"gan-bench-mnist-{split}-all-classifier-penultimate-weights-{WEIGHTS_SHA256}"
    features = cached_features(name, lambda: torch.from_numpy(classifier_features(images())))
    return features.numpy()


def _mixture_reference(dataset, stream: int, n: int) -> np.ndarray:
    generator = torch.Generator().manual_seed(stream_seed(0, stream))
    return dataset.sample(n, generator)[0].double().numpy()


def training_reference(dataset) -> np.ndarray:
    """The training side (N, d): MNIST's 50,000 training images' features, or the mixture's
    TRAINING_POINTS reference draws."""
    if is_mnist(dataset):
        return _mnist_reference("train")
    if is_mixture(dataset):
        return _mixture_reference(dataset, TRAINING_STREAM, TRAINING_POINTS)
    raise GanBenchError(f"dataset {getattr(dataset, 'name', dataset)!r} has no training reference")


def held_out_reference(dataset) -> np.ndarray:
    """The held-out side (N, d): MNIST's 10,000 test images' features, or HELD_OUT_POINTS
    mixture draws from a stream no training batch uses."""
    if is_mnist(dataset):
        return _mnist_reference("test")
    if is_mixture(dataset):
        return _mixture_reference(dataset, HELD_OUT_STREAM, HELD_OUT_POINTS)
    raise GanBenchError(f"dataset {getattr(dataset, 'name', dataset)!r} has no held-out reference")


_fitted_bins: dict[tuple[str, int, int], "KMeans"] = {}


def kmeans_bins(points: np.ndarray, n_bins: int, seed: int = 0) -> "KMeans":
    """scikit-learn's k-means of ``points`` (N, d) into ``n_bins``, fitted once per process for
    each set of points (keyed by their bytes): every run of a suite is binned against the same
    reference, which takes about 20 s to cut for MNIST's 50,000 training images."""
    from sklearn.cluster import KMeans

    key = (hashlib.sha256(np.ascontiguousarray(points).tobytes()).hexdigest(), n_bins, seed)
    if key not in _fitted_bins:
        _fitted_bins[key] = KMeans(n_clusters=n_bins, n_init=1, random_state=seed).fit(points)
    return _fitted_bins[key]
