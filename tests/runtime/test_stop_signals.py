import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gan_bench.runtime import stop_signals
from gan_bench.storage.checkpoint_file import read_checkpoint_file
from tests.conftest import TINY_SUITE

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_signal_requests_a_stop_and_the_second_stops_at_once():
    with stop_signals.stop_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop_signals.requested() == signal.SIGTERM
        with pytest.raises(stop_signals.Stopped, match="stopped by SIGTERM"):
            stop_signals.raise_if_requested()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert stop_signals.requested() is None
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False)],
                         ids=["ctrl-c-to-the-group", "sigterm-to-the-parent"])
@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_signal_stops_every_worker_at_its_next_step_and_records_nothing(tmp_path, signum,
                                                                          to_group):
    suite = tmp_path / "long.toml"  # a million steps: only a stop ends it within the test
    suite.write_text(TINY_SUITE.replace("steps = 12", "steps = 1000000")
                     .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 200")
                     .replace("log_every_steps = 4", "log_every_steps = 200"))
    results = tmp_path / "results"
    process = subprocess.Popen(
        [sys.executable, "-m", "gan_bench", "run", str(suite), "--device", "cpu", "--jobs", "2",
         "--results", str(results)], env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    checkpoints = results / "long" / "checkpoints"
    deadline = time.monotonic() + 300
    while len(list(checkpoints.glob("*.pt"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()[1]
    if to_group:
        os.killpg(process.pid, signum)  # what Ctrl-C in a terminal does
    else:
        process.send_signal(signum)  # what a scheduler or `kill` does
    stderr = process.communicate(timeout=120)[1]
    assert process.returncode == 128 + signum
    assert "Traceback" not in stderr, stderr
    assert stderr.rstrip().endswith(  # after the closing progress bars' cursor moves
        f"gan-bench: stopped by {signal.Signals(signum).name}; checkpoints saved, nothing partial "
        "recorded; run the same command again to resume")
    records = results / "long" / "runs.jsonl"
    assert not records.exists() or records.read_text() == ""
    states = [read_checkpoint_file(path) for path in sorted(checkpoints.glob("*.pt"))]
    assert len(states) == 2  # the two runs in progress; the queued ones never started
    for state in states:  # saved at the stop, not only at the last checkpoint interval
        assert state["status"] == "running" and 0 < state["step"] < 1_000_000
        assert state["invocations"][-1]["to_step"] == state["step"]
