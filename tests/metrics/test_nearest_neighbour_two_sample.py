import numpy as np
import pytest

from gan_bench.errors import GanBenchError
from gan_bench.metrics.nearest_neighbour_two_sample import one_nn_accuracy
from tests.metrics.conftest import random_halves

pytestmark = pytest.mark.usefixtures("one_thread")


def test_two_random_halves_of_the_test_set_are_indistinguishable(mnist_test_features):
    features, _ = mnist_test_features
    first, second = random_halves(len(features))
    result = one_nn_accuracy(features[first], features[second])
    assert result["one_nn_accuracy"] == pytest.approx(0.5, abs=0.03)  # 5,000 a side: s.e. 0.005
    assert result["one_nn_per_side"] == 5000


def test_samples_of_digits_0_to_4_only_are_told_apart(mnist_test_features):
    features, digits = mnist_test_features
    first, second = random_halves(len(features))
    result = one_nn_accuracy(features[first], features[second][digits[second] < 5])
    # real digits 5-9 find only real neighbours; among digits 0-4 one point in three is real:
    # about (1 + 1/3) / 2 = 2/3 on the real side and 2/3 on the generated side
    assert result["one_nn_accuracy"] > 0.6
    assert result["one_nn_real_accuracy"] > 0.6 and result["one_nn_generated_accuracy"] > 0.6


def test_copies_of_the_real_points_score_below_one_half():
    real = np.random.default_rng(0).normal(size=(500, 4))
    assert one_nn_accuracy(real, real + 1e-6)["one_nn_accuracy"] < 0.05


def test_one_point_a_side_is_a_one_line_error():
    with pytest.raises(GanBenchError, match="at least 2 points a side"):
        one_nn_accuracy(np.zeros((1, 2)), np.zeros((5, 2)))
