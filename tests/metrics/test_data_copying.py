import numpy as np
import pytest
import torch

from gan_bench.data.mixtures import Ring8
from gan_bench.data.mnist import Mnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics.comparison_features import classifier_features, held_out_reference, training_reference
from gan_bench.metrics.data_copying import FLAG_BELOW_CT, data_copying

pytestmark = pytest.mark.usefixtures("one_thread")

TRAINING_IMAGES = 10_000
SAMPLES = 2_000


def copying_gan(training_images: torch.Tensor, n: int, noise_std: float, seed: int) -> torch.Tensor:
    """A "GAN" that memorised its training set: random training images plus small pixel noise."""
    generator = torch.Generator().manual_seed(seed)
    picked = training_images[torch.randint(len(training_images), (n,), generator=generator)]
    return (picked + noise_std * torch.randn(picked.shape, generator=generator)).clamp(0, 1)


@pytest.fixture(scope="module")
def mnist_sets(mnist_test_features):
    """Training images and their features (the first 10,000), and 2,000 held-out test features."""
    images = Mnist().train_images()[:TRAINING_IMAGES]
    return images, classifier_features(images), mnist_test_features[0][:SAMPLES]


def test_the_training_data_row_is_flagged(mnist_sets):
    images, training, held_out = mnist_sets
    result = data_copying(training, held_out, training[:SAMPLES])
    assert result["copying_flagged"] == 1 and result["copying_ct"] < -FLAG_BELOW_CT
    assert result["copying_closer_share"] == 1.0  # every copy sits at distance 0


def test_100_copies_are_flagged_in_fewer_cells(mnist_sets):
    _, training, held_out = mnist_sets
    result = data_copying(training, held_out, training[-100:])
    assert result["copying_flagged"] == 1 and result["copying_cells"] == 2


def test_real_held_out_images_of_the_validation_split_are_not_flagged(mnist_sets):
    _, training, held_out = mnist_sets
    validation = classifier_features(Mnist().parzen_validation()[:SAMPLES])
    result = data_copying(training, held_out, validation)
    assert result["copying_flagged"] == 0 and abs(result["copying_ct"]) < FLAG_BELOW_CT
    assert result["copying_closer_share"] == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize("noise_std", [0.05, 0.1])
def test_a_gan_that_copies_with_small_noise_is_flagged(mnist_sets, noise_std):
    images, training, held_out = mnist_sets
    copies = classifier_features(copying_gan(images, SAMPLES, noise_std, seed=1))
    result = data_copying(training, held_out, copies)
    assert result["copying_flagged"] == 1
    assert result["copying_closer_share"] > 0.9


def test_on_the_mixture_points_copies_are_flagged_and_fresh_draws_are_not():
    ring8 = Ring8()
    training, held_out = training_reference(ring8), held_out_reference(ring8)
    fresh = ring8.sample(2500, torch.Generator().manual_seed(5))[0].double().numpy()
    assert data_copying(training, held_out, fresh)["copying_flagged"] == 0
    rng = np.random.default_rng(5)
    copies = training[rng.integers(len(training), size=2500)] + rng.normal(scale=1e-4, size=(2500, 2))
    assert data_copying(training, held_out, copies)["copying_flagged"] == 1


def test_too_few_points_is_a_one_line_error():
    with pytest.raises(GanBenchError, match="at least 20 generated"):
        data_copying(np.zeros((100, 2)), np.zeros((100, 2)), np.zeros((5, 2)))
