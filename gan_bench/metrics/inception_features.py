"""Inception pool3 features of images, as FID computes them, for the metrics that need the
features themselves (density and coverage, FID at several sample counts).

torch-fidelity extracts them: the same feature extractor, layer and weights as ``fid`` (its
``create_feature_extractor`` and ``extract_featuresdict_from_input_id_cached``), and the real
images' features are cached by torch-fidelity under the same name as ``fid`` caches them
(gan_bench.metrics.fid.real_cache_name), so a suite scoring both extracts them once. The
generated images' features are kept in memory for the last samples seen (keyed by their bytes), so
``density_coverage`` and ``fid_infinity`` scored on one run's samples run Inception over them once,
not once each (about an hour for 10,000 images on a CPU core).
"""

import hashlib
import sys
from contextlib import redirect_stdout
from pathlib import Path

import torch
from torch_fidelity.utils import create_feature_extractor, extract_featuresdict_from_input_id_cached

from gan_bench.cache import cache_dir
from gan_bench.metrics import inception_weights
from gan_bench.metrics.fid import (
    CACHE_SUBDIR,
    FEATURE_EXTRACTOR,
    FEATURE_LAYER,
    MNIST_REAL_SPLIT,
    Uint8Images,
    current_cuda_device,
    mnist_real_images,
    real_cache_name,
)

_last_generated: dict[tuple, torch.Tensor] = {}  # one entry: the last samples' features


def features_of(samples: torch.Tensor, real: torch.Tensor, real_name: str,
                device: torch.device | str = "cpu", cache_root: Path | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
    """Pool3 features (N, 2048) of ``samples`` and of ``real`` (cached under ``real_name``),
    float (N, C, H, W) images in [0, 1]; torch-fidelity's messages go to stderr."""
    cuda = torch.device(device).type == "cuda"
    key = (hashlib.sha256(samples.detach().cpu().contiguous().numpy().tobytes()).hexdigest(),
           torch.device(device).type)  # the generated features depend on nothing else
    options = {"input1": Uint8Images(samples), "input2": Uint8Images(real),
               "input2_cache_name": real_name, "cache": True,
               "cache_root": str(cache_root or cache_dir() / CACHE_SUBDIR), "cuda": cuda,
               "verbose": True, "save_cpu_ram": True}
    with redirect_stdout(sys.stderr), current_cuda_device(device):
        extractor = create_feature_extractor(
            FEATURE_EXTRACTOR, [FEATURE_LAYER], cuda=cuda,
            feature_extractor_weights_path=str(inception_weights.inception_weights_path()))
        if key not in _last_generated:
            generated = extract_featuresdict_from_input_id_cached(1, extractor, **options)[FEATURE_LAYER]
            _last_generated.clear()
            _last_generated[key] = generated.cpu()
        reference = extract_featuresdict_from_input_id_cached(2, extractor, **options)[FEATURE_LAYER]
    return _last_generated[key], reference.cpu()


def mnist_features(dataset, samples: torch.Tensor, real_count: int, metric: str,
                   device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`features_of` ``samples`` and of the first ``real_count`` MNIST test images."""
    real = mnist_real_images(dataset, real_count, metric)
    return features_of(samples, real, real_cache_name(dataset.name, MNIST_REAL_SPLIT, real_count), device)
