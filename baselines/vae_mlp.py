"""VAE for 2-D data (Kingma & Welling 2014) with a Gaussian decoder.

Choice for the mixtures (the paper has no 2-D data experiment): MLP encoder and decoder with two hidden
layers of 400 ReLU units, a ``latent_dim``-d Gaussian posterior with linear mean and log-variance
heads, and a Gaussian decoder whose mean is a linear output and whose per-dimension log-variance
is one learned parameter shared by all points (a per-point variance lets the likelihood blow up
on 0.01-std modes). Adam(lr 1e-3), one z sample per point. ``sample`` draws from the model,
decoder mean plus decoder noise, unless ``sample_mode = "mean"``.
"""

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from gan_bench.baselines.vae_elbo import VaeElbo
from gan_bench.model.contract import require_positive
from gan_bench.registry import register_model


def _mlp(in_dim: int, hidden: int, out_dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                         nn.ReLU(), nn.Linear(hidden, out_dim))


class VaeMlp(VaeElbo):
    @dataclass(frozen=True)
    class Options:
        latent_dim: int = 2
        hidden: int = 400
        learning_rate: float = 1e-3
        sample_mode: Literal["draw", "mean"] = "draw"

        def __post_init__(self):
            require_positive(self, "latent_dim hidden learning_rate")

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        self.options = options
        (data_dim,) = dataset.shape
        self.encoder = _mlp(data_dim, options.hidden, 2 * options.latent_dim)
        self.decoder = _mlp(options.latent_dim, options.hidden, data_dim)
        self.decoder_log_var = nn.Parameter(torch.zeros(data_dim))
        self.to(device)
        self.device = device
        self.optimizers = {"vae": torch.optim.Adam(self.parameters(), options.learning_rate)}

    def reconstruction_nll(self, x: torch.Tensor, x_mean: torch.Tensor) -> torch.Tensor:
        """Gaussian -log p(x | z) with the shared learned variance, batch mean in nats."""
        return 0.5 * (((x - x_mean) ** 2) / self.decoder_log_var.exp()
                      + self.decoder_log_var + math.log(2 * math.pi)).sum(dim=1).mean()

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        self.eval()
        x_mean = self.decoder(torch.randn(n, self.options.latent_dim, device=self.device))
        if self.options.sample_mode == "mean":
            return x_mean
        return x_mean + torch.randn_like(x_mean) * (0.5 * self.decoder_log_var).exp()


register_model("vae-mlp", VaeMlp)
