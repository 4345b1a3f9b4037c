"""``gan-bench bench bisect`` finding an injected slowdown among 8 commits, on real timings.

In a throwaway clone of this checkout it makes 8 commits on HEAD: commit SLOW_AT makes the MNIST
GAN step do 24 extra 256 x 256 matrix products (about 20% of the step, as in
benchmarks/ab_gate_power.py); the others only touch a comment-free text file. Then it runs

    gan-bench bench bisect HEAD~8 HEAD --only '^step/mnist/gan$' --pairs N

in that clone with this checkout's gan-bench, and writes the probes and the named commit.

    python benchmarks/ab_bisect_demo.py --out results/bench-gate/bisect.md --slow-at 5 --pairs 5
"""

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from ab_gate_power import inject_into  # noqa: E402


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=gan-bench", "-c", "user.email=gan-bench@localhost", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--slow-at", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    base = git("rev-parse", "HEAD", cwd=ROOT)
    with tempfile.TemporaryDirectory(prefix="gan-bench-bisect-") as scratch:
        clone = Path(scratch) / "clone"
        git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=ROOT)
        git("checkout", "--quiet", "--detach", base, cwd=clone)
        made = []
        for number in range(1, 9):
            if number == args.slow_at:
                inject_into(clone, 24)
            else:
                (clone / "bisect-demo.txt").write_text(f"commit {number}\n")
                git("add", "bisect-demo.txt", cwd=clone)
            git("commit", "--quiet", "-am" if number == args.slow_at else "-m", f"demo commit {number}"
                + (" (injected slowdown)" if number == args.slow_at else ""), cwd=clone)
            made.append(git("rev-parse", "HEAD", cwd=clone))
        command = ["gan-bench", "bench", "bisect", "HEAD~8", "HEAD", "--only", "^step/mnist/gan$",
                   "--pairs", str(args.pairs)]
        finished = subprocess.run([sys.executable, "-m", "gan_bench", *command[1:]], cwd=clone,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                                  text=True, check=False)
    probes = [line for line in finished.stderr.splitlines() if ": " in line and "%" in line]
    named = finished.stdout.strip()
    expected = made[args.slow_at - 1][:7]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        f"# Bisect of an injected slowdown among 8 commits\n\nMade by `python {' '.join(sys.argv)}` "
        f"at commit {base}: 8 commits on it, the injected one number {args.slow_at} ({expected}); "
        f"in the clone, `{' '.join(command)}` (exit {finished.returncode}).\n\nProbes (A/B against "
        f"HEAD~8):\n\n" + "\n".join(f"- {line}" for line in probes) + f"\n\nNamed: `{named}`; "
        f"correct: {named.startswith('first slow commit: ' + expected)}\n")
    print(args.out.read_text())


if __name__ == "__main__":
    main()
