import pytest

from gan_bench.errors import GanBenchError
from gan_bench.gate.quality_bands import BAND_SIGMAS, check_against_bands, measure_bands


def runs(values: list[float], status: str = "finished") -> dict:
    return {f"gan__ring8__seed{i}": {"status": status, "metrics": {"frechet_data": v, "modes_captured": 8}}
            for i, v in enumerate(values)}


def test_a_band_is_mean_plus_minus_three_std_or_the_observed_range():
    bands = measure_bands(runs([0.01, 0.02, 0.03, 0.04, 0.05]))
    band = bands["gan__ring8"]["frechet_data"]
    assert band["mean"] == pytest.approx(0.03) and band["std"] == pytest.approx(0.0158114, rel=1e-5)
    assert band["low"] == pytest.approx(0.03 - BAND_SIGMAS * band["std"])
    assert bands["gan__ring8"]["modes_captured"]["low"] == bands["gan__ring8"]["modes_captured"]["high"] == 8


def test_bands_need_five_finished_seeds():
    with pytest.raises(GanBenchError, match="at least 5 seeds"):
        measure_bands(runs([0.01, 0.02, 0.03, 0.04]))
    with pytest.raises(GanBenchError, match="diverged"):
        measure_bands(runs([0.01] * 5, status="diverged"))


def test_runs_outside_their_band_or_unfinished_fail():
    bands = measure_bands(runs([0.01, 0.02, 0.03, 0.04, 0.05]))
    inside = check_against_bands(runs([0.02]), bands)
    assert all(row["ok"] for row in inside)
    outside = check_against_bands(runs([1.0]), bands)
    assert [row["metric"] for row in outside if not row["ok"]] == ["frechet_data"]
    diverged = check_against_bands(runs([0.02], status="diverged"), bands)
    assert diverged == [{"run": "gan__ring8__seed0", "metric": "status", "value": "diverged",
                         "band": "finished", "ok": False}]
    with pytest.raises(GanBenchError, match="no quality band for vae__ring8"):
        check_against_bands({"vae__ring8__seed0": {"status": "finished", "metrics": {}}}, bands)


def test_a_stopped_quality_run_does_not_promise_a_resume(tmp_path, monkeypatch):
    """The quality runs train in a scratch folder that is removed: a stop leaves nothing to
    resume, and the one line says so instead of "run the same command again to resume"."""
    import os
    import signal
    import tempfile
    import threading
    import time

    import torch

    from gan_bench.gate.quality_bands import train_quality_runs
    from gan_bench.runtime.stop_signals import Stopped
    from tests.conftest import TINY_SUITE

    suite = tmp_path / "long.toml"  # a million steps: only the stop ends it within the test
    suite.write_text(TINY_SUITE.replace("steps = 12", "steps = 1000000")
                     .replace("checkpoint_every_steps = 4", "checkpoint_every_steps = 100"))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def stop_once_training():
        deadline = time.monotonic() + 300
        while not list(scratch.glob("*/long/checkpoints/*.pt")) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_training)
    stopper.start()
    try:
        with pytest.raises(Stopped) as stopped:
            train_quality_runs(1, torch.device("cpu"), 1, log=lambda m: None, only="^vae",
                               suite_name=str(suite))
    finally:
        stopper.join()
    assert stopped.value.signum == signal.SIGTERM
    assert "nothing to resume" in stopped.value.aftermath
    assert "again to resume" not in stopped.value.aftermath
    assert list(scratch.iterdir()) == []  # the checkpoints went with the scratch folder
