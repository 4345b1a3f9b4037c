"""Name -> factory registries for models, datasets and metrics; built-ins register themselves at import.

This module imports nothing of gan-bench but its errors: the built-in models, datasets and metrics
import it to register, and lookups (gan_bench.lookup) load them first.
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
