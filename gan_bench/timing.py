"""Training throughput and where the time goes.

Steps and phases are timed with ``time.perf_counter``; on CUDA the device is synchronised at the
edges of every timed region, so a region's time includes the kernels it launched rather than just
their launch. The first ``warmup_steps`` steps (allocator growth, cuDNN autotuning, lazy init) are
timed but excluded from the throughput. Peak memory is the CUDA allocator's peak on GPU and the
process's peak resident set size (VmHWM, reset at the start where the kernel allows) on CPU.
"""

import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import torch

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


class PhaseTimer:
    def __init__(self, device: torch.device, warmup_steps: int):
        self.device = device
        self.warmup_steps = warmup_steps
        self.steps_seen = 0
        self.timed_steps = 0
        self.timed_step_s = 0.0
        self.phase_s: dict[str, float] = defaultdict(float)
        reset_peak_memory(device)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    @property
    def warming_up(self) -> bool:
        return self.steps_seen < self.warmup_steps

    @contextmanager
    def phase(self, name: str):
        self._sync()
        start = time.perf_counter()
        yield
        self._sync()
        if not self.warming_up:
            self.phase_s[name] += time.perf_counter() - start

    @contextmanager
    def step(self):
        self._sync()
        start = time.perf_counter()
        yield
        self._sync()
        if not self.warming_up:
            self.timed_step_s += time.perf_counter() - start
            self.timed_steps += 1
        self.steps_seen += 1

    def summary(self, samples_per_step: int) -> dict[str, float]:
        """Throughput over the timed (post warm-up) steps, ms per step of each phase, peak memory."""
        steps_per_s = self.timed_steps / self.timed_step_s if self.timed_step_s > 0 else float("nan")
        out = {
            "timed_steps": self.timed_steps,
            "steps_per_s": steps_per_s,
            "samples_per_s": steps_per_s * samples_per_step,
            "peak_mem_bytes": peak_memory_bytes(self.device),
        }
        for name, seconds in sorted(self.phase_s.items()):
            out[f"{name}_ms_per_step"] = 1000.0 * seconds / max(self.timed_steps, 1)
        return out

    def state_dict(self) -> dict:
        return {"timed_steps": self.timed_steps, "timed_step_s": self.timed_step_s,
                "phase_s": dict(self.phase_s)}

    def load_state_dict(self, state: dict) -> None:
        """Continue accumulating after a resume; the resumed process warms up again."""
        self.timed_steps = state["timed_steps"]
        self.timed_step_s = state["timed_step_s"]
        self.phase_s = defaultdict(float, state["phase_s"])


def reset_peak_memory(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    try:  # "5" resets the peak RSS (VmHWM) of this process on Linux
        PROC_CLEAR_REFS.write_text("5")
    except OSError:
        pass


def peak_memory_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    try:
        for line in PROC_STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024
