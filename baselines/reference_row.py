"""Base of the calibration rows: fixed samplers that stand beside the models on a leaderboard.

They are not generative models and are marked ``reference``: their ``train_step`` does nothing
(one step of "training" is enough) unless a subclass fits something once, like k-means.
"""

from dataclasses import dataclass

import torch

from gan_bench.model.contract import GenerativeModel


class ReferenceRow(GenerativeModel):
    is_reference = True

    @dataclass(frozen=True)
    class Options:
        pass

    def __init__(self, options, dataset, device: torch.device):
        super().__init__()
        self.options = options
        self.dataset = dataset
        self.device = device

    def train_step(self, batch: torch.Tensor) -> dict[str, float]:
        return {}
