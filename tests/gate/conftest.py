import subprocess
from pathlib import Path

import pytest


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repository(tmp_path):
    """A git repository of 8 commits, each writing its number to ``version.txt``; the hashes,
    oldest first."""
    folder = tmp_path / "repository"
    folder.mkdir()
    git("init", "--quiet", cwd=folder)
    commits = []
    for number in range(8):
        (folder / "version.txt").write_text(f"{number}\n")
        git("add", "version.txt", cwd=folder)
        git("commit", "--quiet", "-m", f"commit {number}", cwd=folder)
        commits.append(git("rev-parse", "HEAD", cwd=folder))
    return folder, commits


class FakeClock:
    """A perf_counter that moves only when the work under test says it costs time."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock(monkeypatch):
    """gan_bench.gate.interleaved timed on a FakeClock: timings are exact functions of the work."""
    from gan_bench.gate import interleaved

    clock = FakeClock()
    monkeypatch.setattr(interleaved, "time", clock)
    return clock
