import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gan_bench.reports.leaderboard_cells import (
    interval_cell,
    mean_and_spread,
    measured_cell,
    normal_interval,
    number,
    published_cell,
    t_interval,
)


@given(st.floats(min_value=1e-7, max_value=1e12) | st.floats(min_value=-1e12, max_value=-1e-7))
def test_a_number_is_never_written_with_an_exponent_and_keeps_4_significant_figures(value):
    text = number(value)
    assert "e" not in text
    assert abs(float(text) - value) <= 0.5 * 10 ** (math.floor(math.log10(abs(value))) - 3) * (1 + 1e-9)


def test_mean_and_spread_share_the_spreads_decimal_place():
    assert mean_and_spread(3592.3, 550.4)[:2] == ("3592", "550")  # was '3592 ± 5.5e+02'
    assert mean_and_spread(197.93, 2.4)[:2] == ("197.9", "2.4")
    assert mean_and_spread(1.972, 0.0071)[:2] == ("1.9720", "0.0071")
    assert mean_and_spread(225.0, 2.0)[:2] == ("225", "2")  # no zero both would only carry


@given(st.floats(min_value=-1e6, max_value=1e6), st.floats(min_value=1e-6, max_value=1e6))
def test_an_interval_cell_has_no_exponent_and_keeps_the_half_widths_two_figures(value, half_width):
    text = interval_cell(value, value - half_width, value + half_width, signed=True)
    assert "e" not in text
    shown, band = text.split(" [")
    low, high = (float(x) for x in band.rstrip("]").split(", "))
    step = 10.0 ** (math.floor(math.log10(half_width)) - 1)  # the last decimal written
    largest = max(abs(value), abs(value - half_width), abs(value + half_width))
    step = max(step, min(1.0, 10.0 ** (math.floor(math.log10(largest)) - 3)))  # 4 figures at most
    assert abs(float(shown) - value) <= step / 2 * (1 + 1e-9) + 1e-12
    assert abs((high - low) / 2 - half_width) <= step * (1 + 1e-9)


def test_a_number_that_rounds_to_zero_has_no_sign():
    assert interval_cell(0.0001, -0.00004, 0.039, signed=True) == "0.000 [0.000, +0.039]"
    assert interval_cell(-0.01, -4.7, 4.5) == "0.0 [-4.7, 4.5]"
    assert t_interval(0.9917, 0.4, 3)[0] == pytest.approx(-0.002, abs=0.001)
    assert measured_cell(0.9917, 0.4, 3, runs=3) == "0.99 ± 0.40 [0.00, 1.99]"


def test_an_interval_cell_signs_differences_and_writes_a_point_band_plainly():
    assert interval_cell(1.234, 0.31, 2.0, signed=True) == "+1.23 [+0.31, +2.00]"
    assert interval_cell(-0.5, -1.234, 0.2, signed=True) == "-0.50 [-1.23, +0.20]"
    assert interval_cell(8.0, 8.0, 8.0) == "8 [8, 8]"  # every bootstrap draw the same
    assert interval_cell(8.0, 7.9992, 8.0) == "8.000 [7.999, 8.000]"  # not 8.00000 [7.99920, 8.00000]


def test_the_95_percent_t_interval_covers_the_true_mean_95_percent_of_the_time():
    draws = np.random.default_rng(0).normal(5.0, 2.0, size=(4000, 3))
    low, high = t_interval(draws.mean(axis=1), draws.std(axis=1, ddof=1), 3)
    assert np.mean((low <= 5.0) & (5.0 <= high)) == pytest.approx(0.95, abs=0.015)


def test_a_cell_from_fewer_runs_than_its_row_says_how_many_and_why():
    assert measured_cell(191.0, math.nan, 1, runs=3, stalled=2) == "191 (1 of 3 runs; 2 stalled)"
    assert measured_cell(40.58, math.nan, 1, runs=3) == "40.58 (1 of 3 runs; 2 not scored)"
    assert measured_cell(7.0, 1.4, 2, runs=4, stalled=1, diverged=1) == \
        "7.0 ± 1.4 (2 of 4 runs; 1 stalled, 1 diverged)"


def test_the_interval_is_shown_from_3_seeds_on():
    assert "[" not in measured_cell(7.5, 0.71, 2, runs=2)
    low, high = t_interval(197.9, 2.4, 3)
    assert measured_cell(197.9, 2.4, 3, runs=3) == f"197.9 ± 2.4 [{low:.1f}, {high:.1f}]"


def test_a_single_runs_own_standard_error_gives_a_normal_interval_that_covers_95_percent():
    values = np.random.default_rng(0).normal(5.0, 2.0, size=4000)
    low, high = normal_interval(values, 2.0)
    assert np.mean((low <= 5.0) & (5.0 <= high)) == pytest.approx(0.95, abs=0.015)
    assert measured_cell(191.04, math.nan, 1, runs=1, stderr=2.3) == "191.0 ± 2.3 (s.e.) [186.5, 195.5]"
    # from 3 seeds on, the interval is over seeds, whatever a run's own error
    assert "s.e." not in measured_cell(197.9, 2.4, 3, runs=3, stderr=2.0)


def test_a_published_standard_error_is_named_as_one():
    assert published_cell(6.3, 0.5, 10) == "6.3 ± 0.5 (s.e., 10 trials)"
    assert published_cell(225.0) == "225"
