"""How often the GAN paper's MNIST model collapses, from the records of the `mnist-collapse` suite.

    python benchmarks/collapse_rate.py --results results

For each variant (model of the suite): the runs recorded; those whose discriminator won by the
rule of gan_bench/metrics/collapse.py (``collapsed_at_step`` in the record) and those censored at the
horizon (below the rule's threshold at the end, for less than its span; from the record's history);
the collapse rate with its exact (Clopper-Pearson) 95% binomial confidence interval from scipy,
without and with the censored runs; the epochs at which the collapses began (500 steps an epoch at
batch 100); and, apart from the game, the runs whose samples dropped modes: fewer than
``N_CLASSES`` classes covered by the classifier (``classes_covered``). Writes
results/mnist-collapse/collapse_rate.md and collapse_rate.json (with provenance).
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import torch
from scipy.stats import binomtest

from gan_bench.metrics.collapse import COLLAPSE_D_FAKE, COLLAPSE_HOLD_STEPS, censored_at_step
from gan_bench.runtime.provenance import how_made
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable, read_records

SUITE = "mnist-collapse"
CONFIDENCE = 0.95
N_CLASSES = 10


def collapse_rates(records: list[dict]) -> pd.DataFrame:
    rows = []
    for model in sorted({r["config"]["model_name"] for r in records}):
        runs = sorted((r for r in records if r["config"]["model_name"] == model),
                      key=lambda r: r["config"]["seed"])
        collapsed = [r for r in runs if r.get("collapsed_at_step") is not None]
        censored = {r["config"]["seed"]: step for r in runs if r.get("collapsed_at_step") is None
                    and (step := censored_at_step(r.get("history", []))) is not None}
        interval = binomtest(len(collapsed), len(runs)).proportion_ci(CONFIDENCE, method="exact")
        with_censored = binomtest(len(collapsed) + len(censored), len(runs)).proportion_ci(
            CONFIDENCE, method="exact")
        steps_per_epoch = runs[0]["config"]["model_options"].get("steps_per_epoch", 500)
        epochs = [r["collapsed_at_step"] / steps_per_epoch for r in collapsed]
        dropped = {r["config"]["seed"]: r["metrics"]["classes_covered"] for r in runs
                   if r["metrics"].get("classes_covered", N_CLASSES) < N_CLASSES}
        rows.append({"model": model, "runs": len(runs), "collapsed": len(collapsed),
                     "rate": len(collapsed) / len(runs), "ci_low": interval.low,
                     "ci_high": interval.high, "censored": len(censored),
                     "rate_with_censored": (len(collapsed) + len(censored)) / len(runs),
                     "ci_low_with_censored": with_censored.low,
                     "ci_high_with_censored": with_censored.high,
                     "seeds": ",".join(str(r["config"]["seed"]) for r in runs),
                     "collapse_epochs": ", ".join(f"{e:.1f}" for e in epochs),
                     "median_collapse_epoch": float(pd.Series(epochs).median()) if epochs else None,
                     "censored_seed_epochs": ", ".join(f"{seed}: {step / steps_per_epoch:.1f}"
                                                       for seed, step in censored.items()),
                     "modes_dropped": len(dropped),
                     "classes_covered_seeds": ", ".join(f"{seed}: {n}" for seed, n in dropped.items())})
    return pd.DataFrame(rows)


def interval_text(rate, low, high) -> list[str]:
    return [f"{r:.2f} [{lo:.2f}, {hi:.2f}]" for r, lo, hi in zip(rate, low, high, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    args = parser.parse_args()
    results_dir = args.results / SUITE
    table = collapse_rates(read_records(results_dir))
    shown = table.assign(
        rate=interval_text(table["rate"], table["ci_low"], table["ci_high"]),
        rate_with_censored=interval_text(table["rate_with_censored"], table["ci_low_with_censored"],
                                         table["ci_high_with_censored"]),
    ).drop(columns=["ci_low", "ci_high", "ci_low_with_censored", "ci_high_with_censored"])
    atomic_write_bytes(results_dir / "collapse_rate.md", (
        "# Collapse rate of the GAN paper's MNIST model in its first 10 epochs\n\n"
        f"*Collapsed* (the discriminator wins): D(G(z)) (the batch mean at each log point) stayed "
        f"below {COLLAPSE_D_FAKE} to the end of the run for at least {COLLAPSE_HOLD_STEPS} steps "
        f"(gan_bench/metrics/collapse.py); epochs at which the collapses began. *Censored*: below "
        f"{COLLAPSE_D_FAKE} at the end of the run, but for fewer than {COLLAPSE_HOLD_STEPS} steps "
        "(seed: epoch the last stretch began), so the rule cannot tell; the rate is given without "
        f"and with them. Rates with their exact {CONFIDENCE:.0%} binomial confidence intervals "
        "(Clopper-Pearson). *Modes dropped*, a separate question: runs whose samples cover fewer "
        f"than {N_CLASSES} classes by the classifier (seed: classes_covered). Written by "
        "`python benchmarks/collapse_rate.py` from runs.jsonl.\n\n"
        + shown.to_markdown(index=False) + "\n").encode())
    atomic_write_bytes(results_dir / "collapse_rate.json", json.dumps(jsonable({
        "rows": table.to_dict("records"),
        **how_made({"suite": SUITE, "confidence": CONFIDENCE, "collapse_d_fake": COLLAPSE_D_FAKE,
                    "collapse_hold_steps": COLLAPSE_HOLD_STEPS, "n_classes": N_CLASSES},
                   torch.device("cpu"))}),
        indent=1, sort_keys=True).encode())
    print(shown.to_markdown(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
