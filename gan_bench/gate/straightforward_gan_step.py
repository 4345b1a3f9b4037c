"""The GAN paper's MNIST step written the way the common PyTorch GAN examples write a GAN step.

PyTorch's DCGAN example (pytorch/examples, dcgan/main.py) and most tutorials follow it: two
optimisers; the discriminator scored on a real batch and on the detached fake batch with
``BCEWithLogitsLoss``, its backward and step; then the fake batch scored again by the updated
discriminator for the generator's loss, whose backward also fills the discriminator's gradients
(unused, cleared next step), and the generator's step. ``gan-bench bench`` times it beside the
reference step (baselines/gan_mnist.py), which takes both players' gradients from one forward
pass, to show what that costs and saves on the same networks.

That order updates D before G sees the fake, where the paper's step (pylearn2's) is simultaneous:
both gradients at the same weights. ``simultaneous=True`` scores the fake for G with D's weights
from before D's step, taking G's gradient alone, so that it computes the paper's update: with
dropout off it ends at the reference step's parameters (tests/gate/test_straightforward_gan_step.py),
so the timing compares the same mathematics.
"""

import torch
from torch import nn

from gan_bench.baselines.gan_mnist import GanMnist


class StraightforwardGanStep:
    """Trains ``model``'s own generator and discriminator (so same architecture and init) with
    its options' learning-rate and momentum schedule, in the common examples' structure."""

    def __init__(self, model: GanMnist, simultaneous: bool = False):
        self.model = model
        self.simultaneous = simultaneous
        self.generator, self.discriminator = model.generator, model.discriminator
        options = model.options
        self.d_optimizer = torch.optim.SGD(self.discriminator.parameters(), lr=options.learning_rate,
                                           momentum=options.initial_momentum)
        self.g_optimizer = torch.optim.SGD(self.generator.parameters(), lr=options.learning_rate,
                                           momentum=options.initial_momentum)
        self.criterion = nn.BCEWithLogitsLoss()
        self.steps_done = 0

    def _set_schedule(self) -> None:
        lr, momentum = self.model.schedule(self.steps_done)
        for optimizer in (self.d_optimizer, self.g_optimizer):
            for group in optimizer.param_groups:
                group["lr"], group["momentum"] = lr, momentum

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor]:
        self.model.train()
        self._set_schedule()
        real = batch.reshape(batch.shape[0], -1)
        ones = torch.ones(real.shape[0], 1, device=real.device)
        zeros = torch.zeros(real.shape[0], 1, device=real.device)
        fake = self.generator(self.model.noise(real.shape[0]))

        self.d_optimizer.zero_grad(set_to_none=True)
        d_loss = 0.5 * (self.criterion(self.discriminator(real), ones)
                        + self.criterion(self.discriminator(fake.detach()), zeros))
        d_loss.backward()
        if self.simultaneous:  # G's loss from D as it was before D's step; G's gradient only
            g_loss = self.criterion(self.discriminator(fake), ones)
            g_grads = torch.autograd.grad(g_loss, list(self.generator.parameters()))
            for param, grad in zip(self.generator.parameters(), g_grads, strict=True):
                param.grad = grad
            self.d_optimizer.step()
        else:
            self.d_optimizer.step()
            self.g_optimizer.zero_grad(set_to_none=True)
            g_loss = self.criterion(self.discriminator(fake), ones)
            g_loss.backward()
        self.g_optimizer.step()
        self.steps_done += 1
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach()}
