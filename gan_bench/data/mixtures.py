"""The 2-D Gaussian mixtures of VEEGAN and PacGAN (docs/protocols/mode-coverage.md).

Points are float32 tensors of shape (N, 2) in data units. Every draw takes an explicit
``torch.Generator`` so that a batch depends only on (seed, step), never on global RNG state:
that is what makes resumed runs repeat bit for bit.
"""

import math
from dataclasses import dataclass

import torch

from gan_bench.data.device_copy import CPU, to_device_async
from gan_bench.registry import register_dataset
from gan_bench.runtime.seeding import stream_seed

EVAL_SEED_OFFSET = 1_000_003  # held-out points never share a stream with training batches


class GaussianMixture2D:
    """Equal-weight isotropic 2-D Gaussian mixture with component means ``means`` (K, 2)."""

    @dataclass(frozen=True)
    class Options:
        pass

    shape = (2,)
    coverage_metric = "modes"  # what `gan-bench modes` reports for this dataset

    def __init__(self, name: str, means: torch.Tensor, std: float):
        self.name = name
        self.means = means.to(torch.float32)
        self.std = float(std)

    @property
    def n_modes(self) -> int:
        return self.means.shape[0]

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``n`` points (n, 2) and their component labels (n,), on the CPU."""
        labels = torch.randint(0, self.n_modes, (n,), generator=generator)
        noise = torch.randn(n, 2, generator=generator)
        return self.means[labels] + self.std * noise, labels

    def train_batch(self, step: int, batch_size: int, seed: int,
                    device: torch.device = CPU) -> torch.Tensor:
        """Training batch ``step`` on ``device``: drawn on the CPU from a generator seeded with
        (seed, step), so the same points on every device, then sent without a host wait."""
        generator = torch.Generator().manual_seed(stream_seed(seed, step))
        return to_device_async(self.sample(batch_size, generator)[0], device)

    def held_out(self, n: int, seed: int = 0) -> torch.Tensor:
        generator = torch.Generator().manual_seed(stream_seed(seed, EVAL_SEED_OFFSET))
        return self.sample(n, generator)[0]


class Ring8(GaussianMixture2D):
    """8 modes on the unit circle at angles 2*pi*i/8 (not linspace(0, 2*pi, 8)), std 0.01."""

    def __init__(self, options: GaussianMixture2D.Options | None = None):
        angles = torch.arange(8, dtype=torch.float64) * (2 * math.pi / 8)
        means = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
        super().__init__("ring8", means, std=0.01)


class Grid25(GaussianMixture2D):
    """25 modes at {-4, -2, 0, 2, 4}^2, std 0.05."""

    def __init__(self, options: GaussianMixture2D.Options | None = None):
        axis = torch.tensor([-4.0, -2.0, 0.0, 2.0, 4.0])
        super().__init__("grid25", torch.cartesian_prod(axis, axis), std=0.05)


register_dataset("ring8", Ring8)
register_dataset("grid25", Grid25)
