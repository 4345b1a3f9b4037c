"""One side of the instruction-count tier: a tree's small workloads counted under callgrind.

``gan-bench bench --against REV`` runs this file's text with ``python -c`` under
``valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no``, once with the base tree
first on ``sys.path`` and once with the candidate's, as it runs gan_bench.gate.ab_worker for the
timings. Python and torch import and the workloads build at valgrind's uninstrumented speed; then
the process prints ``READY`` and waits on stdin while the parent turns instrumentation on
(``callgrind_control -i on PID``). For each workload in the order given it makes one warm call,
then collects ``--calls`` calls between ``torch._C._valgrind_toggle()`` and
``torch._C._valgrind_toggle_and_dump_stats()`` (the switches torch.utils.benchmark's
``Timer.collect_callgrind`` uses), so each workload's instructions are the dump of that order.
"""

import argparse
import re
import sys

import torch

from gan_bench.gate.tree_workloads import tree_workloads  # inlined by standalone_source


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", required=True, help="repeatable: all must match")
    parser.add_argument("--calls", type=int, default=2)
    args = parser.parse_args()

    torch.set_num_threads(1)
    device = torch.device("cpu")
    prepared = {w.name: w.build(device) for w in tree_workloads()
                if all(re.search(pattern, w.name) for pattern in args.only)}
    for workload in prepared.values():
        workload.run()  # lazy initialisation, uninstrumented
    print("READY " + " ".join(prepared), flush=True)
    sys.stdin.readline()
    for workload in prepared.values():
        workload.run()  # warm under instrumentation, not collected
        torch._C._valgrind_toggle()
        for _ in range(args.calls):
            workload.run()
        torch._C._valgrind_toggle_and_dump_stats()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
