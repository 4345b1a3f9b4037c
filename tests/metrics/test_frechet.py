import numpy as np
import torch
from scipy import linalg

from gan_bench.data.mixtures import Grid25, Ring8
from gan_bench.metrics.frechet import frechet_data_metric, frechet_distance


def test_matches_the_closed_form_for_gaussians():
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(4000, 3, generator=generator, dtype=torch.float64)
    b = torch.randn(4000, 3, generator=generator, dtype=torch.float64) * 2 + 1
    mu_a, mu_b = a.mean(0).numpy(), b.mean(0).numpy()
    cov_a, cov_b = np.cov(a.numpy(), rowvar=False), np.cov(b.numpy(), rowvar=False)
    expected = (np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a) + np.trace(cov_b)
                - 2 * np.trace(linalg.sqrtm(cov_a @ cov_b).real))
    assert abs(frechet_distance(a, b) - expected) < 1e-8
    # and roughly the population value: |mu|^2 3 + tr(I) 3 + tr(4I) 12 - 2 tr(2I) 12 = 6
    assert abs(frechet_distance(a, b) - 6.0) < 0.3


def test_true_samples_score_near_zero_and_a_collapse_scores_high():
    dataset = Grid25()
    real, labels = dataset.sample(5000, torch.Generator().manual_seed(3))
    assert frechet_data_metric(dataset, real)["frechet_data"] < 0.05
    collapsed = real[labels == 0]
    assert frechet_data_metric(dataset, collapsed)["frechet_data"] > 10
    assert frechet_data_metric(Ring8(), Ring8().held_out(500, seed=9))["frechet_data"] < 0.05
