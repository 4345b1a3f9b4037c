"""The A/B gate's power and false-alarm rate, measured with real gate runs.

From the commit this file is run at (the base), it makes one candidate commit per injected
slowdown: ``baselines/gan_mnist.py``'s step does REPEATS extra 256 x 256 matrix products (real
work, not a sleep), sized on a 2-core AMD EPYC to cost 5%, 10% and 20% of the step. Each
candidate is checked out in a temporary worktree and gated with

    python -m gan_bench bench --against BASE --only WORKLOAD --no-quality --pairs N

run from its worktree with this checkout's gan-bench. The A/A condition gates the base against
itself; ``aa-busy`` does so while a process keeps one core busy. Conditions are taken in turn,
one gate run each, so that a change of the machine's state touches all of them alike. Each gate
run is appended to ``OUT/runs.jsonl`` as it ends (a re-run resumes),
and ``OUT/power.md`` is rewritten from it: timing verdicts SLOWER out of runs per condition.

    python benchmarks/ab_gate_power.py --out results/bench-gate-power \
        --runs aa=10,inject10=10,inject20=5,inject5=5,aa-busy=5 --pairs 6
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from gan_bench.storage.atomic_files import atomic_write_bytes

ROOT = Path(__file__).resolve().parent.parent
REPEATS = {"inject5": 6, "inject10": 12, "inject20": 24}  # 0.84% of the step each (AMD EPYC, 1 thread)
STEP_FILE = "baselines/gan_mnist.py"
RETURN_LINE = '        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(), "learning_rate": lr,'
WORKLOAD = "^step/mnist/gan$"


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def inject_into(tree: Path, repeats: int) -> None:
    """Edit ``tree``'s MNIST GAN step to do ``repeats`` extra 256 x 256 matrix products."""
    step_file = tree / STEP_FILE
    text = step_file.read_text()
    if RETURN_LINE not in text:
        raise SystemExit(f"{STEP_FILE} changed: cannot inject the extra work")
    text = text.replace(RETURN_LINE, f"        for _ in range({repeats}):  # injected extra work\n"
                                     f"            torch.mm(_EXTRA_WORK, _EXTRA_WORK)\n{RETURN_LINE}")
    first_class = text.index("\nclass ")
    text = (text[:first_class] + "\n_EXTRA_WORK = torch.randn(256, 256, generator=torch.Generator()"
            ".manual_seed(0))\n" + text[first_class:])
    step_file.write_text(text)


def injected_tree(base: str, repeats: int, folder: Path) -> Path:
    """A worktree of a commit on ``base`` whose MNIST GAN step does ``repeats`` extra products."""
    git("worktree", "add", "--detach", "--quiet", str(folder), base)
    inject_into(folder, repeats)
    git("-c", "user.name=gan-bench", "-c", "user.email=gan-bench@localhost", "commit", "--quiet", "-am",
        f"power experiment: {repeats} extra 256x256 products per MNIST GAN step", cwd=folder)
    return folder


def gate_run(tree: Path, base: str, pairs: int, history: Path) -> dict:
    argv = [sys.executable, "-m", "gan_bench", "bench", "--against", base, "--only", WORKLOAD,
            "--no-quality", "--pairs", str(pairs), "--history", str(history)]
    started = time.perf_counter()
    load = os.getloadavg()[0]
    finished = subprocess.run(argv, cwd=tree, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              capture_output=True, text=True, check=False)
    if finished.returncode not in (0, 1):
        raise SystemExit(f"gate run failed ({finished.returncode}): {finished.stderr.strip()[-400:]}")
    last = json.loads(history.read_text().splitlines()[-1])["workloads"]["step/mnist/gan"]
    # the timing tier's own verdict: the exit status also fails on the extra FLOPs (work tier)
    return {"exit": finished.returncode, "detected": last["verdict"] == "SLOWER", "change": last["change"],
            "interval_pct": last["interval_pct"], "p_holm": last["p_holm"], "verdict": last["verdict"],
            "seconds": time.perf_counter() - started, "load_average_1min_at_start": load}


def summarise(out: Path) -> None:
    runs = pd.read_json(out / "runs.jsonl", lines=True)
    table = runs.groupby("condition", sort=False).agg(
        runs=("detected", "size"), flagged=("detected", "sum"), exit_1=("exit", "sum"),
        median_change_pct=("change", lambda c: 100 * c.median()),
        min_change_pct=("change", lambda c: 100 * c.min()),
        max_change_pct=("change", lambda c: 100 * c.max()),
        median_seconds=("seconds", "median")).reset_index()
    first = runs.iloc[0]
    header = (f"# The A/B gate's power and false alarms\n\nMade by `{first['command']}` at commit "
              f"{first['git_commit']} on {first['cpu_model']} ({os.cpu_count()} cores), workload "
              f"`{WORKLOAD}`, {first['pairs']} processes per side; `flagged` counts gate runs whose timing "
              f"verdict was SLOWER (a detection for an injection, a false alarm for aa and aa-busy); "
              f"`exit 1` counts those that failed on any tier (the injections' extra FLOPs fail "
              f"the work tier whatever the timing says).\n\n")
    markdown = header + table.to_markdown(index=False, floatfmt=".3g") + "\n"
    atomic_write_bytes(out / "power.md", markdown.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", default="aa=10,inject10=10,inject20=5,inject5=5,aa-busy=5")
    parser.add_argument("--pairs", type=int, default=6)
    args = parser.parse_args()
    wanted = {name: int(count) for name, count in (item.split("=") for item in args.runs.split(","))}
    if git("status", "--porcelain", "--untracked-files=no"):
        raise SystemExit("commit first: the base of the experiment is HEAD")
    base = git("rev-parse", "HEAD")
    args.out = args.out.resolve()  # the gate runs in other folders: its --history must not be relative
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "runs.jsonl"
    done = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
               if line.startswith("model name"))
    with tempfile.TemporaryDirectory(prefix="gan-bench-power-") as scratch:
        trees = {"aa": Path(scratch) / "aa", "aa-busy": Path(scratch) / "aa"}
        git("worktree", "add", "--detach", "--quiet", str(trees["aa"]), base)
        for name, repeats in REPEATS.items():
            trees[name] = injected_tree(base, repeats, Path(scratch) / name)
        schedule = []  # round robin, so that a stop for time leaves every condition partly done
        for index in range(max(wanted.values())):
            schedule += [name for name in wanted if index < wanted[name]]
        try:
            for position, name in enumerate(schedule):
                if sum(run["condition"] == name for run in done) > schedule[:position].count(name):
                    continue  # done in an earlier invocation
                busy = (subprocess.Popen([sys.executable, "-c", "while True: pass"])
                        if name == "aa-busy" else None)
                try:
                    result = gate_run(trees[name], base, args.pairs, args.out / f"history-{name}.jsonl")
                finally:
                    if busy is not None:
                        busy.kill()
                record = {"condition": name, "git_commit": base, "cpu_model": cpu, "pairs": args.pairs,
                          "command": " ".join(["python", *sys.argv]), **result}
                done.append(record)
                atomic_write_bytes(log, "".join(json.dumps(run) + "\n" for run in done).encode())
                print(f"{name}: exit {result['exit']} change {100 * result['change']:+.1f}% "
                      f"{result['interval_pct']} ({result['seconds']:.0f} s)", flush=True)
                summarise(args.out)
        finally:
            for tree in {str(t) for t in trees.values()}:
                subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
