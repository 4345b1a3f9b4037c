import json
import math
import pickle
import warnings

import pytest
import torch

from gan_bench import registry
from gan_bench.cli import main
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runs.status import suite_status
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.checkpoint_file import read_checkpoint_file
from gan_bench.storage.records import read_records
from tests.conftest import TINY_SUITE, DivergesAtStep3, RunsCodeWhenUnpickled, ScriptedModel, run_record

CPU = torch.device("cpu")


class InterruptedAtStep6(ScriptedModel):
    AT = 6

    def at_step(self):
        raise KeyboardInterrupt  # the user presses Ctrl-C


@pytest.fixture
def part_run_suite(tmp_path, monkeypatch):
    """A tiny suite (12 steps, checkpoints every 4) with one run recorded, one interrupted at
    step 6 (its checkpoint at step 4) and two not started."""
    monkeypatch.setitem(registry.MODELS, "interrupted", InterruptedAtStep6)
    path = tmp_path / "part.toml"
    path.write_text(TINY_SUITE.replace('model = "vae-mlp"\noptions = { hidden = 16 }',
                                       'model = "interrupted"'))
    suite = load_suite(str(path))
    run_suite(suite, tmp_path, CPU, log=lambda m: None, only="^gan__ring8__seed0$")
    with pytest.raises(KeyboardInterrupt):
        run_suite(suite, tmp_path, CPU, log=lambda m: None, only="^vae__ring8__seed0$")
    return path, suite


@pytest.mark.end_to_end
@pytest.mark.slow
def test_each_state_with_its_step_and_the_hours_left_at_its_pace(part_run_suite, tmp_path):
    _, suite = part_run_suite
    results = tmp_path / suite.name
    table = suite_status(expand_run_specs(suite), results).set_index("run_id")
    assert list(table["state"]) == ["recorded: finished", "not started", "in progress", "not started"]
    assert list(table["step"]) == [12, 0, 4, 0] and set(table["steps"]) == {12}
    assert list(table["done_pct"]) == pytest.approx([100, 0, 100 / 3, 0])
    recorded = read_records(results)[0]
    assert table.loc["gan__ring8__seed0", "train_hours"] == pytest.approx(recorded["train_seconds"] / 3600)
    assert table.loc["gan__ring8__seed0", "hours_left"] == 0
    # the interrupted run at its own pace; a run not started at the pace of its model's runs
    interrupted = table.loc["vae__ring8__seed0"]
    assert interrupted["hours_left"] == pytest.approx(interrupted["train_hours"] / 4 * 8)
    assert table.loc["vae__ring8__seed1", "hours_left"] == pytest.approx(interrupted["train_hours"] * 3)
    assert table.loc["gan__ring8__seed1", "hours_left"] == pytest.approx(
        table.loc["gan__ring8__seed0", "train_hours"])


@pytest.mark.end_to_end
def test_a_run_that_ended_without_its_record_has_no_steps_left(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.MODELS, "diverges", DivergesAtStep3)
    path = tmp_path / "ends.toml"
    path.write_text(TINY_SUITE.replace('model = "vae-mlp"\noptions = { hidden = 16 }', 'model = "diverges"'))
    suite = load_suite(str(path))
    results = run_suite(suite, tmp_path, CPU, seeds=1, log=lambda m: None)
    (results / "runs.jsonl").unlink()  # as if killed between the last checkpoint and the record
    table = suite_status(expand_run_specs(suite, seeds=1), results).set_index("run_id")
    assert list(table["state"]) == ["finished, not recorded", "diverged, not recorded"]
    assert list(table["step"]) == [12, 3] and list(table["hours_left"]) == [0, 0]


@pytest.mark.end_to_end
def test_status_command_as_json_and_as_a_table(part_run_suite, tmp_path, capsys):
    path, _ = part_run_suite
    assert main(["status", str(path), "--results", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["state"] for r in report["runs"]][:3] == ["recorded: finished", "not started", "in progress"]
    assert report["hours_left"] == pytest.approx(sum(r["hours_left"] for r in report["runs"]))
    assert main(["status", str(path), "--results", str(tmp_path), "--only", "seed0"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| vae__ring8__seed0")]
    assert len(rows) == 1 and "| in progress" in rows[0]
    assert "seed1" not in out
    assert "training hours left, one run at a time:" in out


def test_a_model_with_no_run_started_leaves_the_total_unknown(tiny_suite, tmp_path, capsys):
    assert main(["status", str(tiny_suite), "--results", str(tmp_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hours_left"] is None and {r["state"] for r in report["runs"]} == {"not started"}
    assert main(["status", str(tiny_suite), "--results", str(tmp_path)]) == 0
    assert "unknown (a model with no run started)" in capsys.readouterr().out
    assert math.isnan(suite_status(expand_run_specs(load_suite(str(tiny_suite))), tmp_path)["hours_left"][0])


@pytest.mark.parametrize("command", ["status", "evaluate", "run"])
def test_a_crafted_checkpoint_cannot_run_code(tmp_path, capsys, command):
    """A pickle that runs code, placed where a run's checkpoint goes: every command that reads
    checkpoints refuses it in one line, and the code never runs (it did before weights_only)."""
    suite_path = tmp_path / "tiny.toml"
    suite_path.write_text(TINY_SUITE)
    job = expand_run_specs(load_suite(str(suite_path)))[0]
    marker = tmp_path / "code-ran"
    checkpoint = job.checkpoint_path(tmp_path / "tiny")
    checkpoint.parent.mkdir(parents=True)
    torch.save({"config": job.config(), "payload": RunsCodeWhenUnpickled(marker)}, checkpoint)
    if command == "evaluate":  # evaluate reads the checkpoints of recorded runs
        (tmp_path / "tiny" / "runs.jsonl").write_text(json.dumps(
            run_record(job.run_id, config=job.config())) + "\n")
    argv = [command, str(suite_path), "--results", str(tmp_path), "--only", f"^{job.run_id}$"]
    if command == "evaluate":
        argv += ["--metrics", "parzen"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"refusing checkpoint {checkpoint}" in err and err.count("\n") == 1, err
    assert not marker.exists()


def test_a_bare_pickle_as_checkpoint_is_refused_in_one_line_without_a_warning(tmp_path):
    """A pickle that is not torch's zip format drew torch's 'Detected pickle protocol' warning,
    a second line above the refusal."""
    marker = tmp_path / "code-ran"
    path = tmp_path / "run.pt"
    path.write_bytes(pickle.dumps(RunsCodeWhenUnpickled(marker)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(GanBenchError, match=f"refusing checkpoint {path}"):
            read_checkpoint_file(path)
    assert not marker.exists()
