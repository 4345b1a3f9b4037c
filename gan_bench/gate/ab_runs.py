"""Timing two source trees in alternating fresh processes: A B B A A B ...

Every process runs gan_bench.gate.ab_worker with its tree first on ``PYTHONPATH``, so the base
process builds the base commit's workloads and the candidate process the candidate's, with the
same timing loop. The order alternates in mirrored pairs (A B, then B A), so that a drift of the
machine's speed over the session (another job starting, the CPU warming) falls on both sides
alike, and both sides run on the same machine in the same minutes: the CPU model and the moment
cancel. Every process also takes the deterministic counts of every workload: the exact figures
are read from each side's first (the only one that counts FLOPs), the peak of live bytes, which
varies, from all of them.
"""

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from gan_bench.errors import GanBenchError
from gan_bench.gate import ab_worker
from gan_bench.gate.tree_workloads import standalone_source

WORKER_SOURCE = standalone_source(ab_worker)
MIN_PAIRS = 5


@dataclass(frozen=True)
class AbOptions:
    only: str | None = None
    pairs: int = 10
    rounds: int = 5
    warmup_rounds: int = 1
    round_seconds: float = 0.1
    threads: int = 1
    device: str = "cpu"

    def __post_init__(self):
        if self.pairs < MIN_PAIRS:
            raise GanBenchError(f"--pairs must be at least {MIN_PAIRS}, got {self.pairs}")
        if self.rounds < 1 or self.warmup_rounds < 0 or self.threads < 1:
            raise GanBenchError("--rounds and --threads must be >= 1, --warmup-rounds >= 0")
        if not 0 < self.round_seconds < 60:
            raise GanBenchError(f"--round-seconds must be in (0, 60), got {self.round_seconds}")


@dataclass(frozen=True)
class Side:
    """Each process's worker output, in the order the processes ran."""
    name: str
    processes: list[dict]

    def rounds(self) -> dict[str, list[list[float]]]:
        """Workload -> one list of seconds per call per process."""
        return {name: [process["rounds"][name] for process in self.processes]
                for name in self.processes[0]["rounds"]}

    def units_per_call(self) -> dict[str, int]:
        """Workload -> the units (images, samples, ...) one call processes."""
        return {name: units for name, (units, _) in self.processes[0].get("units", {}).items()}

    def counts(self) -> dict[str, dict]:
        return self.processes[0].get("counts", {})

    def peaks(self) -> dict[str, list[int]]:
        """Workload -> the peak of live bytes of one call, one per process that counted."""
        counted = [process["counts"] for process in self.processes if "counts" in process]
        return {name: [counts[name]["peak_live_bytes"] for counts in counted] for name in self.counts()}


def comparable_rounds(base: Side, candidate: Side) -> tuple[dict, dict, list[str]]:
    """Both sides' rounds, less the workloads whose units per call differ between the sides (a
    changed batch: neither the time per call nor the time per unit compares, since a batch's
    efficiency changes with its size); and one notice per workload left out."""
    base_rounds, candidate_rounds = base.rounds(), candidate.rounds()
    base_units, candidate_units = base.units_per_call(), candidate.units_per_call()
    notices = []
    for name, units in candidate_units.items():
        if name in base_rounds and base_units.get(name, units) != units:
            del base_rounds[name], candidate_rounds[name]
            notices.append(f"{name}: {base_units[name]} units per call in the base, {units} in the "
                           f"candidate: a different workload, its speed not compared")
    return base_rounds, candidate_rounds, notices


def run_worker(tree: Path, options: AbOptions, flops: bool, label: str) -> dict:
    """One fresh process timing ``tree``'s workloads and counting their work (their FLOPs too with
    ``flops``); its JSON output."""
    with tempfile.TemporaryDirectory(prefix="gan-bench-ab-") as scratch:
        out = Path(scratch) / "rounds.json"
        argv = [sys.executable, "-c", WORKER_SOURCE, "--out", str(out), "--device", options.device,
                "--threads", str(options.threads), "--rounds", str(options.rounds),
                "--warmup-rounds", str(options.warmup_rounds),
                "--round-seconds", str(options.round_seconds),
                *(["--only", options.only] if options.only else []), "--counts",
                *(["--flops"] if flops else [])]
        env = {**os.environ, "PYTHONPATH": str(tree)}
        result = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise GanBenchError(f"the {label} process ({tree}) failed with exit {result.returncode}: {last}")
        output = json.loads(out.read_text())
    if not Path(output["gan_bench_file"]).resolve().is_relative_to(tree.resolve()):
        raise GanBenchError(f"the {label} process imported gan_bench from {output['gan_bench_file']}, "
                            f"not from {tree}")
    if not output["rounds"]:
        raise GanBenchError(f"--only {options.only!r} matches no workload of the {label} tree")
    return output


def measure_pairs(base_tree: Path, candidate_tree: Path, options: AbOptions,
                  worker=run_worker) -> tuple[Side, Side]:
    """``options.pairs`` processes of each side in mirrored order, with a progress bar."""
    processes = {"base": [], "candidate": []}
    trees = {"base": base_tree, "candidate": candidate_tree}
    with tqdm(total=2 * options.pairs, desc="A/B processes", unit="process", disable=None,
              leave=False) as bar:
        for pair in range(options.pairs):
            for label in ("base", "candidate") if pair % 2 == 0 else ("candidate", "base"):
                processes[label].append(worker(trees[label], options, not processes[label], label))
                bar.update(1)
    return Side("base", processes["base"]), Side("candidate", processes["candidate"])
