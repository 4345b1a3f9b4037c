"""Reference row "k-means": k-means centroids of the training images used as samples.

Another calibration of the Parzen column (Theis et al. 2016): a mixture of k centroids, fitted
by scikit-learn's KMeans (seeded by the run's seed) in the first (and only) training step.
Choices for cost on a CPU: random initialisation (k-means++ with 10,000 centres costs hours) and
a capped iteration count, both options recorded with the result. ``sample(n)`` returns the first
n centroids, so ``n`` must not exceed ``clusters``.
"""

import math
from dataclasses import dataclass

import numpy as np
import torch

from gan_bench.baselines.reference_row import ReferenceRow
from gan_bench.errors import GanBenchError
from gan_bench.registry import register_model


class KMeans(ReferenceRow):
    @dataclass(frozen=True)
    class Options:
        clusters: int = 10_000
        max_iterations: int = 20
        init: str = "random"

    def __init__(self, options: Options, dataset, device: torch.device):
        super().__init__(options, dataset, device)
        self.register_buffer("centroids", torch.empty(0))
        # drawn from numpy's RNG, which the harness seeds with the run's seed
        self.random_state = int(np.random.randint(2**31 - 1))

    def train_step(self, batch: torch.Tensor) -> dict[str, float]:
        if self.centroids.numel():
            return {}
        from sklearn.cluster import KMeans as SklearnKMeans

        with self.timer.phase("kmeans"):
            images = self.dataset.train_images().reshape(-1, math.prod(self.dataset.shape))
            fit = SklearnKMeans(self.options.clusters, init=self.options.init, n_init=1,
                                max_iter=self.options.max_iterations,
                                random_state=self.random_state).fit(images.numpy())
        self.centroids = torch.from_numpy(fit.cluster_centers_).float().to(self.device)
        return {"inertia": float(fit.inertia_), "iterations": float(fit.n_iter_)}

    def load_checkpoint_state(self, state: dict) -> None:
        self.centroids = torch.empty_like(state["modules"]["centroids"], device=self.device)
        super().load_checkpoint_state(state)

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """The first ``n`` centroids as images (n, *dataset.shape), clipped to [0, 1]."""
        if n > self.centroids.shape[0]:
            raise GanBenchError(f"k-means has {self.centroids.shape[0]} centroids, {n} were asked for")
        return self.centroids[:n].clamp(0, 1).reshape(n, *self.dataset.shape)


register_model("kmeans", KMeans)
