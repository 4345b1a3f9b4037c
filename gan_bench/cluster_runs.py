"""A suite's runs as jobs of a cluster scheduler, through submitit (facebookincubator/submitit, the
engine of Hydra's submitit launcher).

``gan-bench run SUITE --executor slurm`` submits one job per pending run, as a SLURM job array, and
prints the job ids; ``--executor submitit-local`` runs the same job path through submitit's
LocalExecutor on this machine. Each job trains, scores and records one run exactly as the local
executor does (gan_bench.suite.run_job): under the run's claim, its record appended under the
results folder's lock. Both are ``flock`` locks (gan_bench.lock_files), which Linux carries out on
NFS as ``fcntl`` byte-range locks, honoured across clients by NFSv4 servers; so the results folder
must be on storage every node mounts, and a job that cannot see it fails at once, naming it.

Preemption and time limits follow submitit's checkpointing protocol: at SLURM's pre-timeout signal
(or a preemption) submitit calls :meth:`RunJob.checkpoint`, which requeues the same job; the
requeued job resumes the run from its last checkpoint (every ``checkpoint_every_steps``), and a run
resumed from a checkpoint follows the same trajectory, so it reaches the same final numbers as an
uninterrupted run. At most ``checkpoint_every_steps`` steps are trained twice.

Job ids go to ``RESULTS/SUITE/.submitit/jobs.jsonl`` (run id, job id, executor), which
``gan-bench status`` reads to show each run's job and scheduler state.
"""

import json
import re
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from gan_bench.atomic_files import atomic_write_bytes
from gan_bench.errors import GanBenchError
from gan_bench.lock_files import exclusive_lock
from gan_bench.records import LOCK_FILE
from gan_bench.safe_paths import inside

JOBS_DIR = ".submitit"
JOBS_FILE = "jobs.jsonl"
EXECUTORS = ("local", "submitit-local", "slurm")
LOG_TAIL_LINES = 15
NOT_VISIBLE = "is not visible on"  # in the error of a job that cannot see the results folder


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
                 threads: int | None = None):
        self.suite_path, self.run_id, self.results_dir = str(suite_path), run_id, Path(results_dir)
        self.device, self.seeds, self.compile = device, seeds, compile
        self.extend_from_dir, self.threads = extend_from_dir, threads

    def __call__(self) -> str:
        import torch

        from gan_bench.config import load_suite
        from gan_bench.jobs import expand_jobs
        from gan_bench.run_claims import RunTakenElsewhere
        from gan_bench.seeding import resolve_device
        from gan_bench.suite import run_job

        if not self.results_dir.is_dir():
            raise GanBenchError(f"results folder {self.results_dir} {NOT_VISIBLE} "
                                f"{socket.gethostname()}: it must be on storage the nodes share")
        if self.threads is not None:
            torch.set_num_threads(self.threads)
        suite = load_suite(self.suite_path)
        (job,) = expand_jobs(suite, self.seeds, f"^{re.escape(self.run_id)}$", self.compile)
        try:
            record = run_job(job, self.results_dir, resolve_device(self.device), self.extend_from_dir)
        except RunTakenElsewhere as taken:
            return str(taken)
        return f"{self.run_id}: {record['status']}"

    def checkpoint(self, *args, **kwargs):
        """submitit's hook at a pre-timeout or preemption signal: requeue this same job, which
        resumes the run from its last checkpoint."""
        import submitit

        return submitit.helpers.DelayedSubmission(self)


def make_executor(options: ClusterOptions, folder: Path):
    try:
        import submitit
    except ImportError:
        raise GanBenchError(f"--executor {options.executor} needs submitit: "
                            "pip install 'gan-bench[slurm]'") from None
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
    jobs = make_executor(options, path.parent).submit_array(run_jobs)
    submitted_at = datetime.now(UTC).isoformat(timespec="seconds")
    notes = "".join(json.dumps({"run_id": run_job.run_id, "job_id": job.job_id,
                                "executor": options.executor, "submitted_at": submitted_at}) + "\n"
                    for run_job, job in zip(run_jobs, jobs, strict=True))
    with exclusive_lock(inside(results_dir, LOCK_FILE)):  # one whole file or the other, as records
        existing = path.read_bytes() if path.exists() else b""
        atomic_write_bytes(path, existing + notes.encode())
    for run_job, job in zip(run_jobs, jobs, strict=True):
        log(f"{run_job.run_id}: submitted as job {job.job_id} ({options.executor})")
    return jobs


def wait_for(jobs: list, log) -> int:
    """Wait until every job has ended; log each outcome, and each failure with the tail of its
    log; returns how many failed. A job that cannot see the results folder cancels the others and
    is a one-line error: the folder is not shared with the nodes."""
    failed = 0
    for job in jobs:
        try:
            log(job.result())
        except Exception as error:  # submitit's FailedJobError / UncompletedJobError, any cause
            failed += 1
            tail = (job.stderr() or "").strip().splitlines()[-LOG_TAIL_LINES:]
            unseen = [line for line in tail if NOT_VISIBLE in line]
            if unseen:
                for other in jobs:
                    other.cancel(check=False)
                raise GanBenchError(f"job {job.job_id}: {unseen[-1].split('GanBenchError: ')[-1]}; "
                                    f"the other jobs are cancelled") from None
            last = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            log(f"job {job.job_id} failed: {last}")
            log("\n".join(f"    {line}" for line in tail))
    return failed


def submitted_jobs(results_dir: Path) -> dict[str, dict]:
    """The latest job noted for each run id in jobs.jsonl, with its scheduler state."""
    path = Path(results_dir) / JOBS_DIR / JOBS_FILE
    if not path.exists():
        return {}
    latest = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        note = json.loads(line)
        latest[note["run_id"]] = note
    return {run_id: note | {"job_state": scheduler_state(path.parent, note)}
            for run_id, note in latest.items()}


def scheduler_state(folder: Path, note: dict) -> str:
    """SLURM's state of the job (through submitit's sacct query); for local jobs, whether
    submitit's job folder holds its result yet. Read from files and the scheduler only: no pickle
    is loaded."""
    if note["executor"] == "slurm":
        import submitit

        return submitit.SlurmJob(folder=str(folder), job_id=note["job_id"]).state
    ended = list(folder.glob(f"{note['job_id']}_*_result.pkl"))
    return "ENDED" if ended else "SUBMITTED OR RUNNING"
