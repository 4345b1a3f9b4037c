"""Image sharpness, to compare GAN and VAE samples (VAE decoder means are blurry).

Two per-image measures, each averaged over a set and reported as a ratio to the same measure on
real test images (real = 1.0, blurrier < 1):
- the variance of the Laplacian (4-neighbour kernel, no padding): edges make it large;
- the share of spectral energy above a radial frequency cutoff (``cutoff_cycles_per_pixel``,
  0.25 by default, half the Nyquist frequency) in the 2-D power spectrum of the mean-removed image.
Images are (N, C, H, W) floats in [0, 1]; channels are averaged to gray first. Each ratio comes
with its standard error over the samples, so that a single run's value has an interval.
"""

import math

import torch
import torch.nn.functional as F

from gan_bench.errors import GanBenchError
from gan_bench.registry import register_metric, require_metric_support

LAPLACIAN = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
DEFAULT_CUTOFF_CYCLES_PER_PIXEL = 0.25
REAL_IMAGES = 10_000


def _gray(images: torch.Tensor) -> torch.Tensor:
    if images.dim() != 4:
        raise GanBenchError(f"sharpness needs images (N, C, H, W), got shape {tuple(images.shape)}")
    return images.double().mean(dim=1, keepdim=True)


def laplacian_variance(images: torch.Tensor) -> torch.Tensor:
    """Variance of the Laplacian of each image: float64 (N,)."""
    gray = _gray(images)
    response = F.conv2d(gray, LAPLACIAN.to(gray)[None, None])
    return response.flatten(1).var(dim=1)


def high_frequency_share(images: torch.Tensor,
                         cutoff_cycles_per_pixel: float = DEFAULT_CUTOFF_CYCLES_PER_PIXEL
                         ) -> torch.Tensor:
    """Share of each image's spectral energy (mean removed) above the radial cutoff: (N,) in [0, 1]."""
    gray = _gray(images)[:, 0]
    gray = gray - gray.mean(dim=(1, 2), keepdim=True)
    power = torch.fft.fft2(gray).abs().square()
    fy = torch.fft.fftfreq(gray.shape[1], dtype=torch.float64)
    fx = torch.fft.fftfreq(gray.shape[2], dtype=torch.float64)
    radius = torch.sqrt(fy[:, None] ** 2 + fx[None, :] ** 2)
    total = power.sum(dim=(1, 2)).clamp_min(1e-300)
    return power[:, radius > cutoff_cycles_per_pixel].sum(dim=1) / total


def sharpness_ratios(samples: torch.Tensor, real: torch.Tensor) -> dict[str, float]:
    """Each measure's mean over ``samples`` divided by its mean over ``real`` images, and the
    standard error of that ratio over the samples (``<ratio>_stderr``: the standard error of the
    samples' mean over the real mean, which is held fixed as every row's common denominator)."""
    from scipy.stats import sem

    ratios = {}
    for key, measure in (("laplacian_var_ratio", laplacian_variance),
                         ("high_freq_share_ratio", high_frequency_share)):
        per_sample, real_mean = measure(samples), float(measure(real).mean())
        ratios[key] = float(per_sample.mean()) / real_mean
        stderr = float(sem(per_sample.numpy())) if len(per_sample) > 1 else math.nan
        ratios[f"{key}_stderr"] = stderr / real_mean
    return ratios


def sharpness_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``sharpness``: ratios to the dataset's test images (MNIST: all 10,000)."""
    require_metric_support("sharpness", dataset)
    real = dataset.parzen_test()[:REAL_IMAGES].reshape(-1, *dataset.shape)
    return sharpness_ratios(samples.cpu(), real)


register_metric("sharpness", sharpness_metric,
                supports=lambda dataset: hasattr(dataset, "parzen_test") and len(dataset.shape) == 3)
