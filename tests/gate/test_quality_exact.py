import copy

import pytest

from gan_bench.gate.quality_exact import compare_runs, digest, first_parting, train_tree
from gan_bench.runtime.provenance import PROJECT_ROOT


def record(losses: list[float], modes: int = 8, samples: str = "abc") -> dict:
    return {"run_id": "gan__ring8__seed0", "status": "finished", "metrics": {"modes_captured": modes},
            "samples_sha256": samples, "train_seconds": 1.0,
            "history": [{"step": 50 * (i + 1), "g_loss": loss} for i, loss in enumerate(losses)]}


def test_runs_differing_only_in_timing_are_identical_and_any_numeric_difference_is_located():
    base = record([0.7, 0.69, 0.68])
    timing_only = copy.deepcopy(base) | {"train_seconds": 9.0, "finished_at": "later"}
    assert digest(base) == digest(timing_only) and first_parting(base, timing_only) == ""
    assert first_parting(base, record([0.7, 0.6901, 0.68])) == "step 100: g_loss 0.69 -> 0.6901"
    assert first_parting(base, record([0.7, 0.69, 0.68], modes=7)) == "final metrics"
    assert first_parting(base, record([0.7, 0.69, 0.68], samples="abd")) == "final samples_sha256"
    assert first_parting(base, record([0.7, 0.69])) == "log points: 3 -> 2"
    rows = compare_runs({"r": base}, {"r": record([0.7, 0.5, 0.68]), "s": base})
    assert [(row["run"], row["verdict"]) for row in rows] == [("r", "NUMERICS CHANGED"),
                                                              ("s", "NUMERICS CHANGED")]


@pytest.mark.slow
def test_the_same_code_trains_bit_for_bit_alike_in_two_processes(tiny_suite):
    """The exact tier's premise, on this machine: two fresh processes running the same seeded
    suite with the same code give identical fingerprints."""
    first = train_tree(PROJECT_ROOT, tiny_suite, seeds=1, jobs=1)
    second = train_tree(PROJECT_ROOT, tiny_suite, seeds=1, jobs=1)
    assert set(first) == {"gan__ring8__seed0", "vae__ring8__seed0"}
    assert all(row["verdict"] == "identical" for row in compare_runs(first, second))
    assert all(record["history"] and record["samples_sha256"] for record in first.values())
