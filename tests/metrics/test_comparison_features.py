import pytest
import torch

from gan_bench.data.mixtures import Grid25
from gan_bench.data.stacked_mnist import StackedMnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics.comparison_features import held_out_reference, training_reference
from gan_bench.runs.evaluations import score


@pytest.mark.parametrize("metric", ["memorisation", "ndb", "one_nn"])
def test_a_dataset_without_comparison_features_is_refused_in_one_line(metric):
    refused = f"metric '{metric}' is not available for dataset 'stacked-mnist'"
    with pytest.raises(GanBenchError, match=refused):
        score(StackedMnist(), torch.zeros(10, 3, 28, 28), [metric])


def test_the_mixture_references_are_fixed_draws_of_the_data_apart_from_each_other():
    grid25 = Grid25()
    training, held_out = training_reference(grid25), held_out_reference(grid25)
    assert (training == training_reference(Grid25())).all()  # every run meets the same points
    assert not set(map(tuple, training[:1000])) & set(map(tuple, held_out[:1000]))
    # both are draws of the mixture: each of the 25 modes holds about 1/25 of the points
    nearest = ((training[:, None, :] - grid25.means.double().numpy()) ** 2).sum(-1).argmin(1)
    shares = torch.bincount(torch.from_numpy(nearest), minlength=25).double() / len(training)
    assert shares.min() > 0.03 and shares.max() < 0.05


def test_scored_through_the_registry_p_data_is_not_flagged_and_looks_like_the_data():
    grid25 = Grid25()
    fresh = grid25.sample(2500, torch.Generator().manual_seed(11))[0]
    found = score(grid25, fresh, ["memorisation", "ndb", "one_nn"])
    assert found["copying_flagged"] == 0
    assert found["ndb_fraction"] <= 0.15
    assert found["one_nn_accuracy"] == pytest.approx(0.5, abs=0.04)  # 2,500 a side: s.e. 0.01
