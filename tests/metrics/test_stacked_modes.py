import itertools
import json
import math

import numpy as np
import pytest
import torch

from gan_bench import lookup
from gan_bench.cli import main
from gan_bench.data.mnist import Mnist
from gan_bench.data.stacked_mnist import StackedMnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics.class_coverage import predicted_classes
from gan_bench.metrics.stacked_modes import predicted_modes, stacked_mode_coverage, stacked_modes_metric


@pytest.fixture(scope="module")
def digit_images() -> torch.Tensor:
    """One MNIST test image (10, 28, 28) per digit 0..9 that the classifier labels correctly."""
    mnist = Mnist()
    images, labels = mnist.parzen_test()[:200].reshape(-1, 28, 28), mnist.test_labels()[:200]
    correct = predicted_classes(images.unsqueeze(1)) == labels
    return torch.stack([images[(labels == digit) & correct][0] for digit in range(10)])


def stacks(digit_images: torch.Tensor, triples: list[tuple[int, int, int]]) -> torch.Tensor:
    """Stacked images (N, 3, 28, 28) whose channels show the digits of ``triples``."""
    return digit_images[torch.tensor(triples)]


@pytest.mark.network
def test_modes_number_the_triples_channel_by_channel(digit_images):
    modes = predicted_modes(stacks(digit_images, [(7, 2, 1), (0, 0, 9), (9, 0, 0), (5, 5, 5)]))
    assert modes.tolist() == [721, 9, 900, 555]


@pytest.mark.network
def test_a_single_mode_covers_one_with_kl_log_1000(digit_images):
    samples = stacks(digit_images, [(3, 1, 4)] * 40)
    result = lookup.get_metric("stacked_modes")(StackedMnist(), samples)
    assert result["stacked_modes_covered"] == 1
    assert result["stacked_mode_kl_nats"] == pytest.approx(math.log(1000))


@pytest.mark.slow
@pytest.mark.network
def test_all_1000_triples_once_cover_every_mode_with_kl_zero(digit_images):
    samples = stacks(digit_images, list(itertools.product(range(10), repeat=3)))
    result = stacked_modes_metric(StackedMnist(), samples)
    assert result["stacked_modes_covered"] == 1000
    assert result["stacked_mode_kl_nats"] == pytest.approx(0, abs=1e-12)


def test_kl_of_an_uneven_mix():
    # 30 draws of one mode and 10 of another: q = (3/4, 1/4)
    result = stacked_mode_coverage(torch.tensor([12] * 30 + [998] * 10))
    expected = 0.75 * math.log(0.75 * 1000) + 0.25 * math.log(0.25 * 1000)
    assert result == {"stacked_modes_covered": 2, "stacked_mode_kl_nats": pytest.approx(expected)}


@pytest.mark.slow
@pytest.mark.network
def test_real_stacked_images_are_classified_by_their_true_triples():
    dataset = StackedMnist()
    images, triples = dataset.train_images()[:300], dataset.train_triples()[:300]
    true_modes = (triples * torch.tensor([100, 10, 1])).sum(1)
    assert (predicted_modes(images) == true_modes).float().mean() > 0.95  # ~0.99 ** 3 per image


@pytest.mark.parametrize("samples, message", [
    (torch.zeros(4, 1, 28, 28), r"N x 3 x 28 x 28 with N >= 1, got \(4, 1, 28, 28\)"),
    (torch.zeros(4, 3, 784), r"got \(4, 3, 784\)"),
    (torch.zeros(0, 3, 28, 28), r"got \(0, 3, 28, 28\)"),
    (torch.zeros(2, 3, 28, 28).index_fill_(0, torch.tensor([1]), math.nan), "contain 2352 NaN values"),
    (torch.full((2, 3, 28, 28), 1.5), r"values in \[0, 1\], got \[1.5, 1.5\]"),
    (torch.full((2, 3, 28, 28), -0.25), r"values in \[0, 1\], got \[-0.25, -0.25\]"),
])
def test_bad_samples_are_clear_errors(samples, message):
    with pytest.raises(GanBenchError, match=message):
        stacked_modes_metric(StackedMnist(), samples)


def test_other_datasets_are_refused():
    with pytest.raises(GanBenchError, match="'stacked_modes' is not available for dataset 'mnist'"):
        stacked_modes_metric(Mnist(), torch.zeros(2, 3, 28, 28))


@pytest.mark.network
def test_modes_command_reports_stacked_modes(digit_images, tmp_path, capsys):
    samples = stacks(digit_images, [(1, 2, 3)] * 5 + [(4, 5, 6)] * 5)
    np.save(tmp_path / "samples.npy", (samples.numpy() * 255).round().astype(np.uint8))
    assert main(["modes", "--samples", str(tmp_path / "samples.npy"), "--dataset", "stacked-mnist",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result == {"stacked_modes_covered": 2, "stacked_mode_kl_nats": pytest.approx(math.log(500)),
                      "n_samples": 10}
