import copy

import pytest
import torch

from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.baselines.vae_mlp import VaeMlp
from gan_bench.data.mixtures import Ring8
from gan_bench.errors import GanBenchError
from gan_bench.metrics.game import game_metric, generator_gradient_norms
from gan_bench.runs.evaluations import score

CPU = torch.device("cpu")
SMALL = GanMlp.Options(generator_hidden=32, generator_layers=2, discriminator_units=16,
                       discriminator_layers=2)


def gan(**options):
    torch.manual_seed(0)
    return GanMlp(GanMlp.Options(**{**SMALL.__dict__, **options}), Ring8(), CPU)


@pytest.mark.slow
def test_the_minimax_gradient_vanishes_where_d_rejects_the_samples_and_the_other_does_not():
    """The GAN paper's saturation argument on a real generator: push D's output bias down until
    D(G(z)) is near 0; d/dlogit log(1 - D) = -D there, while d/dlogit -log D = D - 1."""
    model = gan()
    confident = {}
    for bias in (0.0, -4.0, -8.0):
        with torch.no_grad():
            model.discriminator[-1].bias.fill_(bias)
        torch.manual_seed(1)
        confident[bias] = generator_gradient_norms(model, 500)
    rejecting = confident[-8.0]
    assert rejecting["d_fake_probe"] < 1e-3
    assert rejecting["g_grad_norm_minimax"] < 1e-3 * rejecting["g_grad_norm_nonsaturating"]
    norms = [confident[b]["g_grad_norm_minimax"] for b in (0.0, -4.0, -8.0)]
    assert norms[0] > norms[1] > norms[2]  # saturating as D grows confident
    ratio = confident[-4.0]["g_grad_norm_minimax"] / confident[-4.0]["g_grad_norm_nonsaturating"]
    d = confident[-4.0]["d_fake_probe"]  # per sample |dL/dlogit| is D against 1 - D
    assert ratio == pytest.approx(d / (1 - d), rel=0.5)


@pytest.mark.slow
def test_the_probe_leaves_the_model_and_its_batch_norm_statistics_as_they_were():
    model = gan()
    before = copy.deepcopy(model.state_dict())
    game_metric(Ring8(), model.sample(400), model)
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.slow
def test_game_scores_d_star_error_and_both_gradients_and_nothing_for_a_vae():
    model = gan()
    result = score(Ring8(), model.sample(400), ["game"], model)
    assert set(result) == {"d_star_mae_real", "d_star_mae_fake", "d_fake_probe",
                           "g_grad_norm_nonsaturating", "g_grad_norm_minimax"}
    assert 0 <= result["d_star_mae_real"] <= 1 and 0 <= result["d_star_mae_fake"] <= 1
    vae = VaeMlp(VaeMlp.Options(hidden=16), Ring8(), CPU)
    assert score(Ring8(), vae.sample(400), ["game"], vae) == {}
    gradients = score(Ring8(), model.sample(400), ["generator_gradients"], model)
    assert set(gradients) == {"d_fake_probe", "g_grad_norm_nonsaturating", "g_grad_norm_minimax"}
    with pytest.raises(GanBenchError, match="reads the model"):
        score(Ring8(), model.sample(400), ["game"])
