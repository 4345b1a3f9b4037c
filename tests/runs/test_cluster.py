import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from benchmarks.robustness_probes import live_processes, session_members
from gan_bench.cli import main
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.cluster import ClusterOptions, RunJob, submit_runs, submitted_jobs, wait_for
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.checkpoint_file import read_checkpoint_file
from gan_bench.storage.records import read_records
from tests.conftest import TINY_SUITE

ROOT = Path(__file__).resolve().parents[2]


def children_of(pid: int) -> list[int]:
    return live_processes(1, pid)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_eight_runs_through_submitits_local_executor_record_each_run_once(tmp_path, capsys):
    suite = tmp_path / "tiny.toml"
    suite.write_text(TINY_SUITE.replace("seeds = 2", "seeds = 4"))
    assert main(["run", str(suite), "--executor", "submitit-local", "--device", "cpu",
                 "--results", str(tmp_path / "results")]) == 0
    folder = tmp_path / "results" / "tiny"
    lines = (folder / "runs.jsonl").read_text().splitlines()
    records = read_records(folder)  # every line a complete record, no run twice (else an error)
    assert len(lines) == len(records) == 8
    assert sorted(r["run_id"] for r in records) == sorted(
        f"{model}__ring8__seed{seed}" for model in ("gan", "vae") for seed in range(4))
    jobs = submitted_jobs(folder)
    assert len({note["job_id"] for note in jobs.values()}) == 8
    assert all(note["job_state"] == "ENDED" for note in jobs.values())
    assert "leaderboard:" in capsys.readouterr().out
    assert main(["status", str(suite), "--results", str(tmp_path / "results")]) == 0
    shown = capsys.readouterr().out
    assert "job_state" in shown and shown.count("ENDED") == 8


@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_job_preempted_part_way_requeues_and_ends_where_an_uninterrupted_run_ends(tmp_path):
    suite_path = tmp_path / "long.toml"
    suite_path.write_text(TINY_SUITE.replace("steps = 12", "steps = 1500").replace("seeds = 2", "seeds = 1")
                          .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 100")
                          .replace("log_every_steps = 4", "log_every_steps = 100"))
    suite = load_suite(str(suite_path))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the job runs: the same kernels, the same floating-point sums
    try:
        uninterrupted = read_records(run_suite(suite, tmp_path / "local", torch.device("cpu"),
                                               only="^gan", log=lambda m: None))[0]
    finally:
        torch.set_num_threads(threads)
    results_dir = tmp_path / "cluster" / "long"
    results_dir.mkdir(parents=True)
    run = RunJob(suite_path, "gan__ring8__seed0", results_dir, "cpu", None, False, None, threads=1)
    (job,) = submit_runs([run], results_dir, ClusterOptions("submitit-local"), log=lambda m: None)
    checkpoint = results_dir / "checkpoints" / "gan__ring8__seed0.pt"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # preempt once it has trained part of its budget
        if checkpoint.exists() and read_checkpoint_file(checkpoint)["step"] >= 500:
            break
        time.sleep(0.05)
    # what SLURM does at the pre-timeout or a preemption: signal the task (submitit's local
    # controller forwards it only at its own time limit)
    (task,) = children_of(job._process.pid)
    os.kill(task, signal.SIGUSR2)
    assert job.result() == "gan__ring8__seed0: finished"
    (record,) = read_records(results_dir)
    assert len(record["invocations"]) == 2 and record["invocations"][1]["from_step"] >= 500
    assert record["metrics"] == uninterrupted["metrics"]
    assert record["history"] == uninterrupted["history"]


@pytest.mark.slow
def test_a_results_folder_the_jobs_cannot_see_is_refused_in_one_line(tmp_path):
    """What a node without the shared storage sees: the results folder is not there."""
    suite_path = tmp_path / "tiny.toml"
    suite_path.write_text(TINY_SUITE)
    unseen = tmp_path / "not-mounted" / "tiny"
    runs = [RunJob(suite_path, run_id, unseen, "cpu", None, False, None)
            for run_id in ("gan__ring8__seed0", "vae__ring8__seed0")]
    jobs = submit_runs(runs, tmp_path / "jobs", ClusterOptions("submitit-local"), log=lambda m: None)
    with pytest.raises(GanBenchError, match=rf"results folder {unseen} is not visible on .*; the "
                                            r"other jobs are cancelled"):
        wait_for(jobs, log=lambda m: None)
    assert not unseen.exists()


@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c-to-the-group", "sigterm-to-the-driver"])
def test_a_signal_to_the_submitit_local_driver_stops_every_job_at_its_next_step(tmp_path, signum,
                                                                               to_group):
    suite = tmp_path / "long.toml"  # a million steps: only a stop ends a job within the test
    suite.write_text(TINY_SUITE.replace("steps = 12", "steps = 1000000").replace("seeds = 2", "seeds = 1")
                     .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 200")
                     .replace("log_every_steps = 4", "log_every_steps = 200"))
    results = tmp_path / "results"
    driver = subprocess.Popen(
        [sys.executable, "-m", "gan_bench", "run", str(suite), "--device", "cpu", "--threads", "1",
         "--executor", "submitit-local", "--results", str(results)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    checkpoints = results / "long" / "checkpoints"
    deadline = time.monotonic() + 300
    while len(list(checkpoints.glob("*.pt"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert driver.poll() is None, driver.communicate()[1]
    before = {path.name: read_checkpoint_file(path)["step"] for path in checkpoints.glob("*.pt")}
    if to_group:
        os.killpg(driver.pid, signum)  # what Ctrl-C in a terminal does
    else:
        driver.send_signal(signum)  # what a scheduler or `kill` does
    stderr = driver.communicate(timeout=120)[1]
    assert driver.returncode == 128 + signum, stderr
    lines = [line for line in stderr.splitlines() if "submitted as job" not in line]
    assert lines == [f"gan-bench: stopped by {signal.Signals(signum).name}; checkpoints saved, "
                     "nothing partial recorded; run the same command again to resume"], stderr
    assert not (results / "long" / "runs.jsonl").exists()
    after = {path.name: read_checkpoint_file(path) for path in checkpoints.glob("*.pt")}
    assert set(after) == set(before)
    assert all(state["status"] == "running" and state["step"] >= before[name]
               for name, state in after.items())
    # the jobs ended before the driver did: nothing of the run is left training
    deadline = time.monotonic() + 30  # the controllers' own exit, after their tasks' results
    while session_members(driver.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session_members(driver.pid) == []


class JobKilledAfterRecording:
    """A submitit job whose process was killed after its run's record was appended."""

    job_id = "4242"

    def done(self) -> bool:
        return True

    def result(self):
        raise RuntimeError("Job 4242 (task: 0) failed: killed by signal SIGKILL")

    def stderr(self) -> str:
        return ""


def test_a_job_killed_after_its_run_was_recorded_is_reported_as_recorded(tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY_SUITE.replace("seeds = 2", "seeds = 1"))
    suite = load_suite(str(tmp_path / "tiny.toml"))
    results_dir = run_suite(suite, tmp_path / "results", torch.device("cpu"), only="^vae",
                            log=lambda m: None)
    logged = []
    assert wait_for([JobKilledAfterRecording()], logged.append, ["vae__ring8__seed0"], results_dir) == 0
    assert logged == ["vae__ring8__seed0: recorded (job 4242 ended abnormally after recording it: "
                      "Job 4242 (task: 0) failed: killed by signal SIGKILL)"]
    assert wait_for([JobKilledAfterRecording()], logged.append, ["gan__ring8__seed0"], results_dir) == 1


def test_slurm_without_sbatch_or_srun_is_one_line_before_the_results_folder_is_made(
        tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-slurm-here"))
    (tmp_path / "tiny.toml").write_text(TINY_SUITE)
    assert main(["run", str(tmp_path / "tiny.toml"), "--executor", "slurm",
                 "--results", str(tmp_path / "results")]) == 2
    assert capsys.readouterr().err == ("gan-bench: error: --executor slurm needs SLURM's sbatch and "
                                       "srun on PATH: run it on a SLURM login node\n")
    assert not (tmp_path / "results").exists()


def test_tensorboard_under_an_executor_is_refused_not_dropped(tmp_path, capsys):
    (tmp_path / "tiny.toml").write_text(TINY_SUITE)
    assert main(["run", str(tmp_path / "tiny.toml"), "--executor", "submitit-local", "--tensorboard",
                 str(tmp_path / "tb"), "--results", str(tmp_path / "results")]) == 2
    assert capsys.readouterr().err == ("gan-bench: error: --tensorboard works with --executor local "
                                       "only, not submitit-local: its jobs would not write it\n")
    assert not (tmp_path / "results").exists() and not (tmp_path / "tb").exists()


def test_a_tensorboard_folder_that_cannot_be_written_is_refused_before_training(tmp_path, capsys):
    (tmp_path / "tiny.toml").write_text(TINY_SUITE)
    (tmp_path / "tb").write_text("a file where the folder would be")
    assert main(["run", str(tmp_path / "tiny.toml"), "--tensorboard", str(tmp_path / "tb"),
                 "--results", str(tmp_path / "results")]) == 2
    assert capsys.readouterr().err.startswith(
        f"gan-bench: error: --tensorboard folder {tmp_path / 'tb'} is not writable")
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize("line", [b'{"run_id": "gan__ring8__seed0", "job_id": "12', b'{"run_id": "x"}',
                                  b'[1, 2]', b'{"run_id": "x", "job_id": "*", "executor": "slurm"}'],
                         ids=["truncated", "keyless", "not-an-object", "job-id-a-pattern"])
def test_a_bad_line_in_jobs_jsonl_is_one_line_naming_it(tmp_path, capsys, line):
    (tmp_path / "tiny.toml").write_text(TINY_SUITE)
    notes = tmp_path / "results" / "tiny" / ".submitit" / "jobs.jsonl"
    notes.parent.mkdir(parents=True)
    notes.write_bytes(b'{"run_id": "vae__ring8__seed0", "job_id": "7", "executor": "submitit-local"}\n'
                      + line)
    assert main(["status", str(tmp_path / "tiny.toml"), "--results", str(tmp_path / "results")]) == 2
    assert capsys.readouterr().err == (f"gan-bench: error: {notes}, line 2: not a job note (a JSON "
                                       "object with string run_id, job_id, executor); remove the "
                                       "line, or the file, to go on\n")
