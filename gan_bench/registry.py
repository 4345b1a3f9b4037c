"""Name -> factory registries for models and datasets; built-ins register themselves at import.

Lookups go through :func:`get`, which names the known entries when a name is unknown, so a
mistyped suite entry fails with a one-line error instead of a KeyError deep in a run.
"""

from collections.abc import Callable
from typing import Any

from gan_bench.errors import GanBenchError

MODELS: dict[str, Callable[..., Any]] = {}
DATASETS: dict[str, Callable[..., Any]] = {}
METRICS: dict[str, Callable[..., Any]] = {}
# metric name -> which datasets it can score (absent: any); checked when a suite loads
METRIC_SUPPORTS: dict[str, Callable[[Any], bool]] = {}
# metrics called as function(dataset, samples, model): they read the trained networks too
MODEL_METRICS: set[str] = set()


def _register(table: dict[str, Callable[..., Any]], kind: str, name: str, factory: Callable[..., Any]):
    if not isinstance(name, str) or not name:
        raise ValueError(f"{kind} name must be a non-empty string, got {name!r}")
    if not callable(factory):
        raise TypeError(f"{kind} factory for {name!r} must be callable")
    if name in table:
        raise ValueError(f"{kind} {name!r} is already registered")
    table[name] = factory


def register_model(name: str, factory: Callable[..., Any]) -> None:
    _register(MODELS, "model", name, factory)


def register_dataset(name: str, factory: Callable[..., Any]) -> None:
    _register(DATASETS, "dataset", name, factory)


def register_metric(name: str, function: Callable[..., Any],
                    supports: Callable[[Any], bool] | None = None, needs_model: bool = False) -> None:
    """``function(dataset, samples) -> dict``, or ``function(dataset, samples, model)`` with
    ``needs_model``; ``supports(dataset)`` says whether it can score a dataset, so that a suite
    pairing them fails when it loads, not after training."""
    _register(METRICS, "metric", name, function)
    if supports is not None:
        METRIC_SUPPORTS[name] = supports
    if needs_model:
        MODEL_METRICS.add(name)


def require_metric_support(name: str, dataset) -> None:
    """One-line error unless metric ``name`` can score ``dataset``."""
    supports = METRIC_SUPPORTS.get(name)
    if supports is not None and not supports(dataset):
        name_of_dataset = getattr(dataset, "name", dataset)
        raise GanBenchError(f"metric {name!r} is not available for dataset {name_of_dataset!r}")


def get(table: dict[str, Callable[..., Any]], kind: str, name: str) -> Callable[..., Any]:
    load_builtins()
    if name not in table:
        raise GanBenchError(f"unknown {kind} {name!r}; known: {', '.join(sorted(table))}")
    return table[name]


def get_model(name: str) -> Callable[..., Any]:
    return get(MODELS, "model", name)


def get_dataset(name: str) -> Callable[..., Any]:
    return get(DATASETS, "dataset", name)


def get_metric(name: str) -> Callable[..., Any]:
    return get(METRICS, "metric", name)


_builtins_loaded = False


def load_builtins() -> None:
    """The built-in models, datasets and metrics, then those of installed plugins (entry points,
    gan_bench.plugins), once."""
    global _builtins_loaded
    if _builtins_loaded:
        return
    _builtins_loaded = True
    # Imported lazily: the built-ins import torch, which the CLI's --help should not wait for.
    import baselines  # noqa: F401
    import gan_bench.data
    import gan_bench.metrics  # noqa: F401
    from gan_bench.plugins import load_entry_points

    load_entry_points()
