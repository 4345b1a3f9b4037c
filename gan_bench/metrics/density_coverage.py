"""Density and coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for
Generative Models", ICML; clovaai/generative-evaluation-prdc) on the Inception features FID uses.

The ``prdc`` package (the authors' code) computes them: with the k-nearest-neighbour balls of the
real features, density is the mean number of real balls a generated feature falls in, over k
(about 1 when the two distributions match, above 1 where samples crowd the dense real regions),
and coverage the fraction of real balls holding at least one generated feature (1 at a match).
k = 5, the paper's choice, is recorded with every score; so are both sample counts.
"""


from gan_bench.metrics.fid import MNIST_REAL_COUNT, has_mnist_test_images
from gan_bench.metrics.inception_features import mnist_features
from gan_bench.registry import register_metric

NEAREST_K = 5


def density_coverage(generated, real, nearest_k: int = NEAREST_K) -> dict[str, float]:
    """Density and coverage of ``generated`` features against ``real`` ones, (N, D) arrays."""
    from prdc import compute_prdc

    result = compute_prdc(real_features=real, fake_features=generated, nearest_k=nearest_k)
    return {"density": float(result["density"]), "coverage": float(result["coverage"]),
            "prdc_k": nearest_k, "prdc_n_samples": len(generated), "prdc_n_real": len(real)}


def density_coverage_metric(dataset, samples) -> dict[str, float]:
    """Registered as ``density_coverage``: against the 10,000 MNIST test images."""
    generated, real = mnist_features(dataset, samples, MNIST_REAL_COUNT, "density_coverage",
                                     samples.device)
    return density_coverage(generated.numpy(), real.numpy())


register_metric("density_coverage", density_coverage_metric, supports=has_mnist_test_images)
