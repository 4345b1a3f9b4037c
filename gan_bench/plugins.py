"""Models, datasets and metrics from the user's own packages, found two ways.

Entry points: an installed package declares, in its pyproject.toml,

    [project.entry-points."gan_bench.models"]
    my-gan = "my_package.models:MyGan"

(groups ``gan_bench.models``, ``gan_bench.datasets`` and ``gan_bench.metrics``). The entry point's
name is the name suites use; the object it names is registered as the built-ins are: a model class
(gan_bench/model/contract.py, the contract), a dataset class, or a metric function ``(dataset, samples) ->
dict`` (with an optional ``supports(dataset) -> bool`` attribute and ``needs_model = True`` for a
metric that also takes the model). They load with the built-ins, on the first registry lookup.

Suite key: ``plugins = ["my_package.my_models"]`` in a suite's ``[suite]`` table imports those
modules before the suite is built (and again in each ``--jobs`` worker); a module registers what it
provides with gan_bench.registry.register_model, register_dataset or register_metric. Importing a
module runs its code, as a Makefile's rules do, so only the commands that train or score a suite
import them (``run``, ``evaluate``, ``bench``); ``status`` and ``leaderboard`` never do
(docs/guarantees.md). They are looked up on ``sys.path`` less the current directory, which
``python -m`` and an empty ``PYTHONPATH`` entry put there without asking: a module in the folder a
command is run from is imported only where a non-empty ``PYTHONPATH`` entry names that folder.

A plugin that is not found, raises on import, or registers a name already taken is a one-line
error naming the plugin.
"""

import importlib
import os
import sys
from contextlib import contextmanager
from importlib.metadata import distributions, entry_points

from gan_bench import registry
from gan_bench.errors import GanBenchError


def _register_metric(name: str, function) -> None:
    registry.register_metric(name, function, supports=getattr(function, "supports", None),
                             needs_model=getattr(function, "needs_model", False))


ENTRY_POINT_GROUPS = {"gan_bench.models": registry.register_model,
                      "gan_bench.datasets": registry.register_dataset,
                      "gan_bench.metrics": _register_metric}


def load_entry_points() -> None:
    """Register every model, dataset and metric that installed packages declare."""
    for group, register in ENTRY_POINT_GROUPS.items():
        for entry_point in entry_points(group=group):
            source = entry_point.dist.name if entry_point.dist else "an installed package"
            where = (f"plugin {entry_point.value!r} (entry point {entry_point.name!r} of {source}, "
                     f"group {group})")
            try:
                factory = entry_point.load()
            except Exception as error:  # whatever the plugin's import raised, named in one line
                raise GanBenchError(f"{where} failed to import: {type(error).__name__}: {error}") from None
            try:
                register(entry_point.name, factory)
            except (ValueError, TypeError) as error:
                raise GanBenchError(f"{where}: {error}") from None


def refuse_malformed_entry_points() -> None:
    """A one-line error naming any installed package whose entry_points.txt cannot be parsed.
    importlib.metadata parses every package's file for any group, so one malformed file (another
    package's) makes torch's own import and gan-bench's plugin lookup raise: gan-bench checks first."""
    for dist in distributions():
        try:
            dist.entry_points  # noqa: B018 (parsed for its error)
        except Exception as error:  # importlib.metadata's parser raises TypeError, ValueError, ...
            where = getattr(dist, "_path", None)
            raise GanBenchError(
                f"installed package {dist.metadata['Name']!r} has a malformed entry_points.txt"
                f"{f' in {where}' if where else ''} ({type(error).__name__}: {error}); "
                "reinstall or remove that package") from None


def import_plugin_modules(modules, where: str = "suite") -> None:
    """Import each of ``modules`` (a suite's ``plugins``) unless already imported (after the
    built-ins: gan_bench.lookup.import_plugins)."""
    for module in modules:
        if module in sys.modules:
            continue
        try:
            with _current_directory_only_on_purpose():
                importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name is not None and module.startswith(error.name):
                raise GanBenchError(f"{where}: plugin module {module!r} not found (is its package "
                                    f"installed, or its folder on PYTHONPATH?)") from None
            raise GanBenchError(f"{where}: plugin module {module!r} raised on import: "
                                f"{type(error).__name__}: {error}") from None
        except Exception as error:  # whatever the plugin's import raised, named in one line
            sys.modules.pop(module, None)
            raise GanBenchError(f"{where}: plugin module {module!r} raised on import: "
                                f"{type(error).__name__}: {error}") from None


@contextmanager
def _current_directory_only_on_purpose():
    """``sys.path`` without the current directory in the block (``''``, or its absolute path as
    ``python -m`` and an empty ``PYTHONPATH`` entry put it), unless a non-empty ``PYTHONPATH``
    entry names it."""
    here = os.getcwd()
    named = {os.path.abspath(entry) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry}
    saved = list(sys.path)
    if here not in named:
        sys.path[:] = [entry for entry in saved if os.path.abspath(entry or os.curdir) != here]
    try:
        yield
    finally:
        sys.path[:] = saved + [entry for entry in sys.path if entry not in saved]
