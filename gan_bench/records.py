"""JSON-lines record files in results/SUITE: never a partial line, never a duplicated key.

runs.jsonl holds one line per finished run (keyed by run_id); evaluations.jsonl one line per
metric scored after training on a finished run (keyed by run_id and metric). Appending rewrites
the whole file atomically (see atomic_files) under an exclusive lock, after checking that the key
is not already recorded. A SIGKILL at any moment therefore leaves the old file or the old file
plus one complete line.
"""

import errno
import fcntl
import json
import math
import os
from contextlib import contextmanager
from pathlib import Path

from gan_bench.atomic_files import atomic_write_bytes
from gan_bench.errors import GanBenchError

RUNS_FILE = "runs.jsonl"
EVALUATIONS_FILE = "evaluations.jsonl"
RUN_KEY = ("run_id",)
KEYS = {RUNS_FILE: RUN_KEY, EVALUATIONS_FILE: ("run_id", "metric")}


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
        if not isinstance(record, dict) or any(field not in record for field in key):
            raise GanBenchError(f"{path}:{number}: not a record (a JSON object with "
                                f"{', '.join(key)}): {line[:80]}")
        identity = json.dumps([record[field] for field in key])
        if identity in seen:
            raise GanBenchError(f"{path}: lines {seen[identity]} and {number} both record "
                                f"{', '.join(str(record[f]) for f in key)}; delete one of them")
        seen[identity] = number
        records.append(record)
    return records


@contextmanager
def _locked(results_dir: Path):
    """An exclusive lock on ``.runs.lock``, opened without following a symlink (a lock path made a
    link to another file would otherwise be opened, and truncated, in its place) or truncating."""
    path = Path(results_dir) / ".runs.lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise GanBenchError(f"refusing lock file {path}: it is a symbolic link; remove it") from None
        raise
    with os.fdopen(descriptor, "r+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def append_record(results_dir: Path, record: dict, file_name: str = RUNS_FILE,
                  key: tuple[str, ...] = RUN_KEY) -> bool:
    """Append ``record`` to ``file_name`` unless a record with the same values of the ``key``
    fields is already there; returns whether it was written."""
    path = Path(results_dir) / file_name
    line = json.dumps(jsonable(record), sort_keys=True, allow_nan=False)
    identity = [record[field] for field in key]
    with _locked(results_dir):
        existing = path.read_bytes() if path.exists() else b""
        if any([r[field] for field in key] == identity for r in read_records(results_dir, file_name)):
            return False
        if existing and not existing.endswith(b"\n"):
            existing += b"\n"
        atomic_write_bytes(path, existing + line.encode() + b"\n")
    return True
