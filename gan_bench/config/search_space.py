"""A model's search space in a suite: ``search = { option = "DISTRIBUTION", ... }``.

A distribution is one of ``log-uniform(LOW, HIGH)`` (0 < LOW < HIGH), ``uniform(LOW, HIGH)``
(LOW < HIGH), ``int-uniform(LOW, HIGH)`` (whole numbers, LOW < HIGH, both ends included) or
``choice(VALUE, ...)`` (numbers, strings or booleans, no repeats). Each is checked against the
model's typed Options: the option must exist and not also be fixed in ``options``, and the
Options must accept both bounds (every choice), so a bad range is refused before any training.
Optuna turns a distribution into its own only when trials are sampled (gan_bench.search.trial_params),
so reading a suite never imports it.
"""

import ast
import re
from dataclasses import dataclass
from typing import Any

from gan_bench.errors import GanBenchError

DISTRIBUTION_PATTERN = re.compile(r"\s*(log-uniform|uniform|int-uniform|choice)\s*\((.*)\)\s*", re.S)
KINDS = "log-uniform(LOW, HIGH), uniform(LOW, HIGH), int-uniform(LOW, HIGH) or choice(VALUE, ...)"


@dataclass(frozen=True)
class Distribution:
    """``kind`` is log-uniform, uniform, int-uniform or choice; ``values`` its (LOW, HIGH) or choices."""

    kind: str
    values: tuple

    def text(self) -> str:
        return f"{self.kind}({', '.join(map(repr, self.values))})"


def parse_distribution(text: Any, where: str) -> Distribution:
    """The distribution ``text`` names, or a one-line error naming ``where``."""
    if not isinstance(text, str):
        raise GanBenchError(f"{where}: expected a string such as {KINDS}, got {text!r}")
    match = DISTRIBUTION_PATTERN.fullmatch(text)
    if match is None:
        raise GanBenchError(f"{where}: {text!r} is not {KINDS}")
    kind, inside = match.groups()
    literals = f"{where}: {text!r}: the arguments must be numbers, strings or booleans"
    try:
        values = ast.literal_eval(f"({inside},)") if inside.strip() else ()
    except (ValueError, SyntaxError):
        raise GanBenchError(literals) from None
    if not isinstance(values, tuple) or not all(isinstance(v, (int, float, str, bool)) for v in values):
        raise GanBenchError(literals)
    _check_values(kind, values, f"{where}: {text!r}")
    return Distribution(kind, values)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_values(kind: str, values: tuple, where: str) -> None:
    if kind == "choice":
        if not values:
            raise GanBenchError(f"{where}: choice needs at least one value")
        if len(set(map(repr, values))) != len(values):
            raise GanBenchError(f"{where}: a value is listed twice")
        return
    if len(values) != 2 or not all(map(_is_number, values)):
        raise GanBenchError(f"{where}: {kind} takes two numbers, LOW and HIGH")
    low, high = values
    if not low < high:
        raise GanBenchError(f"{where}: LOW must be below HIGH")
    if kind == "log-uniform" and low <= 0:
        raise GanBenchError(f"{where}: log-uniform needs LOW above 0")
    if kind == "int-uniform" and not all(isinstance(v, int) for v in values):
        raise GanBenchError(f"{where}: int-uniform takes whole numbers")


def parse_search_space(search: dict[str, Any], options_class: type, fixed_options: dict[str, Any],
                       where: str) -> dict[str, Distribution]:
    """Each searched option's distribution, checked against ``options_class`` (the model's typed
    Options, built by gan_bench.config.typed_tables.build_dataclass at both ends of each range and at each
    choice, with the ``fixed_options`` beside them)."""
    from gan_bench.config.typed_tables import build_dataclass

    space = {}
    for option, text in search.items():
        both = f"{where} search {option!r}"
        if option in fixed_options:
            raise GanBenchError(f"{both}: also fixed in options; keep it in one")
        distribution = parse_distribution(text, both)
        # a uniform draw is a float whatever the bounds' spelling: an int option refuses it here
        continuous = distribution.kind in ("uniform", "log-uniform")
        for value in map(float, distribution.values) if continuous else distribution.values:
            build_dataclass(options_class, {**fixed_options, option: value}, both)
        space[option] = distribution
    return space
