import math

import torch

from gan_bench.model.gan_losses import discriminator_loss, game_diagnostics, generator_loss


def test_value_is_minus_log_4_when_discriminator_says_one_half():
    zeros = torch.zeros(7, 1)
    diagnostics = game_diagnostics(zeros, zeros)
    assert abs(diagnostics["value_nats"] + math.log(4)) < 1e-6
    assert diagnostics["d_real"] == diagnostics["d_fake"] == 0.5


def test_losses_match_their_definitions():
    logits_real, logits_fake = torch.randn(50, 1), torch.randn(50, 1)
    d_real, d_fake = torch.sigmoid(logits_real), torch.sigmoid(logits_fake)
    expected_d = -(d_real.log().mean() + (1 - d_fake).log().mean())
    assert torch.allclose(discriminator_loss(logits_real, logits_fake), expected_d, atol=1e-5)
    assert torch.allclose(generator_loss(logits_fake, "nonsaturating"), -d_fake.log().mean(),
                          atol=1e-5)
    assert torch.allclose(generator_loss(logits_fake, "minimax"), (1 - d_fake).log().mean(),
                          atol=1e-5)


def test_minimax_loss_saturates_when_fakes_are_rejected():
    """The paper's reason for the non-saturating loss: with D(G(z)) ~ 0, log(1 - D) is flat."""
    gradients = {}
    for kind in ("minimax", "nonsaturating"):
        logits = torch.full((10, 1), -8.0, requires_grad=True)  # D(G(z)) = 3e-4
        generator_loss(logits, kind).backward()
        gradients[kind] = logits.grad.abs().mean().item()
    assert gradients["nonsaturating"] > 1000 * gradients["minimax"]
