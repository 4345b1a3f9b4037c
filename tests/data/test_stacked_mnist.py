import pytest
import torch

from gan_bench import lookup
from gan_bench.baselines.gan_mnist import GanMnist
from gan_bench.baselines.training_data import TrainingData
from gan_bench.data import mnist
from gan_bench.data.stacked_mnist import StackedMnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics.stacked_modes import SCORED_SAMPLES
from gan_bench.storage.cache import CACHE_ENV

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def dataset() -> StackedMnist:
    return StackedMnist()


@pytest.fixture(scope="module")
def mnist_arrays() -> dict:
    return mnist.load_mnist()


@pytest.fixture(scope="module")
def digit_index(mnist_arrays) -> dict[bytes, int]:
    """Index into the 50,000 MNIST training images by their bytes (no two are the same)."""
    return {image.tobytes(): i for i, image in enumerate(mnist_arrays["train_images"])}


@pytest.fixture(scope="module")
def real_images(dataset) -> torch.Tensor:
    return dataset.train_images()


def digits_of(images: torch.Tensor, digit_index: dict[bytes, int]) -> torch.Tensor:
    """Training-digit indices (N, 3) of stacked images (N, 3, 28, 28); a KeyError for a channel
    that is no MNIST training image."""
    pixels = (images * 255).round().to(torch.uint8).numpy()
    return torch.tensor([[digit_index[channel.tobytes()] for channel in image] for image in pixels])


def test_registering_and_constructing_read_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))

    def must_not_run():
        raise AssertionError("constructing the dataset must not load MNIST")

    monkeypatch.setattr(mnist, "load_mnist", must_not_run)
    dataset = lookup.get_dataset("stacked-mnist")()
    assert (dataset.name, dataset.shape, dataset.coverage_metric) == (
        "stacked-mnist", (3, 28, 28), "stacked_modes")
    assert not (tmp_path / "cache").exists()


@pytest.mark.network
def test_batches_are_a_pure_function_of_step_and_seed(dataset):
    first = dataset.train_batch(4, 6, seed=3)
    assert first.shape == (6, 3, 28, 28) and first.dtype == torch.float32
    assert 0 <= float(first.min()) and float(first.max()) <= 1
    torch.manual_seed(123)  # global RNG state must not matter
    dataset.train_batch(0, 6, seed=9)
    assert torch.equal(StackedMnist().train_batch(4, 6, seed=3), first)
    assert not torch.equal(dataset.train_batch(5, 6, seed=3), first)
    assert not torch.equal(dataset.train_batch(4, 6, seed=4), first)
    with pytest.raises(GanBenchError, match="batch size must be at least 1, got 0"):
        dataset.train_batch(0, 0, seed=0)


@pytest.mark.network
def test_every_channel_is_a_real_training_digit_drawn_independently(dataset, digit_index):
    digits = digits_of(dataset.train_batch(7, 200, seed=1), digit_index)
    assert digits.shape == (200, 3)
    # 600 uniform draws from 50,000 digits: distinct channels, and few repeats anywhere
    assert (digits[:, 0] != digits[:, 1]).all() and (digits[:, 1] != digits[:, 2]).all()
    assert digits.unique().numel() > 590


@pytest.mark.network
def test_the_real_set_is_fixed_and_labelled_by_its_true_triples(dataset, real_images, mnist_arrays,
                                                                digit_index):
    images, triples = real_images, dataset.train_triples()
    assert images.shape == (SCORED_SAMPLES, 3, 28, 28) and triples.shape == (SCORED_SAMPLES, 3)
    fresh = StackedMnist()
    assert torch.equal(fresh.train_triples(), triples)
    assert torch.equal(fresh.train_images()[-50:], images[-50:])
    labels = torch.from_numpy(mnist_arrays["train_labels"])
    assert torch.equal(labels[digits_of(images[:300], digit_index)], triples[:300])
    modes = (triples * torch.tensor([100, 10, 1])).sum(1)
    assert modes.unique().numel() == 1000  # each mode expects ~26 of the 26,000 images
    # the training batches are no copy of the real set
    assert not torch.equal(dataset.train_batch(0, 10, seed=0), images[:10])


@pytest.mark.network
def test_mean_pixel_is_the_mnist_mean_in_every_channel(dataset, mnist_arrays):
    mean = dataset.mean_train_pixel
    assert mean.shape == (3 * 784,)
    digit_mean = mnist_arrays["train_images"].reshape(-1, 784).mean(0) / 255
    for channel in mean.reshape(3, 784):
        torch.testing.assert_close(channel.double(), torch.from_numpy(digit_mean), rtol=0, atol=1e-6)
    batch_mean = dataset.train_batch(0, 2000, seed=0).reshape(2000, -1).mean(0)
    assert float((batch_mean - mean).abs().mean()) < 0.01


@pytest.mark.network
def test_reference_models_run_unchanged(dataset, real_images):
    real = TrainingData(TrainingData.Options(), dataset, CPU).sample(20)
    assert torch.equal(real, real_images[:20])
    torch.manual_seed(0)
    gan = GanMnist(GanMnist.Options(generator_hidden=32, discriminator_units=16), dataset, CPU)
    losses = gan.train_step(dataset.train_batch(0, 8, seed=0))
    assert all(torch.isfinite(torch.as_tensor(v)) for v in losses.values())
    samples = gan.sample(5)
    assert samples.shape == (5, 3, 28, 28) and 0 <= float(samples.min()) <= float(samples.max()) <= 1
