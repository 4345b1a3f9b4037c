import os
import subprocess
import sys
from pathlib import Path

import pytest

from gan_bench.runs.claims import RunTakenElsewhere, claim_run
from gan_bench.storage.records import append_record, read_records
from tests.conftest import TINY_SUITE, run_record

ROOT = Path(__file__).resolve().parents[2]


def test_a_claimed_run_cannot_be_claimed_again_until_released(tmp_path):
    with claim_run(tmp_path, "gan__ring8__seed0"):
        with pytest.raises(RunTakenElsewhere, match=rf"being trained by another gan-bench process "
                                                    rf"\(pid {os.getpid()}\); skipped here"):
            with claim_run(tmp_path, "gan__ring8__seed0"):
                pass
        with claim_run(tmp_path, "gan__ring8__seed1"):  # another run is free
            pass
    with claim_run(tmp_path, "gan__ring8__seed0"):  # released
        pass


def test_a_run_recorded_since_the_records_were_read_is_not_claimed(tmp_path):
    append_record(tmp_path, run_record("gan__ring8__seed0"))
    with pytest.raises(RunTakenElsewhere, match="recorded by another gan-bench process meanwhile"):
        with claim_run(tmp_path, "gan__ring8__seed0"):
            pass


@pytest.mark.slow
@pytest.mark.end_to_end
def test_two_processes_on_one_results_folder_train_each_run_once(tmp_path):
    suite = tmp_path / "shared.toml"
    suite.write_text(TINY_SUITE.replace("steps = 12", "steps = 750")
                     .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 250"))
    command = [sys.executable, "-m", "gan_bench", "run", str(suite), "--device", "cpu",
               "--threads", "1", "--results", str(tmp_path / "results")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    logs = [process.communicate(timeout=600)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], logs
    trained = [line for log in logs for line in log.splitlines() if " after " in line]
    assert len(trained) == 4, logs  # each run trained by one process only
    records = read_records(tmp_path / "results" / "shared")
    assert sorted(r["run_id"] for r in records) == sorted(
        f"{model}__ring8__seed{seed}" for model in ("gan", "vae") for seed in (0, 1))
    for record in records:  # one invocation, from step 0: nobody else trained it part-way
        assert [(i["from_step"], i["to_step"]) for i in record["invocations"]] == [(0, 750)]
