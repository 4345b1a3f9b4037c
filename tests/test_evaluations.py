import pytest
import torch

from gan_bench.cli import main
from gan_bench.config import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.evaluations import evaluate_runs, pending_evaluations, runs_with_evaluations
from gan_bench.jobs import expand_jobs
from gan_bench.leaderboard import write_leaderboard
from gan_bench.records import EVALUATIONS_FILE, read_records
from gan_bench.samples_io import SAMPLES_DIR
from gan_bench.suite import run_suite
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


def test_evaluation_from_checkpoint_equals_scoring_at_the_end_of_training(tmp_path):
    """Adding a metric afterwards scores exactly the samples the run scored when it finished."""
    trained_with = suite_file(tmp_path, "a", ["modes", "frechet_data"])
    reference = {r["run_id"]: r["metrics"] for r in
                 read_records(run_suite(trained_with, tmp_path / "a", CPU, log=QUIET))}

    later = suite_file(tmp_path, "b", ["modes"])
    results = run_suite(later, tmp_path / "b", CPU, log=QUIET)
    jobs = expand_jobs(later)
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


def test_suite_evaluation_metrics_are_scored_after_training_and_reach_the_leaderboard(tmp_path):
    suite = suite_file(tmp_path, "c", ["modes"], evaluation_metrics=["frechet_data"])
    results = run_suite(suite, tmp_path / "c", CPU, log=QUIET)
    assert {r["metric"] for r in read_records(results, EVALUATIONS_FILE)} == {"frechet_data"}
    assert all("frechet_data" not in r["metrics"] for r in read_records(results))
    assert pending_evaluations(expand_jobs(suite), results, ["frechet_data"]) == []
    table = write_leaderboard(results)
    assert table["frechet_data_mean"].notna().all()
    assert "frechet_data" in (results / "leaderboard.md").read_text()


def test_evaluation_needs_the_final_checkpoint(tmp_path):
    suite = suite_file(tmp_path, "d", ["modes"])
    results = run_suite(suite, tmp_path / "d", CPU, log=QUIET)
    job = expand_jobs(suite)[0]
    job.checkpoint_path(results).unlink()
    with pytest.raises(GanBenchError, match="final checkpoint"):
        evaluate_runs([job], results, CPU, ["frechet_data"], log=QUIET)


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
    ]:
        assert main(["evaluate", path, "--results", str(tmp_path / "results"), *argv]) == 2
        assert message in capsys.readouterr().err
    assert main(["evaluate", path, "--results", str(tmp_path / "empty"), "--metrics", "frechet_data"]) == 2
    assert "no runs recorded" in capsys.readouterr().err


def test_a_metric_in_both_lists_is_a_suite_error(tmp_path):
    with pytest.raises(GanBenchError, match="both metrics and evaluation_metrics"):
        suite_file(tmp_path, "f", ["modes"], evaluation_metrics=["modes"])
