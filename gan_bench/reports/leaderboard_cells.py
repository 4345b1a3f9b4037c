"""The text of one leaderboard cell: one number format for every value, the kind of ± named by the
table, a 95% interval where enough seeds finished, and how many of the row's runs a value stands on.

Numbers are written in fixed notation, never with an exponent. A value alone keeps 4 significant
figures (trailing zeros dropped); a mean ± spread shows the spread to 2 significant figures and
the mean to the same decimal place, dropping a trailing zero only where both have one.
"""

import math

import pandas as pd
from scipy import stats

SIGNIFICANT = 4
SPREAD_SIGNIFICANT = 2
INTERVAL_LEVEL = 0.95
INTERVAL_MIN_RUNS = 3  # fewer seeds give a t-interval too wide to say anything


def number(value: float, significant: int = SIGNIFICANT) -> str:
    """``value`` to ``significant`` figures in fixed notation: 10000, 0.1668, 3592, inf."""
    if not math.isfinite(value):
        return "n/a" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    decimals = max(0, significant - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _spread_decimals(spread: float) -> int:
    return max(0, SPREAD_SIGNIFICANT - 1 - math.floor(math.log10(spread)))


def mean_and_spread(mean: float, spread: float) -> tuple[str, str, int]:
    """(mean, spread, decimals) written to the spread's precision: ('3592', '550', 0),
    ('197.9', '2.4', 1), ('225', '2', 0) rather than ('225.0', '2.0')."""
    decimals = _spread_decimals(spread)
    while decimals > 0 and f"{mean:.{decimals}f}".endswith("0") and f"{spread:.{decimals}f}".endswith("0"):
        decimals -= 1
    return f"{mean:.{decimals}f}", f"{spread:.{decimals}f}", decimals


def interval_cell(value: float, low: float, high: float, signed: bool = False) -> str:
    """``value [low, high]`` written to the precision of the interval's half-width, as
    mean_and_spread writes a mean to its spread's, but to no more than the value's significant
    figures: '5.23 [4.41, 6.02]', '8.000 [7.999, 8.000]'; ``signed``: '+1.23 [+0.31, +2.00]'."""
    half_width = (high - low) / 2
    if not all(math.isfinite(x) for x in (value, low, high)) or half_width <= 0:
        def text(x):
            return f"{'+' if signed and x > 0 else ''}{number(x)}"
        return f"{text(value)} [{text(low)}, {text(high)}]"
    decimals = _spread_decimals(half_width)
    largest = max(abs(value), abs(low), abs(high))
    if largest > 0:  # a band far narrower than the value: the value's significant figures at most
        decimals = min(decimals, max(0, SIGNIFICANT - 1 - math.floor(math.log10(largest))))
    return (f"{fixed(value, decimals, signed)} "
            f"[{fixed(low, decimals, signed)}, {fixed(high, decimals, signed)}]")


def fixed(value: float, decimals: int, signed: bool = False) -> str:
    """``value`` to ``decimals`` places, '+' before a positive one with ``signed``; a value that
    rounds to zero has no sign ('0.00', never '-0.00')."""
    text = f"{value:{'+' if signed else ''}.{decimals}f}"
    return text.lstrip("+-") if float(text) == 0 else text


def t_interval(mean: float, std: float, count: int) -> tuple[float, float]:
    """The 95% Student-t interval for a mean of ``count`` seeds with sample std ``std``."""
    return stats.t.interval(INTERVAL_LEVEL, count - 1, loc=mean, scale=std / math.sqrt(count))


def normal_interval(value: float, stderr: float) -> tuple[float, float]:
    """The 95% normal interval ``value ± 1.96 stderr``."""
    return stats.norm.interval(INTERVAL_LEVEL, loc=value, scale=stderr)


def measured_cell(mean: float, std: float, count: float, runs: int, stalled: int = 0,
                  diverged: int = 0, stderr: float = math.nan) -> str:
    """``mean ± std [95% interval]`` over the ``count`` finished runs that have the value, saying
    so where that is fewer than the row's ``runs``: '191 (1 of 3 runs; 2 stalled)'. A single run's
    value with its own standard error over its evaluation samples (``stderr``, for the metrics of
    ``metric_glossary.STDERR_OF``) is ``value ± s.e. (s.e.) [95% normal interval]``: an interval
    that leaves out the spread between seeds, named by its kind."""
    if pd.isna(mean):
        return "n/a"
    count = 0 if pd.isna(count) else int(count)
    if count == 1 and math.isfinite(mean) and not pd.isna(stderr) and math.isfinite(stderr) and stderr > 0:
        shown_value, shown_stderr, decimals = mean_and_spread(mean, stderr)
        low, high = normal_interval(mean, stderr)
        text = f"{shown_value} ± {shown_stderr} (s.e.) [{fixed(low, decimals)}, {fixed(high, decimals)}]"
    elif pd.isna(std) or not math.isfinite(mean) or not math.isfinite(std):
        text = number(mean)
    elif std == 0:
        text = f"{number(mean)} ± 0"
    else:
        shown_mean, shown_std, decimals = mean_and_spread(mean, std)
        text = f"{shown_mean} ± {shown_std}"
        if count >= INTERVAL_MIN_RUNS:
            low, high = t_interval(mean, std, count)
            text += f" [{fixed(low, decimals)}, {fixed(high, decimals)}]"
    if count >= runs:
        return text
    not_scored = runs - count - stalled - diverged
    reasons = [f"{n} {why}" for n, why in ((stalled, "stalled"), (diverged, "diverged"),
                                            (not_scored, "not scored")) if n > 0]
    why = f"; {', '.join(reasons)}" if reasons else ""
    return f"{text} ({count} of {runs} runs{why})"


def published_cell(value: float, stderr: float = math.nan, trials: float = math.nan) -> str:
    """A paper's number, with its standard error named as one: '6.3 ± 0.5 (s.e., 10 trials)'."""
    if pd.isna(value):
        return "n/a"
    if pd.isna(stderr):
        return number(value)
    shown_value, shown_stderr, _ = mean_and_spread(value, stderr) if stderr > 0 else (number(value), "0", 0)
    over = "" if pd.isna(trials) else f", {trials:.0f} trials"
    return f"{shown_value} ± {shown_stderr} (s.e.{over})"
