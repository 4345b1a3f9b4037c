import json
import math

import numpy as np
import pytest
import torch

from gan_bench.cli import main
from gan_bench.data.mnist import Mnist
from gan_bench.metrics.class_coverage import class_coverage, class_coverage_metric


def test_coverage_counts_classes_and_measures_kl():
    reference = torch.arange(10).repeat(10)
    assert class_coverage(reference, reference) == {"classes_covered": 10, "class_kl_nats": 0.0}
    only_threes = torch.full((50,), 3)
    result = class_coverage(only_threes, reference)
    assert result["classes_covered"] == 1
    assert result["class_kl_nats"] == pytest.approx(math.log(10))


@pytest.mark.slow
@pytest.mark.network
def test_the_test_set_covers_all_ten_digits():
    dataset = Mnist()
    result = class_coverage_metric(dataset, dataset.parzen_test().reshape(-1, 1, 28, 28))
    assert result["classes_covered"] == 10
    assert result["class_kl_nats"] < 0.001  # 99% accuracy: near the test set's own frequencies


@pytest.mark.slow
@pytest.mark.network
def test_modes_command_reports_classes_for_mnist(tmp_path, capsys):
    dataset = Mnist()
    ones = dataset.parzen_test()[dataset.test_labels() == 1][:200]
    np.save(tmp_path / "ones.npy", (ones.numpy() * 255).round().astype(np.uint8))
    assert main(["modes", "--samples", str(tmp_path / "ones.npy"), "--dataset", "mnist",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # a generator collapsed onto one digit: KL near log(1 / p(1)) = log(10000 / 1135) = 2.18
    assert result["n_samples"] == 200 and result["classes_covered"] <= 3
    assert result["class_kl_nats"] > 2.0
