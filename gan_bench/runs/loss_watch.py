"""A run's per-step losses watched on their device: the first non-finite step, read only when asked.

``train_step`` returns its losses and diagnostics as 0-d tensors on the model's device (or plain
floats, such as a learning rate). Reading a device tensor on the host (``.item()``, ``float()``,
``bool()``) makes the host wait for the device, so the Trainer does not read them each step: it
hands them to :meth:`LossWatch.observe`, which keeps, on the device, the index of the first step
with a non-finite value, and reads them at its log points through :meth:`LossWatch.read`, a fixed
number of host reads however many steps passed. A run still records the exact first bad step.
"""

import math

import torch


class LossWatch:
    def __init__(self, device: torch.device):
        self._first_bad_on_device = torch.full((), -1, dtype=torch.long, device=device)
        self._first_bad_on_host: int | None = None  # from plain-float values, known at once
        self._latest: dict[str, torch.Tensor | float] = {}

    def observe(self, step: int, losses: dict[str, torch.Tensor | float]) -> None:
        """Note step ``step``'s losses without reading any of them on the host."""
        self._latest = losses
        tensors = [v.detach().reshape(()) for v in losses.values() if isinstance(v, torch.Tensor)]
        if tensors:
            all_finite = torch.isfinite(torch.stack(tensors)).all()
            seen_bad = self._first_bad_on_device >= 0
            self._first_bad_on_device = torch.where(all_finite | seen_bad,
                                                    self._first_bad_on_device, step)
        floats_finite = all(math.isfinite(v) for v in losses.values() if not isinstance(v, torch.Tensor))
        if not floats_finite and self._first_bad_on_host is None:
            self._first_bad_on_host = step

    def first_bad_step(self) -> int | None:
        """The first observed step with a non-finite loss, or None (one host read)."""
        on_device = int(self._first_bad_on_device.item())
        candidates = ([on_device] if on_device >= 0 else []) + (
            [] if self._first_bad_on_host is None else [self._first_bad_on_host])
        return min(candidates, default=None)

    def read(self) -> dict[str, float]:
        """The last observed step's losses as floats (one host read per tensor)."""
        return {k: v.item() if isinstance(v, torch.Tensor) else v for k, v in self._latest.items()}
