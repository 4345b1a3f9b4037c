"""Each run claimed by the process that trains it, so that two ``gan-bench run`` processes on one
results folder never train the same run twice.

A claim is an exclusive lock on ``.claims/RUN_ID.lock`` in the suite's results folder (see
gan_bench.storage.lock_files), held from before training until the run's record is appended. A process
that finds a run claimed skips it and says so; one that claims a run recorded meanwhile (the
other process finished it after this one read the records) skips it too. A killed holder's claim
goes with it, so a crash never leaves a run unclaimable.
"""

from contextlib import contextmanager
from pathlib import Path

from gan_bench.storage.lock_files import holder_pid, lock_if_free
from gan_bench.storage.records import read_records
from gan_bench.storage.safe_paths import inside

CLAIMS_DIR = ".claims"


class RunTakenElsewhere(Exception):
    """Another process is training the run, or has recorded it since this one looked."""


@contextmanager
def claim_run(results_dir: Path, run_id: str):
    """Hold ``run_id``'s claim in the block, or raise RunTakenElsewhere."""
    path = inside(results_dir, CLAIMS_DIR, f"{run_id}.lock")
    path.parent.mkdir(exist_ok=True)
    with lock_if_free(path) as mine:
        if not mine:
            raise RunTakenElsewhere(f"{run_id}: being trained by another gan-bench process "
                                    f"(pid {holder_pid(path) or 'unknown'}); skipped here")
        if any(record["run_id"] == run_id for record in read_records(results_dir)):
            raise RunTakenElsewhere(f"{run_id}: recorded by another gan-bench process meanwhile; "
                                    f"skipped here")
        yield
