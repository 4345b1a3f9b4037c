"""The statistical quality tier: K seeds of each side, each metric compared with a two-sample test.

Run when the exact tier found the numerics changed (or with no base): the quality suite's first
K seeds are trained with each side's code, and each (row, metric) whose better direction is known
is compared with a one-sided Mann-Whitney U test of "the candidate is worse", Holm-adjusted over
all the (row, metric) pairs compared. A metric is WORSE when that is significant and the medians
differ by more than its minimum effect, so that a significant but negligible change is not a
failure, as for speed (gan_bench.gate.ab_statistics).
"""

import statistics

from scipy import stats

from gan_bench.gate.ab_statistics import ALPHA, holm
from gan_bench.gate.quality_bands import row_of

# metric -> (+1 when higher is better, -1 when lower is, minimum effect in the metric's units)
DIRECTIONS = {"modes_captured": (1, 0.5), "high_quality_pct": (1, 2.0),
              "reverse_kl_nats": (-1, 0.05), "frechet_data": (-1, 0.002)}


def recorded_number(value) -> float | None:
    """A metric as records store it (infinities as "inf" and "-inf", NaN as null) as a float, or
    None where absent or NaN."""
    if isinstance(value, str) and value in ("inf", "-inf"):
        return float(value)
    return None if value is None else float(value)


def metric_values(runs: dict[str, dict]) -> dict[tuple[str, str], list[float]]:
    """(row, metric) -> its values over the runs of that row; a run that did not finish counts
    as the worst value seen, so a diverged run is never left out in the candidate's favour."""
    values: dict[tuple[str, str], list[float | None]] = {}
    for run_id, record in sorted(runs.items()):
        metrics = record.get("metrics", {}) if record.get("status") == "finished" else {}
        for metric in DIRECTIONS:
            values.setdefault((row_of(run_id), metric), []).append(recorded_number(metrics.get(metric)))
    filled = {}
    for key, column in values.items():
        known = [v for v in column if v is not None]
        if not known:
            continue
        worst = min(known) if DIRECTIONS[key[1]][0] > 0 else max(known)
        filled[key] = [worst if v is None else v for v in column]
    return filled


def compare_quality(base: dict[str, dict], candidate: dict[str, dict], alpha: float = ALPHA) -> list[dict]:
    """One row per (row, metric) present on both sides."""
    before, after = metric_values(base), metric_values(candidate)
    shared = [key for key in after if key in before]
    p_values = {}
    for key in shared:
        direction = DIRECTIONS[key[1]][0]
        worse = "less" if direction > 0 else "greater"
        p_values[key] = float(stats.mannwhitneyu(after[key], before[key], alternative=worse).pvalue)
    adjusted = holm(p_values)
    rows = []
    for key in shared:
        direction, min_effect = DIRECTIONS[key[1]]
        loss = direction * (statistics.median(before[key]) - statistics.median(after[key]))
        worse = adjusted[key] < alpha and loss > min_effect
        rows.append({"row": key[0], "metric": key[1], "base median": statistics.median(before[key]),
                     "candidate median": statistics.median(after[key]), "seeds": len(after[key]),
                     "p (one-sided)": p_values[key], "p (Holm)": adjusted[key],
                     "min effect": min_effect, "verdict": "WORSE" if worse else "same"})
    return rows
