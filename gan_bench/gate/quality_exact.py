"""The exact quality tier: do the base and the candidate train bit for bit alike?

On one CPU model a seeded run repeats bit for bit, so running the quality suite's first seed with
each side's own code (``python -m gan_bench run`` with that tree first on ``PYTHONPATH``, one
thread) and comparing what the records hold (the losses at every log point, the final metrics
and the SHA-256 of the final samples) proves the numerics unchanged when they agree, as for most
refactors. When they differ, the first log point where the loss trajectories part says where.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from gan_bench.errors import GanBenchError


def train_tree(tree: Path, suite_file: Path, seeds: int, jobs: int) -> dict[str, dict]:
    """Run id -> record of ``suite_file`` trained with ``tree``'s code on the CPU."""
    with tempfile.TemporaryDirectory(prefix="gan-bench-exact-") as results:
        argv = [sys.executable, "-m", "gan_bench", "run", str(suite_file), "--results", results,
                "--device", "cpu", "--threads", "1", "--seeds", str(seeds), "--jobs", str(jobs)]
        finished = subprocess.run(argv, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                                  capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            last = (finished.stderr.strip().splitlines() or ["no message"])[-1]
            raise GanBenchError(f"training the quality suite with {tree} failed: {last}")
        records = [json.loads(line) for path in Path(results).glob("*/runs.jsonl")
                   for line in path.read_text().splitlines() if line.strip()]
    return {record["run_id"]: record for record in records}


def fingerprint(record: dict) -> dict:
    return {"status": record["status"], "history": record.get("history", []),
            "metrics": record.get("metrics", {}), "samples_sha256": record.get("samples_sha256")}


def digest(record: dict) -> str:
    return hashlib.sha256(json.dumps(fingerprint(record), sort_keys=True).encode()).hexdigest()


def first_parting(base: dict, candidate: dict) -> str:
    """Where two runs' fingerprints first differ, in words."""
    base_print, candidate_print = fingerprint(base), fingerprint(candidate)
    for before, after in zip(base_print["history"], candidate_print["history"], strict=False):
        differing = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        if differing:
            key = differing[0]
            return f"step {before.get('step')}: {key} {before.get(key)!r} -> {after.get(key)!r}"
    if len(base_print["history"]) != len(candidate_print["history"]):
        return (f"log points: {len(base_print['history'])} -> {len(candidate_print['history'])}")
    for key in ("status", "metrics", "samples_sha256"):
        if base_print[key] != candidate_print[key]:
            return f"final {key}"
    return ""


def compare_runs(base: dict[str, dict], candidate: dict[str, dict]) -> list[dict]:
    """One row per run id: both digests (first 12 hex digits) and where the runs part, if they do."""
    rows = []
    for run_id in sorted(base.keys() | candidate.keys()):
        if run_id not in base or run_id not in candidate:
            rows.append({"run": run_id, "base": digest(base[run_id])[:12] if run_id in base else "absent",
                         "candidate": digest(candidate[run_id])[:12] if run_id in candidate else "absent",
                         "verdict": "NUMERICS CHANGED", "first difference": "run on one side only"})
            continue
        parting = first_parting(base[run_id], candidate[run_id])
        rows.append({"run": run_id, "base": digest(base[run_id])[:12],
                     "candidate": digest(candidate[run_id])[:12],
                     "verdict": "NUMERICS CHANGED" if parting else "identical",
                     "first difference": parting or "none"})
    return rows
