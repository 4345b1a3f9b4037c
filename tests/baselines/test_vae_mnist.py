from types import SimpleNamespace

import pytest
import torch

from gan_bench.baselines.vae_mnist import VaeMnist

CPU = torch.device("cpu")
DATASET = SimpleNamespace(shape=(1, 28, 28))


def test_architecture_of_the_paper():
    model = VaeMnist(VaeMnist.Options(), DATASET, CPU)
    assert [type(m) for m in model.encoder] == [torch.nn.Linear, torch.nn.Tanh, torch.nn.Linear]
    assert model.encoder[0].out_features == 500 and model.encoder[2].out_features == 40
    assert model.decoder[0].in_features == 20 and model.decoder[2].out_features == 784


@pytest.mark.slow
def test_training_steps_lower_the_negative_elbo():
    torch.manual_seed(0)
    model = VaeMnist(VaeMnist.Options(hidden=64), DATASET, CPU)
    images = (torch.rand(64, 1, 28, 28) > 0.7).float()
    start = model.negative_elbo(images)[0].item()
    for _ in range(30):
        model.train_step(images)
    assert model.negative_elbo(images)[0].item() < start - 50


def test_samples_are_decoder_means_or_bernoulli_draws():
    torch.manual_seed(0)
    means = VaeMnist(VaeMnist.Options(hidden=16), DATASET, CPU).sample(8)
    assert means.shape == (8, 1, 28, 28)
    assert ((means > 0) & (means < 1)).all()
    draws = VaeMnist(VaeMnist.Options(hidden=16, sample_mode="bernoulli"), DATASET, CPU).sample(8)
    assert set(draws.unique().tolist()) <= {0.0, 1.0}
