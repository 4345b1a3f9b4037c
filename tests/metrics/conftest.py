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
