"""What every VAE baseline shares: the reparameterised ELBO and its training step.

A subclass builds ``self.encoder`` (flattened data -> 2 x latent_dim: mean and log-variance),
``self.decoder`` (latent -> decoder output) and one optimiser named "vae", and defines
``reconstruction_nll(x, decoded)``, the batch mean of -log p(x | z) in nats.
"""

import torch

from gan_bench.model.contract import GenerativeModel


class VaeElbo(GenerativeModel):
    encoder: torch.nn.Module
    decoder: torch.nn.Module

    def reconstruction_nll(self, x: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def negative_elbo(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Mean over the batch (B, ...) of -ELBO, reconstruction NLL and KL, all in nats."""
        x = batch.reshape(batch.shape[0], -1)
        mu, log_var = self.encoder(x).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * (0.5 * log_var).exp()
        nll = self.reconstruction_nll(x, self.decoder(z))
        kl = 0.5 * (mu**2 + log_var.exp() - 1 - log_var).sum(dim=1).mean()
        return nll + kl, nll, kl

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor]:
        self.train()
        optimizer = self.optimizers["vae"]
        with self.timer.phase("vae"):
            loss, nll, kl = self.negative_elbo(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        return {"loss": loss.detach(), "reconstruction_nats": nll.detach(), "kl_nats": kl.detach()}
