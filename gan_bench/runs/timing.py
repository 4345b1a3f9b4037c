"""Training throughput and where the time goes, without a host synchronisation per step.

On the CPU, steps and phases are timed with ``time.perf_counter``. On CUDA each region records a
pair of CUDA events on the current stream instead, and :meth:`PhaseTimer.flush` (called by the
Trainer at its log points, where it reads the device anyway) waits for them once and adds up
their elapsed times, so a region's time is the device time of the kernels it launched and the
loop never waits for the device in between. The first ``warmup_steps`` steps (allocator growth,
cuDNN autotuning, lazy init) are timed but excluded from the throughput. Peak memory is the CUDA
allocator's peak on GPU and the process's peak resident set size (VmHWM, reset at the start where
the kernel allows) on CPU.
"""

import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import torch

PROC_STATUS = Path("/proc/self/status")
PROC_CLEAR_REFS = Path("/proc/self/clear_refs")


class _HostClock:
    """Marks are perf_counter readings; a span is known at once."""

    def mark(self) -> float:
        return time.perf_counter()

    def seconds(self, start: float, end: float) -> float:
        return end - start

    def wait(self) -> None:
        pass


class _CudaClock:
    """Marks are CUDA events recorded on the current stream; a span is known once the device has
    passed its end event, which :meth:`wait` ensures with one synchronisation."""

    def __init__(self, device: torch.device):
        self.device = device

    def mark(self) -> torch.cuda.Event:
        event = torch.cuda.Event(enable_timing=True)
        event.record()
        return event

    def seconds(self, start: torch.cuda.Event, end: torch.cuda.Event) -> float:
        return start.elapsed_time(end) / 1000.0

    def wait(self) -> None:
        torch.cuda.synchronize(self.device)


class PhaseTimer:
    def __init__(self, device: torch.device, warmup_steps: int):
        self.device = device
        self.warmup_steps = warmup_steps
        self.clock = _CudaClock(device) if device.type == "cuda" else _HostClock()
        self.steps_seen = 0
        self.timed_steps = 0
        self.timed_step_s = 0.0
        self.phase_s: dict[str, float] = defaultdict(float)
        # (phase name or None for a whole step, timed?, start mark, end mark) not yet added up
        self._pending: list[tuple[str | None, bool, object, object]] = []
        self._unclaimed_step_s = 0.0  # step seconds added up but not yet returned by flush
        reset_peak_memory(device)

    @property
    def warming_up(self) -> bool:
        return self.steps_seen < self.warmup_steps

    @contextmanager
    def phase(self, name: str):
        start = self.clock.mark()
        yield
        self._pending.append((name, not self.warming_up, start, self.clock.mark()))

    @contextmanager
    def step(self):
        start = self.clock.mark()
        yield
        self._pending.append((None, not self.warming_up, start, self.clock.mark()))
        self.steps_seen += 1

    def _add_up(self) -> None:
        """Resolve the regions timed so far (on CUDA: wait for the device once)."""
        if not self._pending:
            return
        self.clock.wait()
        for name, timed, start, end in self._pending:
            seconds = self.clock.seconds(start, end)
            if name is None:
                self._unclaimed_step_s += seconds
                if timed:
                    self.timed_step_s += seconds
                    self.timed_steps += 1
            elif timed:
                self.phase_s[name] += seconds
        self._pending.clear()

    def flush(self) -> float:
        """The seconds spent in steps, warm-up steps included, since the last flush."""
        self._add_up()
        seconds, self._unclaimed_step_s = self._unclaimed_step_s, 0.0
        return seconds

    def summary(self, samples_per_step: int) -> dict[str, float]:
        """Throughput over the timed (post warm-up) steps, ms per step of each phase, peak memory."""
        self._add_up()
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
        self._add_up()
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
