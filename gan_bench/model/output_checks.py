"""What a model (a built-in or a plugin's) must return, checked where gan-bench takes it, so that a
model breaking the contract of gan_bench/model/contract.py is one line naming it, not a traceback from deep
inside training or a metric."""

import torch

from gan_bench.errors import GanBenchError

CONTRACT = "gan_bench/model/contract.py"


def checked_losses(losses, run_id: str) -> dict:
    """``train_step``'s result: a dict of loss name -> a one-element tensor or a real number.
    Metadata only (type, element count): nothing is read from the device."""
    if not isinstance(losses, dict):
        raise GanBenchError(f"{run_id}: the model's train_step returned a {type(losses).__name__}, "
                            f"not a dict of loss name -> scalar ({CONTRACT})")
    for name, value in losses.items():
        scalar = (isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_complex()) \
            or (isinstance(value, int | float) and not isinstance(value, bool))
        if not isinstance(name, str) or not scalar:
            shown = (f"a tensor of shape {tuple(value.shape)}" if isinstance(value, torch.Tensor)
                     else f"a {type(value).__name__}")
            raise GanBenchError(f"{run_id}: the model's train_step returned {shown} for loss "
                                f"{name!r}; each loss must be a scalar: a one-element tensor or a "
                                f"number ({CONTRACT})")
    return losses


def checked_samples(samples, n: int, shape: tuple[int, ...], run_id: str) -> torch.Tensor:
    """``sample(n)``'s result: a floating-point tensor shaped (n, *shape), the dataset's points."""
    expected = (n, *shape)
    if not isinstance(samples, torch.Tensor) or not samples.is_floating_point() \
            or tuple(samples.shape) != expected:
        shown = (f"a {samples.dtype} tensor of shape {tuple(samples.shape)}"
                 if isinstance(samples, torch.Tensor) else f"a {type(samples).__name__}")
        raise GanBenchError(f"{run_id}: the model's sample({n}) returned {shown}; expected a "
                            f"floating-point tensor of shape {expected} ({CONTRACT})")
    return samples
