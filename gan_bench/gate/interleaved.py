"""Timing a workload in rounds interleaved with the reference workload, in one process.

Each round times the reference workload, then the workload, each called enough times to last
about ``round_seconds``. Interference from other work on a shared machine only ever adds time, so
each side's figure is its best (minimum) time per call over the timed rounds, the estimator least
moved by it (the one ``timeit`` recommends); interleaving makes both sides' best rounds fall in
the same quiet stretches. The ratio is the workload's units processed in the time of one reference
call, best against best: it cancels the machine's own speed. The per-round ratios' range and the
median time are reported beside it. Warm-up rounds (lazy initialisation, allocator growth, CPU
frequency) run first and are not counted. On CUDA the device is synchronised at the edges of every
timed region: here waiting for the device is the point.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Prepared:
    """A workload ready to run: ``run()`` processes ``units_per_call`` units (samples, images,
    points) doing ``flops_per_call`` floating-point operations where they were counted."""
    run: Callable[[], object]
    units_per_call: int
    unit: str
    flops_per_call: float | None = None


def _seconds_per_call(function: Callable[[], object], calls: int, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    started = time.perf_counter()
    for _ in range(calls):
        function()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - started) / calls


def measure(prepared: Prepared, reference: Callable[[], object], device: torch.device, rounds: int,
            warmup_rounds: int, round_seconds: float) -> dict:
    """The workload's best units/s, seconds per call and ratio to the reference over ``rounds``
    timed rounds, after ``warmup_rounds``; FLOP/s where the workload counts its FLOPs.
    ``reference`` is the ReferenceWorkload, or another workload's ``run`` for a direct A/B
    comparison of the two (gan_bench.gate.speed_gate's invariants)."""
    _seconds_per_call(prepared.run, 1, device)  # first call: lazy initialisation
    calls = max(1, round(round_seconds / _seconds_per_call(prepared.run, 1, device)))
    reference_calls = max(1, round(round_seconds / _seconds_per_call(reference, 1, device)))
    per_round = []
    for index in range(warmup_rounds + rounds):
        reference_s = _seconds_per_call(reference, reference_calls, device)
        workload_s = _seconds_per_call(prepared.run, calls, device)
        if index >= warmup_rounds:
            per_round.append((reference_s, workload_s))
    ratios = [reference_s / workload_s * prepared.units_per_call for reference_s, workload_s in per_round]
    best_s = min(workload_s for _, workload_s in per_round)
    best_reference_s = min(reference_s for reference_s, _ in per_round)
    result = {
        "unit": prepared.unit,
        "units_per_call": prepared.units_per_call,
        "calls_per_round": calls,
        "rounds": rounds,
        "seconds_per_call": best_s,
        "median_seconds_per_call": statistics.median(workload_s for _, workload_s in per_round),
        "units_per_s": prepared.units_per_call / best_s,
        "reference_seconds_per_call": best_reference_s,
        "ratio": best_reference_s / best_s * prepared.units_per_call,
        "round_ratio_min": min(ratios),
        "round_ratio_max": max(ratios),
        "round_ratios": ratios,  # what --compare tests against a baseline's (gan_bench.gate.speed_gate)
    }
    if prepared.flops_per_call is not None:
        result["flops_per_call"] = prepared.flops_per_call
        result["flops_per_s"] = prepared.flops_per_call / best_s
    return result
