"""The GAN paper's MNIST model (Goodfellow et al. 2014; goodfeli/adversarial mnist.yaml).

Generator: 100-d noise -> Linear 1200, ReLU -> Linear 1200, ReLU -> Linear 784, sigmoid; weights
U(-0.05, 0.05), biases 0, the output bias set from the training marginals, log(m / (1 - m)) of the
mean training pixel m (clipped to [1e-7, 1 - 1e-7] as pylearn2 does). Discriminator: maxout 240 x 5
-> maxout 240 x 5 -> Linear 1, sigmoid; weights U(-0.005, 0.005). Dropout in the discriminator on
both the real and the fake pass: the input kept with p 0.8 (scaled 1.25), the inputs of the later
layers with p 0.5 (scaled 2); none in the generator.

Training as pylearn2's AdversaryCost2 with k = 1: one minibatch of real images and one of noise,
one discriminator forward each, the discriminator's gradient of 1/2 [CE(1, D(x)) + CE(0, D(G(z)))]
and the generator's gradient of its loss taken from that same forward, then one SGD step on both.
SGD: batch 100, learning rate 0.1 / 1.000004^t after t minibatches, floored at 1e-6; momentum
rising linearly from 0.5 at epoch 1 to 0.7 at epoch 250 (pylearn2's MomentumAdjustor). PyTorch's
SGD keeps the momentum buffer in gradient units where pylearn2 keeps it in step units; with this
slow decay the two differ by a factor of at most 1.000004 per step on the history term.
"""

import math
from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from gan_bench.baselines.maxout import Maxout
from gan_bench.model.contract import GenerativeModel, require_positive
from gan_bench.model.gan_losses import GeneratorLoss, discriminator_loss, game_diagnostics, generator_loss
from gan_bench.registry import register_model

MNIST_TRAIN_IMAGES = 50_000


class GanMnist(GenerativeModel):
    @dataclass(frozen=True)
    class Options:
        # uniform is U(-sqrt 3, sqrt 3), unit variance: the paper's setting, as mnist.yaml sets
        # noise: 'uniform' (overriding its Generator's default); "gaussian" is a variant.
        noise: Literal["uniform", "gaussian"] = "uniform"
        noise_dim: int = 100
        generator_hidden: int = 1200
        discriminator_units: int = 240
        discriminator_pieces: int = 5
        generator_loss: GeneratorLoss = "nonsaturating"
        generator_init_range: float = 0.05
        discriminator_init_range: float = 0.005
        input_keep_prob: float = 0.8
        hidden_keep_prob: float = 0.5
        learning_rate: float = 0.1
        lr_decay_per_step: float = 1.000004
        min_learning_rate: float = 1e-6
        initial_momentum: float = 0.5
        final_momentum: float = 0.7
        momentum_saturate_epoch: int = 250
        steps_per_epoch: int = MNIST_TRAIN_IMAGES // 100

        def __post_init__(self):
            require_positive(self, "noise_dim generator_hidden discriminator_units discriminator_pieces "
                                   "input_keep_prob hidden_keep_prob learning_rate lr_decay_per_step "
                                   "momentum_saturate_epoch steps_per_epoch")
            if self.input_keep_prob > 1 or self.hidden_keep_prob > 1:
                raise ValueError("input_keep_prob and hidden_keep_prob are probabilities: at most 1")

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__()
        self.options = options
        data_dim = math.prod(dataset.shape)
        self.data_shape = tuple(dataset.shape)
        hidden = options.generator_hidden
        self.generator = nn.Sequential(
            nn.Linear(options.noise_dim, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, data_dim), nn.Sigmoid())
        units, pieces = options.discriminator_units, options.discriminator_pieces
        self.discriminator = nn.Sequential(
            nn.Dropout(1 - options.input_keep_prob), Maxout(data_dim, units, pieces),
            nn.Dropout(1 - options.hidden_keep_prob), Maxout(units, units, pieces),
            nn.Dropout(1 - options.hidden_keep_prob), nn.Linear(units, 1))
        _init_uniform(self.generator, options.generator_init_range)
        _init_uniform(self.discriminator, options.discriminator_init_range)
        with torch.no_grad():
            marginal = dataset.mean_train_pixel.reshape(-1).double().clamp(1e-7, 1 - 1e-7)
            self.generator[4].bias.copy_(torch.log(marginal / (1 - marginal)))
        self.to(device)
        self.device = device
        self.optimizers = {"sgd": torch.optim.SGD(self.parameters(), lr=options.learning_rate,
                                                  momentum=options.initial_momentum)}
        # the step count is checkpointed as a buffer and mirrored on the host, where the schedule
        # reads it each step without waiting for the device
        self.register_buffer("steps_done", torch.zeros((), dtype=torch.long), persistent=True)
        self._steps_done = 0

    def schedule(self, step: int) -> tuple[float, float]:
        """Learning rate and momentum for the update after ``step`` minibatches."""
        o = self.options
        # in log space: 1.000004 ** step overflows a float past ~1.8e8 steps
        lr = max(o.learning_rate * math.exp(-step * math.log(o.lr_decay_per_step)),
                 o.min_learning_rate)
        epoch = step // o.steps_per_epoch + 1  # pylearn2 counts epochs from 1
        progress = min(max((epoch - 1) / (o.momentum_saturate_epoch - 1), 0.0), 1.0)
        return lr, o.initial_momentum + progress * (o.final_momentum - o.initial_momentum)

    def noise(self, n: int) -> torch.Tensor:
        if self.options.noise == "uniform":
            return (torch.rand(n, self.options.noise_dim, device=self.device) * 2 - 1) * math.sqrt(3)
        return torch.randn(n, self.options.noise_dim, device=self.device)

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor | float]:
        self.train()
        real = batch.reshape(batch.shape[0], -1)
        optimizer = self.optimizers["sgd"]
        with self.timer.phase("forward"):
            fake = self.generator(self.noise(real.shape[0]))
            logits_real = self.discriminator(real)
            logits_fake = self.discriminator(fake)
            d_loss = 0.5 * discriminator_loss(logits_real, logits_fake)
            g_loss = generator_loss(logits_fake, self.options.generator_loss)
        d_params, g_params = list(self.discriminator.parameters()), list(self.generator.parameters())
        with self.timer.phase("discriminator"):
            d_grads = torch.autograd.grad(d_loss, d_params, retain_graph=True)
        with self.timer.phase("generator"):
            g_grads = torch.autograd.grad(g_loss, g_params)
        with self.timer.phase("update"):
            for param, grad in zip(d_params + g_params, d_grads + g_grads, strict=True):
                param.grad = grad
            lr, momentum = self.schedule(self._steps_done)
            for group in optimizer.param_groups:
                group["lr"], group["momentum"] = lr, momentum
            optimizer.step()
            self.steps_done += 1
            self._steps_done += 1
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(), "learning_rate": lr,
                "momentum": momentum, **game_diagnostics(logits_real, logits_fake)}

    def load_checkpoint_state(self, state: dict) -> None:
        super().load_checkpoint_state(state)
        self._steps_done = int(self.steps_done)

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """Images (n, *dataset.shape) in [0, 1]: the generator's sigmoid output."""
        self.eval()
        return self.generator(self.noise(n)).reshape(n, *self.data_shape)


def _init_uniform(module: nn.Module, irange: float) -> None:
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            nn.init.uniform_(layer.weight, -irange, irange)
            nn.init.zeros_(layer.bias)


register_model("gan-mnist", GanMnist)
