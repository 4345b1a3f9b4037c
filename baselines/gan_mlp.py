"""Reference GAN for 2-D mixtures: PacGAN's GAN configuration (fjxmlzn/PacGAN, 2DRing/2DGrid).

z ~ N(0, I) in ``noise_dim`` dimensions; generator: 4 hidden layers of 400 units, each Linear ->
BatchNorm -> ReLU, then a linear output; discriminator: 3 maxout layers of 200 units x 5 pieces,
then a linear output (a logit). Weights N(0, 0.02), biases 0; Adam(lr 1e-4, beta1 0.8); k
discriminator updates per generator update, each on its own real batch and fresh noise.
Discriminator weights get no gradient in the generator step.
Samples are drawn with batch norm in eval mode (running statistics), so a sample does not depend
on the other samples drawn with it.
"""

from dataclasses import dataclass

import torch
from torch import nn

from gan_bench.baselines.maxout import Maxout
from gan_bench.model.contract import GenerativeModel, require_positive
from gan_bench.model.gan_losses import (
    GeneratorLoss,
    discriminator_loss,
    game_diagnostics,
    generator_loss,
)
from gan_bench.registry import register_model


def _init_normal(module: nn.Module, std: float) -> None:
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, 0.0, std)
            nn.init.zeros_(layer.bias)


class GanMlp(GenerativeModel):
    @dataclass(frozen=True)
    class Options:
        generator_loss: GeneratorLoss = "nonsaturating"
        discriminator_steps: int = 1
        noise_dim: int = 2
        generator_hidden: int = 400
        generator_layers: int = 4
        discriminator_units: int = 200
        discriminator_pieces: int = 5
        discriminator_layers: int = 3
        init_std: float = 0.02
        learning_rate: float = 1e-4
        beta1: float = 0.8
        beta2: float = 0.999

        def __post_init__(self):
            require_positive(self, "discriminator_steps noise_dim generator_hidden generator_layers "
                                   "discriminator_units discriminator_pieces discriminator_layers "
                                   "learning_rate")

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        self.options = options
        (data_dim,) = dataset.shape
        self.real_batches_per_step = options.discriminator_steps
        layers, width = [], options.noise_dim
        for _ in range(options.generator_layers):
            layers += [nn.Linear(width, options.generator_hidden),
                       nn.BatchNorm1d(options.generator_hidden), nn.ReLU()]
            width = options.generator_hidden
        self.generator = nn.Sequential(*layers, nn.Linear(width, data_dim))
        layers, width = [], data_dim
        for _ in range(options.discriminator_layers):
            layers.append(Maxout(width, options.discriminator_units, options.discriminator_pieces))
            width = options.discriminator_units
        self.discriminator = nn.Sequential(*layers, nn.Linear(width, 1))
        _init_normal(self, options.init_std)
        self.to(device)
        self.device = device
        betas = (options.beta1, options.beta2)
        self.optimizers = {
            "generator": torch.optim.Adam(self.generator.parameters(), options.learning_rate, betas=betas),
            "discriminator": torch.optim.Adam(
                self.discriminator.parameters(), options.learning_rate, betas=betas),
        }

    def noise(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.options.noise_dim, device=self.device)

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor]:
        self.train()
        d_opt, g_opt = self.optimizers["discriminator"], self.optimizers["generator"]
        for real in batch.chunk(self.options.discriminator_steps):
            with self.timer.phase("discriminator"):
                # The last discriminator step's fakes are kept with their graph and reused by
                # the generator step (as in PyTorch's DCGAN example): one generator forward less.
                fake = self.generator(self.noise(real.shape[0]))
                logits_real = self.discriminator(real)
                logits_fake = self.discriminator(fake.detach())
                d_loss = discriminator_loss(logits_real, logits_fake)
                d_opt.zero_grad(set_to_none=True)
                d_loss.backward()
                d_opt.step()
        with self.timer.phase("generator"):
            self.discriminator.requires_grad_(False)  # no weight gradients for D in G's step
            g_loss = generator_loss(self.discriminator(fake), self.options.generator_loss)
            g_opt.zero_grad(set_to_none=True)
            g_loss.backward()
            g_opt.step()
            self.discriminator.requires_grad_(True)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(),
                **game_diagnostics(logits_real, logits_fake)}

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        self.eval()
        return self.generator(self.noise(n))


register_model("gan-mlp", GanMlp)
