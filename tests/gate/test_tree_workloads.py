"""The A/B and instruction workers find the workloads of a tree of either package layout."""

import subprocess
import sys
from pathlib import Path

import pytest

from gan_bench.gate import ab_worker, instruction_worker, tree_workloads


def workload_names(tree: Path) -> str:
    """What ``tree_workloads()`` returns in a fresh process with ``tree`` first on the path (the
    editable install's import hook, which finds this checkout's modules, stays in place)."""
    code = (f"import runpy; print(runpy.run_path({tree_workloads.__file__!r}, run_name='worker')"
            "['tree_workloads']())")
    return subprocess.run([sys.executable, "-c", code], cwd=tree, env={"PYTHONPATH": str(tree)},
                          capture_output=True, text=True, check=True).stdout.strip()


def fake_tree(root: Path, workloads_module: str) -> Path:
    """A gan_bench whose only workloads module is ``workloads_module`` (a dotted path)."""
    folder = root.joinpath(*workloads_module.split(".")[:-1])
    folder.mkdir(parents=True)
    for package in [folder, folder.parent]:
        (package / "__init__.py").touch()
    (folder / "workloads.py").write_text(f"def all_workloads():\n    return [{workloads_module!r}]\n")
    return root


def test_a_tree_from_before_the_subpackages_gives_its_own_bench_workloads(tmp_path):
    tree = fake_tree(tmp_path, "gan_bench.bench.workloads")
    assert workload_names(tree) == "['gan_bench.bench.workloads']"


def test_a_grouped_tree_gives_its_gate_workloads(tmp_path):
    tree = fake_tree(tmp_path, "gan_bench.gate.workloads")
    assert workload_names(tree) == "['gan_bench.gate.workloads']"


@pytest.mark.parametrize("worker", [ab_worker, instruction_worker])
def test_the_workers_standalone_text_imports_nothing_of_the_gate(worker):
    text = tree_workloads.standalone_source(worker)
    compile(text, worker.__file__, "exec")
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "gan_bench" in line] and "def tree_workloads()" in text


def test_a_worker_without_the_expected_import_is_refused():
    with pytest.raises(RuntimeError, match="does not import tree_workloads"):
        tree_workloads.standalone_source(tree_workloads)
