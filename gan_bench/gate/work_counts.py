"""The deterministic tier: figures that are exact for a given code and input, compared for equality.

Timing noise can hide a small change of work; these figures cannot, because they do not depend on
the machine's load: floating-point operations per call (torch.utils.flop_counter), the count of
each ATen operator called and the bytes allocated (torch.profiler), all of one call
(gan_bench.gate.ab_worker). A workload that does more of any of them is reported as MORE WORK
and fails the gate even when its timing shows no significant change; less work is reported and
passes; a different operator mix at the same totals is reported as changed.

The peak of live bytes is not exact: reconstructed from the profiler's events at operator
granularity, it took 4 values over 5 fresh processes of the same code for 3 of 12 workloads
(results/bench-gate/work-counts-spread.md), so equality would fail clean code. It is taken in
every process of both sides and gated by separation instead: MORE MEMORY when the candidate's
smallest peak exceeds the base's largest by more than PEAK_MIN_EFFECT. Unchanged code's peaks come
from one distribution, so with n processes a side all of one side's lie above all of the other's
with probability at most 1 / C(2n, n) (1 in 12,870 at 8 processes).
"""

FIGURES = ("flops", "allocated_bytes", "operator_calls")  # exact: gated for equality
SHOWN = (*FIGURES, "peak_live_bytes")
PEAK_MIN_EFFECT = 0.01


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


def peak_grew(base_peaks: list[int], candidate_peaks: list[int]) -> bool:
    """Every candidate peak above every base peak, by more than PEAK_MIN_EFFECT."""
    return min(candidate_peaks) > max(base_peaks) * (1 + PEAK_MIN_EFFECT)


def peak_range(peaks: list[int]) -> str:
    return f"{min(peaks):,}" if min(peaks) == max(peaks) else f"{min(peaks):,}..{max(peaks):,}"


def compare_counts(base: dict[str, dict], candidate: dict[str, dict],
                   base_peaks: dict[str, list[int]] | None = None,
                   candidate_peaks: dict[str, list[int]] | None = None) -> list[dict]:
    """One row per workload counted on both sides: each figure base -> candidate, and a verdict:
    MORE WORK (an exact figure grew), MORE MEMORY (the peaks of all processes, ``*_peaks``, rose;
    without them, the first process's peak is shown and not gated), less work (some fell, none
    grew), operators changed, or same."""
    rows = []
    for name in candidate:
        if name not in base:
            continue
        before, after = totals(base[name]), totals(candidate[name])
        grew = [figure for figure in FIGURES if after[figure] > before[figure]]
        fell = [figure for figure in FIGURES if after[figure] < before[figure]]
        mix = operator_changes(base[name]["operators"], candidate[name]["operators"])
        peaks = ((base_peaks or {}).get(name, [before["peak_live_bytes"]]),
                 (candidate_peaks or {}).get(name, [after["peak_live_bytes"]]))
        more_memory = base_peaks is not None and candidate_peaks is not None and peak_grew(*peaks)
        verdict = ("MORE WORK" if grew else "MORE MEMORY" if more_memory else "less work" if fell
                   else "operators changed" if mix else "same")
        shown = {figure: (f"{before[figure]:,}" if before[figure] == after[figure]
                          else f"{before[figure]:,} -> {after[figure]:,}") for figure in FIGURES}
        shown["peak_live_bytes"] = (peak_range(peaks[0]) if peaks[0] == peaks[1]
                                    else f"{peak_range(peaks[0])} -> {peak_range(peaks[1])}")
        rows.append({"workload": name, **shown, "operators": mix or "same", "verdict": verdict})
    return rows
