"""``gan-bench bench`` end to end: the gate fails on an injected slowdown and an injected quality
regression, each brought in through the model registry, and passes a clean run. Verdicts on speed
are timed on a fake clock (tests/gate/conftest.py), on which a step costs what the test says."""

import dataclasses
import json

import pytest

from gan_bench import lookup, registry
from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.baselines.vae_mlp import VaeMlp
from gan_bench.cli import main
from gan_bench.gate.reference_workload import ReferenceWorkload
from gan_bench.runtime.provenance import PROJECT_ROOT

COMMITTED_BASELINE = PROJECT_ROOT / "benchmarks" / "bench-baselines" / "cpu.json"
FAST = ["--round-seconds", "0.1", "--warmup-rounds", "1"]
MOG_STEPS = "^step/mog/(gan-nonsaturating|vae)$"


class TwiceTheWork(GanMlp):
    """The reference 2-D GAN, but each step trains twice on its batch."""

    def train_step(self, batch):
        super().train_step(batch)
        return super().train_step(batch)


class BrokenLearningRate(GanMlp):
    """The reference 2-D GAN with its learning rate broken (1e-9 for 1e-4): it barely learns."""

    def __init__(self, options, dataset, device):
        super().__init__(dataclasses.replace(options, learning_rate=1e-9), dataset, device)


@pytest.fixture
def costed_steps(fake_clock, monkeypatch):
    """The 2-D models' steps cost 50 ms and 75 ms on the fake clock, the reference call 25 ms
    (a round of 0.1 s is then a few real calls)."""
    for model_class, seconds in [(GanMlp, 0.05), (VaeMlp, 0.075)]:
        def costed(self, batch, real_step=model_class.train_step, seconds=seconds):
            fake_clock.advance(seconds)
            return real_step(self, batch)
        monkeypatch.setattr(model_class, "train_step", costed)
    real_reference = ReferenceWorkload.__call__

    def reference(self):
        fake_clock.advance(0.025)
        return real_reference(self)

    monkeypatch.setattr(ReferenceWorkload, "__call__", reference)


@pytest.fixture
def replace_model(monkeypatch):
    lookup.get_model("gan-mlp")  # the built-ins are registered first

    def replace(name, model_class):
        monkeypatch.setitem(registry.MODELS, name, model_class)

    return replace


@pytest.mark.slow
def test_a_model_doing_twice_the_work_is_a_regression_named_by_its_workload(
        tmp_path, capsys, replace_model, costed_steps):
    baseline = tmp_path / "baseline.json"
    assert main(["bench", "--only", MOG_STEPS, "--no-quality", *FAST, "--save", str(baseline)]) == 0
    saved = json.loads(baseline.read_text())
    assert set(saved["workloads"]) == {"step/mog/gan-nonsaturating", "step/mog/vae"}
    assert saved["threads"] == 1 and saved["git_commit"] and saved["hardware"]["cpu_model"]
    capsys.readouterr()

    replace_model("gan-mlp", TwiceTheWork)
    assert main(["bench", "--only", MOG_STEPS, "--no-quality", *FAST, "--compare", str(baseline)]) == 1
    captured = capsys.readouterr()
    assert "measuring again before the verdict: step/mog/gan-nonsaturating" in captured.err
    rows = {line.split("|")[1].strip(): line for line in captured.out.splitlines()
            if line.startswith("| step/")}
    assert "REGRESSION" in rows["step/mog/gan-nonsaturating"]
    assert "REGRESSION" not in rows["step/mog/vae"]
    assert "verdict: FAILED (slower: step/mog/gan-nonsaturating)" in captured.out


@pytest.mark.slow
def test_a_clean_run_passes_against_its_own_baseline(tmp_path, capsys, costed_steps):
    baseline = tmp_path / "baseline.json"
    assert main(["bench", "--only", MOG_STEPS, "--no-quality", *FAST, "--save", str(baseline)]) == 0
    assert main(["bench", "--only", MOG_STEPS, "--no-quality", *FAST, "--compare", str(baseline)]) == 0
    assert "verdict: passed" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.network
def test_an_invariant_minimum_given_to_compare_overrides_the_baselines(tmp_path, capsys):
    """A baseline saved with an unreachable matmul-peak floor fails; the same comparison given a
    reachable floor passes, and the table shows the floor used."""
    baseline = tmp_path / "baseline.json"
    # a threshold of 99%: the speed comparison (real timings) cannot decide this test's verdicts
    invariant_steps = ["--only", "^(step/mnist/gan|matmul/peak)$", "--no-quality", "--rounds", "5",
                       "--threshold", "0.99", *FAST]
    assert main(["bench", *invariant_steps, "--min-fraction-of-matmul-peak", "50",
                 "--save", str(baseline)]) == 0
    saved = json.loads(baseline.read_text())["invariant_minimums"]
    assert saved == {"speedup_vs_straightforward": 1.1, "fraction_of_matmul_peak": 50.0}
    assert main(["bench", *invariant_steps, "--compare", str(baseline)]) == 1
    assert "| fraction_of_matmul_peak" in capsys.readouterr().out
    assert main(["bench", *invariant_steps, "--min-fraction-of-matmul-peak", "0.01",
                 "--compare", str(baseline)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines()
               if line.startswith("| fraction_of_matmul_peak"))
    assert "0.01" in row and "ok" in row


@pytest.mark.slow
def test_a_threshold_given_to_compare_overrides_the_baselines(tmp_path, capsys):
    """The speed table's threshold column is the baseline's threshold unless --compare is given
    one."""
    baseline = tmp_path / "baseline.json"
    one_step = ["--only", "^step/mog/vae$", "--no-quality", "--rounds", "5", *FAST]
    assert main(["bench", *one_step, "--threshold", "0.9", "--save", str(baseline)]) == 0
    assert json.loads(baseline.read_text())["threshold"] == 0.9

    def threshold_column(argv):
        main(["bench", *one_step, *argv, "--compare", str(baseline)])
        lines = capsys.readouterr().out.splitlines()
        header = next(line for line in lines if "threshold %" in line).split("|")
        row = next(line for line in lines if line.startswith("| step/mog/vae")).split("|")
        return float(row[[cell.strip() for cell in header].index("threshold %")])

    capsys.readouterr()
    assert threshold_column([]) == 90.0
    assert threshold_column(["--threshold", "0.5"]) == 50.0


@pytest.mark.parametrize("broken", [False, True], ids=["clean", "broken-learning-rate"])
@pytest.mark.slow
def test_quality_runs_are_checked_against_the_committed_seed_bands(capsys, replace_model, broken):
    if broken:
        replace_model("gan-mlp", BrokenLearningRate)
    status = main(["bench", "--no-speed", "--quality-only", "^gan__ring8__seed0$",
                   "--compare", str(COMMITTED_BASELINE)])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| gan__ring8__seed0")]
    assert rows  # one per banded metric
    if broken:
        assert status == 1 and "verdict: FAILED" in out
        assert any("frechet_data" in row and "False" in row for row in rows)
    else:
        assert status == 0 and "verdict: passed" in out
        assert all("True" in row for row in rows)


def test_bad_requests_are_one_line_errors(tmp_path, capsys):
    not_a_baseline = tmp_path / "x.json"
    not_a_baseline.write_text("{}")
    for argv, message in [
        (["bench", "--rounds", "3"], "--rounds must be at least 5"),
        (["bench", "--only", "nothing-like-this"], "matches none of"),
        (["bench", "--no-speed", "--no-quality"], "nothing to do"),
        (["bench", "--compare", str(not_a_baseline)], "is not a gan-bench baseline file"),
        (["bench", "--compare", str(tmp_path / "missing.json")], "cannot read baseline"),
        (["bench", "--band-seeds", "3"], "--band-seeds must be at least 5"),
    ]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (argv, err)


def test_bad_ab_requests_are_one_line_errors(tmp_path, capsys):
    not_noise = tmp_path / "noise.json"
    not_noise.write_text("[]")
    for argv, message in [
        (["bench", "--against", "no-such-revision", "--no-quality"], "names no commit"),
        (["bench", "--calibrate"], "--noise FILE"),
        (["bench", "--against", "HEAD", "--compare", str(not_noise)], "--compare and --save use a file"),
        (["bench", "--against", "HEAD", "--pairs", "3"], "--pairs must be at least 5"),
        (["bench", "--against", "HEAD", "--noise", str(not_noise)], "is not a gan-bench noise file"),
        (["bench", "--against", "HEAD", "--quality-seeds", "2"], "--quality-seeds must be at least 3"),
        (["bench", "history", str(tmp_path / "missing.jsonl")], "cannot read history"),
        (["bench", "bisect", "HEAD~1", "HEAD"], "bisect needs --only"),
    ]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (argv, err)


def test_a_gate_that_would_check_nothing_or_pass_anything_is_refused_before_measuring(tmp_path, capsys):
    """Thresholds outside (0, 1) or not numbers, a malformed baseline, an unknown --threshold-for
    workload and a comparison with nothing in common are one-line errors, before any timing."""
    good = json.loads(COMMITTED_BASELINE.read_text())

    def baseline_with(**changes) -> str:
        path = tmp_path / f"b{len(list(tmp_path.iterdir()))}.json"
        path.write_text(json.dumps({**good, **changes}))
        return str(path)

    no_workload = {"step/mog/vae": {"unit": "samples"}}
    for argv, message in [
        (["bench", "--threshold", "nan"], "thresholds must be fractions in (0, 1)"),
        (["bench", "--threshold", "inf"], "thresholds must be fractions in (0, 1)"),
        (["bench", "--threshold-for", "step/mog/vae=1e9"], "thresholds must be fractions in (0, 1)"),
        (["bench", "--threshold-for", "step/nothing=0.2"], "--threshold-for names no workload: step/nothing"),
        (["bench", "--compare", baseline_with(threshold=1e9)], "threshold 1000000000.0 is not a fraction"),
        (["bench", "--compare", baseline_with(threshold=-0.5)], "is not a fraction in (0, 1)"),
        (["bench", "--compare", baseline_with(workloads=no_workload)], "positive ratio"),
        (["bench", "--compare", baseline_with(quality={})], "gate_seeds"),
        (["bench", "--only", "^step/mog/vae$", "--no-quality", "--compare", baseline_with(workloads={})],
         "nothing to compare"),
    ]:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1, (argv, err)
