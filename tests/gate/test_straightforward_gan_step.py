"""The straightforward GAN step computes the paper's update when run in simultaneous form."""

import copy

import pytest
import torch

from gan_bench.baselines.gan_mnist import GanMnist
from gan_bench.gate.straightforward_gan_step import StraightforwardGanStep

CPU = torch.device("cpu")
STEPS = 20


class SyntheticDigits:
    shape = (1, 28, 28)
    mean_train_pixel = torch.linspace(0.02, 0.5, 784)


def batches(n: int) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    return [torch.rand(100, 1, 28, 28, generator=generator) for _ in range(n)]


def trained_pair(simultaneous: bool) -> tuple[GanMnist, GanMnist]:
    """The reference model and a copy trained by the straightforward step on the same batches and
    noise, 20 steps, dropout off (its masks would differ between one forward and two), in float64:
    in float32 the two forms' rounding (BCEWithLogitsLoss against the reference's softplus form of
    the same loss, reductions whose order depends on the CPU and the thread count) differed by up
    to 5e-7 on a bias near zero after 20 steps on one thread of an Intel Xeon, by 2e-8 on two."""
    previous_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        options = GanMnist.Options(input_keep_prob=1.0, hidden_keep_prob=1.0)
        torch.manual_seed(0)
        reference = GanMnist(options, SyntheticDigits(), CPU)
        other = copy.deepcopy(reference)
        straightforward = StraightforwardGanStep(other, simultaneous=simultaneous)
        data = batches(STEPS)
        torch.manual_seed(5)
        for batch in data:
            reference.train_step(batch)
        torch.manual_seed(5)
        for batch in data:
            straightforward.train_step(batch)
    finally:
        torch.set_default_dtype(previous_dtype)
    return reference, other


def assert_same_parameters(a: GanMnist, b: GanMnist) -> None:
    """Equal within 1e-9 relative (float64: the two forms agreed to 1e-17 on one and on two threads)."""
    theirs = dict(b.named_parameters())
    for name, value in a.named_parameters():
        torch.testing.assert_close(theirs[name], value, rtol=1e-9, atol=1e-12, msg=name)


@pytest.mark.slow
def test_simultaneous_form_ends_at_the_reference_steps_parameters():
    reference, other = trained_pair(simultaneous=True)
    assert all(p.dtype == torch.float64 for p in [*reference.parameters(), *other.parameters()])
    assert_same_parameters(reference, other)
    # and training moved them, so the agreement is not that of two untouched copies
    torch.manual_seed(0)
    untrained = GanMnist(GanMnist.Options(), SyntheticDigits(), CPU)
    assert not torch.allclose(reference.discriminator[5].weight,
                              untrained.discriminator[5].weight.to(torch.float64))


@pytest.mark.slow
def test_the_usual_sequential_form_is_a_different_update():
    reference, other = trained_pair(simultaneous=False)
    with pytest.raises(AssertionError):
        assert_same_parameters(reference, other)


@pytest.mark.parametrize("simultaneous", [False, True])
def test_losses_stay_on_the_device_as_tensors(simultaneous):
    torch.manual_seed(0)
    model = GanMnist(GanMnist.Options(generator_hidden=32, discriminator_units=8), SyntheticDigits(), CPU)
    losses = StraightforwardGanStep(model, simultaneous).train_step(batches(1)[0])
    assert all(isinstance(v, torch.Tensor) and v.dim() == 0 for v in losses.values())
