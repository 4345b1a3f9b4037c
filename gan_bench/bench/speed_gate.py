"""Speed verdicts: each workload's ratio to the reference against a baseline's, and two invariants.

A workload regresses when its ratio (units per reference call, higher is faster) fell by more
than its threshold from the baseline's: ``current / baseline - 1 < -threshold``. Absolute times
are reported beside it but never gated: they measure the machine as much as the code.

Invariants hold within one run, whatever the baseline:
- the reference GAN step (baselines/gan_mnist.py) against the straightforward one written as the
  common PyTorch examples write it: at least ``min_speedup_vs_straightforward`` times its
  samples per reference call;
- the reference GAN step's achieved FLOP/s at least ``min_fraction_of_matmul_peak`` of the
  matrix-product peak measured in the same run (``matmul/peak``), both as FLOPs per reference
  call (:func:`flops_per_reference_call`), so the machine's speed between the two cancels.
"""

GAN_STEP = "step/mnist/gan"
STRAIGHTFORWARD_STEP = "step/mnist/gan-straightforward"
MATMUL_PEAK = "matmul/peak"
INVARIANT_WORKLOADS = {
    "speedup_vs_straightforward": (GAN_STEP, STRAIGHTFORWARD_STEP),
    "fraction_of_matmul_peak": (GAN_STEP, MATMUL_PEAK),
}


def compare_speed(current: dict[str, dict], baseline: dict[str, dict], threshold: float,
                  thresholds: dict[str, float]) -> list[dict]:
    """One row per workload measured now: baseline and current ratio, change %, verdict."""
    rows = []
    for name, now in current.items():
        row = {"workload": name, "units/s": now["units_per_s"], "unit": now["unit"],
               "baseline ratio": None, "current ratio": now["ratio"], "change %": None,
               "threshold %": 100 * thresholds.get(name, threshold), "verdict": "new, not gated"}
        if name in baseline:
            change = now["ratio"] / baseline[name]["ratio"] - 1
            limit = thresholds.get(name, threshold)
            row.update({"baseline ratio": baseline[name]["ratio"], "change %": 100 * change,
                        "verdict": "REGRESSION" if change < -limit else "ok"})
        rows.append(row)
    return rows


def invariant_values(current: dict[str, dict]) -> dict[str, float]:
    """The invariants whose workloads were measured in this run."""
    values = {}
    if GAN_STEP in current and STRAIGHTFORWARD_STEP in current:
        values["speedup_vs_straightforward"] = (current[GAN_STEP]["ratio"]
                                                / current[STRAIGHTFORWARD_STEP]["ratio"])
    if GAN_STEP in current and MATMUL_PEAK in current:
        values["fraction_of_matmul_peak"] = (flops_per_reference_call(current[GAN_STEP])
                                             / flops_per_reference_call(current[MATMUL_PEAK]))
    return values


def flops_per_reference_call(figures: dict) -> float:
    """FLOPs done in the time of one reference call: FLOP/s measured against the reference, so
    two workloads timed minutes apart on a machine whose speed moved still compare."""
    return figures["ratio"] / figures["units_per_call"] * figures["flops_per_call"]


def check_invariants(current: dict[str, dict], minimums: dict[str, float]) -> list[dict]:
    rows = []
    for name, value in invariant_values(current).items():
        minimum = minimums.get(name)
        if minimum is None:
            continue
        detail = ""
        if name == "fraction_of_matmul_peak":
            detail = (f"{current[GAN_STEP]['flops_per_s'] / 1e9:.1f} GFLOP/s achieved, "
                      f"{current[MATMUL_PEAK]['flops_per_s'] / 1e9:.1f} peak (absolute, not gated)")
        rows.append({"invariant": name, "value": value, "minimum": minimum, "detail": detail,
                     "verdict": "ok" if value >= minimum else "FAILED"})
    return rows


def workloads_to_remeasure(speed_rows: list[dict], invariant_rows: list[dict]) -> list[str]:
    """The workloads behind a failed verdict, measured once more before the final verdict."""
    names = [row["workload"] for row in speed_rows if row["verdict"] == "REGRESSION"]
    for row in invariant_rows:
        if row["verdict"] != "ok":
            names += [n for n in INVARIANT_WORKLOADS[row["invariant"]] if n not in names]
    return names
