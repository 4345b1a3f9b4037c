"""One ``gan-bench bench`` session: measure, train the quality runs, compare, save.

The baseline and ``--save`` files are JSON: the settings, each workload's figures, the invariant
values and minimums, the quality runs and bands, thresholds (default and per workload) and the
provenance of every result (command, git commit, hardware, library versions).
"""

import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from tqdm import tqdm

from gan_bench.config.only_filter import keep_matching
from gan_bench.errors import GanBenchError
from gan_bench.gate import quality_bands, speed_gate
from gan_bench.gate.format_files import print_table, read_format_file, write_format_file
from gan_bench.gate.interleaved import Prepared, measure
from gan_bench.gate.reference_workload import ReferenceWorkload
from gan_bench.gate.workloads import all_workloads
from gan_bench.runtime.provenance import how_made

FORMAT = "gan-bench-bench/1"
MIN_ROUNDS = 5


@dataclass(frozen=True)
class BenchOptions:
    device: str = "cpu"
    threads: int = 1
    only: str | None = None
    rounds: int = 10
    warmup_rounds: int = 2
    round_seconds: float = 0.15
    # None: the baseline's value under --compare, speed_gate's DEFAULT_THRESHOLD and
    # DEFAULT_INVARIANT_MINIMUMS under --save; a value given wins over the baseline's
    threshold: float | None = None
    thresholds: dict[str, float] = field(default_factory=dict)
    min_speedup_vs_straightforward: float | None = None
    min_fraction_of_matmul_peak: float | None = None
    speed: bool = True
    compile: bool = False
    suites: tuple[str, ...] = ()  # user suites whose models' steps are timed too
    quality: bool = True
    quality_only: str | None = None
    gate_seeds: int = 2
    band_seeds: int | None = None
    jobs: int = 1

    def invariant_minimums(self) -> dict[str, float]:
        """The minimums given to this run, by invariant name (those left None are absent)."""
        given = {"speedup_vs_straightforward": self.min_speedup_vs_straightforward,
                 "fraction_of_matmul_peak": self.min_fraction_of_matmul_peak}
        return {name: value for name, value in given.items() if value is not None}

    def __post_init__(self):
        if self.rounds < MIN_ROUNDS:
            raise GanBenchError(f"--rounds must be at least {MIN_ROUNDS}, got {self.rounds}")
        if (self.warmup_rounds < 0 or not 0 < self.round_seconds < 60 or self.threads < 1
                or self.jobs < 1):
            raise GanBenchError("--warmup-rounds must be >= 0, --round-seconds in (0, 60), "
                                "--threads and --jobs >= 1")
        given = [self.threshold] if self.threshold is not None else []
        if not all(valid_threshold(t) for t in [*given, *self.thresholds.values()]):
            raise GanBenchError("thresholds must be fractions in (0, 1): the largest tolerated fall "
                                "of a ratio (0.25 is 25%)")
        if not (self.speed or self.quality):
            raise GanBenchError("--no-speed and --no-quality leave nothing to do")
        if self.gate_seeds < 1:
            raise GanBenchError(f"--gate-seeds must be >= 1, got {self.gate_seeds}")
        if self.band_seeds is not None and self.band_seeds < quality_bands.MIN_BAND_SEEDS:
            raise GanBenchError(f"--band-seeds must be at least {quality_bands.MIN_BAND_SEEDS}, "
                                f"got {self.band_seeds}")


def valid_threshold(value) -> bool:
    """A ratio can fall by less than 100%: a threshold outside (0, 1), or not a number, would
    pass any slowdown."""
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1


def _positive_number(value) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            and value > 0)


def _band_ok(band) -> bool:
    low, high = (band.get("low"), band.get("high")) if isinstance(band, dict) else (None, None)
    return all(isinstance(v, int | float) and math.isfinite(v) for v in (low, high)) and low <= high


def baseline_problem(baseline: dict) -> str | None:
    """What is wrong with a baseline's fields, in words, or None: checked before measuring."""
    if not valid_threshold(baseline.get("threshold")):
        return f"threshold {baseline.get('threshold')!r} is not a fraction in (0, 1)"
    thresholds = baseline.get("thresholds", {})
    if not isinstance(thresholds, dict) or not all(valid_threshold(t) for t in thresholds.values()):
        return "thresholds must map workload names to fractions in (0, 1)"
    workloads = baseline.get("workloads")
    if not isinstance(workloads, dict) or not all(
            isinstance(w, dict) and _positive_number(w.get("ratio")) for w in workloads.values()):
        return "workloads must map workload names to figures with a positive ratio"
    minimums = baseline.get("invariant_minimums", {})
    if not isinstance(minimums, dict) or not all(_positive_number(m) for m in minimums.values()):
        return "invariant_minimums must map invariant names to positive numbers"
    quality = baseline.get("quality")
    if not isinstance(quality, dict) or not isinstance(quality.get("gate_seeds"), int) or quality[
            "gate_seeds"] < 1:
        return "quality must hold gate_seeds, a positive integer"
    bands = quality.get("bands", {})
    if not isinstance(bands, dict) or not all(
            isinstance(row, dict) and all(_band_ok(band) for band in row.values()) for row in bands.values()):
        return "quality bands must map rows to metrics with low <= high"
    return None


def measure_all(prepared: dict[str, Prepared], options: BenchOptions,
                device: torch.device) -> dict[str, dict]:
    """Each prepared workload timed against the reference workload, by name."""
    reference = ReferenceWorkload(device)
    return {name: measure(workload, reference, device, options.rounds, options.warmup_rounds,
                          options.round_seconds)
            for name, workload in tqdm(prepared.items(), desc="bench", unit="workload", disable=None,
                                       leave=False)}


def measure_invariants(prepared: dict[str, Prepared], current: dict[str, dict], options: BenchOptions,
                       device: torch.device) -> tuple[dict[str, float], dict[str, str]]:
    """Each invariant whose two workloads were selected, from timing them against each other in
    interleaved rounds; (values, details)."""
    values, details = {}, {}
    for name, (first, second) in speed_gate.INVARIANT_WORKLOADS.items():
        if first not in prepared or second not in prepared:
            continue
        a, b = prepared[first], prepared[second]
        pair = measure(a, b.run, device, options.rounds, options.warmup_rounds, options.round_seconds)
        values[name] = speed_gate.invariant_value(name, pair, current[first], current[second])
        if name == "fraction_of_matmul_peak":
            details[name] = (f"{pair['flops_per_s'] / 1e9:.1f} GFLOP/s achieved, "
                             f"{b.flops_per_call / pair['reference_seconds_per_call'] / 1e9:.1f} peak")
        else:
            details[name] = (f"{pair['units_per_s']:.4g} against "
                             f"{b.units_per_call / pair['reference_seconds_per_call']:.4g} {a.unit}/s")
    return values, details


def read_baseline(path: Path) -> dict:
    baseline = read_format_file(path, "baseline", FORMAT, "gan-bench bench --save")
    problem = baseline_problem(baseline)
    if problem is not None:
        raise GanBenchError(f"baseline {path}: {problem}")
    return baseline


def _require_something_to_compare(baseline: dict, workloads: list, options: BenchOptions) -> None:
    """A comparison that would check nothing is an error, before anything is measured."""
    speed_compared = any(w.name in baseline["workloads"] for w in workloads)
    invariants = any(all(name in {w.name for w in workloads} for name in pair)
                     for pair in speed_gate.INVARIANT_WORKLOADS.values())
    bands = baseline["quality"].get("bands", {})
    quality_compared = options.quality and any(metrics for metrics in bands.values())
    if not (speed_compared or invariants or quality_compared):
        raise GanBenchError("nothing to compare: no selected workload is in the baseline, no invariant's "
                            "two workloads are selected, and no quality band has a metric")


def run_bench(options: BenchOptions, device: torch.device, save: Path | None,
              compare: Path | None) -> int:
    """Exit status: 1 when a comparison with ``compare`` fails, else 0."""
    def log(message: str) -> None:
        tqdm.write(message, file=sys.stderr)

    baseline = read_baseline(compare) if compare is not None else None
    if baseline is not None and options.quality and "bands" not in baseline.get("quality", {}):
        raise GanBenchError(f"baseline {compare} has no quality bands; make it with --band-seeds N "
                            f"or pass --no-quality")
    workloads = []
    known = all_workloads(options.compile, options.suites)
    unknown = sorted(set(options.thresholds) - {w.name for w in known})
    if unknown:
        raise GanBenchError(f"--threshold-for names no workload: {', '.join(unknown)}; known: "
                            f"{', '.join(w.name for w in known)}")
    if options.speed:
        workloads = keep_matching(known, lambda w: w.name, options.only)
    if baseline is not None:
        _require_something_to_compare(baseline, workloads, options)
    torch.set_num_threads(options.threads)
    # built once: the invariants and any re-measurement time the same prepared workloads
    prepared = {workload.name: workload.build(device) for workload in workloads}
    current = measure_all(prepared, options, device)
    invariants = measure_invariants(prepared, current, options, device)
    quality_runs, bands = {}, None
    gate_seeds = baseline["quality"]["gate_seeds"] if baseline is not None else options.gate_seeds
    if options.quality:
        quality_runs = quality_bands.train_quality_runs(options.band_seeds or gate_seeds, device,
                                                        options.jobs, log, options.quality_only)
        if options.band_seeds is not None:
            bands = quality_bands.measure_bands(quality_runs)
        quality_runs = {run_id: run for run_id, run in quality_runs.items()
                        if quality_bands.seed_of(run_id) < gate_seeds}
    failed = False
    if baseline is not None:
        failed = _compare(current, invariants, quality_runs, baseline, options, device, prepared)
    elif current:
        print_table(f"workloads ({device}, {options.threads} thread(s))", [
            {"workload": name, "units/s": r["units_per_s"], "unit": r["unit"], "ratio": r["ratio"]}
            for name, r in current.items()])
        if invariants[0]:
            print_table("invariants (the two workloads timed against each other)", [
                {"invariant": name, "value": value, "detail": invariants[1][name]}
                for name, value in invariants[0].items()])
    if save is not None:
        _save(save, options, device, current, invariants[0], quality_runs, bands, gate_seeds)
        print(f"\nsaved: {save}")
    return 1 if failed else 0


def _compare(current, invariants, quality_runs, baseline, options, device, prepared) -> bool:
    """Print the verdict tables; True when something failed (after one re-measurement)."""
    thresholds = {**baseline.get("thresholds", {}), **options.thresholds}
    threshold = (options.threshold if options.threshold is not None
                 else baseline.get("threshold", speed_gate.DEFAULT_THRESHOLD))
    minimums = {**baseline.get("invariant_minimums", {}), **options.invariant_minimums()}

    def speed_verdicts():
        return speed_gate.compare_speed(current, baseline["workloads"], threshold, thresholds)

    speed_rows = speed_verdicts()
    invariant_rows = speed_gate.check_invariants(*invariants, minimums)
    again = speed_gate.workloads_to_remeasure(speed_rows)
    if again:
        print(f"measuring again before the verdict: {', '.join(again)}", file=sys.stderr)
        current.update(measure_all({name: prepared[name] for name in again}, options, device))
        speed_rows = speed_verdicts()
    if any(row["verdict"] != "ok" for row in invariant_rows):
        print("measuring the invariants again before the verdict", file=sys.stderr)
        invariants = measure_invariants(prepared, current, options, device)
        invariant_rows = speed_gate.check_invariants(*invariants, minimums)
    for row in speed_rows:
        row["measured twice"] = row["workload"] in again
    if speed_rows:
        print_table(f"speed against {baseline['device']} baseline (ratio: units per reference call; "
                     f"gated on the ratio, never on units/s)", speed_rows)
    failed = any(row["verdict"] == "REGRESSION" for row in speed_rows)
    if invariant_rows:
        print_table("invariants (the two workloads timed against each other)", invariant_rows)
        failed |= any(row["verdict"] != "ok" for row in invariant_rows)
    if options.quality:
        quality_rows = quality_bands.check_against_bands(quality_runs, baseline["quality"]["bands"])
        print_table("quality against the baseline's seed bands", quality_rows)
        failed |= not all(row["ok"] for row in quality_rows)
    regressed = [row["workload"] for row in speed_rows if row["verdict"] == "REGRESSION"]
    print("\nverdict: " + ("FAILED" + (f" (slower: {', '.join(regressed)})" if regressed else "")
                           if failed else "passed"))
    return failed


def _save(path: Path, options: BenchOptions, device: torch.device, current, invariant_values,
          quality_runs, bands, gate_seeds: int) -> None:
    report = {
        "format": FORMAT,
        "device": device.type,
        "threads": options.threads,
        "threshold": speed_gate.DEFAULT_THRESHOLD if options.threshold is None else options.threshold,
        "thresholds": options.thresholds,
        "invariant_minimums": {**speed_gate.DEFAULT_INVARIANT_MINIMUMS, **options.invariant_minimums()},
        "invariant_values": invariant_values,
        "workloads": current,
        "quality": {"suite": quality_bands.QUALITY_SUITE, "gate_seeds": gate_seeds,
                    "runs": quality_runs, **({"bands": bands} if bands is not None else {})},
        **how_made(asdict(options), device),
    }
    write_format_file(path, report)
