"""``gan-bench bench --against REV``: the A/B gate of the working tree against a commit.

1. Speed: both trees timed in alternating fresh processes (gan_bench.gate.ab_runs), each workload
   judged by gan_bench.gate.ab_statistics with the minimum effects of an A/A calibration
   (gan_bench.gate.ab_noise) where one is given.
2. Work: the deterministic counts of each workload compared for equality
   (gan_bench.gate.work_counts).
3. Quality: the exact tier (gan_bench.gate.quality_exact); only when the numerics changed, the
   statistical tier (gan_bench.gate.quality_test) on more seeds.
4. With ``--history FILE``, the run appended to a JSON-lines history (gan_bench.gate.history).

Exit 1 on a significant slowdown, more work, or worse quality; the tables say which.
"""

import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import torch

from gan_bench.errors import GanBenchError
from gan_bench.gate import ab_noise, history, instruction_counts, quality_exact, quality_test, speed_gate
from gan_bench.gate.ab_runs import AbOptions, Side, comparable_rounds, measure_pairs
from gan_bench.gate.ab_statistics import judge, process_medians
from gan_bench.gate.format_files import print_table, read_format_file
from gan_bench.gate.git_trees import checked_out, commit_of, git, working_tree
from gan_bench.gate.work_counts import compare_counts
from gan_bench.runtime.provenance import PROJECT_ROOT

QUALITY_SUITE_FILE = PROJECT_ROOT / "gan_bench" / "suites" / "bench-quality.toml"  # the exact tier's
STATISTICAL_SUITE_FILE = PROJECT_ROOT / "gan_bench" / "suites" / "bench-quality-statistical.toml"
FAILING = {"SLOWER", "MORE WORK", "MORE MEMORY", "MORE INSTRUCTIONS", "NUMERICS CHANGED", "WORSE", "FAILED"}


@dataclass(frozen=True)
class GateOptions:
    timing: AbOptions
    speed: bool = True
    instructions: bool = True  # the callgrind tier, where valgrind is installed
    quality: bool = True
    quality_seeds: int = 5  # the statistical tier's seeds per side
    jobs: int = 1
    noise_file: Path | None = None
    history_file: Path | None = None
    invariant_minimums: dict[str, float] = field(default_factory=dict)  # over the defaults

    def __post_init__(self):
        if not (self.speed or self.quality):
            raise GanBenchError("--no-speed and --no-quality leave nothing to do")
        if self.quality_seeds < 3:
            raise GanBenchError(f"--quality-seeds must be at least 3, got {self.quality_seeds}")


def read_noise(path: Path) -> dict:
    return read_format_file(path, "noise", ab_noise.FORMAT,
                            "gan-bench bench --calibrate --noise FILE")


def speed_rows(base: Side, candidate: Side, noise: dict | None, pairs: int) -> list[dict]:
    """The verdict table, with each workload's minimum effect and detectable change taken from
    its calibrated noise at this run's number of processes per side."""
    sigmas = {name: entry["sigma_log"] for name, entry in (noise or {}).get("workloads", {}).items()}
    min_effects = {name: ab_noise.minimum_effect(sigma, pairs) for name, sigma in sigmas.items()}
    base_rounds, candidate_rounds, notices = comparable_rounds(base, candidate)
    for notice in notices:
        print(notice, file=sys.stderr)
    rows = judge(base_rounds, candidate_rounds, min_effects)
    for row in rows:
        if row["workload"] in sigmas:
            row["detectable %"] = 100 * ab_noise.detectable_change(sigmas[row["workload"]], pairs, len(rows))
    return rows


def shallow_without(revision: str, tree: Path) -> bool:
    """Whether ``tree`` is a shallow clone that lacks ``revision`` (a CI checkout of depth 1)."""
    try:
        commit_of(revision, tree)
        return False
    except GanBenchError:
        return git("rev-parse", "--is-shallow-repository", cwd=tree) == "true"


def candidate_invariants(options: GateOptions) -> list[dict]:
    """The invariants (gan_bench.gate.speed_gate) whose workloads ``--only`` selects, measured in
    this process, whose code is the candidate's: one workload timed against the other."""
    from gan_bench.gate.session import BenchOptions, measure_all, measure_invariants
    from gan_bench.gate.workloads import all_workloads

    timing = options.timing
    needed = {name for pair in speed_gate.INVARIANT_WORKLOADS.values() for name in pair}
    chosen = [w for w in all_workloads() if w.name in needed and (timing.only is None
                                                                  or re.search(timing.only, w.name))]
    if not chosen:
        return []
    device = torch.device(timing.device)
    torch.set_num_threads(timing.threads)
    bench_options = BenchOptions(device=timing.device, threads=timing.threads, quality=False)
    prepared = {workload.name: workload.build(device) for workload in chosen}
    values = measure_invariants(prepared, measure_all(prepared, bench_options, device), bench_options, device)
    return speed_gate.check_invariants(*values, {**speed_gate.DEFAULT_INVARIANT_MINIMUMS,
                                                 **options.invariant_minimums})


def instruction_tier(base_tree: Path, candidate_tree: Path, options: GateOptions) -> list[tuple[str, list]]:
    """The instruction counts' table (gan_bench.gate.instruction_counts), or a one-line notice."""
    if not options.instructions:
        return []
    from gan_bench.gate.workloads import all_workloads

    patterns = instruction_counts.selection(options.timing.only)
    if not any(all(re.search(pattern, w.name) for pattern in patterns) for w in all_workloads()):
        return []  # --only selects none of the small workloads
    missing = instruction_counts.valgrind_missing()
    if missing is not None:
        print(f"instruction counts skipped: {missing}", file=sys.stderr)
        return []
    counts = instruction_counts.count_both(base_tree, candidate_tree, options.timing.only)
    return [(f"instructions per call (callgrind, {instruction_counts.CALLS} calls; the small workloads; "
             f"gated at +{100 * instruction_counts.MAX_INCREASE:.0f}%)",
             instruction_counts.compare_instructions(*counts))]


def quality_tiers(base_tree: Path, candidate_tree: Path,
                  options: GateOptions) -> list[tuple[str, list[dict]]]:
    """The exact tier's table, and the statistical tier's when the numerics changed."""
    def train_both(suite_file: Path, seeds: int) -> tuple[dict[str, dict], dict[str, dict]]:
        # both sides at once: each run is one thread and bit-identical however busy the cores are
        with ThreadPoolExecutor(max_workers=2) as pool:
            base, candidate = (pool.submit(quality_exact.train_tree, tree, suite_file, seeds, options.jobs)
                               for tree in (base_tree, candidate_tree))
            return base.result(), candidate.result()

    exact = quality_exact.compare_runs(*train_both(QUALITY_SUITE_FILE, 1))
    tables = [("quality, exact tier (seed 0 of each row, losses at every log point, metrics, samples)",
               exact)]
    if all(row["verdict"] == "identical" for row in exact):
        print("\nnumerics identical: the statistical quality tier is skipped", file=sys.stderr)
        return tables
    seeds = options.quality_seeds
    print(f"\nnumerics changed: training {seeds} seeds of each side for the statistical tier",
          file=sys.stderr)
    statistical = quality_test.compare_quality(*train_both(STATISTICAL_SUITE_FILE, seeds))
    for row in exact:  # a changed trajectory is expected here; the statistical tier judges it
        row["verdict"] = row["verdict"].lower()
    return [*tables, (f"quality, statistical tier ({seeds} seeds per side, one-sided Mann-Whitney, Holm)",
                      statistical)]


def run_against(revision: str, options: GateOptions, candidate_tree: Path | None = None) -> int:
    """Exit status: 1 when the candidate (the working tree, or ``candidate_tree``) is slower, does
    more work or trains worse than ``revision``."""
    tree = working_tree() if candidate_tree is None else candidate_tree
    noise = read_noise(options.noise_file) if options.noise_file is not None else None
    if shallow_without(revision, tree):
        print(f"gan-bench: {revision} is not in this shallow clone: the A/B gate and the quality "
              f"tiers are skipped, the invariants still run (fetch more history to compare)",
              file=sys.stderr)
        rows = candidate_invariants(options) if options.speed else []
        if rows:
            print_table("invariants (the two workloads timed against each other, in this process)", rows)
        return 1 if any(row["verdict"] == "FAILED" for row in rows) else 0
    base_commit = commit_of(revision, tree)
    tables = []
    with checked_out(base_commit, tree) as base_tree:
        if options.speed:
            base, candidate = measure_pairs(base_tree, tree, options.timing)
            speed = speed_rows(base, candidate, noise, options.timing.pairs)
            clock = "CPU" if options.timing.device == "cpu" else "wall"
            tables.append((f"speed: {options.timing.pairs} processes per side, alternating; change "
                           f"of the {clock} time per call (+ is slower), Mann-Whitney U on process "
                           f"medians, Holm over workloads",
                           speed))
            tables.append(("work per call (exact figures: the first process of each side; the peak: "
                           "every process, gated when the sides separate)",
                           compare_counts(base.counts(), candidate.counts(), base.peaks(),
                                          candidate.peaks())))
            tables += instruction_tier(base_tree, tree, options)
            if tree.resolve() == PROJECT_ROOT.resolve():
                tables.append(("invariants (the candidate's two workloads timed against each other, "
                               "in this process)", candidate_invariants(options)))
            else:
                print(f"the invariants are measured only when the candidate is the running "
                      f"gan-bench ({PROJECT_ROOT}); skipped for {tree}", file=sys.stderr)
            if options.history_file is not None:
                history.append(options.history_file, base_commit, tree, speed,
                               {name: process_medians(rounds) for name, rounds in candidate.rounds().items()})
        if options.quality:
            tables += quality_tiers(base_tree, tree, options)
    for title, rows in tables:
        if rows:
            print_table(title, rows)
    failed = sorted({f"{row.get('workload') or row.get('run') or row.get('row') or row.get('invariant')}: "
                     f"{row['verdict']}"
                     for _, rows in tables for row in rows if row["verdict"] in FAILING})
    print(f"\nverdict against {revision} ({base_commit[:12]}): "
          + (f"FAILED ({'; '.join(failed)})" if failed else "passed"))
    return 1 if failed else 0
