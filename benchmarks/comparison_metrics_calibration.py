"""Memorisation, NDB and 1-NN on MNIST sample sets whose answers are known, at the evaluation size,
through the registered metrics (the code ``gan-bench evaluate`` runs), and on the images the
``mnist`` suite's runs kept:

    python benchmarks/comparison_metrics_calibration.py [--results results] [--noise-std 0.05]

Known answers (10,000 images each):
- ``training-data``: the first 10,000 training images, what the suite's training-data row samples:
  must be flagged as copying;
- ``validation``: the 10,000 validation images, real and held out: must not be flagged;
- ``copying-gan``: 10,000 training images drawn at random plus pixel noise (std ``--noise-std``,
  clipped to [0, 1]), a "GAN" that memorised its data: must be flagged;
- ``validation-digits-0-4``: the validation images of digits 0 to 4: NDB about half the bins or
  more, a 1-NN accuracy well above 0.5.

Two-sample known answers on the classifier's features, as the tests compute them (NDB binning
the first set, 1-NN against it): two random halves of the test images (no difference); the test
images of digits 0-4 in one random half against the other half (half the data dropped); the first
5,000 test images against the last 5,000 (different writers); the training split's last 10,000
images against its first 40,000, and a shuffled 50,000 / 10,000 split of the training and
validation images (whether MNIST's training images are alike from one end to the other).

The suite's runs cannot be scored on their 10,000 evaluation samples here: that needs their final
checkpoints, which are not kept. Each run kept its first 100 samples (results/mnist/samples); the
metrics on those 100 are listed apart, with their size: at 100 samples C_T averages over the few
cells holding 20 of them, and NDB and 1-NN have little power.

Writes results/mnist/comparison-metrics-calibration.{md,json} with the command, commit, hardware
and libraries.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from threadpoolctl import threadpool_limits

from gan_bench.data.mnist import Mnist, load_mnist
from gan_bench.metrics.comparison_features import classifier_features, held_out_reference, training_reference
from gan_bench.metrics.ndb import number_of_different_bins
from gan_bench.metrics.nearest_neighbour_two_sample import one_nn_accuracy
from gan_bench.runs.evaluations import score
from gan_bench.runtime.provenance import git_commit, hardware, invoking_command, library_versions
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable
from gan_bench.storage.samples_io import SAMPLES_DIR, load_samples

METRICS = ["memorisation", "ndb", "one_nn"]
SHOWN = ["copying_ct", "copying_flagged", "copying_closer_share", "copying_cells", "ndb_bins_different",
         "ndb_fraction", "one_nn_accuracy", "one_nn_per_side"]
N_IMAGES = 10_000
CPU = torch.device("cpu")


def known_answer_sets(mnist: Mnist, noise_std: float, seed: int = 0) -> dict[str, torch.Tensor]:
    """The sample sets whose answers are known, float (N, 1, 28, 28) in [0, 1]."""
    training = mnist.train_images()
    validation = mnist.parzen_validation().reshape(-1, 1, 28, 28)
    generator = torch.Generator().manual_seed(seed)
    picked = training[torch.randint(len(training), (N_IMAGES,), generator=generator)]
    copies = (picked + noise_std * torch.randn(picked.shape, generator=generator)).clamp(0, 1)
    digits = torch.from_numpy(load_mnist()["valid_labels"])
    return {"training-data": training[:N_IMAGES], "validation": validation,
            "copying-gan": copies, "validation-digits-0-4": validation[digits < 5]}


def saved_run_samples(results: Path) -> dict[str, torch.Tensor]:
    """The images each recorded run of the mnist suite kept, by run id."""
    return {path.stem: load_samples(path, (1, 28, 28))
            for path in sorted((results / "mnist" / SAMPLES_DIR).glob("*.npy"))}


def scored_table(sets: dict[str, torch.Tensor], mnist: Mnist) -> pd.DataFrame:
    rows = []
    for name, images in sets.items():
        print(f"scoring {name} ({len(images)} images)", flush=True)
        rows.append({"samples": name, "n_samples": len(images), **score(mnist, images, METRICS)})
    return pd.DataFrame(rows)


def two_sample_table(mnist: Mnist, seed: int = 0) -> pd.DataFrame:
    """NDB and 1-NN of real feature sets against each other (the known answers of the tests)."""
    features, digits = held_out_reference(mnist), load_mnist()["test_labels"]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(features))
    first, second = order[: len(order) // 2], order[len(order) // 2:]
    half = len(features) // 2
    training = training_reference(mnist)
    pooled = np.concatenate([training, classifier_features(mnist.parzen_validation())])
    shuffled = rng.permutation(len(pooled))
    pairs = {"test: random half against the other half": (features[first], features[second]),
             "test: digits 0-4 of a random half against the other half":
                 (features[first], features[second][digits[second] < 5]),
             "test: first 5,000 against the last 5,000": (features[:half], features[half:]),
             "training split: images 40,000-49,999 against 0-39,999": (training[:40_000], training[40_000:]),
             "training + validation shuffled: 10,000 against 50,000":
                 (pooled[shuffled[:50_000]], pooled[shuffled[50_000:]])}
    return pd.DataFrame([{"sets": name, "n_real": len(real), "n_samples": len(samples),
                          **number_of_different_bins(real, samples), **one_nn_accuracy(real, samples)}
                         for name, (real, samples) in pairs.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--noise-std", type=float, default=0.05)
    args = parser.parse_args()
    torch.set_num_threads(1)
    mnist = Mnist()
    with threadpool_limits(1):
        known = scored_table(known_answer_sets(mnist, args.noise_std), mnist)
        saved = scored_table(saved_run_samples(args.results), mnist)
        two_sample = two_sample_table(mnist)
    made = git_commit()
    provenance = {"command": invoking_command(), **made, "hardware": hardware(CPU),
                  "libraries": library_versions()}
    folder = args.results / "mnist"
    atomic_write_bytes(folder / "comparison-metrics-calibration.json", json.dumps(jsonable(
        {"known_answers": known.to_dict("records"), "two_sample": two_sample.to_dict("records"),
         "saved_run_samples": saved.to_dict("records"),
         **provenance}), indent=1).encode())
    commit = (made["git_commit"] or "unknown")[:12] + (", uncommitted changes" if made["git_dirty"] else "")
    text = (f"# Memorisation, NDB and 1-NN on MNIST: known answers and the runs' kept samples\n\n"
            f"Written by `{provenance['command']}` at commit {commit} (the script's docstring says "
            "what each row is); all numbers in comparison-metrics-calibration.json. C_T < -3 is "
            "flagged as copying (docs/protocols/memorisation.md); NDB and 1-NN: "
            "docs/protocols/coverage-without-modes.md.\n\n## Known answers, 10,000 images a set "
            "(digits 0-4: those of the validation images)\n\n"
            + known[["samples", "n_samples", *SHOWN]].to_markdown(index=False, floatfmt=".4g")
            + "\n\n## Two-sample known answers on real images (NDB bins the first set)\n\n"
            + two_sample[["sets", "n_real", "n_samples", "ndb_bins_different", "ndb_fraction",
                          "one_nn_accuracy", "one_nn_real_accuracy", "one_nn_generated_accuracy"]]
            .to_markdown(index=False, floatfmt=".4g")
            + "\n\n## The first 100 samples each run of the mnist suite kept (not its 10,000 "
            "evaluation samples: the checkpoints that would redraw them are not kept)\n\n"
            + saved[["samples", "n_samples", *SHOWN]].to_markdown(index=False, floatfmt=".4g") + "\n")
    atomic_write_bytes(folder / "comparison-metrics-calibration.md", text.encode())
    print(text)


if __name__ == "__main__":
    main()
