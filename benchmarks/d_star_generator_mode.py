"""How much the 2-D GAN's batch norm moves the theory metrics: p_g from eval-mode samples (as the
metrics see it) against p_g from train-mode batches (as the discriminator trains against it).

    python benchmarks/d_star_generator_mode.py SUITE RUN_ID [--results results]
        [--out results/theory/d_star_generator_mode.json]

gan-mlp's generator has batch norm. ``model.sample`` draws in evaluation mode (running
statistics), so JSD, the modes and q in D* = p_data / (p_data + q) describe that generator; the
discriminator trains against training-mode batches of ``batch_size`` (each batch normalised by its
own statistics). This loads a run's final checkpoint, scores the run's own evaluation samples
and as many samples drawn in training mode, batch by batch at the run's batch size (a copy of
the generator, so its running statistics stay), with modes, jsd and game, prints the two side
by side and writes both, with their differences and provenance, to ``--out``. One thread.
"""

import argparse
import copy
import json
import sys
from pathlib import Path

import pandas as pd
import torch

from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.evaluations import load_final_model, score
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runtime.provenance import how_made
from gan_bench.runtime.seeding import stream_seed
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable

CPU = torch.device("cpu")
TRAIN_MODE_STREAM = 10**12 + 1  # far from the step indices that seed training batches


@torch.no_grad()
def train_mode_samples(model, n: int, batch_size: int) -> torch.Tensor:
    """``n`` samples of the generator in training mode, in batches of ``batch_size``."""
    generator = copy.deepcopy(model.generator).train()
    batches = [generator(model.noise(size)) for size in [batch_size] * (n // batch_size)
               + ([n % batch_size] if n % batch_size else [])]
    return torch.cat(batches)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite")
    parser.add_argument("run_id")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--out", type=Path, default=Path("results/theory/d_star_generator_mode.json"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    try:
        suite = load_suite(args.suite)
        jobs = [job for job in expand_run_specs(suite) if job.run_id == args.run_id]
        if len(jobs) != 1:
            raise GanBenchError(f"suite {suite.name} has no run {args.run_id}")
        job = jobs[0]
        dataset, model, state = load_final_model(job, args.results / suite.name, CPU)
        if not hasattr(model, "generator"):
            raise GanBenchError(f"{job.run_id}: the model has no generator")
    except GanBenchError as error:  # no such suite or run, no checkpoint: one line, exit 2
        print(f"d_star_generator_mode.py: error: {error}", file=sys.stderr)
        return 2
    metrics = ["modes", "jsd", "game"]
    eval_mode = score(dataset, job.eval_samples(model, dataset.shape), metrics, model)
    torch.manual_seed(stream_seed(job.seed, TRAIN_MODE_STREAM))
    train_mode = score(dataset, train_mode_samples(model, job.train.eval_samples,
                                                   job.train.batch_size), metrics, model)
    table = pd.DataFrame({"eval_mode": eval_mode, "train_mode": train_mode})
    table["train_minus_eval"] = table["train_mode"] - table["eval_mode"]
    print(table.to_markdown(floatfmt=".4g"))
    report = {"suite": suite.name, "run_id": job.run_id, "step": state["step"],
              **table.to_dict(), **how_made(job.config(), CPU)}
    atomic_write_bytes(args.out, (json.dumps(jsonable(report), indent=1) + "\n").encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
