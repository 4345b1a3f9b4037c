import math

import torch

from gan_bench.data.mixtures import Grid25, Ring8
from gan_bench.metrics.modes import mode_coverage, modes_metric


def test_true_samples_cover_every_mode_with_high_quality():
    dataset = Grid25()
    points, _ = dataset.sample(2500, torch.Generator().manual_seed(0))
    result = modes_metric(dataset, points)
    assert result["modes_captured"] == 25
    assert result["high_quality_pct"] > 98.0  # 3-std disc in 2-D holds 98.9% of the mass
    assert result["reverse_kl_nats"] < 0.02


def test_collapsed_samples_show_the_collapse():
    dataset = Ring8()
    points, labels = dataset.sample(4000, torch.Generator().manual_seed(1))
    two_modes = points[labels < 2]
    result = mode_coverage(two_modes, dataset.means, dataset.std)
    assert result["modes_captured"] == 2
    assert abs(result["reverse_kl_nats"] - math.log(4)) < 0.01  # KL(q || uniform over 8) = log 4


def test_points_off_the_modes_are_not_high_quality():
    dataset = Ring8()
    near = dataset.means[:1] + torch.tensor([[0.025, 0.0]])  # 2.5 std: high quality
    far = dataset.means[:1] + torch.tensor([[0.035, 0.0]])  # 3.5 std: not
    result = mode_coverage(torch.cat([near, far]), dataset.means, dataset.std)
    assert result["high_quality_pct"] == 50.0
    nothing = mode_coverage(torch.zeros(10, 2), dataset.means, dataset.std)
    assert nothing["modes_captured"] == 0 and math.isinf(nothing["reverse_kl_nats"])
