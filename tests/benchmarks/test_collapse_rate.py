import importlib.util
from pathlib import Path

from scipy.stats import binomtest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "collapse_rate.py"
spec = importlib.util.spec_from_file_location("collapse_rate", SCRIPT)
collapse_rate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(collapse_rate)


def record(seed, d_fakes, classes_covered, collapsed_at_step=None):
    history = [{"step": 100 * (i + 1), "d_fake": value} for i, value in enumerate(d_fakes)]
    return {"config": {"model_name": "gan", "seed": seed, "model_options": {"steps_per_epoch": 500}},
            "history": history, "collapsed_at_step": collapsed_at_step,
            "metrics": {"classes_covered": classes_covered}}


def test_a_censored_collapse_is_counted_apart_and_dropped_modes_apart_from_the_game():
    """Four runs of 5,000 steps: one collapsed at step 2,000 (1 class), one below 0.01 only for
    its last 300 steps (censored, 1 class), one healthy that dropped three classes, one healthy."""
    records = [record(0, [0.3] * 19 + [1e-4] * 31, 1, collapsed_at_step=2000),
               record(1, [0.3] * 46 + [1e-4] * 4, 1),
               record(2, [0.3] * 50, 7),
               record(3, [0.3] * 50, 10)]
    (row,) = collapse_rate.collapse_rates(records).to_dict("records")
    assert (row["runs"], row["collapsed"], row["censored"]) == (4, 1, 1)
    assert row["rate"] == 0.25 and row["rate_with_censored"] == 0.5
    exact = binomtest(2, 4).proportion_ci(0.95, method="exact")
    assert (row["ci_low_with_censored"], row["ci_high_with_censored"]) == (exact.low, exact.high)
    assert row["collapse_epochs"] == "4.0" and row["censored_seed_epochs"] == "1: 9.4"
    assert row["modes_dropped"] == 3 and row["classes_covered_seeds"] == "0: 1, 1: 1, 2: 7"
