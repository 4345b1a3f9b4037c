"""Domain FID: torch-fidelity's FID on the frozen MNIST classifier's features.

Inception-v3 was trained on photographs and costs about a third of a second per image on a CPU;
the frozen classifier (``gan_bench.metrics.classifier``) knows digits and reads 10,000 images in seconds.
Its 128-d penultimate layer is plugged into torch-fidelity as the feature extractor
``gan-bench-mnist-classifier``, so that the batching, the arithmetic, the input protocol and the
real-side cache (gan-bench's own, never torch-fidelity's) are those of the Inception FID in
``gan_bench.metrics.fid``, which this module reuses. The layer
follows a ReLU: units that never fire add zero rows to the covariances, which FID's eigenvalue
form handles. The two FIDs are reported side by side; their values are comparable neither to
each other nor to published FIDs.

No KID: torch-fidelity's cubic kernel with gamma 1/128 on these unnormalised features (norms near
46) is dominated by their scale, and its 100 subsets of 1,000 took longer than extracting the
features of 10,000 samples. The real side is the MNIST test set, cached like the Inception FID's
under a name holding the dataset, split, count, this extractor's name and the classifier weights'
SHA-256; with the statistics cached, an evaluation runs the classifier on the samples only.

Each domain FID comes with its bootstrap standard error over the generated samples
(``domain_fid_stderr``, :mod:`gan_bench.metrics.frechet_bootstrap`), so that a single run's value
has an interval on the leaderboard.
"""

from pathlib import Path

import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.classifier import WEIGHTS_SHA256
from gan_bench.metrics.feature_extractor_names import CLASSIFIER_EXTRACTOR as FEATURE_EXTRACTOR
from gan_bench.metrics.feature_extractor_names import CLASSIFIER_LAYER as FEATURE_LAYER
from gan_bench.metrics.fid import (
    MNIST_REAL_COUNT,
    MNIST_REAL_SPLIT,
    extract_features,
    feature_extractor,
    mnist_real_images,
    real_cache_name,
    real_features,
)
from gan_bench.metrics.frechet_bootstrap import frechet_bootstrap_stderr
from gan_bench.registry import register_metric, require_metric_support

IMAGE_SHAPE = (1, 28, 28)
KEY_DOMAIN_FID = "domain_fid"
KEY_DOMAIN_FID_STDERR = "domain_fid_stderr"


def domain_cache_name(count: int) -> str:
    """The cache entry name of the first ``count`` MNIST test images' classifier features."""
    return real_cache_name("mnist", MNIST_REAL_SPLIT, count, FEATURE_EXTRACTOR, WEIGHTS_SHA256)


def domain_frechet_distance(samples: torch.Tensor, real: torch.Tensor, real_name: str,
                            device: torch.device | str = "cpu", cache_root: Path | None = None) -> dict:
    """Domain FID of ``samples`` against ``real``, both float (N, 1, 28, 28) in [0, 1], and its
    bootstrap standard error over the samples: ``{"domain_fid": ..., "domain_fid_stderr": ...}``.

    ``real_name`` keys the cache of the real features and statistics (see :func:`domain_cache_name`).
    """
    for what, images in (("samples", samples), ("real images", real)):
        if images.dim() != 4 or tuple(images.shape[1:]) != IMAGE_SHAPE:
            raise GanBenchError(f"domain FID needs {what} shaped N x 1 x 28 x 28, got {tuple(images.shape)}")
        if images.shape[0] < 2:  # a covariance needs two points
            raise GanBenchError(f"domain FID needs at least 2 {what}, got {images.shape[0]}")
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

    from gan_bench.metrics import classifier_feature_extractor  # noqa: F401  (registers the extractor)

    extractor = feature_extractor(FEATURE_EXTRACTOR, FEATURE_LAYER, device, verbose=False)
    generated = extract_features(samples, extractor, FEATURE_LAYER, device, verbose=False)
    reference = real_features(real, real_name, extractor, FEATURE_LAYER, device, cache_root, verbose=False)
    statistics = [fid_features_to_statistics(features) for features in (generated, reference)]
    return {KEY_DOMAIN_FID: float(fid_statistics_to_metric(*statistics, verbose=False)[KEY_METRIC_FID]),
            KEY_DOMAIN_FID_STDERR: frechet_bootstrap_stderr(generated, statistics[1])}


def domain_fid_for_dataset(dataset, samples: torch.Tensor, real_count: int = MNIST_REAL_COUNT,
                           device: torch.device | str = "cpu") -> dict:
    """:func:`domain_frechet_distance` against the first ``real_count`` MNIST test images."""
    require_metric_support("domain_fid", dataset)
    real = mnist_real_images(dataset, real_count, "domain_fid")
    return domain_frechet_distance(samples, real, domain_cache_name(real_count), device)


def domain_fid_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``domain_fid``: the domain FID against the 10,000 MNIST test images, with its
    bootstrap standard error."""
    return domain_fid_for_dataset(dataset, samples, device=samples.device)


register_metric("domain_fid", domain_fid_metric,  # the classifier knows MNIST digits only
                supports=lambda dataset: getattr(dataset, "name", None) == "mnist")
