"""Stacked MNIST, the 1000-mode benchmark of VEEGAN and PacGAN (docs/protocols/stacked-mnist.md).

Each image stacks three MNIST training digits (of the paper split's 50,000), drawn independently
and uniformly with replacement, one per channel: float32 (3, 28, 28), pixel/255. Its mode is the
digit triple (d0, d1, d2) of its channels, one of 1000. The digits come from the MNIST cache file
through :func:`gan_bench.data.mnist.load_mnist`, so this dataset has no download of its own.

Stacked images are drawn on demand, never stored: a training batch from a generator seeded by
(seed, step), and a fixed set of real stacked images, the "training images" that the reference
rows use as samples, from a generator seeded by a constant of its own.
"""

import functools
from dataclasses import dataclass

import torch

from gan_bench.data import mnist
from gan_bench.data.device_copy import CPU, kept_on, to_device_async
from gan_bench.errors import GanBenchError
from gan_bench.registry import register_dataset
from gan_bench.runtime.seeding import stream_seed

CHANNELS = 3
REAL_SET_SIZE = 26_000  # as many real images as the mode metric scores samples (stacked_modes)
# The real set's own seed, far above stream_seed(seed, step) of any realistic run seed and step,
# so that no training batch starts with the same draws as the real set.
REAL_SET_SEED = 2**62 - 1


class StackedMnist:
    """Three independent MNIST training digits per image, (3, 28, 28) in [0, 1]; lazy loading."""

    @dataclass(frozen=True)
    class Options:
        pass

    name = "stacked-mnist"
    shape = (CHANNELS, 28, 28)
    coverage_metric = "stacked_modes"  # what `gan-bench modes` reports for this dataset
    # Images per epoch: as many draws as the digit pool holds, so that an epoch spans as many
    # steps as on MNIST (gan-mnist's momentum schedule counts its epochs that way).
    train_size = mnist.N_TRAIN

    def __init__(self, options: Options | None = None):
        self.options = options or self.Options()
        self._device_digits: dict[torch.device, torch.Tensor] = {}

    @functools.cached_property
    def _digits(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The 50,000 MNIST training images, uint8 (50000, 28, 28), and their labels (50000,)."""
        arrays = mnist.load_mnist()
        return torch.from_numpy(arrays["train_images"]), torch.from_numpy(arrays["train_labels"]).long()

    def _draw(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """Indices (n, 3) into the training digits: one uniform draw per channel of each image."""
        return torch.randint(0, self._digits[0].shape[0], (n, CHANNELS), generator=generator)

    def _stack(self, indices: torch.Tensor, device: torch.device = CPU) -> torch.Tensor:
        """The images (n, 3, 28, 28) in [0, 1] on ``device`` whose channels are the digits
        ``indices`` (n, 3, on the CPU); only the indices travel, the digits are kept there."""
        digits = kept_on(self._digits[0], device, self._device_digits)
        return digits[to_device_async(indices, device)].float().div(255)

    def train_batch(self, step: int, batch_size: int, seed: int,
                    device: torch.device = CPU) -> torch.Tensor:
        """Training batch ``step``, float32 (B, 3, 28, 28) on ``device``: a pure function of its
        arguments.

        Its 3B digits are drawn with replacement by a generator seeded with
        ``stream_seed(seed, step)``, independently of every other step and of global RNG state,
        so a resumed run sees the same batches.
        """
        if batch_size < 1:
            raise GanBenchError(f"Stacked MNIST batch size must be at least 1, got {batch_size}")
        generator = torch.Generator().manual_seed(stream_seed(seed, step))
        return self._stack(self._draw(batch_size, generator), device)

    @functools.cached_property
    def _real_set_indices(self) -> torch.Tensor:
        return self._draw(REAL_SET_SIZE, torch.Generator().manual_seed(REAL_SET_SEED))

    def train_images(self) -> torch.Tensor:
        """The fixed real set: 26,000 stacked training images, float32 (26000, 3, 28, 28).

        The same images on every machine and in every run (drawn with REAL_SET_SEED); the
        'training-data' reference row samples them, so its mode coverage is that of real data.
        """
        return self._stack(self._real_set_indices)

    def train_triples(self) -> torch.Tensor:
        """The true digit triples (26000, 3), int64 in 0..9, of the images of :meth:`train_images`."""
        return self._digits[1][self._real_set_indices]

    @functools.cached_property
    def mean_train_pixel(self) -> torch.Tensor:
        """Per-pixel mean, float32 (2352,) in [0, 1] (the GAN's output bias): every channel has the
        mean of the 50,000 training digits, the exact mean of independent uniform draws of them."""
        digit_mean = self._digits[0].flatten(1).double().mean(0).div(255).float()
        return digit_mean.repeat(CHANNELS)


register_dataset("stacked-mnist", StackedMnist)
