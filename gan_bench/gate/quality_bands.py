"""The quality half of the gate: fixed-seed runs of a small suite checked against seed bands.

A seeded CPU run repeats bit for bit on one CPU model and moves within the spread over seeds on
another, so a band is measured, not guessed: each metric's values over ``band seeds`` (at least
MIN_BAND_SEEDS) runs of each row of the ``bench-quality`` suite give its mean and standard
deviation, and the band is mean ± BAND_SIGMAS standard deviations, widened to the observed range
where that is wider. The gate trains the suite's first ``gate seeds`` and fails a run whose
metric leaves its row's band, or which does not finish.
"""

import math
import re
import statistics
import tempfile
from pathlib import Path

import torch

from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.suite_runs import run_suite
from gan_bench.runtime.stop_signals import Stopped
from gan_bench.storage.records import read_records

QUALITY_SUITE = "bench-quality"
BAND_SIGMAS = 3.0
MIN_BAND_SEEDS = 5
SEED_SUFFIX = re.compile(r"__seed(\d+)$")
NOTHING_TO_RESUME = ("the quality runs trained in a temporary folder, now removed: nothing to "
                     "resume, a rerun trains them again")


def train_quality_runs(seeds: int, device: torch.device, jobs: int, log, only: str | None = None,
                       suite_name: str = QUALITY_SUITE) -> dict[str, dict]:
    """Train the quality suite's first ``seeds`` seeds (the runs whose id matches ``only``) in a
    scratch folder; run id -> status and metrics. At a stop signal, Stopped says that nothing is
    left to resume (the scratch folder is removed)."""
    suite = load_suite(suite_name)
    with tempfile.TemporaryDirectory(prefix="gan-bench-quality-") as root:
        try:
            results_dir = run_suite(suite, Path(root), device, seeds=seeds, log=log, jobs=jobs,
                                    only=only)
        except Stopped as stopped:  # its checkpoints go with the scratch folder: nothing resumes
            raise Stopped(stopped.signum, NOTHING_TO_RESUME) from None
        records = read_records(results_dir)
    return {r["run_id"]: {"status": r["status"], "metrics": r["metrics"]} for r in records}


def row_of(run_id: str) -> str:
    """MODEL__DATASET of a run id MODEL__DATASET__seedN."""
    return SEED_SUFFIX.sub("", run_id)


def seed_of(run_id: str) -> int:
    """N of a run id MODEL__DATASET__seedN."""
    return int(SEED_SUFFIX.search(run_id).group(1))


def _numeric(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def measure_bands(runs: dict[str, dict]) -> dict[str, dict[str, dict]]:
    """Row -> metric -> {mean, std, low, high, values} over the rows' finished runs."""
    by_row: dict[str, list[dict]] = {}
    for run_id, run in sorted(runs.items()):
        if run["status"] != "finished":
            raise GanBenchError(f"quality band run {run_id} {run['status']}; bands need finished runs")
        by_row.setdefault(row_of(run_id), []).append(run["metrics"])
    bands: dict[str, dict[str, dict]] = {}
    for row, metrics_list in by_row.items():
        if len(metrics_list) < MIN_BAND_SEEDS:
            raise GanBenchError(f"quality bands need at least {MIN_BAND_SEEDS} seeds per row; "
                                f"{row} has {len(metrics_list)}")
        bands[row] = {}
        for metric in sorted(metrics_list[0]):
            values = [m[metric] for m in metrics_list]
            if not all(_numeric(v) for v in values):
                continue
            mean, std = statistics.mean(values), statistics.stdev(values)
            bands[row][metric] = {
                "mean": mean, "std": std, "values": values,
                "low": min(mean - BAND_SIGMAS * std, min(values)),
                "high": max(mean + BAND_SIGMAS * std, max(values)),
            }
    return bands


def check_against_bands(runs: dict[str, dict], bands: dict[str, dict[str, dict]]) -> list[dict]:
    """One row per (run, metric): the value, its band and whether it is inside (``ok``)."""
    rows = []
    for run_id, run in sorted(runs.items()):
        row = row_of(run_id)
        if row not in bands:
            raise GanBenchError(f"the baseline has no quality band for {row}; measure bands with "
                                f"--band-seeds")
        if run["status"] != "finished":
            rows.append({"run": run_id, "metric": "status", "value": run["status"], "band": "finished",
                         "ok": False})
            continue
        for metric, band in sorted(bands[row].items()):
            value = run["metrics"].get(metric)
            ok = _numeric(value) and band["low"] <= value <= band["high"]
            rows.append({"run": run_id, "metric": metric, "value": value,
                         "band": f"[{band['low']:.4g}, {band['high']:.4g}]", "ok": ok})
    return rows
