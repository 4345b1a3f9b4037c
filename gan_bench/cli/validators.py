"""Command-line values checked as they are parsed, so a bad one is refused in one line (argparse's
``gan-bench CMD: error: argument --X: ...``, exit 2) before anything is read or written."""

import argparse
import math


def positive_number(text: str) -> float:
    """A finite number above zero (``--round-seconds``, ``--mem``): not nan, inf, 0 or negative."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number above 0, got {text!r}")
    return value


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"must be at least {least}, got {value}")
    return value


def at_least_one(text: str) -> int:
    """A whole number >= 1 (``--time``, ``--cpus-per-run``, ``--array-parallelism``)."""
    return _whole_number(text, 1)


def at_least_zero(text: str) -> int:
    """A whole number >= 0 (``--gpus-per-run``)."""
    return _whole_number(text, 0)


def key_equals_value(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` for an ``#SBATCH --KEY=VALUE`` line: a key of letters, digits and ``-``/``_``,
    and no line break anywhere (which would smuggle in another line of the job script)."""
    key, equals, value = text.partition("=")
    if not equals or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    if any(c in text for c in "\n\r\0"):
        raise argparse.ArgumentTypeError(f"a line break or NUL in {text!r}")
    if not key.replace("-", "").replace("_", "").isalnum():
        raise argparse.ArgumentTypeError(f"KEY must be letters, digits, '-' or '_', got {key!r}")
    return key, value


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr (no usage block), exit 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def name_equals_fraction(text: str) -> tuple[str, float]:
    """``WORKLOAD=FRACTION`` (``--threshold-for``): a name and a number."""
    name, equals, fraction = text.partition("=")
    try:
        value = float(fraction)
    except ValueError:
        value = None
    if not equals or not name or value is None:
        raise argparse.ArgumentTypeError(f"expected WORKLOAD=FRACTION, got {text!r}")
    return name, value
