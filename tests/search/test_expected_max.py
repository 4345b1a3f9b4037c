import itertools

import numpy as np
import pytest

from gan_bench.search.expected_max import band, bootstrap_curves, expected_max_curve


def brute_force_expected_max(scores: list[float], n: int) -> float:
    """The mean of max over every ordered n-draw with replacement: the exact E[max_n]."""
    draws = list(itertools.product(scores, repeat=n))
    return sum(max(draw) for draw in draws) / len(draws)


@pytest.mark.parametrize("scores", [[3.0, 1.0, 2.0], [0.5, 0.5, 4.0, -1.0], [7.0], [2.0, 9.0, 9.0, 1.0, 5.0]])
def test_matches_enumeration_of_every_draw(scores):
    budgets = np.arange(1, 5)
    exact = [brute_force_expected_max(scores, n) for n in budgets]
    np.testing.assert_allclose(expected_max_curve(np.array(scores), budgets), exact, rtol=1e-12)


def test_known_values():
    # [1, 2, 3]: n = 1 is the mean, 2; n = 2: (1*1 + 2*3 + 3*5) / 9 = 22 / 9
    curve = expected_max_curve(np.array([3.0, 1.0, 2.0]), np.array([1, 2]))
    np.testing.assert_allclose(curve, [2.0, 22 / 9])


def test_rises_from_the_mean_towards_the_maximum():
    scores = np.random.default_rng(0).normal(size=20)
    curve = expected_max_curve(scores, np.arange(1, 200))
    assert curve[0] == pytest.approx(scores.mean())
    assert np.all(np.diff(curve) >= -1e-12)
    assert curve[-1] == pytest.approx(scores.max(), abs=1e-3)


def test_bootstrap_band_holds_the_estimate_and_is_reproducible():
    scores = np.random.default_rng(1).normal(size=15)
    budgets = np.arange(1, 16)
    curves = bootstrap_curves(scores, budgets, np.random.default_rng(2), resamples=500)
    again = bootstrap_curves(scores, budgets, np.random.default_rng(2), resamples=500)
    np.testing.assert_array_equal(curves, again)
    low, high = band(curves)
    estimate = expected_max_curve(scores, budgets)
    assert np.all(low <= estimate) and np.all(estimate <= high)
    assert np.all(high - low > 0)
