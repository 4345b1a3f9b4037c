import json

import pytest
from PIL import Image

from gan_bench.errors import GanBenchError
from gan_bench.gate import history


def speed_row(workload: str, change: float, verdict: str) -> dict:
    return {"workload": workload, "change %": 100 * change, "95% interval %": "[+0.0, +0.0]",
            "p (Holm)": 0.01, "verdict": verdict}


def test_runs_appended_chain_into_each_workloads_time_and_draw(repository, tmp_path):
    folder, commits = repository
    path = tmp_path / "history.jsonl"
    for change, verdict in [(0.0, "same"), (0.2, "SLOWER"), (-0.5, "faster")]:
        history.append(path, commits[0], folder, [speed_row("step/a", change, verdict),
                                                  {"workload": "step/new", "verdict": "appeared"}],
                       {"step/a": [0.1, 0.1]})
    entries = history.read(path)
    assert [e["commit"] for e in entries] == [commits[7]] * 3 and entries[0]["base_commit"] == commits[0]
    assert entries[0]["dirty"] is False and entries[0]["hardware"]["cpu_model"]
    series = history.relative_times(entries)
    assert [round(level, 6) for _, level, _ in series["step/a"]] == [1.0, 1.2, 0.6]
    assert "step/new" not in series  # appeared: no change to chain
    figure = history.draw(path, tmp_path / "history.png")
    assert Image.open(figure).size[0] > 100


def test_a_bad_history_is_a_one_line_error(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"format": "other"}) + "\n")
    with pytest.raises(GanBenchError, match="line 1 is not a gan-bench bench history entry"):
        history.read(path)
    path.write_text("{not json\n")
    with pytest.raises(GanBenchError, match="line 1 is not JSON"):
        history.read(path)
    with pytest.raises(GanBenchError, match="cannot read history"):
        history.read(tmp_path / "missing.jsonl")
