"""One side of an A/B measurement: time a source tree's workloads in a fresh process.

``gan-bench bench --against REV`` runs this file's text with ``python -c`` in alternating fresh
processes, once with the base commit's tree first on ``sys.path`` and once with the candidate's,
so each side's workloads are built from its own code while the timing loop is the same on both
sides. It therefore imports nothing of gan-bench but the tree under test's ``all_workloads``
(``tree_workloads``: in ``gan_bench.gate.workloads``, ``gan_bench.bench.workloads`` before the
package was grouped into subpackages), and writes
one JSON object to ``--out``:

- ``rounds``: each workload's seconds per call in each timed round: CPU time of the process on
  the CPU, wall time on CUDA (``wall_rounds``: the wall time, reported beside it). The workloads' rounds are
  taken in turn (round 1 of every workload, then round 2, ...), so that each workload's rounds
  span the whole process and drift inside it touches all of them alike. The calls per round are
  chosen once from the first call, to last about ``--round-seconds``.
- with ``--counts``, the deterministic figures of one call, the same on every run of the same
  code and inputs (``torch.profiler`` for the operator counts, the bytes allocated and the peak of
  live bytes, at the granularity of operators), and with ``--flops`` too the floating-point
  operations (``torch.utils.flop_counter.FlopCounterMode``, about 1.5 s of a process for the 12
  workloads, so only the first process of each side counts them: they are exact).
  They are taken after the first call's lazy initialisation.
"""

import argparse
import json
import re
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode

from gan_bench.gate.tree_workloads import tree_workloads  # inlined by standalone_source


def seconds_per_call(run, calls: int, device: torch.device) -> tuple[float, float]:
    """(gated seconds, wall seconds) per call over ``calls`` calls. On the CPU the gated figure is
    the process's CPU time, which other processes competing for the cores do not inflate (a
    process waiting for a core accrues none); on CUDA it is the wall time to the device's end."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        run()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    wall, cpu = (time.perf_counter() - wall) / calls, (time.process_time() - cpu) / calls
    return (wall if device.type == "cuda" else cpu), wall


def counts_of_one_call(run, count_flops: bool = True) -> dict:
    """Operator counts, bytes allocated and peak live bytes of one call of ``run``, and with
    ``count_flops`` the FLOPs of another."""
    flops = None
    if count_flops:
        with FlopCounterMode(display=False) as counter:
            run()
        flops = int(counter.get_total_flops())
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as profiled:
        run()
    operators, allocated, live, peak = {}, 0, 0, 0
    # an operator's own allocations net of its own releases, and allocations outside operators
    # ("[memory]"), in the order they happened
    for event in sorted(profiled.events(), key=lambda event: event.time_range.start):
        live += event.self_cpu_memory_usage
        allocated += max(0, event.self_cpu_memory_usage)
        peak = max(peak, live)
        if event.name.startswith("aten::"):
            operators[event.name] = operators.get(event.name, 0) + 1
    return {**({"flops": flops} if count_flops else {}), "operators": dict(sorted(operators.items())),
            "allocated_bytes": int(allocated), "peak_live_bytes": int(peak)}



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", default=None)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup-rounds", type=int, default=1)
    parser.add_argument("--round-seconds", type=float, default=0.1)
    parser.add_argument("--counts", action="store_true")
    parser.add_argument("--flops", action="store_true")
    args = parser.parse_args()

    import gan_bench
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    selected = [w for w in tree_workloads() if args.only is None or re.search(args.only, w.name)]
    prepared = {w.name: w.build(device) for w in selected}
    counts, calls = {}, {}
    for name, workload in prepared.items():
        seconds_per_call(workload.run, 1, device)  # lazy initialisation
        if args.counts:
            counts[name] = counts_of_one_call(workload.run, args.flops)
        calls[name] = max(1, round(args.round_seconds / seconds_per_call(workload.run, 1, device)[1]))
    rounds = {name: [] for name in prepared}
    wall_rounds = {name: [] for name in prepared}
    for index in range(args.warmup_rounds + args.rounds):
        for name, workload in prepared.items():
            gated, wall = seconds_per_call(workload.run, calls[name], device)
            if index >= args.warmup_rounds:
                rounds[name].append(gated)
                wall_rounds[name].append(wall)
    args.out.write_text(json.dumps({
        "gan_bench_file": gan_bench.__file__,
        "units": {name: [w.units_per_call, w.unit] for name, w in prepared.items()},
        "calls_per_round": calls,
        "rounds": rounds,
        "wall_rounds": wall_rounds,
        **({"counts": counts} if args.counts else {}),
    }))


if __name__ == "__main__":
    main()
