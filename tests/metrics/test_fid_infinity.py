import numpy as np
import pytest
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.fid_infinity import fid_by_sample_count, fid_infinity
from gan_bench.reports.metric_glossary import GLOSSARY


def features(n, seed, dim=8, shift=0.0):
    return torch.from_numpy(np.random.default_rng(seed).normal(size=(n, dim)) + shift)


def test_fid_falls_with_more_samples_and_the_extrapolation_lies_below_every_count():
    """Samples of the real distribution itself: FID's value is its bias, mostly the 1/N term of
    the generated set, so FID at N shrinks with N and the intercept removes part of it (what is
    left, 0.0026 against 0.0032 at 10,000 here, is the bias of the 20,000 real features' own
    statistics and the noise of the fit: 0.0013-0.0026 over generated draws 1-6)."""
    real, generated = features(20000, 0), features(10000, 1)
    by_count = fid_by_sample_count(generated, real, [2000, 5000, 10000])
    assert by_count[2000] > by_count[5000] > by_count[10000] > 0
    result = fid_infinity(generated, real)
    assert abs(result["fid_infinity"]) < by_count[10000]
    assert result["fid_infinity_slope"] > 0 and result["fid_infinity_n_max"] == 10000
    assert [result[f"fid_at_{n}"] for n in (2000, 5000, 10000)] == [by_count[n] for n in (2000, 5000, 10000)]


def test_a_shifted_distribution_extrapolates_to_its_true_distance():
    """Means 0.5 apart in each of 8 dimensions: the true Fréchet distance is 8 x 0.25 = 2."""
    result = fid_infinity(features(10000, 1, shift=0.5), features(20000, 0))
    assert result["fid_infinity"] == pytest.approx(2.0, abs=0.1)
    assert result["fid_at_2000"] > result["fid_infinity"]
    assert set(result) <= set(GLOSSARY)  # every value it records has a leaderboard legend


@pytest.mark.slow
def test_the_fit_starts_where_fid_is_linear_in_one_over_n_and_hits_the_known_distance():
    """64-d Gaussian features, the generated ones shifted by 0.15 and scaled by 1.2 in every
    dimension: the true Fréchet distance is 64 (0.15^2 + (1.2 - 1)^2) = 4.0, and 50,000 real
    features leave their own bias small. Over 5 draws of 1,280 generated features, the fit from
    N = 2.5 d = 160 lands within 4% of 4.0 on average; from N = d, where the generated covariance
    is barely of full rank, FID bends away from the line: the intercept lands lower by more than
    5% of the truth, and the residuals show the bend."""
    real, true_distance = features(50_000, 0, dim=64), 64 * (0.15**2 + 0.2**2)
    from_default, from_d = [], []
    for seed in range(1, 6):
        generated = features(1280, seed, dim=64) * 1.2 + 0.15
        from_default.append(fid_infinity(generated, real))
        from_d.append(fid_infinity(generated, real, n_min=64))
    assert {r["fid_infinity_n_min"] for r in from_default} == {160}
    default_mean = np.mean([r["fid_infinity"] for r in from_default])
    assert default_mean == pytest.approx(true_distance, rel=0.04)
    assert np.mean([r["fid_infinity"] for r in from_d]) < default_mean - 0.05 * true_distance
    assert (np.mean([r["fid_infinity_residual_rms"] for r in from_d])
            > 1.5 * np.mean([r["fid_infinity_residual_rms"] for r in from_default]))


def test_too_few_samples_for_the_feature_dimension_is_a_one_line_error():
    with pytest.raises(GanBenchError, match="8-d features needs at least 20 samples"):
        fid_infinity(features(19, 1), features(1000, 0))
