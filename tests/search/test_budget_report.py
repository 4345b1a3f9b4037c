import json

import numpy as np
import pytest

from gan_bench.cli import main
from gan_bench.search.budget_report import is_searched, refresh_search_leaderboard, write_budget_report
from gan_bench.search.expected_max import expected_max_curve
from gan_bench.search.search_loop import SearchOptions
from gan_bench.storage.records import append_record

# modes captured of each model's trials (None: diverged), and of its best trial's fresh-seed re-runs
TRIALS = {"strong": [8, 6, 7, 8, 5, 8], "weak": [2, 3, None, 1, 2, 3]}
RERUNS = {"strong": [8, 7], "weak": [3, 2]}


def _record(model: str, trial: int, seed: int, modes, rerun: bool = False) -> dict:
    search = {"model": model, "trial": trial, "sampler": "random",
              "params": {"learning_rate": 10.0 ** -trial}}
    return {"run_id": f"{model}.random{trial:03d}{'.rerun' if rerun else ''}__ring8__seed{seed}",
            "status": "diverged" if modes is None else "finished", "steps": 10,
            "metrics": {} if modes is None else {"modes_captured": modes, "high_quality_pct": 50.0},
            "timing": {}, "train_seconds": 36.0,
            "hardware": {"device": "cpu", "torch_threads": 1, "gpu_name": None, "cpu_model": "a CPU"},
            "config": {"model_name": f"{model}.random{trial:03d}", "model": "gan-mlp",
                       "dataset": "ring8", "seed": seed,
                       "model_options": {"learning_rate": 10.0 ** -trial, "beta2": 0.999},
                       "train": {"steps": 10}, "search": search | ({"rerun": True} if rerun else {})}}


@pytest.fixture
def searched_results(tmp_path):
    folder = tmp_path / "synthetic"
    folder.mkdir()
    for model, scores in TRIALS.items():
        for trial, modes in enumerate(scores):
            append_record(folder, _record(model, trial, trial, modes))
        best = int(np.argmax([-1 if m is None else m for m in scores]))
        for index, modes in enumerate(RERUNS[model]):
            append_record(folder, _record(model, best, 1_000_000 + index, modes, rerun=True))
    return folder


def test_the_report_states_the_estimator_bands_comparisons_and_reruns(searched_results):
    options = SearchOptions(trials=6, rerun_seeds=2)
    text = write_budget_report(searched_results, options).read_text()
    curves = {model: expected_max_curve(np.array([m for m in s if m is not None], float),
                                        np.arange(1, 7)) for model, s in TRIALS.items()}
    rows = {}  # the budget table's row of each model: the first table
    for line in text.splitlines():
        if line.startswith("| ring8"):
            rows.setdefault(line.split("|")[2].strip(), line)
    shown, band = rows["strong"].split("|")[4].strip().split(" [")
    low, high = (float(x) for x in band.rstrip("]").split(", "))
    assert float(shown) == pytest.approx(curves["strong"][0], abs=0.01) and low <= float(shown) <= high
    assert "5 (1)" in rows["weak"]  # five scored trials, one diverged
    assert "n/a" in rows["weak"].split("|")[6]  # no estimate past the scored trials
    difference = curves["strong"][4] - curves["weak"][4]
    stated = "- ring8, 5 trials: strong beats weak: difference in expected best modes_captured "
    (line,) = [line for line in text.splitlines() if line.startswith(stated)]
    assert float(line.removeprefix(stated).split(" [")[0]) == pytest.approx(difference, abs=0.01)
    assert "0.16 core-hours of training (0.12 in the trials, 0.04 in the fresh-seed re-runs" in text
    # the best trial (the first of the 8s) and its re-runs' mean ± std
    assert "| ring8     | strong  | 6 of 6   | 0 (seed 0)" in text and "7.50 ± 0.71" in text
    # the objective's points, then high_quality_pct's, reported beside it
    points = (searched_results / "budget-curves.csv").read_text().splitlines()
    assert len(points) == 1 + 2 * (6 + 5)
    assert "## Expected best high_quality_pct (higher is better) at each budget" in text
    assert (searched_results / "figures" / "budget-curves.png").stat().st_size > 0
    settings = json.loads((searched_results / "search.json").read_text())
    assert settings["options"]["objective"] == "modes_captured" and "optuna" in settings["libraries"]


def test_the_leaderboard_of_a_searched_suite_is_rebuilt_from_its_records(searched_results):
    assert not is_searched(searched_results)  # no search has reported there yet
    write_budget_report(searched_results, SearchOptions(trials=3, rerun_seeds=2))
    (searched_results / "leaderboard.md").unlink()
    assert is_searched(searched_results)
    refresh_search_leaderboard(searched_results)
    board = (searched_results / "leaderboard.md").read_text()
    assert "| strong  | 3 of 3   | 0 (seed 0)" in board and "learning_rate=1" in board


def test_the_leaderboard_of_a_search_stopped_before_it_reported_is_refused_not_listed_by_trial(
        searched_results, capsys):
    """Before, ``gan-bench leaderboard`` wrote a plain leaderboard with each trial as a model."""
    assert main(["leaderboard", "synthetic", "--results", str(searched_results.parent)]) == 2
    assert "holds search trials but no search report" in capsys.readouterr().err
    assert not (searched_results / "leaderboard.md").exists()
    write_budget_report(searched_results, SearchOptions(trials=3, rerun_seeds=2))
    assert main(["leaderboard", "synthetic", "--results", str(searched_results.parent)]) == 0
    assert "(searched)" in (searched_results / "leaderboard.md").read_text()
