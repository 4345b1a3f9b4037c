import pytest

from gan_bench.bench.speed_gate import (
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


def test_a_fall_beyond_the_threshold_is_a_regression_and_a_rise_is_not():
    baseline = {"a": figures(10.0), "b": figures(10.0), "c": figures(10.0)}
    current = {"a": figures(7.4), "b": figures(7.6), "c": figures(30.0), "new": figures(1.0)}
    rows = {row["workload"]: row for row in compare_speed(current, baseline, 0.25, {})}
    assert rows["a"]["verdict"] == "REGRESSION" and round(rows["a"]["change %"]) == -26
    assert rows["b"]["verdict"] == "ok" and rows["c"]["verdict"] == "ok"
    assert rows["new"]["verdict"] == "new, not gated"
    # a per-workload threshold overrides the default
    rows = {row["workload"]: row for row in compare_speed(current, baseline, 0.25, {"a": 0.3})}
    assert rows["a"]["verdict"] == "ok"


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
