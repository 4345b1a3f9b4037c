import numpy as np
import pytest
import torch

from gan_bench import registry
from gan_bench.cli import main
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.reports.leaderboard import write_leaderboard
from gan_bench.runs.evaluations import evaluate_runs, pending_evaluations, runs_with_evaluations
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.records import EVALUATIONS_FILE, read_records
from gan_bench.storage.samples_io import SAMPLES_DIR
from tests.conftest import TINY_SUITE

CPU = torch.device("cpu")


def QUIET(message):
    return None


def suite_file(tmp_path, name, metrics, evaluation_metrics=()):
    text = TINY_SUITE.replace('metrics = ["modes"]', f"metrics = {list(metrics)!r}".replace("'", '"'))
    if evaluation_metrics:
        text = text.replace("[train]", f"evaluation_metrics = {list(evaluation_metrics)!r}\n\n[train]"
                            .replace("'", '"'))
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    return load_suite(str(path))


def scored_in_training_and_later(tmp_path, trained_with_name, later_name):
    """Each run's metrics when frechet_data is scored in training; and the same suite without
    it, trained: (those metrics by run id, its results folder, its jobs)."""
    trained_with = suite_file(tmp_path, trained_with_name, ["modes", "frechet_data"])
    reference = {r["run_id"]: r["metrics"] for r in
                 read_records(run_suite(trained_with, tmp_path / trained_with_name, CPU, log=QUIET))}
    later = suite_file(tmp_path, later_name, ["modes"])
    return reference, run_suite(later, tmp_path / later_name, CPU, log=QUIET), expand_run_specs(later)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_evaluation_from_checkpoint_equals_scoring_at_the_end_of_training(tmp_path):
    """Adding a metric afterwards scores exactly the samples the run scored when it finished."""
    reference, results, jobs = scored_in_training_and_later(tmp_path, "a", "b")
    saved = results / SAMPLES_DIR / f"{jobs[0].run_id}.npy"
    drawn_in_training = saved.read_bytes()
    saved.unlink()  # as for a run recorded by code that did not save its samples
    assert evaluate_runs(jobs, results, CPU, ["frechet_data"], log=QUIET) == 4
    evaluations = read_records(results, EVALUATIONS_FILE)
    assert len(evaluations) == 4
    for evaluation in evaluations:
        assert evaluation["metrics"]["frechet_data"] == reference[evaluation["run_id"]]["frechet_data"]
        assert evaluation["metric"] == "frechet_data" and evaluation["n_samples"] == 200
        assert evaluation["command"] and evaluation["hardware"]["cpu_model"] and "git_commit" in evaluation
    merged = {r["run_id"]: r["metrics"] for r in runs_with_evaluations(results)}
    assert merged == reference
    assert saved.read_bytes() == drawn_in_training
    assert evaluate_runs(jobs, results, CPU, ["frechet_data"], log=QUIET) == 0  # nothing left to do
    assert len(read_records(results, EVALUATIONS_FILE)) == 4


@pytest.mark.slow
@pytest.mark.end_to_end
def test_suite_evaluation_metrics_are_scored_after_training_and_reach_the_leaderboard(tmp_path):
    suite = suite_file(tmp_path, "c", ["modes"], evaluation_metrics=["frechet_data"])
    results = run_suite(suite, tmp_path / "c", CPU, log=QUIET)
    assert {r["metric"] for r in read_records(results, EVALUATIONS_FILE)} == {"frechet_data"}
    assert all("frechet_data" not in r["metrics"] for r in read_records(results))
    assert pending_evaluations(expand_run_specs(suite), results, ["frechet_data"]) == []
    table = write_leaderboard(results)
    assert table["frechet_data_mean"].notna().all()
    assert "frechet_data" in (results / "leaderboard.md").read_text()


@pytest.mark.end_to_end
@pytest.mark.slow
def test_evaluation_needs_the_final_checkpoint_or_the_saved_samples(tmp_path):
    suite = suite_file(tmp_path, "d", ["modes"])
    results = run_suite(suite, tmp_path / "d", CPU, log=QUIET)
    job = expand_run_specs(suite)[0]
    job.checkpoint_path(results).unlink()
    (results / SAMPLES_DIR / f"{job.run_id}.npy").unlink()
    with pytest.raises(GanBenchError, match="final checkpoint"):
        evaluate_runs([job], results, CPU, ["frechet_data"], log=QUIET)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_without_its_checkpoint_a_run_is_scored_from_its_saved_samples_as_in_training(tmp_path):
    reference, results, jobs = scored_in_training_and_later(tmp_path, "g", "h")
    for job in jobs:
        job.checkpoint_path(results).unlink()
    assert evaluate_runs(jobs, results, CPU, ["frechet_data"], log=QUIET) == 4
    for evaluation in read_records(results, EVALUATIONS_FILE):
        assert evaluation["metrics"]["frechet_data"] == reference[evaluation["run_id"]]["frechet_data"]
        assert evaluation["samples_from"].endswith(f"{SAMPLES_DIR}/{evaluation['run_id']}.npy")
    with pytest.raises(GanBenchError, match="final checkpoint"):  # game reads the networks
        evaluate_runs(jobs, results, CPU, ["game"], log=QUIET)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_evaluate_command_scores_recorded_runs_and_rejects_bad_requests(tmp_path, capsys):
    suite = suite_file(tmp_path, "e", ["modes"])
    run_suite(suite, tmp_path / "results", CPU, log=QUIET)
    path = str(suite.path)
    assert main(["evaluate", path, "--results", str(tmp_path / "results"), "--metrics", "frechet_data",
                 "--only", "seed0", "--device", "cpu"]) == 0
    assert "2 runs evaluated" in capsys.readouterr().out
    for argv, message in [
        (["--metrics", "no-such-metric"], "unknown metric"),
        (["--metrics", "modes"], "already scored"),
        ([], "no evaluation_metrics"),
        (["--rescore"], "name them with --metrics"),
    ]:
        assert main(["evaluate", path, "--results", str(tmp_path / "results"), *argv]) == 2
        assert message in capsys.readouterr().err
    assert main(["evaluate", path, "--results", str(tmp_path / "empty"), "--metrics", "frechet_data"]) == 2
    assert "no runs recorded" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.end_to_end
def test_rescore_appends_an_evaluation_that_supersedes_the_older(tmp_path, monkeypatch, capsys):
    """A metric whose code changed: a plain evaluate keeps the recorded value; --rescore scores it
    again, keeps both evaluations, and the newer is the one every report reads."""
    suite = suite_file(tmp_path, "r", ["modes"])
    results = run_suite(suite, tmp_path / "results", CPU, log=QUIET)
    jobs = expand_run_specs(suite)
    monkeypatch.setitem(registry.METRICS, "versioned", lambda dataset, samples: {"m_version": 1.0})
    assert evaluate_runs(jobs, results, CPU, ["versioned"], log=QUIET) == 4
    monkeypatch.setitem(registry.METRICS, "versioned", lambda dataset, samples: {"m_version": 2.0})
    assert evaluate_runs(jobs, results, CPU, ["versioned"], log=QUIET) == 0
    assert {r["metrics"]["m_version"] for r in runs_with_evaluations(results)} == {1.0}
    capsys.readouterr()
    assert main(["evaluate", str(suite.path), "--results", str(tmp_path / "results"),
                 "--metrics", "versioned", "--rescore", "--device", "cpu"]) == 0
    assert "4 runs evaluated" in capsys.readouterr().out
    versions = [r["metrics"]["m_version"] for r in read_records(results, EVALUATIONS_FILE)]
    assert versions == [1.0] * 4 + [2.0] * 4
    assert {r["metrics"]["m_version"] for r in runs_with_evaluations(results)} == {2.0}


def test_a_metric_in_both_lists_is_a_suite_error(tmp_path):
    with pytest.raises(GanBenchError, match="both metrics and evaluation_metrics"):
        suite_file(tmp_path, "f", ["modes"], evaluation_metrics=["modes"])


def says_high(dataset, samples):
    return {"m": "high"}


def numpy_and_tensor(dataset, samples):
    return {"m_numpy": np.float32(samples.mean()), "m_tensor": samples.std(), "m_int": np.int64(3)}


def claims_modes_captured(dataset, samples):
    return {"modes_captured": 99.0}


@pytest.fixture
def plugin_metrics(monkeypatch):
    """Metrics as a plugin registers them: one returning a string, one numpy and 0-d tensor
    scalars, one a name the built-in ``modes`` gives."""
    for function in (says_high, numpy_and_tensor, claims_modes_captured):
        monkeypatch.setitem(registry.METRICS, function.__name__, function)


@pytest.mark.slow
def test_a_metric_returning_a_string_fails_its_run_and_records_nothing(tmp_path, capsys, plugin_metrics):
    """Before, {"m": "high"} was appended to runs.jsonl, and every later command on the folder
    refused the file until the line was deleted by hand."""
    suite = suite_file(tmp_path, "s", ["modes", "says_high"])
    argv = ["run", str(suite.path), "--results", str(tmp_path / "results"), "--device", "cpu",
            "--only", "^gan__ring8__seed0$"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "gan__ring8__seed0 failed, not recorded: metric 'says_high' " \
        "(tests.runs.test_evaluations.says_high) returned m='high', not a number" in err
    results = tmp_path / "results" / "s"
    assert not (results / "runs.jsonl").exists()
    assert (results / "checkpoints" / "gan__ring8__seed0.pt").exists()  # kept: a rerun scores it


@pytest.mark.end_to_end
@pytest.mark.slow
def test_numpy_and_tensor_scalars_are_recorded_as_numbers(tmp_path, plugin_metrics):
    """Before, np.float32 gave a traceback: Object of type float32 is not JSON serializable."""
    suite = suite_file(tmp_path, "n", ["numpy_and_tensor"])
    results = run_suite(suite, tmp_path, CPU, log=QUIET, only="^gan__ring8__seed0$")
    (record,) = read_records(results)
    values = record["metrics"]
    assert {type(values[k]) for k in ("m_numpy", "m_tensor")} == {float} and values["m_int"] == 3
    assert 0 < values["m_tensor"] and values["m_numpy"] == pytest.approx(values["m_numpy"])


@pytest.mark.end_to_end
@pytest.mark.slow
def test_a_metric_claiming_another_metrics_name_is_refused(tmp_path, plugin_metrics):
    """Before, the later metric's modes_captured silently replaced the modes metric's."""
    suite = suite_file(tmp_path, "c", ["modes", "claims_modes_captured"])
    with pytest.raises(GanBenchError, match="returned 'modes_captured', which metric 'modes' gives"):
        run_suite(suite, tmp_path, CPU, log=QUIET, only="^gan__ring8__seed0$")
    assert not (tmp_path / "c" / "runs.jsonl").exists()


@pytest.mark.slow
@pytest.mark.end_to_end
def test_evaluate_refuses_a_bad_value_or_a_taken_name_and_writes_no_line(tmp_path, capsys, plugin_metrics):
    suite = suite_file(tmp_path, "e", ["modes"])
    run_suite(suite, tmp_path, CPU, log=QUIET, only="^gan__ring8__seed0$")
    base = ["evaluate", str(suite.path), "--results", str(tmp_path), "--device", "cpu", "--metrics"]
    assert main(base + ["says_high"]) == 2
    assert "returned m='high', not a number" in capsys.readouterr().err
    assert main(base + ["claims_modes_captured"]) == 2
    assert "which metric 'scored in training' gives" in capsys.readouterr().err
    assert not (tmp_path / "e" / EVALUATIONS_FILE).exists()
    assert main(["leaderboard", "e", "--results", str(tmp_path)]) == 0  # the folder still reads


def read_only(folder):
    """``folder`` made unwritable even for root (chattr +i), or as a user (chmod); the undo."""
    import os
    import shutil
    import subprocess

    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)]).returncode:
        pytest.skip("root without chattr +i: no folder is read-only")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_evaluate_refuses_an_unwritable_results_folder_before_scoring(tmp_path, capsys):
    suite = suite_file(tmp_path, "e", ["modes"])
    run_suite(suite, tmp_path / "results", CPU, only="seed0", log=QUIET)
    folder = tmp_path / "results" / "e"
    capsys.readouterr()  # the training's progress bars
    undo = read_only(folder)
    try:
        assert main(["evaluate", str(suite.path), "--results", str(tmp_path / "results"), "--metrics",
                     "frechet_data", "--only", "seed0", "--device", "cpu"]) == 2
    finally:
        undo()
    err = capsys.readouterr().err
    assert err.startswith(f"gan-bench: error: results folder {folder} is not writable") \
        and err.count("\n") == 1, err
    assert not (folder / EVALUATIONS_FILE).exists()
