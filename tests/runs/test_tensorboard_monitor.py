import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from gan_bench.config.suite import load_suite
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.records import read_records
from tests.conftest import TINY_SUITE
from tests.runs.test_suite_runs import CPU, QUIET


@pytest.mark.end_to_end
@pytest.mark.slow
def test_runs_write_tensorboard_scalars_and_samples_without_changing_their_records(tmp_path):
    path = tmp_path / "tiny.toml"
    curve = "eval_samples = 200\ncurve_every_steps = 8\ncurve_samples = 100"
    curve_metrics = 'metrics = ["modes"]\ncurve_metrics = ["modes"]'
    path.write_text(TINY_SUITE.replace('metrics = ["modes"]', curve_metrics)
                    .replace("eval_samples = 200", curve))
    suite = load_suite(str(path))
    plain = read_records(run_suite(suite, tmp_path / "plain", CPU, seeds=1, log=QUIET))
    monitored = read_records(run_suite(suite, tmp_path / "monitored", CPU, seeds=1, log=QUIET,
                                       tensorboard_dir=tmp_path / "tb"))
    for a, b in zip(plain, monitored, strict=True):
        assert a["metrics"] == b["metrics"] and a["history"] == b["history"]
    assert sorted(p.name for p in (tmp_path / "tb").iterdir()) == ["gan__ring8__seed0", "vae__ring8__seed0"]
    events = EventAccumulator(str(tmp_path / "tb" / "gan__ring8__seed0")).Reload()
    tags = events.Tags()
    assert {"d_loss", "g_loss", "d_real", "d_fake", "value_nats", "modes_captured"} <= set(tags["scalars"])
    assert [e.step for e in events.Scalars("d_fake")] == [4, 8, 12]  # every log point
    assert [e.step for e in events.Scalars("modes_captured")] == [8]  # the curve point
    assert [e.step for e in events.Images("samples")] == [4, 8, 12]  # checkpoints and the end
