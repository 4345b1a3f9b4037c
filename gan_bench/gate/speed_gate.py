"""Speed verdicts: each workload's ratio to the reference against a baseline's, and two invariants.

The stored-baseline mode (``--compare FILE``) judges each workload by the statistics of the A/B
gate (gan_bench.gate.ab_statistics) applied to the rounds both runs stored: its ratio (units per
reference call, higher is faster) in each timed round, now against the baseline's. A workload
regresses when the one-sided Mann-Whitney U test of "the current rounds are slower",
Holm-adjusted over the workloads compared, is significant *and* the median ratio fell by more
than its threshold: ``median(current) / median(baseline) - 1 < -threshold``. A baseline saved
before rounds were stored is compared best round against best round, as it was made. The
threshold stays large (25% by default): the baseline ran on another day and maybe another CPU,
which the A/B gate (``--against``) cancels and a stored file cannot. Absolute times are reported
beside it but never gated: they measure the machine as much as the code.

Invariants hold within one run, whatever the baseline, each measured by timing its two workloads
against each other in interleaved rounds (best round against best round):
- the reference GAN step (baselines/gan_mnist.py) against the straightforward one written as the
  common PyTorch examples write it: at least ``min_speedup_vs_straightforward`` times its
  samples/s;
- the reference GAN step's achieved FLOP/s at least ``min_fraction_of_matmul_peak`` of the
  matrix-product peak (``matmul/peak``).
"""

import statistics

from scipy import stats

from gan_bench.gate.ab_statistics import ALPHA, holm

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


def _slower_p_value(current_rounds: list[float], baseline_rounds: list[float]) -> float:
    """One-sided Mann-Whitney U p-value of "the current ratios are lower" (slower)."""
    return float(stats.mannwhitneyu(current_rounds, baseline_rounds, alternative="less").pvalue)


def compare_speed(current: dict[str, dict], baseline: dict[str, dict], threshold: float,
                  thresholds: dict[str, float], alpha: float = ALPHA) -> list[dict]:
    """One row per workload measured now: baseline and current ratio (median of the rounds where
    both stored them, else the best), change %, p-value (Holm) and verdict."""
    with_rounds = {name for name, now in current.items()
                   if "round_ratios" in now and "round_ratios" in baseline.get(name, {})}
    adjusted = holm({name: _slower_p_value(current[name]["round_ratios"], baseline[name]["round_ratios"])
                     for name in with_rounds})
    rows = []
    for name, now in current.items():
        limit = thresholds.get(name, threshold)
        row = {"workload": name, "units/s": now["units_per_s"], "unit": now["unit"],
               "baseline ratio": None, "current ratio": now["ratio"], "change %": None, "p (Holm)": None,
               "threshold %": 100 * limit, "verdict": "new, not gated"}
        if name in with_rounds:
            before = statistics.median(baseline[name]["round_ratios"])
            after = statistics.median(now["round_ratios"])
            change = after / before - 1
            slower = change < -limit and adjusted[name] < alpha
            row.update({"baseline ratio": before, "current ratio": after, "change %": 100 * change,
                        "p (Holm)": adjusted[name], "verdict": "REGRESSION" if slower else "ok"})
        elif name in baseline:  # a baseline saved before rounds were stored: best against best
            change = now["ratio"] / baseline[name]["ratio"] - 1
            row.update({"baseline ratio": baseline[name]["ratio"], "change %": 100 * change,
                        "verdict": "REGRESSION" if change < -limit else "ok (best against best)"})
        rows.append(row)
    return rows


def invariant_value(name: str, pair: dict, first: dict, second: dict) -> float:
    """An invariant from a direct A/B measurement of its two workloads: ``pair`` is
    gan_bench.gate.interleaved.measure of the first against the second's calls as the reference
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
