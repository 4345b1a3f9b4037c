import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gan_bench import plugins, registry
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.storage.records import read_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "plugin-example"


def gan_bench(*args, cwd: Path, pythonpath: list[Path]):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, [*pythonpath, ROOT]))}
    return subprocess.run([sys.executable, "-m", "gan_bench", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def installed_distribution(folder: Path, entry_points: str) -> Path:
    """What pip leaves for an installed package that declares entry points: its dist-info."""
    info = folder / "tiny_gan_plugin-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tiny-gan-plugin\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text(entry_points)
    return folder


@pytest.mark.slow
@pytest.mark.end_to_end
def test_the_example_plugin_runs_from_a_suite_key_in_worker_processes(tmp_path):
    suite = tmp_path / "tiny-gan.toml"
    suite.write_text((EXAMPLE / "tiny-gan.toml").read_text().replace("steps = 300", "steps = 60"))
    result = gan_bench("run", str(suite), "--device", "cpu", "--jobs", "2", "--results", "r",
                       cwd=tmp_path, pythonpath=[EXAMPLE])
    assert result.returncode == 0, result.stderr
    records = read_records(tmp_path / "r" / "tiny-gan")
    assert sorted(r["run_id"] for r in records) == ["tiny-gan__ring8__seed0", "tiny-gan__ring8__seed1"]
    for record in records:
        assert record["config"]["plugins"] == ["tiny_gan_plugin.register"]
        assert record["config"]["model_options"] == {"hidden": 64, "learning_rate": 1e-3}
        assert record["metrics"]["modes_captured"] >= 0 and record["history"][-1]["step"] == 60


@pytest.mark.slow
@pytest.mark.end_to_end
def test_an_installed_plugin_is_found_by_its_entry_point_and_timed_by_bench(tmp_path):
    site = installed_distribution(tmp_path / "site", "[gan_bench.models]\n"
                                  "tiny-gan = tiny_gan_plugin.model:TinyGan\n")
    suite = tmp_path / "tiny.toml"
    suite.write_text((EXAMPLE / "tiny-gan.toml").read_text()
                     .replace('plugins = ["tiny_gan_plugin.register"]\n', "")
                     .replace("steps = 300", "steps = 40"))
    paths = [site, EXAMPLE]
    assert gan_bench("run", str(suite), "--device", "cpu", "--results", "r", cwd=tmp_path,
                     pythonpath=paths).returncode == 0
    assert len(read_records(tmp_path / "r" / "tiny")) == 2
    timing = ["bench", "--suite", str(suite), "--only", "^step/tiny/", "--no-quality", "--rounds", "5",
              "--warmup-rounds", "1", "--round-seconds", "0.02"]
    saved = gan_bench(*timing, "--save", "baseline.json", cwd=tmp_path, pythonpath=paths)
    assert saved.returncode == 0, saved.stderr
    workloads = json.loads((tmp_path / "baseline.json").read_text())["workloads"]
    assert list(workloads) == ["step/tiny/tiny-gan"] and workloads["step/tiny/tiny-gan"]["ratio"] > 0
    # the comparison runs and names the plugin's workload; its verdict must not hang on the
    # machine's load (no test asserts on wall-clock time), so only a 99% fall would fail it
    compared = gan_bench(*timing, "--compare", "baseline.json", "--threshold", "0.99", cwd=tmp_path,
                         pythonpath=paths)
    assert compared.returncode == 0 and "step/tiny/tiny-gan" in compared.stdout + compared.stderr


@pytest.mark.parametrize("source, message", [
    ("", r"plugin module 'no_such_plugin' not found \(is its package installed"),
    ("raise RuntimeError('no GPU here')", r"plugin module 'no_such_plugin' raised on import: "
                                          r"RuntimeError: no GPU here"),
    ("from gan_bench.registry import register_model\nregister_model('gan-mlp', object)",
     r"plugin module 'no_such_plugin' raised on import: ValueError: model 'gan-mlp' is already registered"),
])
def test_a_broken_suite_plugin_is_a_one_line_error_naming_it(tmp_path, monkeypatch, source, message):
    if source:
        (tmp_path / "no_such_plugin.py").write_text(source)
        monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "MODELS", dict(registry.MODELS))
    suite = tmp_path / "suite.toml"
    suite.write_text((EXAMPLE / "tiny-gan.toml").read_text()
                     .replace("tiny_gan_plugin.register", "no_such_plugin"))
    with pytest.raises(GanBenchError, match=message):
        load_suite(str(suite))
    assert "no_such_plugin" not in sys.modules


@pytest.mark.parametrize("entry_points, message", [
    ("[gan_bench.models]\ngan-mlp = tiny_gan_plugin.model:TinyGan\n",
     r"plugin 'tiny_gan_plugin.model:TinyGan' \(entry point 'gan-mlp' of tiny-gan-plugin, group "
     r"gan_bench.models\): model 'gan-mlp' is already registered"),
    ("[gan_bench.metrics]\nbroken = tiny_gan_plugin.missing:score\n",
     r"plugin 'tiny_gan_plugin.missing:score' \(entry point 'broken' of tiny-gan-plugin, group "
     r"gan_bench.metrics\) failed to import: ModuleNotFoundError"),
])
def test_a_broken_entry_point_is_a_one_line_error_naming_it(tmp_path, monkeypatch, entry_points, message):
    monkeypatch.syspath_prepend(str(installed_distribution(tmp_path, entry_points)))
    monkeypatch.syspath_prepend(str(EXAMPLE))
    for table in ("MODELS", "DATASETS", "METRICS"):
        monkeypatch.setattr(registry, table, dict(getattr(registry, table)))
    with pytest.raises(GanBenchError, match=message):
        plugins.load_entry_points()


def folder_with_a_plugin_beside_its_suite(tmp_path: Path) -> Path:
    """A folder holding tiny.toml, which names the plugin module ``beside`` (beside.py, there too),
    whose import creates the file ``imported``."""
    from tests.conftest import TINY_SUITE

    (tmp_path / "beside.py").write_text("from pathlib import Path\nPath('imported').touch()\n")
    (tmp_path / "tiny.toml").write_text(TINY_SUITE.replace("[train]", 'plugins = ["beside"]\n\n[train]'))
    return tmp_path


def run_there(folder: Path, *args: str, pythonpath: str):
    env = {**os.environ, "PYTHONPATH": pythonpath}
    return subprocess.run([sys.executable, "-m", "gan_bench", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize("command", ["status", "leaderboard"])
@pytest.mark.slow
@pytest.mark.end_to_end
def test_commands_that_read_results_never_import_a_suites_plugins(tmp_path, command):
    """Before, gan-bench status imported every module a suite's plugins key named."""
    folder = folder_with_a_plugin_beside_its_suite(tmp_path)
    (folder / "results" / "tiny").mkdir(parents=True)
    (folder / "results" / "tiny" / "runs.jsonl").write_text("")
    argv = ["status", "tiny.toml"] if command == "status" else ["leaderboard", "tiny"]
    result = run_there(folder, *argv, pythonpath=os.pathsep.join([str(folder), str(ROOT)]))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert not (folder / "imported").exists()
    if command == "status":
        assert "names plugins (beside), whose import runs their code" in result.stderr


@pytest.mark.parametrize("pythonpath", ["{root}", ":{root}"], ids=["python -m", "empty entry"])
@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_plugin_in_the_current_folder_is_not_imported_unless_named_on_purpose(tmp_path, pythonpath):
    """Before, python -m (and an empty PYTHONPATH entry) put the current folder on sys.path, and
    gan-bench run imported a plugin module found there."""
    folder = folder_with_a_plugin_beside_its_suite(tmp_path)
    argv = ("run", "tiny.toml", "--device", "cpu", "--only", "^gan__ring8__seed0$")
    refused = run_there(folder, *argv, pythonpath=pythonpath.format(root=ROOT))
    assert refused.returncode == 2 and "plugin module 'beside' not found" in refused.stderr
    assert not (folder / "imported").exists()
    on_purpose = run_there(folder, *argv, pythonpath=os.pathsep.join([".", str(ROOT)]))
    assert on_purpose.returncode == 0 and (folder / "imported").exists()


@pytest.mark.parametrize("entry_points", ["[console_scripts]\nno equals sign here\n",
                                          "[gan_bench.models]\nmy-gan\n"],
                         ids=["another-group", "gan-bench-group"])
def test_a_malformed_entry_points_file_of_any_installed_package_is_one_line_naming_it(
        tmp_path, entry_points):
    site = installed_distribution(tmp_path / "site", entry_points)
    (tmp_path / "tiny.toml").write_text((ROOT / "gan_bench" / "suites" / "smoke.toml").read_text())
    result = gan_bench("status", "tiny.toml", cwd=tmp_path, pythonpath=[site])
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("gan-bench: error: installed package 'tiny-gan-plugin' has a "
                                    f"malformed entry_points.txt in {site}"), result.stderr
    assert result.stderr.count("\n") == 1
