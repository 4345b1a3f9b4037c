import numpy as np
import pytest

from gan_bench.gate.speed_gate import (
    check_invariants,
    compare_speed,
    invariant_value,
    workloads_to_remeasure,
)


def figures(ratio: float, flops_per_call: float | None = None, units_per_call: int = 1) -> dict:
    out = {"ratio": ratio, "units_per_s": 10 * ratio, "unit": "samples", "units_per_call": units_per_call}
    if flops_per_call is not None:
        out.update(flops_per_call=flops_per_call, flops_per_s=flops_per_call * 10 * ratio / units_per_call)
    return out


def test_a_baseline_without_rounds_is_compared_best_against_best():
    baseline = {"a": figures(10.0), "b": figures(10.0), "c": figures(10.0)}
    current = {"a": figures(7.4), "b": figures(7.6), "c": figures(30.0), "new": figures(1.0)}
    rows = {row["workload"]: row for row in compare_speed(current, baseline, 0.25, {})}
    assert rows["a"]["verdict"] == "REGRESSION" and round(rows["a"]["change %"]) == -26
    assert rows["b"]["verdict"] == rows["c"]["verdict"] == "ok (best against best)"
    assert rows["new"]["verdict"] == "new, not gated"
    # a per-workload threshold overrides the default
    rows = {row["workload"]: row for row in compare_speed(current, baseline, 0.25, {"a": 0.3})}
    assert rows["a"]["verdict"] == "ok (best against best)"


def with_rounds(ratios: list[float]) -> dict:
    return {**figures(max(ratios)), "round_ratios": ratios}


def test_stored_rounds_are_judged_by_a_test_and_the_threshold_together():
    rng = np.random.default_rng(0)
    steady = list(10 * np.exp(rng.normal(0, 0.02, 10)))
    baseline = {"slower": with_rounds(steady), "noisy": with_rounds(steady), "same": with_rounds(steady)}
    current = {
        # every round 30% lower: significant and beyond the 25% threshold
        "slower": with_rounds([0.7 * r for r in steady]),
        # the median 30% lower, but rounds spread over the baseline's: not significant
        "noisy": with_rounds([3.0, 4.0, 5.0, 6.0, 7.0, 7.0, 12.0, 13.0, 14.0, 15.0]),
        "same": with_rounds(list(10 * np.exp(rng.normal(0, 0.02, 10)))),
    }
    rows = {row["workload"]: row for row in compare_speed(current, baseline, 0.25, {})}
    assert rows["slower"]["verdict"] == "REGRESSION" and rows["slower"]["change %"] == pytest.approx(-30)
    assert rows["slower"]["p (Holm)"] < 0.001
    assert rows["noisy"]["change %"] < -25 and rows["noisy"]["verdict"] == "ok"
    assert rows["same"]["verdict"] == "ok"
    # significant but within the threshold is not a regression
    small = {"slower": with_rounds([0.9 * r for r in steady])}
    assert compare_speed(small, baseline, 0.25, {})[0]["verdict"] == "ok"


def test_invariants_from_a_direct_comparison_of_their_two_workloads():
    gan = figures(12.0, flops_per_call=5e9, units_per_call=100)
    # the GAN step against the straightforward one as the reference: 120 of its samples in the
    # time of one straightforward call of 100 samples: 1.2 times its samples/s
    pair = {"ratio": 120.0}
    speedup = invariant_value("speedup_vs_straightforward", pair, gan, figures(10.0, units_per_call=100))
    assert speedup == pytest.approx(1.2)
    # against the matmul: 30 samples in one 2e9-FLOP product: 0.3 steps of 5e9 FLOPs = 1.5e9 FLOPs
    matmul = figures(1.0, flops_per_call=2e9)
    fraction = invariant_value("fraction_of_matmul_peak", {"ratio": 30.0}, gan, matmul)
    assert fraction == pytest.approx(0.75)
    rows = check_invariants({"speedup_vs_straightforward": speedup, "fraction_of_matmul_peak": fraction},
                            {}, {"speedup_vs_straightforward": 1.3, "fraction_of_matmul_peak": 0.6})
    assert [(row["invariant"], row["verdict"]) for row in rows] == [
        ("speedup_vs_straightforward", "FAILED"), ("fraction_of_matmul_peak", "ok")]
    speed_rows = [{"workload": "x", "verdict": "REGRESSION"}, {"workload": "y", "verdict": "ok"}]
    assert workloads_to_remeasure(speed_rows) == ["x"]
