"""A suite's tables checked against the dataclasses they configure: unknown keys and wrong types
refused with one line that names where they came from."""

import dataclasses
import types
import typing
from typing import Any

from gan_bench.errors import GanBenchError


def type_ok(value: Any, annotation: Any) -> bool:
    """Whether ``value``, as TOML gives it, has the type ``annotation`` names (an int is a float;
    a bool is neither)."""
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return True
    if annotation is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (tuple, list):
        (item,) = set(typing.get_args(annotation)) - {Ellipsis}
        return isinstance(value, (list, tuple)) and all(type_ok(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if origin in (typing.Union, types.UnionType):
        return any(type_ok(value, a) for a in typing.get_args(annotation))
    if origin is typing.Literal:
        return value in typing.get_args(annotation)
    return isinstance(value, annotation)


def build_dataclass(cls: type, values: dict[str, Any], where: str):
    """Build ``cls`` from ``values``, refusing unknown keys and wrong types; ``where`` names the source."""
    if not isinstance(values, dict):
        raise GanBenchError(f"{where}: expected a table, got {type(values).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    for key, value in values.items():
        if key not in known:
            raise GanBenchError(f"{where}: unknown key {key!r}; known: {', '.join(sorted(known))}")
        if not type_ok(value, hints[key]):
            raise GanBenchError(
                f"{where}: key {key!r} must be {_type_name(hints[key])}, got {value!r}"
            )
    converted = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    try:
        return cls(**converted)
    except TypeError as error:
        raise GanBenchError(f"{where}: {error}") from None
    except ValueError as error:
        raise GanBenchError(f"{where}: {error}") from None


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    return getattr(annotation, "__name__", str(annotation))
