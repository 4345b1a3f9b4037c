"""Inception pool3 features of images, as FID computes them, for the metrics that need the
features themselves (density and coverage, FID at several sample counts).

The same extraction as ``fid`` (gan_bench.metrics.fid: torch-fidelity's extractor, layer, weights
and batching), and the real images' features are cached under the same name as ``fid`` caches them
(gan_bench.metrics.fid.real_cache_name, in gan-bench's own cache), so a suite scoring both extracts
them once. The generated images' features are kept in memory for the last samples seen (keyed by
their bytes), so ``density_coverage`` and ``fid_infinity`` scored on one run's samples run
Inception over them once, not once each (about an hour for 10,000 images on a CPU core).
"""

import hashlib
from pathlib import Path

import torch

from gan_bench.metrics.fid import (
    FEATURE_LAYER,
    MNIST_REAL_SPLIT,
    extract_features,
    inception_extractor,
    mnist_real_images,
    real_cache_name,
    real_features,
)

_last_generated: dict[tuple, torch.Tensor] = {}  # one entry: the last samples' features


def features_of(samples: torch.Tensor, real: torch.Tensor, real_name: str,
                device: torch.device | str = "cpu", cache_root: Path | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Pool3 features (N, 2048) of ``samples`` and of ``real`` (cached under ``real_name``),
    float (N, C, H, W) images in [0, 1]; torch-fidelity's messages go to stderr."""
    key = (hashlib.sha256(samples.detach().cpu().contiguous().numpy().tobytes()).hexdigest(),
           torch.device(device).type)  # the generated features depend on nothing else
    extractor = inception_extractor(device)
    if key not in _last_generated:
        generated = extract_features(samples, extractor, FEATURE_LAYER, device)
        _last_generated.clear()
        _last_generated[key] = generated
    reference = real_features(real, real_name, extractor, FEATURE_LAYER, device, cache_root)
    return _last_generated[key], reference


def mnist_features(dataset, samples: torch.Tensor, real_count: int, metric: str,
                   device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`features_of` ``samples`` and of the first ``real_count`` MNIST test images."""
    real = mnist_real_images(dataset, real_count, metric)
    return features_of(samples, real, real_cache_name(dataset.name, MNIST_REAL_SPLIT, real_count), device)
