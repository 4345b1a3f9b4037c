import numpy as np
import pytest
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics.fid_infinity import fid_by_sample_count, fid_infinity


def features(n, seed, dim=8, shift=0.0):
    return torch.from_numpy(np.random.default_rng(seed).normal(size=(n, dim)) + shift)


def test_fid_falls_with_more_samples_and_the_extrapolation_lies_below_every_count():
    """Samples of the real distribution itself: FID's value is its bias, mostly the 1/N term of
    the generated set, so FID at N shrinks with N and the intercept removes most of it (what is
    left, 0.27 of FID at 10,000 here, is the bias of the 20,000 real features' own statistics)."""
    real, generated = features(20000, 0), features(10000, 1)
    by_count = fid_by_sample_count(generated, real, [2000, 5000, 10000])
    assert by_count[2000] > by_count[5000] > by_count[10000] > 0
    result = fid_infinity(generated, real)
    assert abs(result["fid_infinity"]) < 0.5 * by_count[10000]
    assert result["fid_infinity_slope"] > 0 and result["fid_infinity_n_max"] == 10000
    assert [result[f"fid_at_{n}"] for n in (2000, 5000, 10000)] == [by_count[n] for n in (2000, 5000, 10000)]


def test_a_shifted_distribution_extrapolates_to_its_true_distance():
    """Means 0.5 apart in each of 8 dimensions: the true Fréchet distance is 8 x 0.25 = 2."""
    result = fid_infinity(features(10000, 1, shift=0.5), features(20000, 0))
    assert result["fid_infinity"] == pytest.approx(2.0, abs=0.1)
    assert result["fid_at_2000"] > result["fid_infinity"]


def test_too_few_samples_is_a_one_line_error():
    with pytest.raises(GanBenchError, match="at least 2000 samples"):
        fid_infinity(features(500, 1), features(1000, 0))
