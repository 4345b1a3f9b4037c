"""The fixed reference workload every benchmark figure is divided by.

One call does a float32 matrix product (256 x 512 by 512 x 512: compute-bound, like the models'
large layers) and one Adam step of a small MLP (2 -> 64 -> 64 -> 1 at batch 100: bound by the
per-operation overhead, like the 2-D models' steps). Timed in the same process, interleaved with
a workload, it measures how fast the machine is right now at both kinds of work, so a workload's
time per reference call says how fast the code is, not the machine.
"""

import torch
import torch.nn.functional as F
from torch import nn


class ReferenceWorkload:
    def __init__(self, device: torch.device):
        generator = torch.Generator().manual_seed(0)
        self.a = torch.randn(256, 512, generator=generator).to(device)
        self.b = torch.randn(512, 512, generator=generator).to(device)
        self.x = torch.randn(100, 2, generator=generator).to(device)
        self.y = torch.randn(100, 1, generator=generator).to(device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            self.mlp = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                                     nn.Linear(64, 1)).to(device)
        self.optimizer = torch.optim.Adam(self.mlp.parameters(), lr=1e-3)

    def __call__(self) -> None:
        torch.mm(self.a, self.b)
        loss = F.mse_loss(self.mlp(self.x), self.y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
