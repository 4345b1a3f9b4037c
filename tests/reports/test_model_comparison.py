import math

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from gan_bench.cli import main
from gan_bench.config.suite import load_suite
from gan_bench.reports.model_comparison import Side, comparison_table, difference_interval, welch_over_seeds
from gan_bench.runs.suite_runs import run_suite
from gan_bench.runtime.provenance import git_commit


def runs(values_by_model: dict[str, list[float]], metric="m", stderr=None) -> pd.DataFrame:
    rows = [{"model": model, "dataset": "d", metric: value, **({stderr[0]: stderr[1]} if stderr else {})}
            for model, values in values_by_model.items() for value in values]
    return pd.DataFrame(rows)


NO_PUBLISHED = pd.DataFrame()


def test_over_seeds_a_real_shift_is_found_and_no_shift_is_not():
    rng = np.random.default_rng(0)
    shifted = comparison_table(runs({"a": rng.normal(1, 0.1, 5), "b": rng.normal(0, 0.1, 5)}),
                               NO_PUBLISHED, "a", "b", ["m"]).iloc[0]
    low, high = (float(x) for x in shifted["95% interval"].strip("[]").split(","))
    assert low < 1 < high and low > 0 and shifted["interval kind"] == "Welch t over seeds (5 and 5)"
    same = difference_interval(Side(rng.normal(0, 0.1, 5)), Side(rng.normal(0, 0.1, 5)))
    assert same["low"] < 0 < same["high"]
    assert float(same["test"].split(";")[0].split("=")[1]) > 0.05


def test_a_published_summary_gives_the_interval_of_the_values_it_summarises():
    rng = np.random.default_rng(1)
    a, b = rng.normal(1, 0.3, 4), rng.normal(0.5, 0.2, 10)
    published = Side(np.full(10, b.mean()), published_std=float(np.std(b, ddof=1)))
    from_summary, from_values = difference_interval(Side(a), published), welch_over_seeds(Side(a), Side(b))
    assert from_summary["low"] == pytest.approx(from_values["low"])
    assert from_summary["high"] == pytest.approx(from_values["high"])
    assert from_summary["interval"].startswith("Welch t from summaries")


def test_with_fewer_than_3_runs_the_interval_comes_from_the_recorded_standard_errors_and_says_so():
    found = difference_interval(Side(np.array([191.0]), np.array([2.0])),
                                Side(np.array([198.0, 196.0]), np.array([1.5, 1.5])))
    half = stats.norm.ppf(0.975) * math.sqrt(2.0**2 + 2 * 1.5**2 / 4)
    assert (found["low"], found["high"]) == pytest.approx((-6 - half, -6 + half))
    assert "spread between seeds not included" in found["interval"]
    without = difference_interval(Side(np.array([1.0])), Side(np.array([2.0, 3.0])))
    assert math.isnan(without["low"]) and without["interval"].startswith("none: 1 and 2 runs")


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    from tests.conftest import TINY_SUITE

    folder = tmp_path_factory.mktemp("compare")
    (folder / "tiny.toml").write_text(TINY_SUITE)
    run_suite(load_suite(str(folder / "tiny.toml")), folder / "results", torch.device("cpu"), seeds=3,
              log=lambda message: None)
    return folder / "results"


def test_compare_writes_the_table_with_the_command_and_commit(tiny_results, capsys):
    assert main(["compare", "tiny", "gan", "vae", "--results", str(tiny_results),
                 "--metrics", "modes_captured,high_quality_pct"]) == 0
    written = (tiny_results / "tiny" / "compare-gan-vs-vae.md").read_text()
    assert written in capsys.readouterr().out
    assert (f"`gan-bench compare tiny gan vae --metrics modes_captured,high_quality_pct --results "
            f"{tiny_results}`") in written
    assert (git_commit()["git_commit"] or "unknown")[:12] in written
    assert "| ring8     | high_quality_pct |" in written and "Welch t over seeds (3 and 3)" in written


@pytest.mark.parametrize("argv, message", [
    (["nosuch", "gan", "vae"], "no runs recorded under"),
    (["tiny", "gan", "nosuch"], "model 'nosuch' has no counted runs"),
    (["tiny", "gan", "gan"], "two different models"),
    (["tiny", "gan", "vae", "--metrics", "nosuch"], "metric value 'nosuch' is not recorded"),
])
def test_bad_requests_are_one_line_and_exit_2(tiny_results, capsys, argv, message):
    assert main(["compare", *argv, "--results", str(tiny_results)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
