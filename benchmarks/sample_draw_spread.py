"""How much of a run's score is the luck of its sample draw: score fresh sample sets from its checkpoint.

    python benchmarks/sample_draw_spread.py mnist-1000-epochs gan__mnist__seed1 [--draws 8]
        [--results results] [--out FILE]

A run is scored once, on ``eval_samples`` samples drawn after seeding with the run's seed. This
draws ``--draws`` sample sets from the run's final checkpoint, the first exactly as the run did
(so its scores must equal the run's record, which is checked) and the others after seeding with
further streams of the run's seed, and scores each with the suite's metrics. It prints, and with
``--out`` writes, one JSON object: each draw's scores and, per metric, the mean, standard
deviation, minimum and maximum over the draws, with the command, commit, hardware and libraries.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.evaluations import load_final_model, score
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runtime.provenance import how_made
from gan_bench.runtime.seeding import stream_seed
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable, read_records

CPU = torch.device("cpu")
# stream indices of the extra draws, far from the step indices that seed training batches
DRAW_STREAM_OFFSET = 10**12


def draw_samples(job, model, shape, draw: int) -> torch.Tensor:
    """Draw 0 is the run's own evaluation sample set; draw k > 0 a fresh one of the same size."""
    if draw == 0:
        return job.eval_samples(model, shape)
    torch.manual_seed(stream_seed(job.seed, DRAW_STREAM_OFFSET + draw))
    return model.sample(job.train.eval_samples)


def spread(draws: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean, standard deviation (n - 1), minimum and maximum of each metric over the draws."""
    with np.errstate(invalid="ignore"):  # a metric that is infinite in every draw has no std
        return pd.DataFrame(draws).agg(["mean", "std", "min", "max"]).to_dict()


def recorded_metrics(results_dir: Path, run_id: str) -> dict[str, float]:
    for record in read_records(results_dir):
        if record["run_id"] == run_id:
            return record["metrics"]
    raise GanBenchError(f"no record of {run_id} in {results_dir}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite")
    parser.add_argument("run_id")
    parser.add_argument("--draws", type=int, default=8, help="sample sets to score, at least 2")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--out", type=Path, help="also write the report to this JSON file")
    args = parser.parse_args()
    if args.draws < 2:
        parser.error(f"--draws must be at least 2, got {args.draws}")
    suite = load_suite(args.suite)
    jobs = [job for job in expand_run_specs(suite) if job.run_id == args.run_id]
    if not jobs:
        parser.error(f"suite {suite.name} has no run {args.run_id}")
    (job,) = jobs
    results_dir = args.results / suite.name
    recorded = recorded_metrics(results_dir, job.run_id)
    dataset, model, state = load_final_model(job, results_dir, CPU)
    draws = [score(dataset, draw_samples(job, model, dataset.shape, draw), suite.meta.metrics)
             for draw in range(args.draws)]
    mismatched = {k: (v, recorded.get(k)) for k, v in jsonable(draws[0]).items() if recorded.get(k) != v}
    if mismatched:
        raise GanBenchError(f"draw 0 does not reproduce the recorded scores of {job.run_id}: {mismatched}")
    report = {"suite": suite.name, "run_id": job.run_id, "step": state["step"],
              "eval_samples": job.train.eval_samples, "draws": draws, "spread": spread(draws),
              **how_made(job.config(), CPU)}
    text = json.dumps(jsonable(report), indent=1, allow_nan=False)
    print(text)
    if args.out:
        atomic_write_bytes(args.out, (text + "\n").encode())


if __name__ == "__main__":
    try:
        main()
    except GanBenchError as error:  # no record, no checkpoint, a draw 0 that differs: one line
        sys.exit(f"sample_draw_spread.py: error: {error}")
