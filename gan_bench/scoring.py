"""Scoring samples from Python, without the command line: ``gan_bench.score``.

    import gan_bench
    gan_bench.score("samples.npy", dataset="mnist", metrics=["fid", "parzen"])
    # {'fid': ..., 'fid_precision': ..., 'parzen_ll_nats': ..., ...}

The same registered metrics, the same checks and the same numbers as a suite's records and the
``gan-bench parzen``/``fid``/``modes`` commands: only the entry point differs.
"""

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch

from gan_bench import lookup, registry
from gan_bench.errors import GanBenchError
from gan_bench.runs.evaluations import score as score_metrics
from gan_bench.storage.samples_io import load_samples, shaped_samples

DEFAULT_METRICS = ("fid", "parzen")


def score(samples, dataset: str = "mnist", metrics: Iterable[str] = DEFAULT_METRICS,
          device: str | torch.device = "cpu") -> dict[str, float]:
    """Every named metric of ``samples`` against ``dataset``, as one flat dict of numbers.

    ``samples``: a path to a ``.npy``/``.npz`` samples file, a numpy array or a torch tensor,
    shaped as the samples files are (N x 2 points, or N x 784, N x 28 x 28, N x 1 x 28 x 28,
    N x 3 x 28 x 28 images, float in [0, 1] or uint8). ``dataset``: a registered dataset
    (``ring8``, ``grid25``, ``mnist``, ``stacked-mnist`` or a plugin's). ``metrics``: registered
    metrics that read samples only (``fid``, ``parzen``, ``modes``, ``classes``, ``sharpness``,
    ``domain_fid``, ...; docs/metrics.md). Bad input raises :class:`gan_bench.errors.GanBenchError`
    with a one-line message, as the command line prints it.
    """
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    evaluated = lookup.get_dataset(dataset)()
    for name in metrics:
        lookup.get_metric(name)
        registry.require_metric_support(name, evaluated)
    return score_metrics(evaluated, _as_samples(samples, evaluated.shape).to(device), metrics)


def _as_samples(samples, shape: tuple[int, ...]) -> torch.Tensor:
    if isinstance(samples, (str, Path)):
        return load_samples(Path(samples), shape)
    if isinstance(samples, torch.Tensor):
        samples = samples.detach().cpu().numpy()
    if not isinstance(samples, np.ndarray):
        raise GanBenchError(f"samples must be a file path, a numpy array or a torch tensor, got "
                            f"{type(samples).__name__}")
    return shaped_samples(samples, shape, "samples")
