"""VAE baseline for MNIST (Kingma & Welling 2014, "Auto-Encoding Variational Bayes").

Encoder 784 -> 500 tanh -> linear mean and log-variance of a ``latent_dim`` (20) Gaussian; decoder
latent -> 500 tanh -> 784 sigmoid, a Bernoulli likelihood on the real-valued pixels (binary
cross-entropy); one z sample per image; minibatch 100 (the suite's batch size). Optimiser: the
paper used Adagrad; the default here is Adam (lr 1e-3), which reaches the same kind of model in
far fewer epochs on a CPU budget; ``optimizer = "adagrad"`` (lr 0.02, the paper's grid) is the
paper's choice. Samples for evaluation are decoder means (what makes VAE samples look blurry);
``sample_mode = "bernoulli"`` draws binary pixels instead.
"""

import math
from dataclasses import dataclass
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

from gan_bench.baselines.vae_elbo import VaeElbo
from gan_bench.model.contract import require_positive
from gan_bench.registry import register_model


class VaeMnist(VaeElbo):
    @dataclass(frozen=True)
    class Options:
        latent_dim: int = 20
        hidden: int = 500
        optimizer: Literal["adam", "adagrad"] = "adam"
        learning_rate: float = 1e-3
        sample_mode: Literal["mean", "bernoulli"] = "mean"

        def __post_init__(self):
            require_positive(self, "latent_dim hidden learning_rate")

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        self.options = options
        self.data_shape = tuple(dataset.shape)
        data_dim = math.prod(dataset.shape)
        self.encoder = nn.Sequential(nn.Linear(data_dim, options.hidden), nn.Tanh(),
                                     nn.Linear(options.hidden, 2 * options.latent_dim))
        self.decoder = nn.Sequential(nn.Linear(options.latent_dim, options.hidden), nn.Tanh(),
                                     nn.Linear(options.hidden, data_dim))
        self.to(device)
        self.device = device
        optimizer = torch.optim.Adam if options.optimizer == "adam" else torch.optim.Adagrad
        self.optimizers = {"vae": optimizer(self.parameters(), lr=options.learning_rate)}

    def reconstruction_nll(self, x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        """Bernoulli -log p(x | z) of pixels in [0, 1] (binary cross-entropy), batch mean in nats."""
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """Images (n, *dataset.shape) in [0, 1]: decoder means, or Bernoulli draws from them."""
        self.eval()
        means = torch.sigmoid(self.decoder(torch.randn(n, self.options.latent_dim, device=self.device)))
        images = torch.bernoulli(means) if self.options.sample_mode == "bernoulli" else means
        return images.reshape(n, *self.data_shape)


register_model("vae-mnist", VaeMnist)
