"""How a result was produced: command, hardware fingerprint, library versions and git commit."""

import os
import platform
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import torch

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = ("gan-bench", "torch", "torchvision", "numpy", "scipy", "scikit-learn", "pandas",
             "torch-fidelity", "optuna")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware(device: torch.device) -> dict:
    info = {
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
        "gpu_name": None,
        "cuda_version": torch.version.cuda,
        "platform": platform.platform(),
    }
    if device.type == "cuda":
        info["gpu_name"] = torch.cuda.get_device_name(device)
    return info


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> dict:
    """The commit of the code that ran, and whether the work tree had uncommitted changes."""
    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True,
                                    text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no", "--", "gan_bench", "baselines",
                 "benchmarks")
    return {"git_commit": git("rev-parse", "HEAD"),
            "git_dirty": None if status is None else bool(status)}


def invoking_command() -> str:
    """The command line of this process, as a user would type it."""
    program = Path(sys.argv[0]).name
    program = "python -m gan_bench" if program == "__main__.py" else program
    return " ".join([program, *map(shlex.quote, sys.argv[1:])])


def how_made(config: dict, device: torch.device) -> dict:
    """The provenance every result carries: its full configuration, the hardware, the library
    versions, the git commit and the command line."""
    return {"config": config, "hardware": hardware(device), "libraries": library_versions(),
            **git_commit(), "command": invoking_command()}
