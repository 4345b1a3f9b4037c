import math
from types import SimpleNamespace

import pytest
import torch

from gan_bench.baselines.gan_mnist import GanMnist
from gan_bench.baselines.maxout import Maxout

CPU = torch.device("cpu")


@pytest.fixture
def dataset():
    marginals = torch.linspace(0.0, 0.9, 784)
    return SimpleNamespace(shape=(1, 28, 28), mean_train_pixel=marginals)


def test_reference_architecture_and_initialisation(dataset):
    model = GanMnist(GanMnist.Options(), dataset, CPU)
    linears = [m for m in model.generator if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(100, 1200), (1200, 1200),
                                                                  (1200, 784)]
    assert all(m.weight.abs().max() <= 0.05 for m in linears)
    assert linears[1].weight.abs().max() > 0.049  # uniform over the whole range
    maxouts = [m for m in model.discriminator if isinstance(m, Maxout)]
    assert [(m.units, m.pieces) for m in maxouts] == [(240, 5), (240, 5)]
    assert all(m.linear.weight.abs().max() <= 0.005 for m in maxouts)
    dropouts = [m.p for m in model.discriminator if isinstance(m, torch.nn.Dropout)]
    assert dropouts == pytest.approx([0.2, 0.5, 0.5])
    m = dataset.mean_train_pixel.double().clamp(1e-7, 1 - 1e-7)
    assert torch.allclose(linears[2].bias.double(), torch.log(m / (1 - m)), atol=1e-5)
    # with zero noise weights the generator would output exactly the training marginals
    assert torch.allclose(torch.sigmoid(linears[2].bias[400]), dataset.mean_train_pixel[400],
                          atol=1e-6)


def test_noise_is_unit_variance_uniform_by_default(dataset):
    model = GanMnist(GanMnist.Options(), dataset, CPU)
    z = model.noise(20_000)
    assert z.abs().max() <= math.sqrt(3) and abs(z.var().item() - 1) < 0.02
    gaussian = GanMnist(GanMnist.Options(noise="gaussian"), dataset, CPU).noise(20_000)
    assert gaussian.abs().max() > math.sqrt(3)


def test_learning_rate_and_momentum_schedules(dataset):
    model = GanMnist(GanMnist.Options(), dataset, CPU)
    assert model.schedule(0) == (0.1, 0.5)
    lr, momentum = model.schedule(499)  # still epoch 1
    assert lr == pytest.approx(0.1 / 1.000004**499) and momentum == 0.5
    assert model.schedule(249 * 500)[1] == pytest.approx(0.7)  # epoch 250
    assert model.schedule(124 * 500)[1] == pytest.approx(0.5 + 0.2 * 124 / 249)
    assert model.schedule(10**9) == (1e-6, 0.7)  # floor and saturation


def test_one_training_step_updates_both_players_with_one_sgd_step(dataset):
    torch.manual_seed(0)
    model = GanMnist(GanMnist.Options(generator_hidden=64, discriminator_units=16), dataset, CPU)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    losses = model.train_step(torch.rand(8, 1, 28, 28))
    assert losses["learning_rate"] == 0.1 and losses["momentum"] == 0.5
    assert all(math.isfinite(v) for v in losses.values())
    after = model.state_dict()
    assert not torch.equal(after["generator.0.weight"], before["generator.0.weight"])
    assert not torch.equal(after["discriminator.1.linear.weight"],
                           before["discriminator.1.linear.weight"])
    assert int(model.steps_done) == 1
    assert model.train_step(torch.rand(8, 1, 28, 28))["learning_rate"] == pytest.approx(
        0.1 / 1.000004)


def test_samples_are_images_in_unit_range_without_dropout(dataset):
    model = GanMnist(GanMnist.Options(generator_hidden=32), dataset, CPU)
    samples = model.sample(16)
    assert samples.shape == (16, 1, 28, 28)
    assert samples.min() >= 0 and samples.max() <= 1
    model.eval()
    x = torch.rand(4, 784)
    assert torch.equal(model.discriminator(x), model.discriminator(x))
