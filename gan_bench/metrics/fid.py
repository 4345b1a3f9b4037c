"""FID, KID and precision/recall on Inception features, via torch-fidelity (docs/protocols/image-metrics.md).

torch-fidelity does the work: its ``inception-v3-compat`` feature extractor (run channels-last,
:mod:`gan_bench.metrics.inception_channels_last`, 1.6x faster on CPU) with the TF Inception weights
of :mod:`gan_bench.metrics.inception_weights`, its 2048-d pool3 layer for all three metrics
(precision/recall included, instead of its VGG-16 default, whose weights are out of reach here),
its batching and its arithmetic (``fid_features_to_statistics``, ``fid_statistics_to_metric``,
``kid_features_to_metric``, ``prc_features_to_metric``: the steps of its ``calculate_metrics``).
This module only turns images into its input, picks the options and caches the real side.

torch-fidelity gets tensors only, never a cache folder: its cache reads files with
``torch.load(weights_only=False)``, which would run a pickle planted there. Real-data features are
cached by gan-bench itself (:mod:`gan_bench.metrics.real_features_cache`: data-only loads, checked
by SHA-256) under a name built from everything that determines them: dataset, split, image count,
feature extractor and the content sha256 of its weights (checked on every use), and the layer; so a
changed input gives a new entry instead of a stale one. The dataset's bytes are pinned by its own
digest (see ``gan_bench.data.mnist``). The generated side is never cached.
"""

import sys
import warnings
from contextlib import AbstractContextManager, nullcontext, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch.utils.data import Dataset

from gan_bench.errors import GanBenchError
from gan_bench.metrics import inception_weights
from gan_bench.metrics.feature_extractor_names import INCEPTION_EXTRACTOR as FEATURE_EXTRACTOR
from gan_bench.metrics.feature_extractor_names import INCEPTION_LAYER as FEATURE_LAYER
from gan_bench.metrics.real_features_cache import cached_features

if TYPE_CHECKING:  # torch-fidelity (and torchvision with it) is imported where it is used
    from torch_fidelity.feature_extractor_base import FeatureExtractorBase

KEY_FID = "fid"
KEY_KID_MEAN = "kid_mean"
KEY_KID_STD = "kid_std"
KEY_PRECISION = "precision"
KEY_RECALL = "recall"

KID_SUBSET_SIZE = 1000  # torch-fidelity's default
PRC_NEIGHBORHOOD = 3  # torch-fidelity's default; each set needs more images than this
RECOMMENDED_SAMPLES = 10_000
MNIST_REAL_SPLIT = "test"
MNIST_REAL_COUNT = 10_000


class FewSamplesWarning(UserWarning):
    """Fewer samples than RECOMMENDED_SAMPLES: FID and KID are biased, not comparable to papers."""


class Uint8Images(Dataset):
    """torch-fidelity's input protocol: item i is a uint8 (3, H, W) tensor."""

    def __init__(self, images: torch.Tensor):
        self.images = to_uint8_rgb(images)

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.images[index]


def to_uint8_rgb(images: torch.Tensor) -> torch.Tensor:
    """Float (N, 1 or 3, H, W) in [0, 1] -> uint8 (N, 3, H, W) round(x * 255), gray repeated."""
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise GanBenchError(f"FID needs images shaped N x 1 x H x W or N x 3 x H x W, got "
                            f"{tuple(images.shape)}")
    images = images.detach().cpu().float()
    if not torch.isfinite(images).all() or images.min() < 0 or images.max() > 1:
        raise GanBenchError("FID needs finite image values in [0, 1]")
    return (images * 255).round().to(torch.uint8).expand(-1, 3, -1, -1).contiguous()


def real_cache_name(dataset: str, split: str, count: int, extractor: str = FEATURE_EXTRACTOR,
                    weights_sha256: str = inception_weights.CONTENT_SHA256) -> str:
    """The cache entry name of a real set's features (the layer is added by :func:`real_features`)."""
    return f"gan-bench-{dataset}-{split}-n{count}-{extractor}-weights-{weights_sha256}"


def check_counts(n_samples: int, n_real: int, kid_subset_size: int) -> None:
    if kid_subset_size < 2:  # KID's unbiased estimate divides by subset size - 1
        raise GanBenchError(f"the KID subset size must be at least 2, got {kid_subset_size}")
    for what, count in (("samples", n_samples), ("real images", n_real)):
        if count <= PRC_NEIGHBORHOOD:
            raise GanBenchError(f"FID needs more than {PRC_NEIGHBORHOOD} {what}, got {count}")
        if count < kid_subset_size:
            raise GanBenchError(f"the KID subset size {kid_subset_size} exceeds the {count} {what}; "
                                f"pass a smaller --kid-subset-size or more {what}")


def warn_if_few_samples(n_samples: int) -> None:
    """FewSamplesWarning below RECOMMENDED_SAMPLES samples."""
    if n_samples < RECOMMENDED_SAMPLES:
        warnings.warn(f"FID and KID on {n_samples} samples are biased; use at least "
                      f"{RECOMMENDED_SAMPLES} to compare with published numbers (below 2048 the "
                      f"covariance is rank-deficient)", FewSamplesWarning, stacklevel=3)


def current_cuda_device(device: torch.device | str) -> AbstractContextManager:
    """Makes ``device`` the current CUDA device, where torch-fidelity's ``.cuda()`` calls put its
    extractor and batches (it takes only ``cuda=True``, not a device); nothing for a CPU device."""
    device = torch.device(device)
    return torch.cuda.device(device) if device.type == "cuda" else nullcontext()


def feature_extractor(name: str, layer: str, device: torch.device | str, verbose: bool = True,
                      **options) -> "FeatureExtractorBase":
    """torch-fidelity's registered extractor ``name`` giving ``layer``, on ``device``; ``options``
    go to its constructor. Its messages go to stderr (with ``verbose``), keeping stdout for the
    results (``--json``)."""
    from torch_fidelity.utils import create_feature_extractor

    with redirect_stdout(sys.stderr), current_cuda_device(device):
        return create_feature_extractor(name, [layer], cuda=torch.device(device).type == "cuda",
                                        verbose=verbose, **options)


def inception_extractor(device: torch.device | str) -> "FeatureExtractorBase":
    """The Inception pool3 extractor of all three metrics, its weights handed over as verified
    bytes (gan_bench.metrics.inception_weights.verified_weights_file)."""
    from gan_bench.metrics import inception_channels_last  # noqa: F401  (registers the extractor)

    return feature_extractor(FEATURE_EXTRACTOR, FEATURE_LAYER, device, verbose=False,
                             feature_extractor_weights_path=inception_weights.verified_weights_file())


def extract_features(images: torch.Tensor, extractor: "FeatureExtractorBase", layer: str,
                     device: torch.device | str, verbose: bool = True) -> torch.Tensor:
    """``layer``'s (N, d) features of float images (N, 1 or 3, H, W) in [0, 1], by torch-fidelity's
    batching, with no cache; on the CPU. Its input errors are GanBenchError; ``verbose``: its
    progress bars, on stderr."""
    from torch_fidelity.utils import extract_featuresdict_from_input_id

    cuda = torch.device(device).type == "cuda"
    try:
        with redirect_stdout(sys.stderr), current_cuda_device(device):
            # save_cpu_ram: no DataLoader worker processes; the images are in memory as uint8
            found = extract_featuresdict_from_input_id(1, extractor, input1=Uint8Images(images),
                                                       cuda=cuda, verbose=verbose, save_cpu_ram=True)
    except ValueError as error:  # torch-fidelity's vassert
        raise GanBenchError(f"torch-fidelity: {error}") from None
    return found[layer].cpu()


def real_features(real: torch.Tensor, real_name: str, extractor: "FeatureExtractorBase", layer: str,
                  device: torch.device | str, cache_root: Path | None = None,
                  verbose: bool = True) -> torch.Tensor:
    """:func:`extract_features` of the real images, cached under ``real_name`` and the layer."""
    return cached_features(f"{real_name}-features-{layer}",
                           lambda: extract_features(real, extractor, layer, device, verbose), cache_root)


def fid_kid_prc_of_features(generated: torch.Tensor, real: torch.Tensor, kid_subset_size: int) -> dict:
    """torch-fidelity's FID, KID mean/std and precision/recall of two (N, d) feature sets, as its
    ``calculate_metrics`` computes them (its default KID subsets and seed); keys of this module."""
    from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric
    from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, KEY_METRIC_KID_STD, kid_features_to_metric
    from torch_fidelity.metric_prc import KEY_METRIC_PRECISION, KEY_METRIC_RECALL, prc_features_to_metric

    from_torch_fidelity = {KEY_FID: KEY_METRIC_FID, KEY_KID_MEAN: KEY_METRIC_KID_MEAN,
                           KEY_KID_STD: KEY_METRIC_KID_STD, KEY_PRECISION: KEY_METRIC_PRECISION,
                           KEY_RECALL: KEY_METRIC_RECALL}
    with redirect_stdout(sys.stderr):
        found = (fid_statistics_to_metric(fid_features_to_statistics(generated),
                                          fid_features_to_statistics(real), verbose=True)
                 | kid_features_to_metric(generated, real, kid_subset_size=kid_subset_size, verbose=True)
                 | prc_features_to_metric(generated, real, prc_neighborhood=PRC_NEIGHBORHOOD,
                                          save_cpu_ram=True, verbose=True))
    return {key: float(found[theirs]) for key, theirs in from_torch_fidelity.items()}


def fid_kid_prc(samples: torch.Tensor, real: torch.Tensor, real_name: str,
                kid_subset_size: int = KID_SUBSET_SIZE, device: torch.device | str = "cpu",
                cache_root: Path | None = None) -> dict:
    """FID, KID mean/std and precision/recall of ``samples`` against ``real``.

    Both are float (N, 1 or 3, H, W) in [0, 1]. ``real_name`` keys the cache of the real features
    (see :func:`real_cache_name`). Precision is the fraction of samples within the real manifold,
    recall the fraction of real images within the samples' manifold. Warns (FewSamplesWarning)
    below RECOMMENDED_SAMPLES samples.
    """
    check_counts(samples.shape[0], real.shape[0], kid_subset_size)
    warn_if_few_samples(samples.shape[0])
    extractor = inception_extractor(device)
    # the real side first: a refused cache file is reported before Inception reads the samples
    reference = real_features(real, real_name, extractor, FEATURE_LAYER, device, cache_root)
    generated = extract_features(samples, extractor, FEATURE_LAYER, device)
    return (fid_kid_prc_of_features(generated, reference, kid_subset_size)
            | {"n_samples": samples.shape[0], "n_real": real.shape[0]})


def has_mnist_test_images(dataset) -> bool:
    return hasattr(dataset, "parzen_test") and tuple(dataset.shape) == (1, 28, 28)


def mnist_real_images(dataset, real_count: int, metric: str) -> torch.Tensor:
    """The first ``real_count`` MNIST test images, float (N, 1, 28, 28); ``metric`` names the caller
    in the error for a dataset without them."""
    if not has_mnist_test_images(dataset):
        raise GanBenchError(f"metric {metric!r} is not available for dataset {dataset.name!r}")
    if not 1 <= real_count <= MNIST_REAL_COUNT:
        raise GanBenchError(f"the real image count must lie in 1..{MNIST_REAL_COUNT}, got {real_count}")
    return dataset.parzen_test()[:real_count].reshape(-1, *dataset.shape)


def fid_for_dataset(dataset, samples: torch.Tensor, real_count: int = MNIST_REAL_COUNT,
                    kid_subset_size: int = KID_SUBSET_SIZE,
                    device: torch.device | str = "cpu") -> dict:
    """:func:`fid_kid_prc` against the first ``real_count`` MNIST test images."""
    real = mnist_real_images(dataset, real_count, "fid")
    name = real_cache_name(dataset.name, MNIST_REAL_SPLIT, real_count)
    return fid_kid_prc(samples, real, name, kid_subset_size, device)
