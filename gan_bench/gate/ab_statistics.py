"""The verdict of an A/B measurement: is the candidate slower than the base, and by how much?

Each side ran in ``n`` fresh processes, alternating with the other side's (A B B A ...); each
process timed every workload in several rounds. A process is the unit of the test: its rounds
share its memory layout, its thread placement and its moment, so they are not independent draws,
and each process is summarised by its median seconds per call. Per workload:

- the change is the ratio of the two sides' medians of those process medians, minus one (+10%
  is 10% slower; CPU time on the CPU, gan_bench.gate.ab_worker), with a 95% bootstrap
  percentile interval (``scipy.stats.bootstrap``, processes resampled within each side);
- its significance is the two-sided Mann-Whitney U test of the candidate's process medians
  against the base's, the test asv (airspeed velocity) applies to its samples; the p-values of all
  workloads compared in one run are adjusted by Holm's step-down method, which holds the chance
  of any false alarm in the run at ``alpha``;
- a workload is SLOWER (or faster) only when its change is significant and larger than its
  minimum effect (gan_bench.gate.ab_noise): a change is real only when it is both large and
  significant, as in asv's ``--factor`` with its statistics.
"""

import math
import statistics
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05
DEFAULT_MIN_EFFECT = 0.05
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Change:
    """One workload's change from base to candidate."""
    base_seconds: float
    candidate_seconds: float
    change: float  # candidate / base - 1, of the time per call
    low: float
    high: float
    p_value: float


def process_medians(rounds_by_process: list[list[float]]) -> list[float]:
    return [statistics.median(rounds) for rounds in rounds_by_process]


def measure_change(base: list[list[float]], candidate: list[list[float]], seed: int = 0) -> Change:
    """``base`` and ``candidate``: seconds per call, one list of rounds per process."""
    base_logs = np.log(process_medians(base))
    candidate_logs = np.log(process_medians(candidate))

    def log_ratio(c, b, axis=-1):
        return np.median(c, axis=axis) - np.median(b, axis=axis)

    interval = stats.bootstrap((candidate_logs, base_logs), log_ratio, n_resamples=BOOTSTRAP_RESAMPLES,
                               method="percentile", vectorized=True, rng=np.random.default_rng(seed))
    p_value = stats.mannwhitneyu(candidate_logs, base_logs, alternative="two-sided").pvalue
    return Change(base_seconds=math.exp(np.median(base_logs)),
                  candidate_seconds=math.exp(np.median(candidate_logs)),
                  change=math.expm1(log_ratio(candidate_logs, base_logs)),
                  low=math.expm1(interval.confidence_interval.low),
                  high=math.expm1(interval.confidence_interval.high),
                  p_value=float(p_value))


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjustment (Holm 1979): the k-th smallest of m p-values is multiplied by
    m - k + 1, and the adjusted values are made non-decreasing in that order."""
    ordered = sorted(p_values, key=p_values.get)
    adjusted, running = {}, 0.0
    for rank, name in enumerate(ordered):
        running = max(running, min(1.0, (len(ordered) - rank) * p_values[name]))
        adjusted[name] = running
    return adjusted


def smallest_p_value(processes_per_side: int) -> float:
    """The smallest two-sided Mann-Whitney p-value two samples of this size can give: every
    candidate process slower than every base process."""
    return 2 / math.comb(2 * processes_per_side, processes_per_side)


def verdict(change: Change, adjusted_p: float, min_effect: float, alpha: float = ALPHA) -> str:
    if adjusted_p < alpha and change.change > min_effect:
        return "SLOWER"
    if adjusted_p < alpha and change.change < -min_effect:
        return "faster"
    return "same"


def judge(base: dict[str, list[list[float]]], candidate: dict[str, list[list[float]]],
          min_effects: dict[str, float], alpha: float = ALPHA) -> list[dict]:
    """One row per workload on either side: base and candidate seconds per call, change % with
    its interval, p-value (raw and Holm-adjusted), minimum effect and verdict. Workloads on one
    side only are reported as appeared or vanished, never as a slowdown."""
    shared = [name for name in candidate if name in base]
    changes = {name: measure_change(base[name], candidate[name]) for name in shared}
    adjusted = holm({name: change.p_value for name, change in changes.items()})
    rows = []
    for name in shared:
        change, min_effect = changes[name], min_effects.get(name, DEFAULT_MIN_EFFECT)
        rows.append({
            "workload": name, "base s/call": change.base_seconds,
            "candidate s/call": change.candidate_seconds, "change %": 100 * change.change,
            "95% interval %": f"[{100 * change.low:+.1f}, {100 * change.high:+.1f}]",
            "p": change.p_value, "p (Holm)": adjusted[name], "min effect %": 100 * min_effect,
            "verdict": verdict(change, adjusted[name], min_effect, alpha)})
    rows += [{"workload": name, "verdict": "appeared"} for name in candidate if name not in base]
    rows += [{"workload": name, "verdict": "vanished"} for name in base if name not in candidate]
    return rows
