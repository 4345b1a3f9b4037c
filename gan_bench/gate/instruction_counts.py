"""The instruction-count tier: instructions per call of the small workloads, under callgrind.

Timing noise hides a change of a few per cent in a step of milliseconds; the count of executed
instructions (valgrind's callgrind, the figure CodSpeed gates on) barely moves between runs of
the same code. Both trees' workloads are counted at once, each in one process under callgrind
(gan_bench.gate.instruction_worker), and a workload whose count grew by more than
MAX_INCREASE is MORE INSTRUCTIONS and fails the gate.

torch.utils.benchmark's ``Timer.collect_callgrind`` does the same with instrumentation on from
the start: importing torch under it took 4.5 minutes per call on a 2-core AMD EPYC. Here the
import runs uninstrumented and instrumentation is turned on only around the counted calls, with
the same switches. Without valgrind the tier is skipped with a one-line notice.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gan_bench.errors import GanBenchError
from gan_bench.gate import instruction_worker
from gan_bench.gate.tree_workloads import standalone_source

WORKER_SOURCE = standalone_source(instruction_worker)
SMALL_WORKLOADS = r"^(step/mog/|modes/grid25$)"  # the 2-D models' steps and the mode metric
MAX_INCREASE = 0.02
CALLS = 2  # the counts repeat call after call; the first instrumented calls pay valgrind's translation


def valgrind_missing() -> str | None:
    """Why the tier cannot run here, or None."""
    missing = [tool for tool in ("valgrind", "callgrind_control") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found (Debian: apt-get install valgrind)" if missing else None


def dump_total(dump: Path) -> int:
    """The instruction total of one callgrind output file (its ``totals:`` line)."""
    text = dump.read_text() if dump.exists() else ""
    lines = [line for line in text.splitlines() if line.startswith("totals:")]
    if not lines:
        raise GanBenchError(f"callgrind wrote no totals to {dump}")
    return int(lines[0].split()[1])


def dump_totals(out_file: Path, expected: int) -> list[int]:
    """The instruction totals of callgrind's numbered dumps ``OUT.1``, ``OUT.2``, ..., in order."""
    return [dump_total(out_file.with_name(f"{out_file.name}.{index}")) for index in range(1, expected + 1)]


class CountingProcess:
    """One tree's worker under callgrind, started at once, finished by :meth:`counts`."""

    def __init__(self, tree: Path, only: list[str], scratch: Path, label: str, calls: int = CALLS):
        self.label, self.calls = label, calls
        self.out_file = scratch / f"{label}.callgrind"
        argv = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
                f"--callgrind-out-file={self.out_file}", sys.executable, "-c", WORKER_SOURCE,
                *(argument for pattern in only for argument in ("--only", pattern)), "--calls", str(calls)]
        # a fixed hash seed: string hashing changes dict and set work, and so the counts
        env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
        self.process = subprocess.Popen(argv, cwd=tree, env=env, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def _failed(self, what: str) -> GanBenchError:
        self.process.kill()
        _, stderr = self.process.communicate()
        last = (stderr.strip().splitlines() or ["no message"])[-1]
        return GanBenchError(f"the {self.label} process under callgrind {what}: {last}")

    def counts(self) -> dict[str, float]:
        """Workload -> instructions per call."""
        ready = self.process.stdout.readline().split()
        if not ready or ready[0] != "READY":
            raise self._failed("did not start")
        names = ready[1:]
        switched = subprocess.run(["callgrind_control", "-i", "on", str(self.process.pid)],
                                  capture_output=True, text=True, check=False)
        if switched.returncode != 0:
            raise self._failed(f"could not be instrumented ({switched.stdout.strip()[-200:]})")
        stdout, stderr = self.process.communicate("go\n")
        if self.process.returncode != 0 or "DONE" not in stdout:
            last = (stderr.strip().splitlines() or ["no message"])[-1]
            raise GanBenchError(f"the {self.label} process under callgrind failed: {last}")
        return {name: total / self.calls for name, total in zip(names, dump_totals(self.out_file, len(names)),
                                                                strict=True)}


def selection(only: str | None) -> list[str]:
    """The patterns a workload must all match to be counted."""
    return [SMALL_WORKLOADS, *([only] if only else [])]


def count_both(base_tree: Path, candidate_tree: Path, only: str | None = None,
               calls: int = CALLS) -> tuple[dict[str, float], dict[str, float]]:
    """(base, candidate) instructions per call of the SMALL_WORKLOADS matching ``only``, the two
    processes running side by side."""
    patterns = selection(only)
    with tempfile.TemporaryDirectory(prefix="gan-bench-callgrind-") as scratch:
        sides = [CountingProcess(tree, patterns, Path(scratch), label, calls)
                 for tree, label in ((base_tree, "base"), (candidate_tree, "candidate"))]
        try:  # both switched on and run at once, each waited for on its own thread
            with ThreadPoolExecutor(max_workers=2) as pool:
                base, candidate = pool.map(CountingProcess.counts, sides)
            return base, candidate
        finally:
            for side in sides:
                if side.process.poll() is None:
                    side.process.kill()


def compare_instructions(base: dict[str, float], candidate: dict[str, float],
                         max_increase: float = MAX_INCREASE) -> list[dict]:
    """One row per workload counted on both sides: instructions per call, change %, verdict."""
    rows = []
    for name in candidate:
        if name not in base:
            continue
        change = candidate[name] / base[name] - 1
        verdict = ("MORE INSTRUCTIONS" if change > max_increase else "fewer" if change < -max_increase
                   else "same")
        rows.append({"workload": name, "base instructions/call": round(base[name]),
                     "candidate instructions/call": round(candidate[name]), "change %": 100 * change,
                     "limit %": 100 * max_increase, "verdict": verdict})
    return rows
