import numpy as np
import pytest

from gan_bench.errors import GanBenchError
from gan_bench.metrics.ndb import ALPHA, number_of_different_bins
from tests.metrics.conftest import random_halves

pytestmark = pytest.mark.usefixtures("one_thread")


def test_two_random_halves_of_the_test_set_differ_in_few_bins(mnist_test_features):
    features, _ = mnist_test_features
    first, second = random_halves(len(features))
    result = number_of_different_bins(features[first], features[second])
    assert result["ndb_fraction"] <= 3 * ALPHA  # about ALPHA of the bins by chance


def test_samples_of_digits_0_to_4_only_leave_at_least_the_emptied_half_of_the_bins_different(
        mnist_test_features):
    features, digits = mnist_test_features
    first, second = random_halves(len(features))
    low_digits = features[second][digits[second] < 5]
    result = number_of_different_bins(features[first], low_digits)
    # the bins of digits 5-9 (about half) are emptied; at 2,500 samples most doubled ones show too
    assert result["ndb_fraction"] >= 0.45


def test_fewer_real_points_than_bins_is_a_one_line_error():
    with pytest.raises(GanBenchError, match="at least 100 real points"):
        number_of_different_bins(np.zeros((50, 2)), np.zeros((50, 2)))
