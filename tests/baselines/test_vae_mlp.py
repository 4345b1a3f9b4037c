import pytest
import torch

from gan_bench.baselines.vae_mlp import VaeMlp
from gan_bench.data.mixtures import Grid25


@pytest.mark.slow
def test_training_lowers_the_negative_elbo():
    torch.manual_seed(0)
    dataset = Grid25()
    model = VaeMlp(VaeMlp.Options(hidden=32), dataset, torch.device("cpu"))
    held_out = dataset.held_out(2000)
    start = model.negative_elbo(held_out)[0].item()
    for step in range(150):
        losses = model.train_step(dataset.train_batch(step, 100, seed=0))
    assert set(losses) == {"loss", "reconstruction_nats", "kl_nats"}
    assert model.negative_elbo(held_out)[0].item() < start - 1.0


def test_sample_modes():
    dataset = Grid25()
    drawn = VaeMlp(VaeMlp.Options(hidden=8), dataset, torch.device("cpu"))
    mean = VaeMlp(VaeMlp.Options(hidden=8, sample_mode="mean"), dataset, torch.device("cpu"))
    mean.load_state_dict(drawn.state_dict())
    torch.manual_seed(0)
    a = drawn.sample(500)
    torch.manual_seed(0)
    b = mean.sample(500)
    assert a.shape == b.shape == (500, 2)
    # decoder noise has unit std at initialisation (log-variance 0)
    assert abs((a - b).std().item() - 1.0) < 0.1
