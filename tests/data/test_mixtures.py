import math

import torch

from gan_bench.data.mixtures import Grid25, Ring8


def test_ring8_means_are_eight_distinct_points_on_the_unit_circle():
    means = Ring8().means.double()
    assert means.shape == (8, 2)
    assert torch.allclose(means.norm(dim=1), torch.ones(8, dtype=torch.float64), atol=1e-6)
    angles = torch.atan2(means[:, 1], means[:, 0]) % (2 * math.pi)
    expected = torch.arange(8, dtype=torch.float64) * 2 * math.pi / 8
    assert torch.allclose(angles.sort().values, expected, atol=1e-6)
    assert torch.cdist(means, means).add(torch.eye(8, dtype=torch.float64)).min() > 0.7


def test_grid25_means_and_std():
    dataset = Grid25()
    assert dataset.std == 0.05
    assert sorted(set(dataset.means[:, 0].tolist())) == [-4, -2, 0, 2, 4]
    assert len({tuple(m) for m in dataset.means.tolist()}) == 25


def test_samples_have_the_stated_std_and_equal_weights():
    dataset = Ring8()
    points, labels = dataset.sample(80_000, torch.Generator().manual_seed(0))
    residual = points - dataset.means[labels]
    assert abs(residual.std().item() - 0.01) < 0.0005
    counts = torch.bincount(labels, minlength=8).double()
    assert (counts / counts.sum() - 1 / 8).abs().max() < 0.01


def test_train_batches_are_a_pure_function_of_seed_and_step():
    dataset = Grid25()
    assert torch.equal(dataset.train_batch(5, 64, seed=1), dataset.train_batch(5, 64, seed=1))
    assert not torch.equal(dataset.train_batch(5, 64, seed=1), dataset.train_batch(6, 64, seed=1))
    assert not torch.equal(dataset.train_batch(5, 64, seed=1), dataset.train_batch(5, 64, seed=2))
    assert dataset.train_batch(0, 64, seed=0).dtype == torch.float32
