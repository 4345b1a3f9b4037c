"""Which injected changes the gate's statistical quality tier catches, from real training runs.

Trains a pool of SEEDS seeds of the gate's quality GAN (the `bench-quality` suite's 2-D GAN on
ring8, 1,000 steps) and of each injected change:

- ``gan-minimax``: the wrong generator loss (minimax for non-saturating);
- ``gan-lr-x0.3``: the learning rate times 0.3;
- ``gan-frozen-d``: the discriminator never updated (its optimiser's learning rate 0), the
  "discriminator steps per generator step 1 -> 0" bug.

Then, for each change, it draws DRAWS random pairs of K-seed subsets (the reference's and the
change's) and applies the tier's own test (gan_bench.bench.quality_test.compare_quality): the
detection rate is the fraction of draws with a WORSE verdict. The false-alarm rate compares two
K-seed subsets of the reference pool. (Subsets of one pool overlap, so the draws are not
independent gate runs; the rates are estimates of the tier's power at K seeds.)

    python benchmarks/quality_tier_power.py --out results/bench-quality-power --seeds 10 --k 5
"""

import argparse
import json
import random
from pathlib import Path

import pandas as pd
import torch

from baselines.gan_mlp import GanMlp
from gan_bench import registry
from gan_bench.bench.quality_test import compare_quality, recorded_number
from gan_bench.config import load_suite
from gan_bench.provenance import how_made
from gan_bench.records import read_records
from gan_bench.suite import run_suite

SUITE = """\
[suite]
description = "the quality tier's power: the gate's 2-D GAN and three injected changes, ring8"
metrics = ["modes", "frechet_data"]

[train]
steps = 1000
batch_size = 100
warmup_steps = 20
checkpoint_every_steps = 500
log_every_steps = 50
eval_samples = 2500

[[models]]
name = "gan"
model = "gan-mlp"

[[models]]
name = "gan-minimax"
model = "gan-mlp"
options = { generator_loss = "minimax" }

[[models]]
name = "gan-lr-x0.3"
model = "gan-mlp"
options = { learning_rate = 3e-5 }

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    suite_file = args.out / "quality-power.toml"
    suite_file.write_text(SUITE)
    registry.get_model("gan-mlp")
    if "gan-mlp-frozen-d" not in registry.MODELS:
        registry.register_model("gan-mlp-frozen-d", FrozenDiscriminatorGan)
    torch.set_num_threads(1)
    results = run_suite(load_suite(str(suite_file)), args.out, torch.device("cpu"), seeds=args.seeds)
    by_model: dict[str, dict] = {}
    for record in read_records(results):
        seed = record["run_id"].rsplit("__seed", 1)[1]
        # one row name for every variant, so that the tier compares like with like
        by_model.setdefault(record["config"]["model_name"], {})[f"gan__ring8__seed{seed}"] = record
    rng = random.Random(0)
    reference = by_model["gan"]
    rows = [{"change": "none (A/A: two subsets of the reference)", "seeds per side": args.k,
             "flagged WORSE": false_alarm_rate(reference, args.k, args.draws, rng)}]
    for name in ("gan-minimax", "gan-lr-x0.3", "gan-frozen-d"):
        rows.append({"change": name, "seeds per side": args.k,
                     "flagged WORSE": detection_rate(reference, by_model[name], args.k, args.draws, rng)})
    medians = pd.DataFrame([{"model": model, **{metric: pd.Series(
        [recorded_number(r["metrics"].get(metric)) for r in runs.values()], dtype=float).median()
        for metric in ("modes_captured", "high_quality_pct", "reverse_kl_nats", "frechet_data")}}
        for model, runs in by_model.items()])
    provenance = how_made({"seeds": args.seeds, "k": args.k, "draws": args.draws}, torch.device("cpu"))
    (args.out / "power.md").write_text(
        f"# The statistical quality tier's power\n\nMade by `{provenance['command']}` at commit "
        f"{provenance['git_commit']} on {provenance['hardware']['cpu_model']}; {args.seeds} seeds a "
        f"model, {args.draws} draws of {args.k} seeds a side; the tier's test: one-sided "
        f"Mann-Whitney U per metric, Holm, minimum effects (gan_bench/bench/quality_test.py).\n\n"
        + pd.DataFrame(rows).to_markdown(index=False, floatfmt=".3g")
        + "\n\nMedians over the pool's seeds:\n\n" + medians.to_markdown(index=False, floatfmt=".4g") + "\n")
    (args.out / "power.json").write_text(json.dumps({"rows": rows, **provenance}, indent=1, default=str))
    print((args.out / "power.md").read_text())


if __name__ == "__main__":
    main()
