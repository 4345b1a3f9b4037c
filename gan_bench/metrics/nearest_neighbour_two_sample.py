"""The 1-nearest-neighbour two-sample test (Lopez-Paz and Oquab 2017, "Revisiting Classifier
Two-Sample Tests", ICLR; as a GAN metric, Xu et al. 2018, "An empirical study on evaluation
metrics of generative adversarial networks"), on the features of
gan_bench.metrics.comparison_features (the classifier's for MNIST, the points for the mixtures).

As many held-out real points as samples (the first ones of each, the smaller count) are pooled,
each labelled real or generated, and each point is classified by the label of its nearest other
point (leave-one-out, scikit-learn's NearestNeighbors). The accuracy is 0.5 when the two sets are
indistinguishable, near 1 when they are apart; below 0.5 when samples sit on top of real points.
The accuracies on the real and on the generated points are reported too (Xu et al.: a real
accuracy far above the generated one points at mode dropping, the reverse at poor samples).
"""

import numpy as np

from gan_bench.errors import GanBenchError
from gan_bench.metrics.comparison_features import held_out_reference, sample_features, supports_comparison
from gan_bench.registry import register_metric, require_metric_support


def one_nn_accuracy(real: np.ndarray, generated: np.ndarray) -> dict[str, float]:
    """Leave-one-out 1-NN accuracy of real against generated, (N, d) arrays, n a side."""
    n = min(len(real), len(generated))
    if real.ndim != 2 or generated.ndim != 2 or n < 2:
        raise GanBenchError(f"the 1-NN test needs (N, d) arrays of at least 2 points a side, got "
                            f"{real.shape} and {generated.shape}")
    pooled = np.concatenate([real[:n], generated[:n]])
    is_generated = np.repeat([False, True], n)
    # kneighbors() without points: each indexed point's neighbours, itself excluded
    from sklearn.neighbors import NearestNeighbors

    nearest = NearestNeighbors(n_neighbors=1).fit(pooled).kneighbors(return_distance=False)[:, 0]
    correct = is_generated[nearest] == is_generated
    return {"one_nn_accuracy": float(correct.mean()),
            "one_nn_real_accuracy": float(correct[:n].mean()),
            "one_nn_generated_accuracy": float(correct[n:].mean()), "one_nn_per_side": n}


def one_nn_metric(dataset, samples) -> dict[str, float]:
    """Registered as ``one_nn``: against the dataset's held-out reference."""
    require_metric_support("one_nn", dataset)
    return one_nn_accuracy(held_out_reference(dataset), sample_features(dataset, samples))


register_metric("one_nn", one_nn_metric, supports=supports_comparison)
