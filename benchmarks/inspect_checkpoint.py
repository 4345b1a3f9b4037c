"""Look inside a run's checkpoint, finished or not, for the signs of mode collapse and saturation.

    python benchmarks/inspect_checkpoint.py mnist gan__mnist__seed0 [--results results] [--samples 1000]
        [--grid grid.png]

Prints one JSON object: the step, how alike the samples are (distinct binarised samples, mean
pairwise L2 distance against the same for held-out real data), their pixel statistics, and, for a
generator whose last layer is a sigmoid (the GAN paper's MNIST model), how saturated that sigmoid
is: a generator whose output pre-activations sit far out on the sigmoid's tails gets almost no
gradient back through them, whatever its loss, so a collapse there does not recover.
"""

import argparse
import json
from pathlib import Path

import torch
from torchvision.utils import save_image

from gan_bench.config.suite import load_suite
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.storage.checkpoint_compatibility import read_checkpoint

CPU = torch.device("cpu")


def similarity(images: torch.Tensor) -> dict[str, float]:
    flat = images.flatten(1).double()
    return {"distinct_binarised": torch.unique((flat > 0.5).to(torch.uint8), dim=0).shape[0],
            "mean_pairwise_l2": float(torch.cdist(flat, flat).mean()),
            "pixel_mean": float(flat.mean()), "pixels_above_0_99": float((flat > 0.99).double().mean())}


def sigmoid_saturation(model, n: int) -> dict[str, float]:
    """Statistics of the generator's output pre-activations a (sigmoid(a) is the image)."""
    generator = getattr(model, "generator", None)
    if not isinstance(generator, torch.nn.Sequential) or not isinstance(generator[-1], torch.nn.Sigmoid):
        return {}
    with torch.no_grad():
        pre_activation = generator[:-1](model.noise(n))
    slope = torch.sigmoid(pre_activation) * (1 - torch.sigmoid(pre_activation))
    return {"output_preactivation_median_abs": float(pre_activation.abs().median()),
            "output_preactivation_abs_above_10": float((pre_activation.abs() > 10).float().mean()),
            "sigmoid_slope_mean": float(slope.mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite")
    parser.add_argument("run_id")
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--grid", type=Path, help="image datasets: also save the first 100 samples as a grid")
    args = parser.parse_args()
    suite = load_suite(args.suite)
    (job,) = [j for j in expand_run_specs(suite) if j.run_id == args.run_id]
    dataset, model = job.build(CPU)
    state = read_checkpoint(job.checkpoint_path(args.results / suite.name), job.config())
    model.load_checkpoint_state(state["model"])
    torch.manual_seed(job.seed)
    samples = model.sample(args.samples)
    real = (dataset.parzen_test()[:args.samples].reshape(-1, *dataset.shape)
            if hasattr(dataset, "parzen_test") else dataset.held_out(args.samples))
    report = {"run_id": job.run_id, "step": state["step"], "status": state["status"],
              "samples": similarity(samples), "real_held_out": similarity(real),
              **sigmoid_saturation(model, args.samples)}
    print(json.dumps(report, indent=1))
    if args.grid and samples.dim() == 4:
        save_image(samples[:100], args.grid, nrow=10, padding=2, pad_value=1.0)


if __name__ == "__main__":
    main()
