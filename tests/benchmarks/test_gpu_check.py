"""benchmarks/gpu_check.sh in its CPU dry run: the GPU check's three parts, a few steps each, so
that the script cannot rot unseen between the rare runs on a GPU machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.end_to_end
def test_the_gpu_check_runs_its_three_parts_on_the_cpu(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        ["bash", str(ROOT / "benchmarks" / "gpu_check.sh"), str(out), "--device", "cpu", "--steps", "4"],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "step/mnist/gan" in json.loads((out / "cpu.json").read_text())["workloads"]
    records = (out / "results" / "gpu-check" / "runs.jsonl").read_text().splitlines()
    assert sorted(json.loads(line)["status"] for line in records) == ["finished", "finished"]
    assert (out / "host_syncs.txt").read_text().count("host syncs counted on CUDA only") == 4
