"""The instruction-count tier on real trees: its A/A spread and a ~3% pure-Python slowdown caught.

1. A/A: this commit's small workloads counted under callgrind in two processes side by side
   (gan_bench.gate.instruction_counts.count_both), as a gate run against itself counts them.
2. The cost of one iteration of an empty Python ``for`` loop, counted under callgrind.
3. A commit whose 2-D GAN step (baselines/gan_mlp.py) first runs such a loop, sized to add
   ``--target-pct`` of the step's instructions: no FLOPs, no operator, no allocation, so the
   work tier cannot see it; the instruction tier compares it with this commit.

    python benchmarks/instruction_tier_demo.py --out results/bench-gate/instructions.md --target-pct 3
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

from gan_bench.gate.git_trees import git
from gan_bench.gate.instruction_counts import CALLS, compare_instructions, count_both, dump_total
from gan_bench.runtime.provenance import how_made
from gan_bench.storage.atomic_files import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
STEP_FILE = "baselines/gan_mlp.py"
ANCHOR = '''        self.train()
        d_opt, g_opt = self.optimizers["discriminator"], self.optimizers["generator"]
'''
STEP = "step/mog/gan-nonsaturating"


def python_loop_instructions(iterations: int) -> float:
    """Instructions per iteration of ``for _ in range(n): pass`` in a function (a local loop
    variable, as in the step), from two callgrind runs."""
    totals = []
    with tempfile.TemporaryDirectory() as scratch:
        for n in (0, iterations):
            out = Path(scratch) / f"loop{n}.out"
            program = f"def loop():\n    for _ in range({n}):\n        pass\nloop()"
            subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                            "-c", program], check=True, capture_output=True)
            totals.append(dump_total(out))
    return (totals[1] - totals[0]) / iterations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--target-pct", type=float, default=3.0)
    parser.add_argument("--only", default=f"^{STEP}$", help="the small workloads to count (regex)")
    parser.add_argument("--no-aa", action="store_true", help="skip the A/A counts; --step-instructions "
                        "then gives the step's instructions per call")
    parser.add_argument("--step-instructions", type=int, default=None)
    args = parser.parse_args()
    if git("status", "--porcelain", "--untracked-files=no", cwd=ROOT):
        raise SystemExit("commit first: the base of the experiment is HEAD")
    base_commit = git("rev-parse", "HEAD", cwd=ROOT)
    sections = []
    with tempfile.TemporaryDirectory(prefix="gan-bench-instructions-") as scratch:
        base, injected = Path(scratch) / "base", Path(scratch) / "injected"
        git("worktree", "add", "--detach", "--quiet", str(base), base_commit, cwd=ROOT)
        try:
            started = time.perf_counter()
            aa = [] if args.no_aa else compare_instructions(*count_both(base, base, args.only))
            aa_seconds = time.perf_counter() - started
            per_iteration = python_loop_instructions(1_000_000)
            step_instructions = args.step_instructions or next(
                row["base instructions/call"] for row in aa if row["workload"] == STEP)
            iterations = round(args.target_pct / 100 * step_instructions / per_iteration)
            git("worktree", "add", "--detach", "--quiet", str(injected), base_commit, cwd=ROOT)
            text = (injected / STEP_FILE).read_text()
            if ANCHOR not in text:
                raise SystemExit(f"{STEP_FILE} changed: cannot inject the loop")
            (injected / STEP_FILE).write_text(text.replace(
                ANCHOR, ANCHOR + f"        for _ in range({iterations}):  # injected: instructions only\n"
                                 f"            pass\n"))
            started = time.perf_counter()
            caught = compare_instructions(*count_both(base, injected, args.only))
            caught_seconds = time.perf_counter() - started
        finally:
            for tree in (base, injected):
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
    provenance = how_made({"target_pct": args.target_pct, "only": args.only, "calls": CALLS,
                           "step_instructions": step_instructions},
                          torch.device("cpu"))
    sections = [
        f"# The instruction-count tier on real trees\n\nMade by `{provenance['command']}` at commit "
        f"{base_commit} on {provenance['hardware']['cpu_model']}, valgrind's callgrind, {CALLS} calls "
        f"per workload, one process per side side by side (gan_bench/gate/instruction_counts.py).\n",
        *([f"## A/A: this commit against itself ({aa_seconds:.0f} s)\n\n"
           + pd.DataFrame(aa).to_markdown(index=False, floatfmt=".3g") + "\n"] if aa else []),
        f"## A pure-Python slowdown of the 2-D GAN step ({caught_seconds:.0f} s)\n\n"
        f"An empty Python loop costs {per_iteration:.1f} instructions per iteration under callgrind; "
        f"{iterations:,} iterations were added at the start of `{STEP}`'s step, aimed at "
        f"+{args.target_pct:g}% of its {step_instructions:,} instructions per call. It adds no "
        f"FLOPs, operators or allocations, so the work tier cannot see it.\n\n"
        + pd.DataFrame(caught).to_markdown(index=False, floatfmt=".3g") + "\n",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(args.out, "\n".join(sections).encode())
    print("\n".join(sections))


if __name__ == "__main__":
    main()
