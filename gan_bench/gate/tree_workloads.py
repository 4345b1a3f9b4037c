"""The workloads of the tree under test, for the A/B and instruction workers.

The workers (gan_bench.gate.ab_worker, gan_bench.gate.instruction_worker) run as ``python -c``
text with a base or candidate tree first on ``sys.path``, so they can import nothing of gan-bench
that a base commit may lack: ``standalone_source`` gives a worker's text with its import of this
module replaced by this module's own text.
"""

import importlib
from pathlib import Path
from types import ModuleType

WORKER_IMPORT = "from gan_bench.gate.tree_workloads import tree_workloads  # inlined by standalone_source\n"


def tree_workloads() -> list:
    """The workloads of the tree first on ``sys.path``: ``gan_bench.gate.workloads``, or
    ``gan_bench.bench.workloads`` in a gan-bench from before the package was grouped into
    subpackages, so that a base commit of either layout can be measured. The tree's own files
    decide: an editable install's import hook would find the candidate's ``gan_bench.gate`` for a
    base tree that lacks one."""
    import gan_bench

    grouped = any((Path(folder) / "gate" / "workloads.py").is_file() for folder in gan_bench.__path__)
    module = importlib.import_module("gan_bench.gate.workloads" if grouped else "gan_bench.bench.workloads")
    return module.all_workloads()


def standalone_source(worker: ModuleType) -> str:
    """``worker``'s text, runnable with ``python -c`` against any tree: its import of this module
    replaced by this module's text."""
    text = Path(worker.__file__).read_text()
    if WORKER_IMPORT not in text:
        raise RuntimeError(f"{worker.__name__} does not import tree_workloads as standalone_source expects")
    return text.replace(WORKER_IMPORT, Path(__file__).read_text())
