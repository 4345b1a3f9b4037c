"""The gate's history over the last commits of a branch, and its figure.

Each of the last COMMITS first-parent commits of REV is checked out into a temporary worktree and
gated against its parent with this checkout's gan-bench:

    gan-bench bench --against C^ --only WORKLOADS --no-quality --pairs N --history OUT.jsonl

then ``gan-bench bench history OUT.jsonl`` draws each workload over the commits. A commit whose
tree lacks a selected workload is reported as appeared; the base tree of each run is the commit's
own parent, so the figure chains real A/B changes.

    python benchmarks/ab_history_demo.py --rev main --commits 10 --out results/bench-gate/history.jsonl
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = "^step/(mnist/gan|mog/gan-nonsaturating|mog/vae)$"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--only", default=WORKLOADS)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    commits = git("rev-list", "--first-parent", "--reverse", f"-{args.commits}", args.rev).split()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = args.out.read_text().count("\n") if args.out.exists() else 0  # resume after a stop
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for commit in commits[done:]:
        with tempfile.TemporaryDirectory(prefix="gan-bench-history-") as scratch:
            tree = Path(scratch) / commit[:12]
            git("worktree", "add", "--detach", "--quiet", str(tree), commit)
            try:
                # -P: the commit's own gan_bench in the current folder must not shadow this one's
                finished = subprocess.run(
                    [sys.executable, "-P", "-m", "gan_bench", "bench", "--against", f"{commit}^", "--only",
                     args.only, "--no-quality", "--pairs", str(args.pairs),
                     "--history", str(args.out.resolve())],
                    cwd=tree, env=env, capture_output=True, text=True, check=False)
            finally:
                git("worktree", "remove", "--force", str(tree))
        verdict = (finished.stdout.strip().splitlines() or ["?"])[-1]
        print(f"{commit[:12]}: exit {finished.returncode}: {verdict}", flush=True)
        if finished.returncode not in (0, 1):
            raise SystemExit(finished.stderr.strip()[-600:])
    subprocess.run([sys.executable, "-m", "gan_bench", "bench", "history", str(args.out),
                    "--out", str(args.out.with_suffix(".png"))], env=env, check=True)


if __name__ == "__main__":
    main()
