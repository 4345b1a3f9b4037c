"""JSON-lines record files in results/SUITE: never a partial line, never a duplicated key.

runs.jsonl holds one line per finished run (keyed by run_id); evaluations.jsonl one line per
metric scored after training on a finished run (keyed by run_id and metric). Appending rewrites
the whole file atomically (see atomic_files) under an exclusive lock, after checking that the key
is not already recorded. A SIGKILL at any moment therefore leaves the old file or the old file
plus one complete line.
"""

import json
import math
from pathlib import Path

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.lock_files import exclusive_lock
from gan_bench.storage.safe_paths import inside

RUNS_FILE = "runs.jsonl"
LOCK_FILE = ".runs.lock"  # held while a record file is rewritten
EVALUATIONS_FILE = "evaluations.jsonl"
RUN_KEY = ("run_id",)
EVALUATION_KEY = ("run_id", "metric", "rescoring")
KEYS = {RUNS_FILE: RUN_KEY, EVALUATIONS_FILE: EVALUATION_KEY}
# key fields a record may lack, read as null: a metric's first evaluation of a run has no
# "rescoring"; `gan-bench evaluate --rescore` numbers the later ones 1, 2, ...
OPTIONAL_KEY_FIELDS = {"rescoring"}
# The fields every reader of a record file relies on, and their types; a dict nests its fields.
# Each record's ``metrics`` maps names to numbers, or null, "inf", "-inf" (see jsonable).
SCHEMAS = {
    RUNS_FILE: {"run_id": str, "status": str, "steps": int, "metrics": dict, "timing": dict,
                "config": {"model_name": str, "dataset": str, "seed": int, "model_options": dict,
                           "train": dict}},
    EVALUATIONS_FILE: {"run_id": str, "metric": str, "metrics": dict},
}


def jsonable(value):
    """JSON has no NaN or infinity: store them as null / the strings 'inf' and '-inf'."""
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def read_records(results_dir: Path, file_name: str = RUNS_FILE) -> list[dict]:
    """The records of ``file_name``, each a JSON object with its file's key fields; a line that is
    not one, or a key recorded twice (which would count a run twice in a leaderboard), is a
    one-line error naming the file and line."""
    path = Path(results_dir) / file_name
    if not path.exists():
        return []
    key = KEYS.get(file_name, RUN_KEY)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise GanBenchError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    records, seen = [], {}
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise GanBenchError(f"{path}:{number}: corrupt record: {error}") from None
        if not isinstance(record, dict) or any(field not in record for field in key
                                               if field not in OPTIONAL_KEY_FIELDS):
            raise GanBenchError(f"{path}:{number}: not a record (a JSON object with "
                                f"{', '.join(key)}): {line[:80]}")
        problem = schema_problem(record, SCHEMAS.get(file_name, {}))
        if problem:
            raise GanBenchError(f"{path}:{number}: not a complete record: {problem}")
        identity = json.dumps([record.get(field) for field in key])
        if identity in seen:
            raise GanBenchError(f"{path}: lines {seen[identity]} and {number} both record "
                                f"{', '.join(str(record[f]) for f in key if f in record)}; "
                                "delete one of them")
        seen[identity] = number
        records.append(record)
    return records


def schema_problem(record: dict, schema: dict, prefix: str = "") -> str | None:
    """What in ``record`` does not fit ``schema`` (SCHEMAS), or None."""
    for field, kind in schema.items():
        if field not in record:
            return f"it lacks {prefix}{field}"
        value = record[field]
        expected = dict if isinstance(kind, dict) else kind
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            return f"{prefix}{field} is {json.dumps(value)[:40]}, not {expected.__name__}"
        if isinstance(kind, dict):
            problem = schema_problem(value, kind, f"{prefix}{field}.")
            if problem:
                return problem
    if "metrics" in schema:
        for name, value in record["metrics"].items():
            if not _is_metric_value(value):
                return f"metric {name} is {json.dumps(value)[:40]}, not a number"
    return None


def _is_metric_value(value) -> bool:
    return (value is None or value in ("inf", "-inf")
            or (isinstance(value, (int, float)) and not isinstance(value, bool)))


def append_record(results_dir: Path, record: dict, file_name: str = RUNS_FILE,
                  key: tuple[str, ...] = RUN_KEY) -> bool:
    """Append ``record`` to ``file_name`` unless a record with the same values of the ``key``
    fields is already there; returns whether it was written. A record that does not fit the
    file's schema (SCHEMAS) is a one-line error, and the file is left as it was."""
    path = inside(results_dir, file_name)
    problem = schema_problem(jsonable(record), SCHEMAS.get(file_name, {}))
    if problem:  # the file stays readable: every later command would refuse it
        raise GanBenchError(f"not recording {', '.join(str(record.get(f)) for f in key)} in {path}: "
                            f"{problem}")
    line = json.dumps(jsonable(record), sort_keys=True, allow_nan=False)
    identity = [record.get(field) for field in key]
    with exclusive_lock(inside(results_dir, LOCK_FILE)):
        existing = path.read_bytes() if path.exists() else b""
        if any([r.get(field) for field in key] == identity for r in read_records(results_dir, file_name)):
            return False
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        atomic_write_bytes(path, existing + line.encode() + b"\n")
    return True
