import pytest

from gan_bench.bench.speed_gate import (
    GAN_STEP,
    MATMUL_PEAK,
    STRAIGHTFORWARD_STEP,
    check_invariants,
    compare_speed,
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


def test_invariants_and_what_is_measured_again():
    # the GAN step: 12 samples per reference call, 100 a step, 5e9 FLOPs a step: 6e8 FLOPs per
    # reference call; the matmul: 0.3 products per reference call of 2e9 FLOPs: 6e8 / 6e8 = 1.0
    current = {GAN_STEP: figures(12.0, flops_per_call=5e9, units_per_call=100),
               STRAIGHTFORWARD_STEP: figures(10.0, units_per_call=100),
               MATMUL_PEAK: figures(0.3, flops_per_call=2e9)}
    rows = {row["invariant"]: row for row in check_invariants(
        current, {"speedup_vs_straightforward": 1.1, "fraction_of_matmul_peak": 0.6})}
    assert rows["speedup_vs_straightforward"]["value"] == 1.2
    assert rows["fraction_of_matmul_peak"]["value"] == pytest.approx(1.0)
    assert all(row["verdict"] == "ok" for row in rows.values())
    rows = check_invariants(current, {"speedup_vs_straightforward": 1.3})
    assert [row["verdict"] for row in rows] == ["FAILED"]
    speed_rows = [{"workload": "x", "verdict": "REGRESSION"}, {"workload": "y", "verdict": "ok"}]
    assert workloads_to_remeasure(speed_rows, rows) == ["x", GAN_STEP, STRAIGHTFORWARD_STEP]
