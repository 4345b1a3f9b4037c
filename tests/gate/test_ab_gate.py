"""The A/B gate's logic on synthetic processes and records: which tiers run, what fails it."""

import threading

import numpy as np
import pytest

from gan_bench.gate import ab_gate
from gan_bench.gate.ab_runs import AbOptions, Side
from tests.gate.conftest import git
from tests.gate.synthetic_rounds import rounds

COUNTS = {"flops": 10, "allocated_bytes": 5, "peak_live_bytes": 4, "operators": {"aten::mm": 1}}


def side(name: str, seconds: float, rng, flops: int = 10) -> Side:
    processes = [{"rounds": {"step/x": r[0]}} for r in zip(rounds(rng, 8, seconds, 0.02), strict=True)]
    processes[0]["counts"] = {"step/x": {**COUNTS, "flops": flops}}
    return Side(name, processes)


def record(loss: float, modes: int = 8) -> dict:
    return {"status": "finished", "history": [{"step": 50, "g_loss": loss}],
            "metrics": {"modes_captured": modes}, "samples_sha256": str(loss)}


@pytest.fixture
def gate(repository, monkeypatch):
    """run_against on the fake repository with scripted timings and quality runs."""
    folder, _ = repository
    monkeypatch.chdir(folder)
    scripted = {}

    def measure_pairs(base_tree, candidate_tree, options):
        rng = np.random.default_rng(0)
        return (side("base", 0.1, rng), side("candidate", 0.1 * scripted["slowdown"], rng,
                                               flops=scripted.get("flops", 10)))

    trained = []

    def train_tree(tree, suite_file, seeds, jobs):
        trained.append(seeds)
        candidate = tree == folder
        return {f"gan__ring8__seed{s}": record(scripted["loss"] if candidate else 0.7,
                                                 scripted["modes"] if candidate else 8)
                for s in range(seeds)}

    monkeypatch.setattr(ab_gate, "measure_pairs", measure_pairs)
    monkeypatch.setattr(ab_gate.quality_exact, "train_tree", train_tree)

    def run(**script):
        scripted.update(script)
        trained.clear()
        options = ab_gate.GateOptions(AbOptions(only="^step/x$"), quality_seeds=5)
        return ab_gate.run_against("HEAD~1", options), list(trained)

    return run


def test_a_pure_refactor_passes_and_skips_the_statistical_tier(gate, capsys):
    status, trained = gate(slowdown=1.0, loss=0.7, modes=8)
    assert status == 0 and trained == [1, 1]
    captured = capsys.readouterr()
    assert "numerics identical: the statistical quality tier is skipped" in captured.err
    assert "verdict against HEAD~1" in captured.out and "passed" in captured.out


def test_the_two_sides_train_at_the_same_time(gate, monkeypatch):
    """Each side's training waits for the other's to start: run one after the other, the first
    would wait in vain (the barrier breaks) and the gate would fail."""
    meeting = threading.Barrier(2, timeout=30)
    scripted_training = ab_gate.quality_exact.train_tree

    def train_tree(*args):
        meeting.wait()
        return scripted_training(*args)

    monkeypatch.setattr(ab_gate.quality_exact, "train_tree", train_tree)
    status, trained = gate(slowdown=1.0, loss=0.7, modes=8)
    assert status == 0 and trained == [1, 1]


def test_a_slowdown_fails_naming_the_workload(gate, capsys):
    status, _ = gate(slowdown=1.2, loss=0.7, modes=8)
    assert status == 1
    assert "FAILED (step/x: SLOWER)" in capsys.readouterr().out


def test_more_flops_fail_even_when_the_timing_sees_nothing(gate, capsys):
    status, _ = gate(slowdown=1.0, loss=0.7, modes=8, flops=11)
    assert status == 1
    assert "step/x: MORE WORK" in capsys.readouterr().out


def test_changed_numerics_are_judged_by_the_statistical_tier(gate, capsys):
    """A changed trajectory alone passes when quality holds; it fails when quality drops."""
    status, trained = gate(slowdown=1.0, loss=0.69, modes=8)
    assert status == 0 and trained == [1, 1, 5, 5]
    assert "numerics changed" in capsys.readouterr().err
    status, _ = gate(slowdown=1.0, loss=0.69, modes=4)
    assert status == 1
    assert "gan__ring8: WORSE" in capsys.readouterr().out


def test_a_shallow_clone_without_the_base_is_told_apart_from_a_bad_name(repository, tmp_path):
    folder, _ = repository
    shallow = tmp_path / "shallow"
    git("clone", "--quiet", "--depth", "1", f"file://{folder}", str(shallow), cwd=tmp_path)
    assert ab_gate.shallow_without("HEAD^", shallow)
    assert not ab_gate.shallow_without("HEAD^", folder)
    assert not ab_gate.shallow_without("HEAD", shallow)


def test_sigterm_mid_gate_removes_the_worktree_and_says_so_in_one_line(repository, monkeypatch, capsys):
    import os
    import signal
    import time

    from gan_bench.cli import main

    folder, _ = repository
    monkeypatch.chdir(folder)

    def measure_pairs(base_tree, candidate_tree, options):
        assert base_tree.exists()
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        raise AssertionError("the signal did not stop the gate")

    monkeypatch.setattr(ab_gate, "measure_pairs", measure_pairs)
    assert main(["bench", "--against", "HEAD~1", "--no-quality"]) == 143
    err = capsys.readouterr().err
    assert err == "gan-bench: stopped by SIGTERM; temporary worktrees removed, nothing recorded\n"
    assert len(git("worktree", "list", cwd=folder).splitlines()) == 1
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back
