import pytest
import torch

from gan_bench.data.mnist import Mnist, load_mnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics.classifier import WEIGHTS_PATH, load_classifier
from gan_bench.metrics.classifier_training import test_accuracy as accuracy_of


@pytest.mark.slow
@pytest.mark.network
def test_frozen_classifier_reaches_99_percent_on_the_test_set():
    model = load_classifier()
    images = Mnist().parzen_test().reshape(-1, 1, 28, 28)
    labels = torch.from_numpy(load_mnist()["test_labels"]).long()
    assert accuracy_of(model, images, labels) >= 0.99
    assert not model.training and not any(p.requires_grad for p in model.parameters())
    assert model.penultimate(images[:3]).shape == (3, 128)


def test_weights_with_another_checksum_are_refused(tmp_path):
    corrupted = tmp_path / "weights.pt"
    data = bytearray(WEIGHTS_PATH.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupted.write_bytes(bytes(data))
    with pytest.raises(GanBenchError, match="have sha256 .* expected"):
        load_classifier(corrupted)
    with pytest.raises(GanBenchError, match="cannot read classifier weights"):
        load_classifier(tmp_path / "missing.pt")
