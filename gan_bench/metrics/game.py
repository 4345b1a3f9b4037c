"""The state of a GAN's game at a log point, on a 2-D mixture: how far its discriminator is from
the optimal one, and how strongly each generator loss pulls the generator.

Goodfellow et al. 2014 (section 3 and Figure 1): D* = p_data / (p_data + p_g) for the current
generator; and early in training, when D rejects generated samples confidently, log(1 - D(G(z)))
saturates (its gradient vanishes as D(G(z)) -> 0) while -log D(G(z)) keeps a strong gradient,
which is why the paper trains G to maximise log D(G(z)).

Two metrics that need the model (a GAN with ``generator``, ``discriminator`` returning logits, and
``noise(n)``; other models score nothing). ``generator_gradients``, on any dataset: the mean
D(G(z)) on a fresh noise batch and the norm of the generator's parameter gradient under each loss
on that same batch, whichever loss the run trains. ``game``, on the 2-D mixtures: those, and the
mean |D - D*| under p_data and under p_g (gan_bench.metrics.theory). They work on copies of the
networks (the generator in training mode, as it trains, whose batch norm would update running
statistics; the discriminator in evaluation mode, without dropout), and the learning-curve hook
forks the RNG, so a run's trajectory is the same with or without them.
"""

import copy

import torch

from gan_bench.metrics.theory import GeneratorDensity, d_star_error, has_closed_form_density
from gan_bench.model.gan_losses import generator_loss
from gan_bench.registry import register_metric, require_metric_support

PROBE_BATCH = 1000
LOSSES = ("nonsaturating", "minimax")


def is_probed(model) -> bool:
    return all(hasattr(model, name) for name in ("generator", "discriminator", "noise"))


def generator_gradient_norms(model, n: int = PROBE_BATCH) -> dict[str, float]:
    """Mean D(G(z)) over ``n`` noise draws and, on that batch, the L2 norm of the generator's
    parameter gradient under each generator loss."""
    generator = copy.deepcopy(model.generator).train()
    discriminator = copy.deepcopy(model.discriminator).eval()
    logits = discriminator(generator(model.noise(n)))
    parameters = list(generator.parameters())
    result = {"d_fake_probe": float(torch.sigmoid(logits.detach()).mean())}
    for kind in LOSSES:
        gradients = torch.autograd.grad(generator_loss(logits, kind), parameters, retain_graph=True)
        result[f"g_grad_norm_{kind}"] = float(torch.sqrt(sum((g.double() ** 2).sum() for g in gradients)))
    return result


def generator_gradients_metric(dataset, samples: torch.Tensor, model) -> dict[str, float]:
    return generator_gradient_norms(model) if is_probed(model) else {}


def game_metric(dataset, samples: torch.Tensor, model) -> dict[str, float]:
    require_metric_support("game", dataset)
    if not is_probed(model):
        return {}
    density = GeneratorDensity.from_samples(dataset, samples)
    discriminator = model.discriminator

    def d_of(points: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(discriminator(points.to(model.device))).reshape(-1)

    return {**d_star_error(density, d_of), **generator_gradient_norms(model)}


register_metric("generator_gradients", generator_gradients_metric, needs_model=True)
register_metric("game", game_metric, supports=has_closed_form_density, needs_model=True)
