"""Seeding and device choice for repeatable runs."""

import random
from contextlib import contextmanager

import numpy as np
import torch

from gan_bench.errors import GanBenchError


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (all devices) so a CPU run repeats bit for bit."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def stream_seed(seed: int, index: int) -> int:
    """A seed for stream ``index`` (a step, an epoch) of a run seeded with ``seed``; distinct
    (seed, index) pairs give distinct 63-bit seeds for any realistic index."""
    return (seed * 2_147_483_647 + index) % (2**63)


def rng_state() -> dict:
    """Every global RNG's state as tensors, numbers and strings only, so that a checkpoint holding
    it loads with ``torch.load(weights_only=True)``: numpy's key array becomes a tensor."""
    name, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    state = {"python": random.getstate(),
             "numpy": (name, torch.from_numpy(keys.astype(np.int64)), position, has_gauss,
                       cached_gaussian),
             "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def load_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    name, keys, position, has_gauss, cached_gaussian = state["numpy"]
    if isinstance(keys, torch.Tensor):  # checkpoints written before kept numpy's own array
        keys = keys.numpy().astype(np.uint32)
    np.random.set_state((name, keys, position, has_gauss, cached_gaussian))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


@contextmanager
def forked_rng(device: torch.device, seed: int):
    """Torch's RNG (and ``device``'s, on CUDA) seeded with ``seed`` inside the block and restored
    after it: work done there (drawing samples to score or to show) leaves a run's trajectory as it
    was."""
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        torch.manual_seed(seed)
        yield


def resolve_device(name: str) -> torch.device:
    """``auto`` is CUDA when present, else CPU; asking for CUDA without it is an error."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise GanBenchError("--device cuda requested but torch sees no CUDA device")
    if name not in ("cpu", "cuda"):
        raise GanBenchError(f"unknown device {name!r}; use cpu, cuda or auto")
    return torch.device(name)
