"""A suite's runs as jobs of a cluster scheduler, through submitit (facebookincubator/submitit, the
engine of Hydra's submitit launcher).

``gan-bench run SUITE --executor slurm`` submits one job per pending run, as a SLURM job array, and
prints the job ids; ``--executor submitit-local`` runs the same job path through submitit's
LocalExecutor on this machine. Each job trains, scores and records one run exactly as the local
executor does (gan_bench.runs.suite_runs.run_one): under the run's claim, its record appended under the
results folder's lock. Both are ``flock`` locks (gan_bench.storage.lock_files), which Linux carries out on
NFS as ``fcntl`` byte-range locks, honoured across clients by NFSv4 servers; so the results folder
must be on storage every node mounts, and a job that cannot see it fails at once, naming it.

Preemption and time limits follow submitit's checkpointing protocol: at SLURM's pre-timeout signal
(or a preemption) submitit calls :meth:`RunJob.checkpoint`, which requeues the same job; the
requeued job resumes the run from its last checkpoint (every ``checkpoint_every_steps``), and a run
resumed from a checkpoint follows the same trajectory, so it reaches the same final numbers as an
uninterrupted run. At most ``checkpoint_every_steps`` steps are trained twice.

Job ids go to ``RESULTS/SUITE/.submitit/jobs.jsonl`` (run id, job id, executor), which
``gan-bench status`` reads to show each run's job and scheduler state.

Ctrl-C and SIGTERM stop ``--executor submitit-local`` as they stop ``--jobs``
(gan_bench.runtime.stop_signals): the driver passes the stop on to every job (as SIGTERM, which submitit's
job controller forwards to its task), each job saves its checkpoint at its next step and records
nothing, and the driver exits 128 + the signal number after one line. The job controllers are
started with SIGINT ignored, so that a Ctrl-C reaching the whole process group does not make them
kill their tasks before the checkpoint is saved; a Ctrl-C in the moment the jobs are being started
is lost, SIGTERM is not.
"""

import json
import os
import re
import shutil
import signal
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from gan_bench.errors import GanBenchError
from gan_bench.runtime.stop_signals import Stopped, handle_in_worker, requested
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.lock_files import exclusive_lock
from gan_bench.storage.records import LOCK_FILE, read_records
from gan_bench.storage.safe_paths import inside

if TYPE_CHECKING:
    from gan_bench.runs.run_specs import RunSpec

JOBS_DIR = ".submitit"
JOBS_FILE = "jobs.jsonl"
EXECUTORS = ("local", "submitit-local", "slurm")
LOG_TAIL_LINES = 15
NOT_VISIBLE = "is not visible on"  # in the error of a job that cannot see the results folder
STOPPED = "stopped at a signal"  # in the result of a job stopped by the driver's stop signal
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class ClusterOptions:
    executor: str = "submitit-local"
    partition: str | None = None
    time_min: int = 240
    gpus_per_run: int = 0
    cpus_per_run: int = 1
    mem_gb: float | None = None
    array_parallelism: int = 256
    slurm_options: dict[str, str] = field(default_factory=dict)


class RunJob:
    """One run as a submitit job: a checkpointable callable, pickled by submitit."""

    def __init__(self, suite_path: Path, run_id: str, results_dir: Path, device: str,
                 seeds: int | None, compile: bool, extend_from_dir: Path | None,
                 threads: int | None = None, spec: "RunSpec | None" = None):
        """``spec``: the run itself, for a run no suite file spells out (a search trial, whose
        options were sampled); without it the job finds run ``run_id`` in the suite file."""
        self.suite_path, self.run_id, self.results_dir = str(suite_path), run_id, Path(results_dir)
        self.device, self.seeds, self.compile = device, seeds, compile
        self.extend_from_dir, self.threads, self.spec = extend_from_dir, threads, spec

    def __call__(self) -> str:
        import torch

        from gan_bench.config.suite import load_suite
        from gan_bench.runs.claims import RunTakenElsewhere
        from gan_bench.runs.run_specs import expand_run_specs
        from gan_bench.runs.suite_runs import run_one
        from gan_bench.runtime.seeding import resolve_device

        if not self.results_dir.is_dir():
            raise GanBenchError(f"results folder {self.results_dir} {NOT_VISIBLE} "
                                f"{socket.gethostname()}: it must be on storage the nodes share")
        if os.environ.get("SUBMITIT_EXECUTOR") == "local":  # SLURM's SIGTERM stays submitit's
            handle_in_worker()  # the driver's stop: a checkpoint at the next step, nothing recorded
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        if self.spec is not None:
            job = self.spec
        else:
            suite = load_suite(self.suite_path)
            (job,) = expand_run_specs(suite, self.seeds, f"^{re.escape(self.run_id)}$", self.compile)
        try:
            record = run_one(job, self.results_dir, resolve_device(self.device), self.extend_from_dir)
        except RunTakenElsewhere as taken:
            return str(taken)
        except Stopped as stopped:
            return f"{self.run_id}: {STOPPED} ({stopped}), checkpoint saved, nothing recorded"
        return f"{self.run_id}: {record['status']}"

    def checkpoint(self, *args, **kwargs):
        """submitit's hook at a pre-timeout or preemption signal: requeue this same job, which
        resumes the run from its last checkpoint."""
        import submitit

        return submitit.helpers.DelayedSubmission(self)


def require_executor(options: ClusterOptions) -> None:
    """submitit installed, and for SLURM its ``sbatch`` and ``srun`` on PATH, or a one-line error."""
    try:
        import submitit  # noqa: F401
    except ImportError:
        raise GanBenchError(f"--executor {options.executor} needs submitit: "
                            "pip install 'gan-bench[slurm]'") from None
    if options.executor == "slurm":
        missing = [tool for tool in ("sbatch", "srun") if shutil.which(tool) is None]
        if missing:
            raise GanBenchError(f"--executor slurm needs SLURM's {' and '.join(missing)} on PATH: "
                                "run it on a SLURM login node")


def make_executor(options: ClusterOptions, folder: Path):
    require_executor(options)
    import submitit

    if options.executor == "submitit-local":
        executor = submitit.LocalExecutor(folder=str(folder))
        executor.update_parameters(timeout_min=options.time_min)
        return executor
    executor = submitit.AutoExecutor(folder=str(folder), cluster="slurm")
    executor.update_parameters(
        timeout_min=options.time_min, gpus_per_node=options.gpus_per_run,
        cpus_per_task=options.cpus_per_run, slurm_array_parallelism=options.array_parallelism,
        **({"slurm_partition": options.partition} if options.partition else {}),
        **({"mem_gb": options.mem_gb} if options.mem_gb else {}),
        **({"slurm_additional_parameters": options.slurm_options} if options.slurm_options else {}))
    return executor


def submit_runs(run_jobs: list[RunJob], results_dir: Path, options: ClusterOptions, log) -> list:
    """Submit ``run_jobs`` as one job array; note each job id in jobs.jsonl; returns the jobs."""
    path = inside(results_dir, JOBS_DIR, JOBS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _sigint_ignored_by_children():
        jobs = make_executor(options, path.parent).submit_array(run_jobs)
    submitted_at = datetime.now(UTC).isoformat(timespec="seconds")
    notes = "".join(json.dumps({"run_id": run_one.run_id, "job_id": job.job_id,
                                "executor": options.executor, "submitted_at": submitted_at}) + "\n"
                    for run_one, job in zip(run_jobs, jobs, strict=True))
    with exclusive_lock(inside(results_dir, LOCK_FILE)):  # one whole file or the other, as records
        existing = path.read_bytes() if path.exists() else b""
        atomic_write_bytes(path, existing + notes.encode())
    for run_one, job in zip(run_jobs, jobs, strict=True):
        log(f"{run_one.run_id}: submitted as job {job.job_id} ({options.executor})")
    return jobs


@contextmanager
def _sigint_ignored_by_children():
    """Processes started inside the block inherit SIGINT ignored (Python keeps an ignored SIGINT
    ignored), so a Ctrl-C to the process group leaves submitit's job controllers alone: the driver
    stops the jobs itself (stop_jobs). Only in the main thread, where handlers can be set."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def stop_jobs(jobs: list) -> None:
    """Pass a stop on to the local jobs still running: SIGTERM to each job's controller, which
    forwards it to its task (a task that has not yet set its handlers is signalled again at the
    next poll). Its controller ignores SIGINT, so submitit's ``cancel`` would not reach it."""
    for job in jobs:
        process = getattr(job, "_process", None)  # submitit's LocalJob: its controller process
        if process is not None and process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                continue


def _cancel(jobs: list) -> None:
    stop_jobs(jobs)
    for job in jobs:
        if getattr(job, "_process", None) is None:  # a SLURM job: scancel
            job.cancel(check=False)


def wait_for(jobs: list, log, run_ids: list[str] | None = None,
             results_dir: Path | None = None) -> int:
    """Wait until every job has ended; log each outcome as it comes, and each failure with the
    tail of its log; returns how many failed. A job that cannot see the results folder cancels the
    others and is a one-line error: the folder is not shared with the nodes. A job that failed
    after its run was recorded (``run_ids[i]`` is job i's run, found in ``results_dir``'s records)
    is reported as recorded. At a stop signal (inside gan_bench.runtime.stop_signals.stop_on_signals)
    every job still running is stopped (stop_jobs), the jobs' ends are waited for without a word,
    and Stopped is raised. Leaving on any other exception (a second signal's KeyboardInterrupt)
    stops the local jobs without waiting for them."""
    run_ids = run_ids or [None] * len(jobs)
    waiting, failed = dict(enumerate(jobs)), 0
    try:
        while waiting:
            if requested() is not None:
                stop_jobs(list(waiting.values()))
            for index, job in list(waiting.items()):
                if job.done():
                    del waiting[index]
                    if requested() is None:
                        failed += not _report(job, run_ids[index], results_dir, jobs, log)
            if waiting:
                time.sleep(POLL_SECONDS)
    except BaseException:
        stop_jobs(jobs)
        raise
    if requested() is not None:
        raise Stopped(requested())
    return failed


def _report(job, run_id: str | None, results_dir: Path | None, jobs: list, log) -> bool:
    """Log the outcome of the ended ``job``; whether it succeeded, or recorded its run."""
    try:
        log(job.result())
        return True
    except Exception as error:  # submitit's FailedJobError / UncompletedJobError, any cause
        tail = (job.stderr() or "").strip().splitlines()[-LOG_TAIL_LINES:]
        unseen = [line for line in tail if NOT_VISIBLE in line]
        if unseen:
            _cancel(jobs)
            raise GanBenchError(f"job {job.job_id}: {unseen[-1].split('GanBenchError: ')[-1]}; "
                                f"the other jobs are cancelled") from None
        last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        if run_id is not None and results_dir is not None and _recorded(results_dir, run_id):
            log(f"{run_id}: recorded (job {job.job_id} ended abnormally after recording it: {last})")
            return True
        log(f"job {job.job_id} failed: {last}")
        log("\n".join(f"    {line}" for line in tail))
        return False


def _recorded(results_dir: Path, run_id: str) -> bool:
    return any(record["run_id"] == run_id for record in read_records(results_dir))


def submitted_jobs(results_dir: Path) -> dict[str, dict]:
    """The latest job noted for each run id in jobs.jsonl, with its scheduler state."""
    path = Path(results_dir) / JOBS_DIR / JOBS_FILE
    if not path.exists():
        return {}
    latest = {}
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        note = _job_note(line)
        if note is None:
            raise GanBenchError(f"{path}, line {number}: not a job note (a JSON object with string "
                                f"{', '.join(NOTE_KEYS)}); remove the line, or the file, to go on")
        latest[note["run_id"]] = note
    return {run_id: note | {"job_state": scheduler_state(path.parent, note)}
            for run_id, note in latest.items()}


NOTE_KEYS = ("run_id", "job_id", "executor")


def _job_note(line: bytes) -> dict | None:
    """One line of jobs.jsonl as a job note, or None if it is not one (truncated, not JSON, a key
    missing or not a string, an unknown executor, a job id other than digits and ``_``)."""
    try:
        note = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(note, dict) or not all(isinstance(note.get(key), str) for key in NOTE_KEYS):
        return None
    known = note["executor"] in EXECUTORS and re.fullmatch(r"[0-9_]+", note["job_id"])
    return note if known else None


def scheduler_state(folder: Path, note: dict) -> str:
    """SLURM's state of the job (through submitit's sacct query); for local jobs, whether
    submitit's job folder holds its result yet. Read from files and the scheduler only: no pickle
    is loaded."""
    if note["executor"] == "slurm":
        import submitit

        return submitit.SlurmJob(folder=str(folder), job_id=note["job_id"]).state
    ended = list(folder.glob(f"{note['job_id']}_*_result.pkl"))
    return "ENDED" if ended else "SUBMITTED OR RUNNING"
