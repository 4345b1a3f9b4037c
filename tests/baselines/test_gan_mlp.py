import torch

from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.baselines.maxout import Maxout
from gan_bench.data.mixtures import Ring8

TINY = GanMlp.Options(generator_hidden=16, generator_layers=2, discriminator_units=8,
                      discriminator_layers=2)


def test_reference_architecture():
    model = GanMlp(GanMlp.Options(), Ring8(), torch.device("cpu"))
    linears = [m for m in model.generator if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (2, 400), (400, 400), (400, 400), (400, 400), (400, 2)]
    assert sum(isinstance(m, torch.nn.BatchNorm1d) for m in model.generator) == 4
    maxouts = [m for m in model.discriminator if isinstance(m, Maxout)]
    assert [(m.units, m.pieces) for m in maxouts] == [(200, 5)] * 3
    weight = model.generator[3].weight
    assert abs(weight.std().item() - 0.02) < 0.002 and model.generator[3].bias.abs().max() == 0
    adam = model.optimizers["generator"].param_groups[0]
    assert adam["lr"] == 1e-4 and adam["betas"] == (0.8, 0.999)


def test_maxout_is_max_over_pieces():
    layer = Maxout(3, units=4, pieces=5)
    x = torch.randn(6, 3)
    pieces = layer.linear(x).view(6, 5, 4)
    assert torch.equal(layer(x), pieces.max(dim=1).values)


def test_train_step_updates_both_networks_and_reports_finite_losses():
    dataset = Ring8()
    model = GanMlp(TINY, dataset, torch.device("cpu"))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    losses = model.train_step(dataset.train_batch(0, 32, seed=0))
    assert set(losses) >= {"d_loss", "g_loss", "d_real", "d_fake", "value_nats"}
    assert all(torch.isfinite(torch.as_tensor(v)) for v in losses.values())
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert any(k.startswith("generator.0.weight") for k in changed)
    assert any(k.startswith("discriminator.0.linear.weight") for k in changed)


def test_k_discriminator_steps_each_use_their_own_batch():
    dataset = Ring8()
    model = GanMlp(GanMlp.Options(**{**TINY.__dict__, "discriminator_steps": 3}), dataset,
                   torch.device("cpu"))
    assert model.real_batches_per_step == 3
    steps_before = [len(s) for s in model.optimizers["discriminator"].state.values()]
    assert steps_before == []
    model.train_step(dataset.train_batch(0, 3 * 16, seed=0))
    state = next(iter(model.optimizers["discriminator"].state.values()))
    assert state["step"].item() == 3
    state = next(iter(model.optimizers["generator"].state.values()))
    assert state["step"].item() == 1


def test_samples_have_data_shape_and_do_not_depend_on_batch_companions():
    model = GanMlp(TINY, Ring8(), torch.device("cpu"))
    torch.manual_seed(0)
    samples = model.sample(64)
    torch.manual_seed(0)
    first = model.sample(8)
    assert samples.shape == (64, 2)
    assert torch.allclose(samples[:8], first, atol=1e-6)
