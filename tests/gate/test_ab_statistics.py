import math

import numpy as np
import pytest

from gan_bench.gate.ab_statistics import (
    ALPHA,
    Change,
    holm,
    judge,
    measure_change,
    smallest_p_value,
    verdict,
)
from tests.gate.synthetic_rounds import rounds


def test_a_known_change_is_estimated_inside_its_interval():
    rng = np.random.default_rng(0)
    change = measure_change(rounds(rng, 10, 0.1, 0.02), rounds(rng, 10, 0.11, 0.02))
    assert change.low < 0.10 < change.high
    assert change.change == pytest.approx(0.10, abs=0.03)
    assert change.p_value < 1e-3
    assert change.base_seconds == pytest.approx(0.1, rel=0.03)


def test_holm_matches_its_definition_on_a_textbook_case():
    # m = 4: sorted 0.01, 0.02, 0.03, 0.04 -> 0.04, 0.06, 0.06 (monotone), 0.06
    adjusted = holm({"a": 0.03, "b": 0.01, "c": 0.04, "d": 0.02})
    assert adjusted == pytest.approx({"b": 0.04, "d": 0.06, "a": 0.06, "c": 0.06})
    assert holm({"x": 0.6, "y": 0.5}) == {"y": 1.0, "x": 1.0}


def test_the_smallest_p_value_is_the_exact_tests_when_every_candidate_is_slower():
    from scipy.stats import mannwhitneyu

    for n in (5, 6, 8):
        p = mannwhitneyu([2.0 + i for i in range(n)], [float(i) / 10 for i in range(n)]).pvalue
        assert p == pytest.approx(smallest_p_value(n))
    assert smallest_p_value(6) < ALPHA / 12 < smallest_p_value(5) * 3


@pytest.mark.parametrize(("change", "p", "expected"), [
    (0.10, 0.001, "SLOWER"), (0.02, 0.001, "same"), (0.10, 0.2, "same"), (-0.10, 0.001, "faster")])
def test_a_change_must_be_both_significant_and_larger_than_the_minimum_effect(change, p, expected):
    assert verdict(Change(1.0, 1.0 + change, change, change, change, p), p, min_effect=0.05) == expected


@pytest.mark.slow
def test_power_and_false_alarms_on_synthetic_gate_runs():
    """200 synthetic gate runs of 8 processes a side with 2% noise between processes: a 10%
    slowdown is caught in at least 95% of them, A/A alarms in at most 5%."""
    rng = np.random.default_rng(1)
    runs = 200

    def flagged(slowdown: float) -> int:
        return sum(judge({"w": rounds(rng, 8, 0.1, 0.02)}, {"w": rounds(rng, 8, 0.1 * (1 + slowdown), 0.02)},
                         {})[0]["verdict"] == "SLOWER" for _ in range(runs))

    assert flagged(0.10) >= 0.95 * runs
    assert flagged(0.0) <= 0.05 * runs


@pytest.mark.slow
def test_holm_keeps_alarms_across_many_workloads_rare():
    """Twelve A/A workloads per run: a run with any false alarm stays rare (Holm holds the
    family-wise rate), though each workload is tested."""
    rng = np.random.default_rng(2)
    alarms = 0
    for _ in range(50):
        base = {f"w{i}": rounds(rng, 8, 0.1, 0.03) for i in range(12)}
        candidate = {f"w{i}": rounds(rng, 8, 0.1, 0.03) for i in range(12)}
        alarms += any(row["verdict"] != "same" for row in judge(base, candidate, {}))
    assert alarms <= 3


def test_workloads_on_one_side_are_reported_not_judged():
    rng = np.random.default_rng(3)
    rows = judge({"kept": rounds(rng, 5, 1, 0.01), "gone": rounds(rng, 5, 1, 0.01)},
                 {"kept": rounds(rng, 5, 1, 0.01), "new": rounds(rng, 5, 1, 0.01)}, {})
    verdicts = {row["workload"]: row["verdict"] for row in rows}
    assert verdicts == {"kept": "same", "new": "appeared", "gone": "vanished"}
    assert math.isfinite(rows[0]["p (Holm)"])
