import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="module")
def one_thread():
    """One torch and one BLAS thread for a module of heavy feature extraction. On two cores busy
    with other jobs, one thread ran four times faster than two: Inception 0.37 against 1.5 s per
    image (torch), the FID's eigvals of a 2048 x 2048 matrix 7.7 against 26 s (numpy's BLAS, which
    torch.set_num_threads does not reach)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def mnist_test_features():
    """The classifier features (10000, 128) and digits (10000,) of the MNIST test images."""
    from gan_bench.data.mnist import Mnist, load_mnist
    from gan_bench.metrics.comparison_features import classifier_features

    return classifier_features(Mnist().parzen_test()), load_mnist()["test_labels"]


def random_halves(n: int, seed: int = 0):
    """Two disjoint random halves of range(n): the MNIST test set's first and last 5,000 images
    come from different writers and are told apart (NDB 65 of 100 bins, 1-NN accuracy 0.69)."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(n)
    return order[: n // 2], order[n // 2:]
