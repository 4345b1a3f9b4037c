import json
import math

import pytest

from gan_bench.errors import GanBenchError
from gan_bench.records import append_record, read_records


def test_append_is_idempotent_per_run_id(tmp_path):
    assert append_record(tmp_path, {"run_id": "a", "x": 1.0})
    assert append_record(tmp_path, {"run_id": "b", "x": 2.0})
    assert not append_record(tmp_path, {"run_id": "a", "x": 3.0})
    assert [r["x"] for r in read_records(tmp_path)] == [1.0, 2.0]
    assert not list(tmp_path.glob(".runs.jsonl.*.tmp"))


def test_non_finite_numbers_stay_valid_json(tmp_path):
    append_record(tmp_path, {"run_id": "a", "kl": math.inf, "bad": math.nan})
    line = (tmp_path / "runs.jsonl").read_text()
    assert json.loads(line) == {"run_id": "a", "kl": "inf", "bad": None}


def test_corrupt_file_is_reported_with_its_line(tmp_path):
    (tmp_path / "runs.jsonl").write_text('{"run_id": "a"}\n{"run_id": \n')
    with pytest.raises(GanBenchError, match=r"runs.jsonl:2: corrupt record"):
        read_records(tmp_path)
