"""The interface every model implements; the harness never special-cases a model.

A model owns its networks, losses and optimisers. ``train_step(batch)`` takes a float32 batch on
the model's device shaped (B, *dataset.shape) and returns a dict of losses and diagnostics, each a
0-d tensor left on the device (the Trainer reads them only at its log points, so a step never
waits for the device) or a plain float; ``sample(n)`` returns (n, *dataset.shape) on the model's
device, with gradients off.
"""

from contextlib import AbstractContextManager, nullcontext

import torch
from torch import nn


def require_positive(options, names: str) -> None:
    """For a model's ``Options.__post_init__``: a ValueError (one line naming the option, where the
    suite loader reports it) for the first of the space-separated ``names`` that is not above 0."""
    for name in names.split():
        value = getattr(options, name)
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")


class NullTimer:
    """Stands in for gan_bench.runs.timing.PhaseTimer when a model is used outside the Trainer."""

    def phase(self, name: str) -> AbstractContextManager:
        return nullcontext()


class GenerativeModel(nn.Module):
    #: how many real batches of the configured batch size one train_step consumes
    real_batches_per_step: int = 1
    #: True for calibration rows (training data, k-means, the true distribution), shown apart
    is_reference: bool = False

    def __init__(self):
        super().__init__()
        self.timer = NullTimer()
        self.optimizers: dict[str, torch.optim.Optimizer] = {}

    def train_step(self, batch: torch.Tensor) -> dict[str, torch.Tensor | float]:
        raise NotImplementedError

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        raise NotImplementedError

    def checkpoint_state(self) -> dict:
        """Everything needed to continue training exactly: weights, buffers and optimiser state."""
        return {
            "modules": self.state_dict(),
            "optimizers": {name: opt.state_dict() for name, opt in self.optimizers.items()},
        }

    def load_checkpoint_state(self, state: dict) -> None:
        self.load_state_dict(state["modules"])
        for name, optimizer in self.optimizers.items():
            optimizer.load_state_dict(state["optimizers"][name])
