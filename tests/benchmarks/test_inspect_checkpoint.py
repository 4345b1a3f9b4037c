import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from gan_bench.config.suite import load_suite
from gan_bench.runs.suite_runs import run_suite

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "inspect_checkpoint.py"
spec = importlib.util.spec_from_file_location("inspect_checkpoint", SCRIPT)
inspect_checkpoint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(inspect_checkpoint)


class SigmoidGenerator:
    def __init__(self, scale: float):
        self.generator = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Sigmoid())
        torch.nn.init.constant_(self.generator[0].weight, scale)

    def noise(self, n):
        return torch.rand(n, 4)


def test_collapsed_samples_are_told_apart_from_diverse_ones():
    diverse = torch.rand(50, 1, 4, 4)
    collapsed = diverse[:1].expand(50, -1, -1, -1)
    assert inspect_checkpoint.similarity(collapsed)["distinct_binarised"] == 1
    assert inspect_checkpoint.similarity(collapsed)["mean_pairwise_l2"] == 0
    assert inspect_checkpoint.similarity(diverse)["distinct_binarised"] > 40
    assert inspect_checkpoint.similarity(diverse)["mean_pairwise_l2"] > 1


def test_saturated_sigmoid_outputs_have_a_vanishing_slope():
    torch.manual_seed(0)
    saturated = inspect_checkpoint.sigmoid_saturation(SigmoidGenerator(10.0), 100)
    healthy = inspect_checkpoint.sigmoid_saturation(SigmoidGenerator(0.01), 100)
    assert saturated["output_preactivation_abs_above_10"] > 0.5 > healthy["output_preactivation_abs_above_10"]
    assert saturated["sigmoid_slope_mean"] < 1e-3 < healthy["sigmoid_slope_mean"]


@pytest.mark.slow
@pytest.mark.end_to_end
def test_the_script_reports_a_recorded_run(tiny_suite, tmp_path):
    run_suite(load_suite(str(tiny_suite)), tmp_path, torch.device("cpu"), log=lambda m: None)
    found = subprocess.run([sys.executable, str(SCRIPT), str(tiny_suite), "gan__ring8__seed0",
                            "--results", str(tmp_path), "--samples", "100"],
                           capture_output=True, text=True, check=True)
    report = json.loads(found.stdout)
    assert report["step"] == 12 and report["status"] == "finished"
    assert 1 <= report["samples"]["distinct_binarised"] <= 100
    assert "sigmoid_slope_mean" not in report  # gan-mlp's generator ends in a linear layer
