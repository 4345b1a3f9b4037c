"""Live monitoring in TensorBoard (``gan-bench run --tensorboard DIR``, the optional extra
``pip install 'gan-bench[tensorboard]'``), through ``torch.utils.tensorboard``.

Each run writes to ``DIR/RUN_ID``: at every log point its losses and diagnostics (D(x) on real
and generated batches for a GAN) and any curve metrics scored there, as scalars; at every
checkpoint point and at the end, 64 samples, as an image grid for image datasets and as a 2-D
histogram image for the mixtures. The samples are drawn under a forked RNG seeded by the run's
seed and the step, and the writer touches no RNG, so a run's trajectory and record are the same
with or without it. Nothing of it enters a run's config: the option is not part of what a run is.
"""

import math
from pathlib import Path

import numpy as np
import torch
from torchvision.utils import make_grid

from gan_bench.errors import GanBenchError
from gan_bench.runtime.seeding import forked_rng
from gan_bench.storage.safe_paths import inside

SHOWN_SAMPLES = 64
HISTOGRAM_BINS = 128


class TensorboardMonitor:
    def __init__(self, folder: Path, run_id: str, seed: int, steps: int, samples_every_steps: int,
                 device: torch.device):
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise GanBenchError("--tensorboard needs the tensorboard package: "
                                "pip install 'gan-bench[tensorboard]'") from None
        self.writer = SummaryWriter(log_dir=str(inside(Path(folder), run_id)))
        self.seed, self.steps, self.device = seed, steps, device
        self.samples_every_steps = samples_every_steps

    def __call__(self, model, entry: dict) -> None:
        """At a log point: ``entry`` is the run's history entry (``step`` and its values)."""
        step = entry["step"]
        for key, value in entry.items():
            if key != "step" and isinstance(value, (int, float)) and math.isfinite(value):
                self.writer.add_scalar(key, value, step)
        if step % self.samples_every_steps == 0 or step == self.steps:
            self._samples(model, step)
        self.writer.flush()

    def _samples(self, model, step: int) -> None:
        with forked_rng(self.device, self.seed + step):
            samples = model.sample(SHOWN_SAMPLES).detach().float().cpu()
        if samples.dim() == 4:
            self.writer.add_image("samples", make_grid(samples.clamp(0, 1), nrow=8), step)
        elif samples.dim() == 2 and samples.shape[1] == 2:
            counts, _, _ = np.histogram2d(samples[:, 1].numpy(), samples[:, 0].numpy(), bins=HISTOGRAM_BINS)
            self.writer.add_image("samples", counts[np.newaxis, ::-1] / max(counts.max(), 1), step)

    def close(self) -> None:
        self.writer.close()
