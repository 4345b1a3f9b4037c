"""The JSD estimator's bias and spread on samples of p_data itself, whose JSD is exactly 0.

    python benchmarks/jsd_p_data_bias.py [--seeds 12] [--counts 2500 5000 10000]
        [--bootstrap-seeds 3] [--out results/theory/jsd_p_data_bias.json]

For ring8 and grid25 and each sample count N: the JSD estimate (gan_bench/metrics/theory.py) on
``--seeds`` independent draws of N points from p_data (seeds 100, 101, ...), with their minimum,
maximum, mean and standard deviation over the draws and the mean Monte Carlo standard error. At
the first count, the bootstrap standard error of the first ``--bootstrap-seeds`` draws beside
them: it should match the spread over draws, which the Monte Carlo error alone does not. Prints a
table and writes it with every estimate and its provenance to ``--out``. One thread.
"""

import argparse
import json
import sys
from pathlib import Path

import pandas as pd
import torch

from gan_bench.data.mixtures import Grid25, Ring8
from gan_bench.metrics.theory import GeneratorDensity, jsd_bootstrap_stderr, jsd_estimate
from gan_bench.runtime.provenance import how_made
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable

CPU = torch.device("cpu")
FIRST_SEED = 100


def estimates(dataset, n_samples: int, seeds: int, bootstrap_seeds: int) -> list[dict]:
    rows = []
    for seed in range(FIRST_SEED, FIRST_SEED + seeds):
        density = GeneratorDensity.from_samples(dataset, dataset.held_out(n_samples, seed))
        jsd, mc_stderr = jsd_estimate(density)
        bootstrap_stderr = (jsd_bootstrap_stderr(density) if seed < FIRST_SEED + bootstrap_seeds
                            else None)
        rows.append({"dataset": dataset.name, "n_samples": n_samples, "seed": seed, "jsd_nats": jsd,
                     "mc_stderr_nats": mc_stderr, "bootstrap_stderr_nats": bootstrap_stderr})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--counts", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--bootstrap-seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("results/theory/jsd_p_data_bias.json"))
    args = parser.parse_args()
    if args.seeds < 2 or min(args.counts) < 20 or not 0 <= args.bootstrap_seeds <= args.seeds:
        parser.error("need --seeds >= 2, --counts >= 20 and 0 <= --bootstrap-seeds <= --seeds")
    torch.set_num_threads(1)
    rows = [row for dataset in (Ring8(), Grid25()) for n in args.counts
            for row in estimates(dataset, n, args.seeds,
                                 args.bootstrap_seeds if n == args.counts[0] else 0)]
    table = pd.DataFrame(rows).groupby(["dataset", "n_samples"]).agg(
        jsd_min=("jsd_nats", "min"), jsd_max=("jsd_nats", "max"), jsd_mean=("jsd_nats", "mean"),
        jsd_std_over_draws=("jsd_nats", "std"), mc_stderr_mean=("mc_stderr_nats", "mean"),
        bootstrap_stderr_mean=("bootstrap_stderr_nats", "mean")).reset_index()
    print(table.to_markdown(index=False, floatfmt=".4f"))
    report = {"summary": table.to_dict("records"), "estimates": rows,
              **how_made({"seeds": args.seeds, "first_seed": FIRST_SEED, "counts": args.counts,
                          "bootstrap_seeds": args.bootstrap_seeds}, CPU)}
    atomic_write_bytes(args.out, (json.dumps(jsonable(report), indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
