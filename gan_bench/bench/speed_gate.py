"""Speed verdicts: each workload's ratio to the reference against a baseline's, and two invariants.

A workload regresses when its ratio (units per reference call, higher is faster) fell by more
than its threshold from the baseline's: ``current / baseline - 1 < -threshold``. Absolute times
are reported beside it but never gated: they measure the machine as much as the code.

Invariants hold within one run, whatever the baseline, each measured by timing its two workloads
against each other in interleaved rounds (best round against best round):
- the reference GAN step (baselines/gan_mnist.py) against the straightforward one written as the
  common PyTorch examples write it: at least ``min_speedup_vs_straightforward`` times its
  samples/s;
- the reference GAN step's achieved FLOP/s at least ``min_fraction_of_matmul_peak`` of the
  matrix-product peak (``matmul/peak``).
"""

GAN_STEP = "step/mnist/gan"
STRAIGHTFORWARD_STEP = "step/mnist/gan-straightforward"
MATMUL_PEAK = "matmul/peak"
INVARIANT_WORKLOADS = {
    "speedup_vs_straightforward": (GAN_STEP, STRAIGHTFORWARD_STEP),
    "fraction_of_matmul_peak": (GAN_STEP, MATMUL_PEAK),
}
# Saved with a baseline unless --save is given others; --compare uses the baseline's unless given.
DEFAULT_THRESHOLD = 0.25  # a ratio may fall by 25% before it is a regression
DEFAULT_INVARIANT_MINIMUMS = {"speedup_vs_straightforward": 1.1, "fraction_of_matmul_peak": 0.6}


def compare_speed(current: dict[str, dict], baseline: dict[str, dict], threshold: float,
                  thresholds: dict[str, float]) -> list[dict]:
    """One row per workload measured now: baseline and current ratio, change %, verdict."""
    rows = []
    for name, now in current.items():
        limit = thresholds.get(name, threshold)
        row = {"workload": name, "units/s": now["units_per_s"], "unit": now["unit"],
               "baseline ratio": None, "current ratio": now["ratio"], "change %": None,
               "threshold %": 100 * limit, "verdict": "new, not gated"}
        if name in baseline:
            change = now["ratio"] / baseline[name]["ratio"] - 1
            row.update({"baseline ratio": baseline[name]["ratio"], "change %": 100 * change,
                        "verdict": "REGRESSION" if change < -limit else "ok"})
        rows.append(row)
    return rows


def invariant_value(name: str, pair: dict, first: dict, second: dict) -> float:
    """An invariant from a direct A/B measurement of its two workloads: ``pair`` is
    gan_bench.bench.interleaved.measure of the first against the second's calls as the reference
    (the ratio: first's units in the time of one of second's calls); ``first`` and ``second`` are
    the workloads' own figures, for their units and FLOPs per call."""
    if name == "speedup_vs_straightforward":  # samples/s against samples/s
        return pair["ratio"] / second["units_per_call"]
    # FLOP/s against FLOP/s
    return pair["ratio"] / first["units_per_call"] * first["flops_per_call"] / second["flops_per_call"]


def check_invariants(values: dict[str, float], details: dict[str, str],
                     minimums: dict[str, float]) -> list[dict]:
    return [{"invariant": name, "value": value, "minimum": minimums[name], "detail": details.get(name, ""),
             "verdict": "ok" if value >= minimums[name] else "FAILED"}
            for name, value in values.items() if minimums.get(name) is not None]


def workloads_to_remeasure(speed_rows: list[dict]) -> list[str]:
    """The workloads behind a failed verdict, measured once more before the final verdict."""
    return [row["workload"] for row in speed_rows if row["verdict"] == "REGRESSION"]
