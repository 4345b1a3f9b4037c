"""Looking up models, datasets and metrics by name, after loading the built-ins and installed plugins.

The one loader of the built-ins (gan_bench.baselines, gan_bench.data, gan_bench.metrics) and of
the plugins installed packages declare (gan_bench.plugins); nothing it loads imports it back. A
name that is not registered is a one-line error naming the known entries, so a mistyped suite
entry fails at once instead of as a KeyError deep in a run.
"""

from collections.abc import Callable, Iterable
from typing import Any

from gan_bench import registry
from gan_bench.errors import GanBenchError

_builtins_loaded = False


def load_builtins() -> None:
    """The built-in models, datasets and metrics, then those of installed plugins (entry points,
    gan_bench.plugins), once."""
    global _builtins_loaded
    if _builtins_loaded:
        return
    _builtins_loaded = True
    # Imported lazily: the built-ins import torch, which the CLI's --help should not wait for.
    import gan_bench.baselines
    import gan_bench.data
    import gan_bench.metrics  # noqa: F401
    from gan_bench.plugins import load_entry_points

    load_entry_points()


def import_plugins(modules: Iterable[str], where: str = "suite") -> None:
    """A suite's ``plugins`` modules, imported after the built-ins, so that a plugin registering a
    built-in's name is the error, not the built-in."""
    from gan_bench.plugins import import_plugin_modules

    modules = list(modules)
    if modules:
        load_builtins()
    import_plugin_modules(modules, where)


def get(table: dict[str, Callable[..., Any]], kind: str, name: str) -> Callable[..., Any]:
    load_builtins()
    if name not in table:
        raise GanBenchError(f"unknown {kind} {name!r}; known: {', '.join(sorted(table))}")
    return table[name]


def get_model(name: str) -> Callable[..., Any]:
    return get(registry.MODELS, "model", name)


def get_dataset(name: str) -> Callable[..., Any]:
    return get(registry.DATASETS, "dataset", name)


def get_metric(name: str) -> Callable[..., Any]:
    return get(registry.METRICS, "metric", name)


def needs_model(name: str) -> bool:
    """Whether metric ``name`` is called with the trained model as well (registry.MODEL_METRICS)."""
    load_builtins()
    return name in registry.MODEL_METRICS
