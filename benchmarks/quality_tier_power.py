"""Which injected changes the gate's statistical quality tier catches, from real training runs.

Trains a pool of SEEDS seeds of the statistical tier's GAN (the `bench-quality-statistical`
suite's 2-D GAN on ring8) for STEPS steps, and of each injected change, scoring the tier's metrics
on the way every CURVE_EVERY steps, so that one pool gives the tier's power at every budget:

- ``gan-minimax``: the wrong generator loss (minimax for non-saturating);
- ``gan-lr-x0.3``: the learning rate times 0.3;
- ``gan-frozen-d``: the discriminator never updated (its optimiser's learning rate 0), the
  "discriminator steps per generator step 1 -> 0" bug.

Then, for each budget and each K of ``--k``, and for each change, it draws DRAWS random pairs of
K-seed subsets (the reference's and the change's) and applies the tier's own test
(gan_bench.gate.quality_test.compare_quality) to the metrics at that budget: the detection rate
is the fraction of draws with a WORSE verdict. The false-alarm rate compares two K-seed subsets of
the reference pool. (Subsets of one pool overlap, so the draws are not independent gate runs; the
rates are estimates of the tier's power at K seeds.)

    python benchmarks/quality_tier_power.py --out results/bench-quality-power --seeds 5 --k 3,4,5 \
        --only '^gan(-minimax)?__'

Two invocations on the same folder at once share the runs (each claims the next unstarted run);
run it once more when both have ended, to tabulate the complete pool.
"""

import argparse
import json
import random
from pathlib import Path

import pandas as pd
import torch

from gan_bench import lookup, registry
from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.config.suite import load_suite
from gan_bench.gate.quality_test import compare_quality, recorded_number
from gan_bench.runs.suite_runs import run_suite
from gan_bench.runtime.provenance import how_made
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import read_records

STEPS = 3000
CURVE_EVERY = 500
SUITE = f"""\
[suite]
description = "the quality tier's power: the tier's 2-D GAN and three injected changes, ring8"
metrics = ["modes", "frechet_data"]
curve_metrics = ["modes", "frechet_data"]

[train]
steps = {STEPS}
batch_size = 100
warmup_steps = 20
checkpoint_every_steps = 1000
log_every_steps = 50
eval_samples = 2500
curve_every_steps = {CURVE_EVERY}
curve_samples = 2500

[[models]]
name = "gan"
model = "gan-mlp"

[[models]]
name = "gan-minimax"
model = "gan-mlp"
options = {{ generator_loss = "minimax" }}

[[models]]
name = "gan-lr-x0.3"
model = "gan-mlp"
options = {{ learning_rate = 3e-5 }}

[[models]]
name = "gan-frozen-d"
model = "gan-mlp-frozen-d"

[[datasets]]
name = "ring8"
"""


class FrozenDiscriminatorGan(GanMlp):
    """The reference 2-D GAN whose discriminator is never updated."""

    def __init__(self, options, dataset, device):
        super().__init__(options, dataset, device)
        for group in self.optimizers["discriminator"].param_groups:
            group["lr"] = 0.0


METRICS = ("modes_captured", "high_quality_pct", "reverse_kl_nats", "frechet_data")


def at_budget(record: dict, step: int) -> dict:
    """The record as the tier would see a run of ``step`` steps: its curve metrics at that step."""
    point = next(entry for entry in record["history"] if entry["step"] == step and "modes_captured" in entry)
    return {"status": record["status"], "metrics": {metric: point.get(metric) for metric in METRICS}}


def detection_rate(reference: dict, changed: dict, k: int, draws: int, rng: random.Random) -> float:
    ids_ref, ids_changed = sorted(reference), sorted(changed)
    hits = 0
    for _ in range(draws):
        base = {i: reference[i] for i in rng.sample(ids_ref, k)}
        candidate = {i: changed[i] for i in rng.sample(ids_changed, k)}
        hits += any(row["verdict"] == "WORSE" for row in compare_quality(base, candidate))
    return hits / draws


def false_alarm_rate(reference: dict, k: int, draws: int, rng: random.Random) -> float:
    """Two K-seed subsets of the reference drawn independently (disjoint where the pool holds
    2 K seeds; with fewer they share seeds, which makes an alarm rarer than between fresh runs)."""
    ids = sorted(reference)
    alarms = 0
    for _ in range(draws):
        if len(ids) >= 2 * k:
            shuffled = rng.sample(ids, 2 * k)
            first, second = shuffled[:k], shuffled[k:]
        else:
            first, second = rng.sample(ids, k), rng.sample(ids, k)
        base = {i: reference[i] for i in first}
        # the candidate's run ids must name the same row as the base's
        candidate = {i: reference[j] for i, j in zip(first, second, strict=True)}
        alarms += any(row["verdict"] == "WORSE" for row in compare_quality(base, candidate))
    return alarms / draws


CHANGES = ("gan-minimax", "gan-lr-x0.3", "gan-frozen-d")


def power_rows(by_model: dict[str, dict], budget: int, k: int, draws: int, rng: random.Random) -> dict:
    """Each change's detection rate and the A/A false-alarm rate at ``budget`` steps and ``k``
    seeds a side, for the changes in the pool."""
    seen = {model: {run_id: at_budget(record, budget) for run_id, record in runs.items()}
            for model, runs in by_model.items()}
    return {"steps": budget, "seeds per side": k,
            "A/A false alarms": false_alarm_rate(seen["gan"], k, draws, rng),
            **{name: detection_rate(seen["gan"], seen[name], k, draws, rng)
               for name in CHANGES if name in seen}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--k", default="3,4,5", help="seeds per side to evaluate, comma-separated")
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--only", default=None, metavar="REGEX",
                        help="train only the runs whose id matches (e.g. '^gan(-minimax)?__'); the "
                             "table covers the changes trained")
    args = parser.parse_args()
    ks = [int(k) for k in args.k.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)
    suite_file = args.out / "quality-power.toml"
    atomic_write_bytes(suite_file, SUITE.encode())
    lookup.get_model("gan-mlp")
    if "gan-mlp-frozen-d" not in registry.MODELS:
        registry.register_model("gan-mlp-frozen-d", FrozenDiscriminatorGan)
    torch.set_num_threads(1)
    results = run_suite(load_suite(str(suite_file)), args.out, torch.device("cpu"), seeds=args.seeds,
                        only=args.only)
    by_model: dict[str, dict] = {}
    for record in read_records(results):
        seed = record["run_id"].rsplit("__seed", 1)[1]
        # one row name for every variant, so that the tier compares like with like
        by_model.setdefault(record["config"]["model_name"], {})[f"gan__ring8__seed{seed}"] = record
    rng = random.Random(0)
    rows = [power_rows(by_model, budget, k, args.draws, rng)
            for budget in range(CURVE_EVERY * 2, STEPS + 1, CURVE_EVERY) for k in ks]
    medians = pd.DataFrame([{"model": model, "steps": budget, **{metric: pd.Series(
        [recorded_number(at_budget(r, budget)["metrics"].get(metric)) for r in runs.values()],
        dtype=float).median() for metric in METRICS}}
        for model, runs in by_model.items() for budget in (1000, STEPS)])
    provenance = how_made({"seeds": args.seeds, "k": ks, "draws": args.draws, "steps": STEPS},
                          torch.device("cpu"))
    markdown = (
        f"# The statistical quality tier's power\n\nMade by `{provenance['command']}` at commit "
        f"{provenance['git_commit']} on {provenance['hardware']['cpu_model']}; {args.seeds} seeds a "
        f"model trained {STEPS} steps, the metrics at each budget scored on the way; {args.draws} draws "
        f"of K seeds a side; the tier's test: one-sided Mann-Whitney U per metric, Holm, minimum "
        f"effects (gan_bench/gate/quality_test.py). Each cell: the share of draws flagged WORSE.\n\n"
        + pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g")
        + "\n\nMedians over the pool's seeds:\n\n" + medians.to_markdown(index=False, floatfmt=".4g") + "\n")
    atomic_write_bytes(args.out / "power.md", markdown.encode())
    atomic_write_bytes(args.out / "power.json",
                       json.dumps({"rows": rows, **provenance}, indent=1, default=str).encode())
    print(markdown)


if __name__ == "__main__":
    main()
