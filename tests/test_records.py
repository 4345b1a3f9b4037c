import json
import math
import os
import stat

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


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_kept(tmp_path):
    """Before, opening .runs.lock with open(..., 'w') followed the link and truncated the target."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".runs.lock").symlink_to(victim)
    with pytest.raises(GanBenchError, match="refusing lock file .* symbolic link"):
        append_record(tmp_path, {"run_id": "a", "metrics": {}})
    assert victim.read_text() == "precious"


def test_records_are_created_with_the_users_umask(tmp_path):
    """mkstemp alone leaves 0600: a results folder shared with a group could not be read."""
    previous = os.umask(0o022)
    try:
        append_record(tmp_path, {"run_id": "a", "metrics": {}})
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "runs.jsonl").stat().st_mode) == 0o644


def test_a_run_recorded_twice_is_refused_not_counted_twice(tmp_path):
    """A duplicated runs.jsonl line made the leaderboard count the run twice and skew its mean."""
    append_record(tmp_path, {"run_id": "a", "metrics": {"x": 1.0}})
    append_record(tmp_path, {"run_id": "b", "metrics": {"x": 3.0}})
    path = tmp_path / "runs.jsonl"
    path.write_text(path.read_text() + path.read_text().splitlines()[0] + "\n")
    with pytest.raises(GanBenchError, match=r"lines 1 and 3 both record a; delete one of them"):
        read_records(tmp_path)


@pytest.mark.parametrize("line", ["{}", "7", '"text"', '{"metrics": {}}'])
def test_a_line_that_is_not_a_record_is_a_one_line_error(tmp_path, line):
    (tmp_path / "runs.jsonl").write_text(line + "\n")
    with pytest.raises(GanBenchError, match=r"runs.jsonl:1: not a record"):
        read_records(tmp_path)


def test_non_utf8_records_are_a_one_line_error(tmp_path):
    (tmp_path / "runs.jsonl").write_bytes(b'{"run_id": "\xff"}\n')
    with pytest.raises(GanBenchError, match="not UTF-8"):
        read_records(tmp_path)
