"""The gate's history: one JSON line per A/B run, and a figure of each workload over commits.

Each line holds the candidate's commit (and whether its tree had uncommitted changes), the base's,
the date, the hardware, and per workload the candidate's process medians, the change against the
base with its interval and the verdict. Chaining the changes of successive runs gives each
workload's time relative to the first commit in the file; the figure draws that, one panel per
workload, and marks the runs whose verdict was a significant change (the change points).
"""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from gan_bench.errors import GanBenchError
from gan_bench.gate.git_trees import commit_of, git
from gan_bench.runtime.provenance import hardware, invoking_command
from gan_bench.storage.atomic_files import atomic_write_bytes

FORMAT = "gan-bench-bench-history/1"
CHANGE_POINTS = {"SLOWER": ("tab:red", "slower"), "faster": ("tab:green", "faster")}


def append(path: Path, base_commit: str, tree: Path, speed_rows: list[dict],
           candidate_medians: dict[str, list[float]]) -> None:
    import torch

    entry = {
        "format": FORMAT, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit_of("HEAD", tree), "dirty": bool(git("status", "--porcelain", cwd=tree)),
        "tree": str(tree), "command": invoking_command(),
        "base_commit": base_commit, "hardware": hardware(torch.device("cpu")),
        "workloads": {row["workload"]: {
            "verdict": row["verdict"],
            **({"change": row["change %"] / 100, "interval_pct": row["95% interval %"],
                "p_holm": row["p (Holm)"], "candidate_process_medians_s": candidate_medians[row["workload"]]}
               if "change %" in row else {})} for row in speed_rows},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
    # rewritten through a temporary file and a rename: never a half line, never through a link
    atomic_write_bytes(path, before + (json.dumps(entry, sort_keys=True) + "\n").encode())


def read(path: Path) -> list[dict]:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as error:
        raise GanBenchError(f"cannot read history {path}: {error.strerror}") from None
    entries = []
    for number, line in enumerate(lines, 1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise GanBenchError(f"{path} line {number} is not JSON") from None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            raise GanBenchError(f"{path} line {number} is not a gan-bench bench history entry")
        entries.append(entry)
    if not entries:
        raise GanBenchError(f"history {path} is empty")
    return entries


def relative_times(entries: list[dict]) -> dict[str, list[tuple[int, float, str]]]:
    """Workload -> (entry index, time relative to the first entry measuring it, verdict), by
    chaining each entry's change against its base."""
    series: dict[str, list[tuple[int, float, str]]] = {}
    for index, entry in enumerate(entries):
        for name, figures in entry["workloads"].items():
            if "change" not in figures:
                continue
            points = series.setdefault(name, [])
            level = points[-1][1] if points else 1.0
            points.append((index, level * (1 + figures["change"]), figures["verdict"]))
    return series


def draw(path: Path, out: Path) -> Path:
    entries = read(path)
    series = relative_times(entries)
    if not series:
        raise GanBenchError(f"history {path} holds no workload compared on both sides")
    labels = [(entry.get("commit") or "?")[:8] + ("+" if entry.get("dirty") else "") for entry in entries]
    figure, axes = plt.subplots(len(series), 1, figsize=(max(6, 0.6 * len(entries) + 3), 2.2 * len(series)),
                                sharex=True, squeeze=False)
    for axis, (name, points) in zip(axes[:, 0], sorted(series.items()), strict=True):
        axis.plot([i for i, _, _ in points], [level for _, level, _ in points], marker="o", color="tab:blue")
        for verdict, (color, label) in CHANGE_POINTS.items():
            marked = [(i, level) for i, level, v in points if v == verdict]
            if marked:
                axis.scatter(*zip(*marked, strict=True), s=120, facecolors="none", edgecolors=color,
                             linewidths=2, label=f"{label} (significant)", zorder=3)
        axis.axhline(1.0, color="grey", lw=0.5)
        axis.set_ylabel("time / first")
        axis.set_title(name, fontsize=9)
        if any(v in CHANGE_POINTS for _, _, v in points):
            axis.legend(fontsize=7)
    axes[-1, 0].set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    atomic_write_bytes(Path(out), buffer.getvalue())
    return Path(out)
