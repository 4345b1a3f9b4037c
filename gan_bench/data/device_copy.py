"""Copies from host memory to a training device that do not make the host wait.

A copy from pageable host memory to a CUDA device waits for the device's stream to drain before
it starts; from pinned (page-locked) memory it is queued like a kernel, and PyTorch's caching host
allocator keeps the pinned buffer alive until the copy has run. Datasets use this for what they
still draw on the CPU (the seeded indices and noise that keep CPU and GPU runs on the same data).
"""

import torch

CPU = torch.device("cpu")


def kept_on(tensor: torch.Tensor, device: torch.device, copies: dict) -> torch.Tensor:
    """``tensor`` (on the CPU) itself for the CPU, else its copy on ``device``, made on first use
    and kept in ``copies`` (a dataset's training images, indexed there batch after batch)."""
    if device.type == "cpu":
        return tensor
    if device not in copies:
        copies[device] = tensor.to(device)
    return copies[device]


def to_device_async(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """``tensor`` (on the CPU) on ``device``; the same tensor when ``device`` is the CPU."""
    if device.type == "cpu":
        return tensor
    return tensor.pin_memory().to(device, non_blocking=True)
