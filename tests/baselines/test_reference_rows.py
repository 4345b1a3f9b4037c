from types import SimpleNamespace

import numpy as np
import pytest
import torch

from gan_bench.baselines.kmeans import KMeans
from gan_bench.baselines.training_data import TrainingData
from gan_bench.baselines.true_distribution import TrueDistribution
from gan_bench.data.mixtures import Grid25
from gan_bench.errors import GanBenchError
from gan_bench.metrics.modes import modes_metric

CPU = torch.device("cpu")


def fake_images(n: int) -> SimpleNamespace:
    images = torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    return SimpleNamespace(shape=(1, 28, 28), train_images=lambda: images)


def test_training_data_returns_the_first_images_in_order():
    dataset = fake_images(50)
    model = TrainingData(TrainingData.Options(), dataset, CPU)
    assert model.is_reference and model.train_step(torch.empty(0)) == {}
    assert torch.equal(model.sample(10), dataset.train_images()[:10])
    with pytest.raises(GanBenchError, match="50 images, 51 were asked for"):
        model.sample(51)


def test_kmeans_centroids_are_cluster_means_and_survive_a_checkpoint():
    dataset = fake_images(60)
    np.random.seed(0)
    model = KMeans(KMeans.Options(clusters=5, max_iterations=10), dataset, CPU)
    losses = model.train_step(torch.empty(0))
    assert losses["inertia"] > 0 and 1 <= losses["iterations"] <= 10
    centroids = model.sample(5).reshape(5, -1)
    flat = dataset.train_images().reshape(60, -1)
    nearest = torch.cdist(flat, centroids).argmin(1)
    for k in range(5):  # Lloyd's fixed point: each centre is the mean of its members
        members = flat[nearest == k]
        if len(members):
            assert torch.allclose(members.mean(0), centroids[k], atol=0.02)
    restored = KMeans(KMeans.Options(clusters=5), dataset, CPU)
    restored.load_checkpoint_state(model.checkpoint_state())
    assert torch.equal(restored.sample(5), model.sample(5))
    assert model.train_step(torch.empty(0)) == {}  # fitted once
    with pytest.raises(GanBenchError, match="5 centroids, 6 were asked for"):
        model.sample(6)


def test_true_distribution_covers_every_mode():
    torch.manual_seed(0)
    dataset = Grid25()
    samples = TrueDistribution(TrueDistribution.Options(), dataset, CPU).sample(2500)
    result = modes_metric(dataset, samples)
    assert result["modes_captured"] == 25 and result["high_quality_pct"] > 98
