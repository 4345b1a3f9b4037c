"""How often the GAN paper's MNIST model collapses, from the records of the `mnist-collapse` suite.

    python benchmarks/collapse_rate.py --results results

For each variant (model of the suite): the runs recorded, those that collapsed by the rule of
gan_bench/collapse.py (``collapsed_at_step`` in the record), the collapse rate with its exact
(Clopper-Pearson) 95% binomial confidence interval from scipy, and the epochs at which the
collapses began (500 steps an epoch at batch 100). Writes results/mnist-collapse/collapse_rate.md
and collapse_rate.json (with provenance).
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import torch
from scipy.stats import binomtest

from gan_bench.atomic_files import atomic_write_bytes
from gan_bench.collapse import COLLAPSE_D_FAKE, COLLAPSE_HOLD_STEPS
from gan_bench.provenance import how_made
from gan_bench.records import jsonable, read_records

SUITE = "mnist-collapse"
CONFIDENCE = 0.95


def collapse_rates(records: list[dict]) -> pd.DataFrame:
    rows = []
    for model in sorted({r["config"]["model_name"] for r in records}):
        runs = sorted((r for r in records if r["config"]["model_name"] == model),
                      key=lambda r: r["config"]["seed"])
        collapsed = [r for r in runs if r.get("collapsed_at_step") is not None]
        interval = binomtest(len(collapsed), len(runs)).proportion_ci(CONFIDENCE, method="exact")
        steps_per_epoch = runs[0]["config"]["model_options"].get("steps_per_epoch", 500)
        epochs = [r["collapsed_at_step"] / steps_per_epoch for r in collapsed]
        rows.append({"model": model, "runs": len(runs), "collapsed": len(collapsed),
                     "rate": len(collapsed) / len(runs), "ci_low": interval.low,
                     "ci_high": interval.high, "seeds": ",".join(str(r["config"]["seed"]) for r in runs),
                     "collapse_epochs": ", ".join(f"{e:.1f}" for e in epochs),
                     "median_collapse_epoch": float(pd.Series(epochs).median()) if epochs else None})
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    args = parser.parse_args()
    results_dir = args.results / SUITE
    table = collapse_rates(read_records(results_dir))
    shown = table.assign(rate=[f"{r:.2f} [{lo:.2f}, {hi:.2f}]" for r, lo, hi in
                               zip(table["rate"], table["ci_low"], table["ci_high"], strict=True)]
                         ).drop(columns=["ci_low", "ci_high"])
    atomic_write_bytes(results_dir / "collapse_rate.md", (
        "# Collapse rate of the GAN paper's MNIST model in its first 10 epochs\n\n"
        f"A run collapsed where D(G(z)) (the batch mean at each log point) stayed below "
        f"{COLLAPSE_D_FAKE} to the end of the run for at least {COLLAPSE_HOLD_STEPS} steps "
        f"(gan_bench/collapse.py). Rate with its exact {CONFIDENCE:.0%} binomial confidence "
        "interval (Clopper-Pearson); epochs at which the collapses began. Written by "
        "`python benchmarks/collapse_rate.py` from runs.jsonl.\n\n"
        + shown.to_markdown(index=False) + "\n").encode())
    atomic_write_bytes(results_dir / "collapse_rate.json", json.dumps(jsonable({
        "rows": table.to_dict("records"),
        **how_made({"suite": SUITE, "confidence": CONFIDENCE, "collapse_d_fake": COLLAPSE_D_FAKE,
                    "collapse_hold_steps": COLLAPSE_HOLD_STEPS}, torch.device("cpu"))}),
        indent=1, sort_keys=True).encode())
    print(shown.to_markdown(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
