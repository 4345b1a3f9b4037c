import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gan_bench.config.suite import load_suite
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.records import read_records

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "sample_draw_spread.py"
spec = importlib.util.spec_from_file_location("sample_draw_spread", SCRIPT)
sample_draw_spread = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sample_draw_spread)


def test_spread_is_the_mean_sample_std_and_range_of_each_metric():
    found = sample_draw_spread.spread([{"a": 1.0, "b": 5.0}, {"a": 2.0, "b": 5.0}, {"a": 3.0, "b": 5.0}])
    assert found == {"a": {"mean": 2.0, "std": 1.0, "min": 1.0, "max": 3.0},
                     "b": {"mean": 5.0, "std": 0.0, "min": 5.0, "max": 5.0}}


@pytest.mark.slow
@pytest.mark.end_to_end
def test_draw_zero_reproduces_the_record_and_later_draws_are_fresh_samples(tiny_suite, tmp_path):
    # the Frechet distance moves with every sample set; a 12-step GAN's mode counts may not
    tiny_suite.write_text(tiny_suite.read_text().replace('"modes"]', '"modes", "frechet_data"]'))
    run_suite(load_suite(str(tiny_suite)), tmp_path, torch.device("cpu"), log=lambda m: None)
    out = tmp_path / "spread.json"
    subprocess.run([sys.executable, str(SCRIPT), str(tiny_suite), "gan__ring8__seed0", "--draws", "3",
                    "--results", str(tmp_path), "--out", str(out)],
                   capture_output=True, text=True, check=True)
    report = json.loads(out.read_text())
    (record,) = [r for r in read_records(tmp_path / "tiny") if r["run_id"] == "gan__ring8__seed0"]
    assert report["draws"][0] == record["metrics"]
    assert len(report["draws"]) == 3 and report["step"] == 12
    frechets = [draw["frechet_data"] for draw in report["draws"]]
    assert len(set(frechets)) == 3
    frechet_spread = report["spread"]["frechet_data"]
    assert (frechet_spread["min"], frechet_spread["max"]) == (min(frechets), max(frechets))
    assert report["config"]["seed"] == 0 and "git_commit" in report and "hardware" in report


@pytest.mark.slow
@pytest.mark.end_to_end
def test_bad_input_or_a_record_that_draw_zero_does_not_reproduce_is_a_one_line_error(tiny_suite, tmp_path):
    run_suite(load_suite(str(tiny_suite)), tmp_path, torch.device("cpu"), log=lambda m: None,
              only="^gan__ring8__seed0$")
    runs = tmp_path / "tiny" / "runs.jsonl"
    (record,) = read_records(tmp_path / "tiny")
    record["metrics"]["modes_captured"] += 1  # a record the checkpoint's samples cannot give
    runs.write_text(json.dumps(record) + "\n")
    for extra, message in ((["gan__ring8__seed7"], "has no run gan__ring8__seed7"),
                           (["gan__ring8__seed0", "--draws", "1"], "--draws must be at least 2"),
                           (["gan__ring8__seed1"], "no record of gan__ring8__seed1"),
                           (["gan__ring8__seed0"], "draw 0 does not reproduce the recorded scores")):
        found = subprocess.run([sys.executable, str(SCRIPT), str(tiny_suite), *extra,
                                "--results", str(tmp_path)], capture_output=True, text=True)
        assert found.returncode != 0 and message in found.stderr
        assert "Traceback" not in found.stderr
