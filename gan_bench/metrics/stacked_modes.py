"""Mode coverage on Stacked MNIST (docs/protocols/stacked-mnist.md), judged by the frozen classifier.

Each channel of a sample is classified as a digit; the sample's mode is its triple (d0, d1, d2),
numbered 100 * d0 + 10 * d1 + d2. The protocol scores 26,000 samples and reports how many of the
1000 modes they cover and KL(q || uniform) in nats, q the samples' empirical mode distribution:
0 for a generator that draws every mode equally often, log 1000 = 6.91 for one that draws a
single mode.
"""

import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.class_coverage import N_CLASSES, predicted_classes
from gan_bench.registry import register_metric, require_metric_support

SCORED_SAMPLES = 26_000  # samples to score per model, as PacGAN's num_test_sample
N_MODES = N_CLASSES**3
IMAGE_SHAPE = (3, 28, 28)
MODE_DIGIT_WEIGHTS = torch.tensor([100, 10, 1])  # channel 0 is the hundreds digit of the mode


def check_stacked_images(samples: torch.Tensor) -> None:
    """Reject anything but stacked images (N, 3, 28, 28), N >= 1, with every value in [0, 1]."""
    if samples.dim() != 4 or tuple(samples.shape[1:]) != IMAGE_SHAPE or samples.shape[0] == 0:
        raise GanBenchError(f"metric 'stacked_modes' needs samples shaped N x 3 x 28 x 28 with "
                            f"N >= 1, got {tuple(samples.shape)}")
    if samples.isnan().any():
        raise GanBenchError(f"metric 'stacked_modes': samples contain {int(samples.isnan().sum())} "
                            f"NaN values")
    low, high = float(samples.min()), float(samples.max())
    if low < 0 or high > 1:
        raise GanBenchError(f"metric 'stacked_modes' needs values in [0, 1], got [{low:.4g}, {high:.4g}]")


def predicted_modes(samples: torch.Tensor) -> torch.Tensor:
    """Modes (N,) in 0..999 of stacked images (N, 3, 28, 28): each channel's classifier digit."""
    check_stacked_images(samples)
    digits = predicted_classes(samples.reshape(-1, 1, 28, 28)).reshape(-1, 3)
    return (digits * MODE_DIGIT_WEIGHTS).sum(1)


def stacked_mode_coverage(modes: torch.Tensor) -> dict[str, float]:
    """Modes covered among ``modes`` (N,) and KL(q || uniform over 1000) of their frequencies."""
    q = torch.bincount(modes, minlength=N_MODES).double()
    q = q[q > 0] / q.sum()
    return {"stacked_modes_covered": int(q.numel()),
            "stacked_mode_kl_nats": float((q * (q * N_MODES).log()).sum())}


def stacked_modes_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``stacked_modes``: coverage of the 1000 digit triples of Stacked MNIST."""
    require_metric_support("stacked_modes", dataset)
    return stacked_mode_coverage(predicted_modes(samples))


register_metric("stacked_modes", stacked_modes_metric,
                supports=lambda dataset: getattr(dataset, "name", None) == "stacked-mnist")
