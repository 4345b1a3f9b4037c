"""The ``--only REGEX`` option: keep the items whose name the regular expression matches."""

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from gan_bench.errors import GanBenchError

T = TypeVar("T")


def keep_matching(items: Sequence[T], name_of: Callable[[T], str], only: str | None) -> list[T]:
    """``items`` whose name ``only`` matches (all of them for None); a bad expression, or one that
    matches nothing, is a one-line error naming the choices."""
    if only is None:
        return list(items)
    try:
        pattern = re.compile(only)
    except re.error as error:
        raise GanBenchError(f"--only {only!r} is not a regular expression: {error}") from None
    kept = [item for item in items if pattern.search(name_of(item))]
    if not kept:
        raise GanBenchError(f"--only {only!r} matches none of: {', '.join(map(name_of, items))}")
    return kept
