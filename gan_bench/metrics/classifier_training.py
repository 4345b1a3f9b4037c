"""Train the frozen MNIST classifier: ``python -m gan_bench.metrics.classifier_training``.

Deterministic on the CPU (one thread, deterministic algorithms, fixed seed): the same weights
file, byte for byte, on the same torch version. Adam(1e-3, divided by 3 every 2 epochs), batch
128, EPOCHS epochs over the 50,000 training images of the paper's split, each image shifted by
up to MAX_SHIFT_PIXELS; it prints the test
accuracy and the weights' SHA-256 for gan_bench/metrics/classifier.py.
"""

import hashlib
import io

import torch
import torch.nn.functional as F

from gan_bench.data.mnist import Mnist, load_mnist
from gan_bench.metrics.classifier import WEIGHTS_PATH, MnistClassifier
from gan_bench.storage.atomic_files import atomic_write_bytes

EPOCHS = 6
BATCH = 128
SEED = 0
MAX_SHIFT_PIXELS = 2  # augmentation: each training image moved by up to this much


def shifted(images: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Each image (N, 1, 28, 28) translated by a random offset in [-2, 2]^2, zeros shifted in."""
    padded = F.pad(images, [MAX_SHIFT_PIXELS] * 4)
    offsets = torch.randint(0, 2 * MAX_SHIFT_PIXELS + 1, (images.shape[0], 2), generator=generator)
    return torch.stack([padded[i, :, y:y + 28, x:x + 28] for i, (y, x) in enumerate(offsets.tolist())])


def test_accuracy(model: MnistClassifier, images: torch.Tensor, labels: torch.Tensor) -> float:
    with torch.no_grad():
        predictions = torch.cat([model(chunk).argmax(1) for chunk in images.split(1000)])
    return float((predictions == labels).double().mean())


def main() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    dataset = Mnist()
    arrays = load_mnist()
    labels = torch.from_numpy(arrays["train_labels"]).long()
    images = dataset.train_images()
    model = MnistClassifier()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=1 / 3)
    generator = torch.Generator().manual_seed(SEED)
    for epoch in range(EPOCHS):
        order = torch.randperm(images.shape[0], generator=generator)
        for batch in order.split(BATCH):
            loss = F.cross_entropy(model(shifted(images[batch], generator)), labels[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        schedule.step()
        print(f"epoch {epoch + 1}: last loss {loss.item():.4f}", flush=True)
    model.eval()
    test_images = dataset.parzen_test().reshape(-1, 1, 28, 28)
    test_labels = torch.from_numpy(arrays["test_labels"]).long()
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    WEIGHTS_PATH.parent.mkdir(exist_ok=True)
    atomic_write_bytes(WEIGHTS_PATH, buffer.getvalue())
    print(f"test accuracy {test_accuracy(model, test_images, test_labels):.4f}")
    print(f"weights {WEIGHTS_PATH} sha256 {hashlib.sha256(buffer.getvalue()).hexdigest()}")


if __name__ == "__main__":
    main()
