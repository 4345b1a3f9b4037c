"""The frozen MNIST classifier: a small CNN whose weights ship with gan-bench.

Used to count which digit classes generated images cover, and (from its 128-d penultimate layer)
for a fast domain-specific FID. Its weights are trained by ``python -m
gan_bench.metrics.classifier_training`` (deterministic on the CPU) and verified by SHA-256 at load, so
every user scores with the same network.
"""

import hashlib
from pathlib import Path

import torch
from torch import nn

from gan_bench.errors import GanBenchError

WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "weights" / "mnist_classifier.pt"
WEIGHTS_SHA256 = "3d8e2394b9b220e5e4cd8ed8cb07e49227e6362a4c4697931d6d77a93341e4da"


class MnistClassifier(nn.Module):
    """conv 32 -> pool -> conv 64 -> pool -> 128 -> 10 logits; input (N, 1, 28, 28) in [0, 1]."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU())
        self.head = nn.Linear(128, 10)

    def penultimate(self, images: torch.Tensor) -> torch.Tensor:
        """128-d features (N, 128) of images (N, 1, 28, 28) in [0, 1]."""
        return self.features(images)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


def load_classifier(path: Path = WEIGHTS_PATH, sha256: str = WEIGHTS_SHA256) -> MnistClassifier:
    """The frozen classifier in eval mode, after checking the weights file's SHA-256."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise GanBenchError(f"cannot read classifier weights {path}: {error.strerror}") from None
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        raise GanBenchError(f"classifier weights {path} have sha256 {found}, expected {sha256}; "
                            "retrain with python -m gan_bench.metrics.classifier_training")
    model = MnistClassifier()
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval().requires_grad_(False)
