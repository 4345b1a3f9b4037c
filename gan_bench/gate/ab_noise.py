"""Each workload's noise between processes, measured A/A, and the minimum effect it sets.

``gan-bench bench --calibrate`` times the working tree against itself (A/A) in alternating fresh
processes. The spread of a workload's process medians (the standard deviation of their logs,
pooled over both sides) is its noise sigma. With n processes per side, the change estimate (the
difference of two medians of n logs) has a standard deviation of about
sqrt(pi / 2) * sigma * sqrt(2 / n) (the median's asymptotic efficiency is 2 / pi). A workload's
minimum effect is MIN_EFFECT_SIGMAS of those standard deviations, and never below
MIN_EFFECT_FLOOR, so that an A/A change rarely exceeds it; the smallest change it can detect in
90% of gate runs is the larger of the minimum effect plus 1.28 standard deviations and the shift
the Mann-Whitney test needs at the Holm-adjusted level (its efficiency against the t test is
3 / pi).
"""

import math
import statistics

from scipy.stats import norm

from gan_bench.gate.ab_statistics import ALPHA

FORMAT = "gan-bench-ab-noise/1"
MIN_EFFECT_FLOOR = 0.03
MIN_EFFECT_SIGMAS = 2.5
POWER = 0.9


def noise_sigma(base: list[float], candidate: list[float]) -> float:
    """The pooled standard deviation of the logs of both sides' process medians."""
    logs = [[math.log(value) for value in side] for side in (base, candidate)]
    squares = sum((x - statistics.mean(side)) ** 2 for side in logs for x in side)
    return math.sqrt(squares / (len(logs[0]) + len(logs[1]) - 2))


def change_sd(sigma: float, processes_per_side: int) -> float:
    return math.sqrt(math.pi / 2) * sigma * math.sqrt(2 / processes_per_side)


def minimum_effect(sigma: float, processes_per_side: int) -> float:
    return max(MIN_EFFECT_FLOOR, MIN_EFFECT_SIGMAS * change_sd(sigma, processes_per_side))


def detectable_change(sigma: float, processes_per_side: int, workloads: int) -> float:
    """The change found significant and above the minimum effect in 90% of gate runs."""
    sd = change_sd(sigma, processes_per_side)
    z_alpha = norm.ppf(1 - ALPHA / (2 * workloads))
    mann_whitney = ((z_alpha + norm.ppf(POWER)) * sigma * math.sqrt(2 / processes_per_side)
                    * math.sqrt(math.pi / 3))
    return max(minimum_effect(sigma, processes_per_side) + norm.ppf(POWER) * sd, mann_whitney)


def calibrate(base_medians: dict[str, list[float]], candidate_medians: dict[str, list[float]]) -> dict:
    """Workload -> sigma, minimum effect and detectable change, from an A/A measurement."""
    n = len(next(iter(base_medians.values())))
    workloads = len(base_medians)
    noise = {}
    for name in base_medians:
        sigma = noise_sigma(base_medians[name], candidate_medians[name])
        noise[name] = {"sigma_log": sigma, "min_effect": minimum_effect(sigma, n),
                       "detectable": detectable_change(sigma, n, workloads)}
    return {"format": FORMAT, "processes_per_side": n, "workloads": noise}
