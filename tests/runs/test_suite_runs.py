import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from gan_bench import registry
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.suite_runs import run_suite, worker_device
from gan_bench.storage.checkpoint_compatibility import ConfigDriftError
from gan_bench.storage.records import read_records
from tests.conftest import TINY_SUITE, DivergesAtStep3

CPU = torch.device("cpu")
def QUIET(message):
    return None


@pytest.mark.end_to_end
@pytest.mark.slow
def test_suite_records_each_run_once_and_skips_finished_runs(tiny_suite, tmp_path):
    suite = load_suite(str(tiny_suite))
    results = run_suite(suite, tmp_path / "results", CPU, log=QUIET)
    records = read_records(results)
    assert len(records) == 4
    record = records[0]
    assert record["status"] == "finished"
    assert set(record["metrics"]) == {"modes_captured", "high_quality_pct", "reverse_kl_nats"}
    assert record["config"]["train"]["steps"] == 12
    assert record["config"]["model_options"]["generator_loss"] == "nonsaturating"
    assert record["hardware"]["cpu_model"] and record["libraries"]["torch"]
    assert record["timing"]["samples_per_s"] > 0
    assert "git_commit" in record and record["command"]
    samples_file = results / "samples" / f"{record['run_id']}.npy"
    assert record["samples_sha256"] == hashlib.sha256(samples_file.read_bytes()).hexdigest()
    log = []
    run_suite(suite, tmp_path / "results", CPU, log=log.append)
    assert all("already recorded" in line for line in log)
    assert len(read_records(results)) == 4


@pytest.mark.end_to_end
def test_recorded_run_with_other_config_is_refused(tiny_suite, tmp_path):
    run_suite(load_suite(str(tiny_suite)), tmp_path, CPU, seeds=1, log=QUIET)
    tiny_suite.write_text(TINY_SUITE.replace("eval_samples = 200", "eval_samples = 300"))
    with pytest.raises(ConfigDriftError, match="eval_samples: saved 200, requested 300"):
        run_suite(load_suite(str(tiny_suite)), tmp_path, CPU, seeds=1, log=QUIET)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_suite_extends_another_suites_runs_to_a_larger_budget(tiny_suite, tmp_path):
    longer = tmp_path / "tiny-longer.toml"
    longer.write_text(TINY_SUITE.replace("steps = 12", "steps = 20"))
    suite = load_suite(str(longer))
    from_scratch = {r["run_id"]: r for r in read_records(
        run_suite(suite, tmp_path / "scratch", CPU, seeds=1, log=QUIET))}
    with pytest.raises(GanBenchError, match=r"no checkpoint in .*tiny.checkpoints for "
                                            r"gan__ring8__seed0, vae__ring8__seed0"):
        run_suite(suite, tmp_path / "extended", CPU, seeds=1, log=QUIET, extend_from="tiny")
    with pytest.raises(GanBenchError, match="cannot extend its own runs"):
        run_suite(suite, tmp_path / "extended", CPU, seeds=1, log=QUIET, extend_from="tiny-longer")
    run_suite(load_suite(str(tiny_suite)), tmp_path / "extended", CPU, seeds=1, log=QUIET)
    extended = run_suite(suite, tmp_path / "extended", CPU, seeds=1, log=QUIET, extend_from="tiny")
    records = read_records(extended)
    assert sorted(r["run_id"] for r in records) == sorted(from_scratch)
    for record in records:
        assert record["extended_from"]["step"] == 12 and record["steps"] == 20
        assert record["config"]["train"]["steps"] == 20
        assert record["metrics"] == from_scratch[record["run_id"]]["metrics"], record["run_id"]
        assert record["history"] == from_scratch[record["run_id"]]["history"], record["run_id"]


@pytest.mark.end_to_end
@pytest.mark.slow
def test_a_diverged_run_is_recorded_and_the_suite_continues(tmp_path, monkeypatch):
    monkeypatch.setitem(registry.MODELS, "diverges", DivergesAtStep3)
    path = tmp_path / "suite.toml"
    path.write_text(TINY_SUITE.replace('model = "vae-mlp"\noptions = { hidden = 16 }',
                                       'model = "diverges"'))
    results = run_suite(load_suite(str(path)), tmp_path / "results", CPU, seeds=1, log=QUIET)
    by_model = {r["config"]["model_name"]: r for r in read_records(results)}
    assert by_model["vae"]["status"] == "diverged"
    assert by_model["vae"]["diverged_at_step"] == 3 and by_model["vae"]["metrics"] == {}
    assert by_model["gan"]["status"] == "finished"


@pytest.mark.end_to_end
def test_unwritable_results_folder_fails_before_training(tiny_suite, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(GanBenchError, match="not writable"):
        run_suite(load_suite(str(tiny_suite)), blocker / "results", CPU, log=QUIET)


def _records_by_id(folder: Path) -> dict:
    lines = (folder / "runs.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line complete and valid
    ids = [r["run_id"] for r in records]
    assert len(ids) == len(set(ids)), "duplicated record"
    return {r["run_id"]: r for r in records}


@pytest.mark.slow
@pytest.mark.end_to_end
def test_sigkill_part_way_then_rerun_loses_and_duplicates_nothing(tmp_path):
    suite = tmp_path / "killme.toml"
    suite.write_text(TINY_SUITE.replace("steps = 12", "steps = 200")
                     .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 40"))
    command = [sys.executable, "-m", "gan_bench", "run", str(suite), "--device", "cpu",
               "--threads", "1"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    killed_dir, clean_dir = tmp_path / "killed", tmp_path / "clean"
    process = subprocess.Popen(command + ["--results", str(killed_dir)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs = killed_dir / "killme" / "runs.jsonl"
    checkpoints = killed_dir / "killme" / "checkpoints"
    deadline = time.monotonic() + 600  # generous: a loaded machine can starve the child
    while time.monotonic() < deadline:  # kill while a later run is part-way through
        recorded = runs.read_text().count("\n") if runs.exists() else 0
        in_progress = [p for p in checkpoints.glob("*.pt")] if checkpoints.exists() else []
        if recorded >= 1 and len(in_progress) > recorded:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = _records_by_id(killed_dir / "killme")
    assert 1 <= len(partial) < 4
    subprocess.run(command + ["--results", str(killed_dir)], env=env, check=True,
                   capture_output=True)
    subprocess.run(command + ["--results", str(clean_dir)], env=env, check=True,
                   capture_output=True)
    resumed, clean = _records_by_id(killed_dir / "killme"), _records_by_id(clean_dir / "killme")
    assert sorted(resumed) == sorted(clean) and len(clean) == 4
    for run_id, record in partial.items():
        assert resumed[run_id] == record  # the rerun did not touch finished records
    for run_id in clean:  # resumed from a checkpoint, the run reaches the same result
        assert resumed[run_id]["metrics"] == clean[run_id]["metrics"], run_id
        assert resumed[run_id]["history"] == clean[run_id]["history"], run_id


@pytest.mark.slow
@pytest.mark.end_to_end
def test_parallel_jobs_give_the_same_records_as_sequential(tiny_suite, tmp_path):
    suite = load_suite(str(tiny_suite))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # workers get 1 thread each; compare like with like
    try:
        sequential = run_suite(suite, tmp_path / "one", CPU, log=QUIET)
    finally:
        torch.set_num_threads(threads)
    parallel = run_suite(suite, tmp_path / "two", CPU, log=QUIET, jobs=2)
    one = {r["run_id"]: r for r in read_records(sequential)}
    two = {r["run_id"]: r for r in read_records(parallel)}
    assert sorted(one) == sorted(two) and len(two) == 4
    for run_id, record in one.items():
        assert two[run_id]["metrics"] == record["metrics"], run_id


@pytest.mark.end_to_end
@pytest.mark.slow
def test_learning_curve_is_scored_without_changing_the_trajectory(tiny_suite, tmp_path):
    plain = run_suite(load_suite(str(tiny_suite)), tmp_path / "plain", CPU, seeds=1, log=QUIET)
    curved = tmp_path / "curved.toml"
    curved.write_text(TINY_SUITE.replace('metrics = ["modes"]',
                                         'metrics = ["modes"]\ncurve_metrics = ["modes", "game"]')
                      .replace("eval_samples = 200", "eval_samples = 200\ncurve_every_steps = 8\n"
                               "curve_samples = 100"))
    with_curve = run_suite(load_suite(str(curved)), tmp_path / "curve", CPU, seeds=1, log=QUIET)
    a = {r["run_id"]: r for r in read_records(plain)}
    b = {r["run_id"]: r for r in read_records(with_curve)}
    for run_id in a:
        assert a[run_id]["metrics"] == b[run_id]["metrics"]
        scored = [h for h in b[run_id]["history"] if "modes_captured" in h]
        assert [h["step"] for h in scored] == [8]
        if run_id.startswith("gan"):  # the game metric reads the model and draws noise
            assert "g_grad_norm_minimax" in scored[0] and "d_star_mae_real" in scored[0]


@pytest.mark.slow
@pytest.mark.end_to_end
def test_parallel_runs_show_their_progress_each_on_its_own_line(tiny_suite, tmp_path, capfd):
    run_suite(load_suite(str(tiny_suite)), tmp_path, CPU, log=QUIET, jobs=2)
    shown = capfd.readouterr().err
    for run_id in ("gan__ring8__seed0", "gan__ring8__seed1", "vae__ring8__seed0", "vae__ring8__seed1"):
        assert f"{run_id}:" in shown, run_id  # each worker's bar names its run


def test_parallel_workers_on_cuda_share_out_the_gpus(monkeypatch):
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 3)
    cuda = torch.device("cuda")
    assert [worker_device(cuda, k) for k in range(5)] == [torch.device("cuda", k) for k in (0, 1, 2, 0, 1)]
    assert worker_device(cuda, None) == cuda  # --jobs 1: the current GPU
    assert worker_device(torch.device("cuda", 2), 0) == torch.device("cuda", 2)  # a GPU named by the user
    assert worker_device(torch.device("cpu"), 1) == torch.device("cpu")
