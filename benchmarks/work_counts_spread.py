"""The deterministic tier's spread: the exact work counts of every workload in fresh processes.

Runs the A/B worker (gan_bench/gate/ab_worker.py) on this checkout RUNS times, each a fresh
process taking the counts of one call of every workload (FLOPs, operator calls, bytes allocated,
peak live bytes), and writes how many distinct values each figure took: 1 everywhere means the
tier can gate on exact equality.

    python benchmarks/work_counts_spread.py --out results/bench-gate/work-counts-spread.md --runs 5
"""

import argparse
from pathlib import Path

import pandas as pd
import torch

from gan_bench.gate.ab_runs import AbOptions, run_worker
from gan_bench.gate.work_counts import SHOWN, totals
from gan_bench.runtime.provenance import PROJECT_ROOT, how_made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    options = AbOptions(rounds=1, warmup_rounds=0, round_seconds=0.01)
    runs = [run_worker(PROJECT_ROOT, options, flops=True, label=f"run {i}")["counts"]
            for i in range(args.runs)]
    rows = []
    for name in runs[0]:
        per_run = [totals(run[name]) for run in runs]
        rows.append({"workload": name, **{f"{figure} (run 1)": per_run[0][figure] for figure in SHOWN},
                     **{f"distinct {figure}": len({t[figure] for t in per_run}) for figure in SHOWN},
                     "distinct operator tables": len({tuple(sorted(run[name]["operators"].items()))
                                                      for run in runs})})
    made = how_made({"runs": args.runs}, torch.device("cpu"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# Exact work counts over {args.runs} fresh processes\n\nMade by `{made['command']}` at commit "
        f"{made['git_commit']} (dirty: {made['git_dirty']}) on {made['hardware']['cpu_model']}, torch "
        f"{made['libraries']['torch']}.\n\n" + pd.DataFrame(rows).to_markdown(index=False) + "\n")
    print(args.out.read_text())


if __name__ == "__main__":
    main()
