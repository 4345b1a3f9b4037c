"""What a metric function returns, checked before it reaches a record: names mapped to numbers.

A metric (a built-in's or a plugin's) returns a dict of names to numbers. Python ints and floats
pass (NaN and infinity included: records store them as null, "inf", "-inf"); numpy scalars and 0-d
tensors become the Python number they hold. Anything else (a string, a list, a vector, a bool) is a
one-line error naming the metric and the function that gave it, before a line is appended to a
record file: one such value would otherwise make every later command on the results folder refuse
the file. A name another metric of the same record already gave is refused too: it would silently
replace that metric's value, in the record and the leaderboard.
"""

import numbers

import numpy as np
import torch

from gan_bench.errors import GanBenchError


def checked_metric_values(name: str, function, values, taken: dict[str, str]) -> dict[str, float]:
    """``values``, metric ``name``'s result from ``function``, as a dict of Python numbers;
    ``taken`` maps the names already in the record to the metrics that gave them."""
    where = f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
    source = f"metric {name!r} ({where})"
    if not isinstance(values, dict):
        raise GanBenchError(f"{source} returned {type(values).__name__}, not a dict of names to numbers")
    checked = {}
    for key, value in values.items():
        if not isinstance(key, str):
            raise GanBenchError(f"{source} returned the name {key!r}, not a string")
        if taken.get(key, name) != name:
            raise GanBenchError(f"{source} returned {key!r}, which metric {taken[key]!r} gives; "
                                f"rename one of them")
        checked[key] = _number(value, f"{source} returned {key}=")
    return checked


def _number(value, where: str) -> int | float:
    if isinstance(value, (np.generic, torch.Tensor)) and np.ndim(value) == 0:
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return value if isinstance(value, (int, float)) else float(value)
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
    raise GanBenchError(f"{where}{shown}, not a number")
