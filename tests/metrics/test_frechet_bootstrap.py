"""The Fréchet distance's bootstrap standard error against the spread it estimates: the distance's
standard deviation over independent draws of the generated set, with the reference held fixed."""

import numpy as np
import pytest
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

from gan_bench.metrics.frechet import frechet_distance
from gan_bench.metrics.frechet_bootstrap import frechet_bootstrap_stderr, frechet_to_reference, symmetric_root

DIMENSIONS = 4


def gaussian(n: int, seed: int, shift: float = 0.0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(size=(n, DIMENSIONS)) + shift)


REFERENCE = gaussian(20_000, seed=0, shift=0.3)
REFERENCE_STATISTICS = fid_features_to_statistics(REFERENCE)


def test_matches_the_spread_of_the_distance_over_independent_generated_sets():
    draws = [frechet_distance(gaussian(1000, seed), REFERENCE) for seed in range(1, 301)]
    spread = np.std(draws, ddof=1)  # about 0.038 for 1,000 points, d = 4, mean shift 0.3
    estimates = [frechet_bootstrap_stderr(gaussian(1000, seed), REFERENCE_STATISTICS)
                 for seed in (401, 402, 403)]
    assert all(0.7 * spread < estimate < 1.4 * spread for estimate in estimates), (spread, estimates)


def test_shrinks_like_one_over_the_root_of_the_sample_count_and_repeats_with_its_seed():
    small, large = (frechet_bootstrap_stderr(gaussian(n, seed=7), REFERENCE_STATISTICS) for n in (500, 4500))
    assert 2.2 < small / large < 4.0  # sqrt(9) = 3
    assert frechet_bootstrap_stderr(gaussian(500, seed=7), REFERENCE_STATISTICS) == small
    assert frechet_bootstrap_stderr(gaussian(500, seed=7), REFERENCE_STATISTICS, seed=1) != small


@pytest.mark.parametrize("dimensions, n_generated, n_reference", [(4, 1000, 20_000), (64, 500, 3000),
                                                                  (64, 3000, 40)])  # the last: S_r singular
def test_a_replicates_distance_is_torch_fidelitys(dimensions, n_generated, n_reference):
    rng = np.random.default_rng(dimensions + n_reference)
    generated = torch.from_numpy(rng.normal(size=(n_generated, dimensions)) * 1.2 + 0.1)
    reference = torch.from_numpy(rng.normal(size=(n_reference, dimensions))
                                 @ rng.normal(size=(dimensions, dimensions)) * 0.3)
    statistics, reference_statistics = (fid_features_to_statistics(f) for f in (generated, reference))
    theirs = fid_statistics_to_metric(statistics, reference_statistics, verbose=False)[KEY_METRIC_FID]
    root = symmetric_root(reference_statistics["sigma"])
    ours = frechet_to_reference(statistics, reference_statistics, root)
    assert ours == pytest.approx(theirs, rel=1e-8)
