import math

import torch

from gan_bench.data.mixtures import Grid25, Ring8
from gan_bench.metrics.exact_ll import exact_test_ll_metric


def test_exact_ll_is_minus_the_entropy_of_well_separated_modes():
    """Modes 100 std apart: log p(x) ~ -log K + log N(x; mu_k, std^2 I), whose mean is
    -log K - log(2 pi std^2) - 1 in 2-D."""
    for dataset in (Ring8(), Grid25()):
        expected = -math.log(dataset.n_modes) - math.log(2 * math.pi * dataset.std**2) - 1
        value = exact_test_ll_metric(dataset, torch.empty(0))["exact_test_ll_nats"]
        assert abs(value - expected) < 0.03, dataset.name

