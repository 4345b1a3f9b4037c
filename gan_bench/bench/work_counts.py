"""The deterministic tier: figures that are exact for a given code and input, compared for equality.

Timing noise can hide a small change of work; these figures cannot, because they do not depend on
the machine's load: floating-point operations per call (torch.utils.flop_counter), the count of
each ATen operator called and the bytes allocated (torch.profiler), all of one call
(gan_bench.bench.ab_worker). A workload that does more of any of them is reported as MORE WORK
and fails the gate even when its timing shows no significant change; less work is reported and
passes; a different operator mix at the same totals is reported as changed. The peak of live
bytes is shown beside them but not gated: reconstructed from the profiler's events at operator
granularity, it took 4 values over 5 fresh processes of the same code for 3 of 12 workloads
(results/bench-gate/work-counts-spread.md), so equality would fail clean code.
"""

FIGURES = ("flops", "allocated_bytes", "operator_calls")  # exact: gated for equality
SHOWN = (*FIGURES, "peak_live_bytes")


def totals(counts: dict) -> dict[str, int]:
    return {"flops": counts["flops"], "allocated_bytes": counts["allocated_bytes"],
            "peak_live_bytes": counts["peak_live_bytes"],
            "operator_calls": sum(counts["operators"].values())}


def operator_changes(base: dict[str, int], candidate: dict[str, int], most: int = 4) -> str:
    """The operators whose call counts differ, largest change first: ``aten::mm 12->14``."""
    names = sorted(set(base) | set(candidate), key=lambda n: (-abs(candidate.get(n, 0) - base.get(n, 0)), n))
    changed = [f"{n} {base.get(n, 0)}->{candidate.get(n, 0)}" for n in names
               if base.get(n, 0) != candidate.get(n, 0)]
    return ", ".join(changed[:most]) + (f" (+{len(changed) - most} more)" if len(changed) > most else "")


def compare_counts(base: dict[str, dict], candidate: dict[str, dict]) -> list[dict]:
    """One row per workload counted on both sides: each figure base -> candidate, and a verdict:
    same, MORE WORK (any figure grew), less work (some fell, none grew) or operators changed."""
    rows = []
    for name in candidate:
        if name not in base:
            continue
        before, after = totals(base[name]), totals(candidate[name])
        grew = [figure for figure in FIGURES if after[figure] > before[figure]]
        fell = [figure for figure in FIGURES if after[figure] < before[figure]]
        mix = operator_changes(base[name]["operators"], candidate[name]["operators"])
        verdict = ("MORE WORK" if grew else "less work" if fell else "operators changed" if mix
                   else "same")
        rows.append({"workload": name,
                     **{figure: (f"{before[figure]:,}" if before[figure] == after[figure]
                                 else f"{before[figure]:,} -> {after[figure]:,}") for figure in SHOWN},
                     "operators": mix or "same", "verdict": verdict})
    return rows
