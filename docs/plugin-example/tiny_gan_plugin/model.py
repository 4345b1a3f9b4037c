"""A complete gan-bench model plugin: a small GAN for 2-D data (the contract: gan_bench/model/contract.py)."""
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.functional import softplus

from gan_bench.model.contract import GenerativeModel


class TinyGan(GenerativeModel):
    @dataclass(frozen=True)
    class Options:  # what a suite's `options = {...}` may set; part of every run's config
        hidden: int = 64
        learning_rate: float = 1e-3

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        (dim,), width, self.device = dataset.shape, options.hidden, device
        def mlp(n_in, n_out): return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, n_out))
        self.generator, self.discriminator = mlp(2, dim).to(device), mlp(dim, 1).to(device)
        self.optimizers = {name: torch.optim.Adam(getattr(self, name).parameters(), options.learning_rate)
                           for name in ("discriminator", "generator")}  # checkpointed with the weights

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor]:
        fake = self.generator(torch.randn(len(batch), 2, device=self.device))
        d_loss = (softplus(-self.discriminator(batch)) + softplus(self.discriminator(fake.detach()))).mean()
        self.update("discriminator", d_loss)
        g_loss = softplus(-self.discriminator(fake)).mean()  # non-saturating: -log D(G(z))
        self.update("generator", g_loss)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach()}  # left on the device

    def update(self, name: str, loss: torch.Tensor) -> None:
        self.optimizers[name].zero_grad()
        loss.backward(inputs=list(getattr(self, name).parameters()))
        self.optimizers[name].step()

    def sample(self, n: int) -> torch.Tensor:  # without gradients
        return self.generator(torch.randn(n, 2, device=self.device)).detach()
