import json
import math
import os
import re
import stat

import pytest

from gan_bench.errors import GanBenchError
from gan_bench.storage.records import EVALUATION_KEY, append_record, read_records
from tests.conftest import run_record


def test_append_is_idempotent_per_run_id(tmp_path):
    assert append_record(tmp_path, run_record("a", x=1.0))
    assert append_record(tmp_path, run_record("b", x=2.0))
    assert not append_record(tmp_path, run_record("a", x=3.0))
    assert [r["x"] for r in read_records(tmp_path)] == [1.0, 2.0]
    assert not list(tmp_path.glob(".runs.jsonl.*.tmp"))


def test_non_finite_numbers_stay_valid_json(tmp_path):
    append_record(tmp_path, run_record("a", {"kl": math.inf, "bad": math.nan}))
    line = (tmp_path / "runs.jsonl").read_text()
    assert json.loads(line)["metrics"] == {"kl": "inf", "bad": None}


def test_corrupt_file_is_reported_with_its_line(tmp_path):
    (tmp_path / "runs.jsonl").write_text(json.dumps(run_record("a")) + '\n{"run_id": \n')
    with pytest.raises(GanBenchError, match=r"runs.jsonl:2: corrupt record"):
        read_records(tmp_path)


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_kept(tmp_path):
    """Before, opening .runs.lock with open(..., 'w') followed the link and truncated the target."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / ".runs.lock").symlink_to(victim)
    with pytest.raises(GanBenchError, match=r"refusing .*\.runs\.lock.* symbolic link"):
        append_record(tmp_path, run_record("a"))
    assert victim.read_text() == "precious"


def test_records_are_created_with_the_users_umask(tmp_path):
    """mkstemp alone leaves 0600: a results folder shared with a group could not be read."""
    previous = os.umask(0o022)
    try:
        append_record(tmp_path, run_record("a"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "runs.jsonl").stat().st_mode) == 0o644


def test_a_run_recorded_twice_is_refused_not_counted_twice(tmp_path):
    """A duplicated runs.jsonl line made the leaderboard count the run twice and skew its mean."""
    append_record(tmp_path, run_record("a", {"x": 1.0}))
    append_record(tmp_path, run_record("b", {"x": 3.0}))
    path = tmp_path / "runs.jsonl"
    path.write_text(path.read_text() + path.read_text().splitlines()[0] + "\n")
    with pytest.raises(GanBenchError, match=r"lines 1 and 3 both record a; delete one of them"):
        read_records(tmp_path)


def test_an_evaluation_scored_again_is_kept_beside_the_first_and_only_a_repeat_of_both_is_refused(tmp_path):
    """A first evaluation has no "rescoring"; `evaluate --rescore` numbers the next ones. Each
    number is recorded once for a (run, metric), as the first evaluation is."""
    def evaluation(value, **rescoring):
        return {"run_id": "a", "metric": "m", "metrics": {"m": value}, **rescoring}

    assert append_record(tmp_path, evaluation(1.0), "evaluations.jsonl", EVALUATION_KEY)
    assert not append_record(tmp_path, evaluation(9.0), "evaluations.jsonl", EVALUATION_KEY)
    assert append_record(tmp_path, evaluation(2.0, rescoring=1), "evaluations.jsonl", EVALUATION_KEY)
    assert not append_record(tmp_path, evaluation(9.0, rescoring=1), "evaluations.jsonl", EVALUATION_KEY)
    assert [r["metrics"]["m"] for r in read_records(tmp_path, "evaluations.jsonl")] == [1.0, 2.0]
    path = tmp_path / "evaluations.jsonl"
    path.write_text(path.read_text() + path.read_text().splitlines()[1] + "\n")
    with pytest.raises(GanBenchError, match=r"lines 2 and 3 both record a, m, 1; delete one of them"):
        read_records(tmp_path, "evaluations.jsonl")


@pytest.mark.parametrize("line", ["{}", "7", '"text"', '{"metrics": {}}'])
def test_a_line_that_is_not_a_record_is_a_one_line_error(tmp_path, line):
    (tmp_path / "runs.jsonl").write_text(line + "\n")
    with pytest.raises(GanBenchError, match=r"runs.jsonl:1: not a record"):
        read_records(tmp_path)


def test_non_utf8_records_are_a_one_line_error(tmp_path):
    (tmp_path / "runs.jsonl").write_bytes(b'{"run_id": "\xff"}\n')
    with pytest.raises(GanBenchError, match="not UTF-8"):
        read_records(tmp_path)


@pytest.mark.parametrize("change, problem", [
    (lambda r: r.pop("config"), "it lacks config"),
    (lambda r: r["config"].pop("seed"), "it lacks config.seed"),
    (lambda r: r.update(steps="10"), 'steps is "10", not int'),
    (lambda r: r["metrics"].update(modes_captured="many"), 'metric modes_captured is "many", not a number'),
    (lambda r: r["metrics"].update(modes_captured=True), "metric modes_captured is true, not a number"),
])
def test_a_record_lacking_a_field_or_holding_a_string_metric_is_a_one_line_error(tmp_path, change,
                                                                                 problem):
    """Before, the leaderboard read such a line and died in a KeyError or in pandas' mean."""
    record = run_record("gan__ring8__seed0", {"modes_captured": 8, "reverse_kl_nats": "inf"})
    append_record(tmp_path, record)
    assert read_records(tmp_path) == [record]  # "inf" and numbers are metric values
    change(record)
    (tmp_path / "runs.jsonl").write_text(json.dumps(record) + "\n")
    with pytest.raises(GanBenchError, match=rf"runs.jsonl:1: not a complete record: {re.escape(problem)}"):
        read_records(tmp_path)


def test_a_record_that_does_not_fit_the_schema_is_refused_and_the_file_kept(tmp_path):
    """Before, a record with a string metric was appended, and every later read refused the file."""
    append_record(tmp_path, run_record("a"))
    before = (tmp_path / "runs.jsonl").read_bytes()
    refusal = "not recording b in .*runs.jsonl: metric m is \"high\", not a number"
    with pytest.raises(GanBenchError, match=refusal):
        append_record(tmp_path, run_record("b", {"m": "high"}))
    assert (tmp_path / "runs.jsonl").read_bytes() == before and len(read_records(tmp_path)) == 1
