"""Reference row "true-distribution": samples drawn from p_data itself (2-D mixtures).

It shows each metric's best attainable value at the suite's sample count: all modes, ~99%
high-quality samples, near-zero reverse KL and Frechet distance, and a Parzen estimate to set
beside the exact test log-likelihood. ``train_step`` does nothing; one step is enough.
"""

from dataclasses import dataclass

import torch

from baselines.model import GenerativeModel
from gan_bench.registry import register_model


class TrueDistribution(GenerativeModel):
    is_reference = True  # a calibration row, not a generative model

    @dataclass(frozen=True)
    class Options:
        pass

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        self.dataset = dataset
        self.device = device

    def train_step(self, batch: torch.Tensor) -> dict[str, float]:
        return {}

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """(n, *dataset.shape) points from the dataset's own sampler, seeded from torch's RNG."""
        generator = torch.Generator().manual_seed(int(torch.randint(2**62, ())))
        return self.dataset.sample(n, generator)[0].to(self.device)


register_model("true-distribution", TrueDistribution)
