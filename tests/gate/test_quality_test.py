import numpy as np

from gan_bench.gate.quality_test import compare_quality


def runs(modes: list[float], frechet: list[float], row: str = "gan__ring8", status=None) -> dict:
    return {f"{row}__seed{i}": {"status": (status or {}).get(i, "finished"),
                                "metrics": {"modes_captured": m, "frechet_data": f}}
            for i, (m, f) in enumerate(zip(modes, frechet, strict=True))}


def test_a_worse_candidate_is_worse_and_an_equal_one_is_not():
    base = runs([8, 8, 8, 8, 8], [0.01, 0.012, 0.011, 0.013, 0.01])
    worse = runs([5, 4, 5, 6, 4], [0.03, 0.04, 0.05, 0.035, 0.045])
    rows = {row["metric"]: row for row in compare_quality(base, worse)}
    assert rows["modes_captured"]["verdict"] == "WORSE" and rows["frechet_data"]["verdict"] == "WORSE"
    equal = runs([8, 8, 7, 8, 8], [0.011, 0.01, 0.012, 0.013, 0.01])
    same = {row["metric"]: row["verdict"] for row in compare_quality(base, equal)}
    assert same == {"modes_captured": "same", "frechet_data": "same"}
    better = {row["metric"]: row["verdict"] for row in compare_quality(worse, base)}
    assert set(better.values()) == {"same"}  # one-sided: only worse fails


def test_a_significant_but_negligible_change_is_not_worse():
    rng = np.random.default_rng(0)
    base = runs([8] * 8, list(0.01 + rng.uniform(0, 1e-4, 8)))
    shifted = runs([8] * 8, list(0.0105 + rng.uniform(0, 1e-4, 8)))
    rows = {row["metric"]: row for row in compare_quality(base, shifted)}
    assert rows["frechet_data"]["p (one-sided)"] < 0.01
    assert rows["frechet_data"]["verdict"] == "same"  # 0.0005 is below the minimum effect


def test_a_diverged_run_counts_as_the_worst_value_not_as_absent():
    base = runs([8, 8, 8, 8, 8], [0.01] * 5)
    diverging = runs([8, 8, 8, 8, 8], [0.01] * 5, status={0: "diverged", 1: "diverged", 2: "diverged",
                                                          3: "diverged"})
    for run in list(diverging.values())[:4]:
        run["metrics"] = {}
    rows = {row["metric"]: row for row in compare_quality(base, diverging)}
    assert rows["modes_captured"]["candidate median"] == 8  # the only finished value, repeated
    # nothing finished better than the base, so diverged runs cannot make the candidate look better
    assert rows["frechet_data"]["candidate median"] == 0.01


def test_infinite_values_as_records_store_them_are_compared_not_refused():
    """A frozen discriminator's generator can leave modes empty: reverse KL "inf" in the record."""
    base = runs([8] * 5, [0.01] * 5)
    for run in base.values():
        run["metrics"]["reverse_kl_nats"] = 0.3
    broken = runs([1] * 5, [0.9] * 5)
    for run in broken.values():
        run["metrics"]["reverse_kl_nats"] = "inf"
    rows = {row["metric"]: row for row in compare_quality(base, broken)}
    assert rows["reverse_kl_nats"]["candidate median"] == float("inf")
    assert rows["reverse_kl_nats"]["verdict"] == "WORSE"
