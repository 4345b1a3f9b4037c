"""Reference row "true-distribution": samples drawn from p_data itself (2-D mixtures).

It shows each metric's best attainable value at the suite's sample count: all modes, ~99%
high-quality samples, near-zero reverse KL and Frechet distance, and a Parzen estimate to set
beside the exact test log-likelihood.
"""

import torch

from gan_bench.baselines.reference_row import ReferenceRow
from gan_bench.registry import register_model


class TrueDistribution(ReferenceRow):
    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """(n, *dataset.shape) points from the dataset's own sampler, seeded from torch's RNG."""
        generator = torch.Generator().manual_seed(int(torch.randint(2**62, ())))
        return self.dataset.sample(n, generator)[0].to(self.device)


register_model("true-distribution", TrueDistribution)
