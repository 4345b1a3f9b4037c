"""Reference row "training data": the first n training images used as if they were samples.

Not a generative model: it calibrates the Parzen column (Theis et al. 2016 showed Parzen estimates
are easy to game), showing what the estimator gives a "model" that memorised real images.
"""

import torch

from gan_bench.baselines.reference_row import ReferenceRow
from gan_bench.errors import GanBenchError
from gan_bench.registry import register_model


class TrainingData(ReferenceRow):
    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """The first ``n`` training images, (n, *dataset.shape) in [0, 1]."""
        images = self.dataset.train_images()
        if n > images.shape[0]:
            raise GanBenchError(f"training-data has {images.shape[0]} images, {n} were asked for")
        return images[:n].reshape(n, *self.dataset.shape).to(self.device)


register_model("training-data", TrainingData)
