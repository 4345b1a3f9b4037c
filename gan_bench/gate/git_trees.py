"""The source trees an A/B measurement compares: the working tree, and a commit checked out into a
temporary git worktree (``git worktree add --detach``), removed again however the run ends."""

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gan_bench.errors import GanBenchError


def git(*args: str, cwd: Path) -> str:
    """A git command's stdout; its failure is one line naming the command."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise GanBenchError(f"cannot run git: {error.strerror}") from None
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["failed"])[-1]
        raise GanBenchError(f"git {' '.join(args)}: {message}")
    return result.stdout.strip()


def working_tree(start: Path | None = None) -> Path:
    """The top of the git working tree holding ``start`` (default: the current directory)."""
    start = Path.cwd() if start is None else start
    try:
        return Path(git("rev-parse", "--show-toplevel", cwd=start))
    except GanBenchError:
        raise GanBenchError(f"{start} is not inside a git working tree; --against, --calibrate and "
                            f"bisect compare commits of a gan-bench checkout") from None


def commit_of(revision: str, tree: Path) -> str:
    """The full hash of ``revision`` (a commit, branch, tag or ``origin/main``)."""
    try:
        return git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=tree)
    except GanBenchError:
        raise GanBenchError(f"{revision!r} names no commit in {tree}") from None


def commits_between(good: str, bad: str, tree: Path) -> list[str]:
    """The first-parent commits after ``good`` up to ``bad``, oldest first."""
    span = f"{commit_of(good, tree)}..{commit_of(bad, tree)}"
    listed = git("rev-list", "--first-parent", "--reverse", span, cwd=tree)
    if not listed:
        raise GanBenchError(f"{bad!r} does not come after {good!r} on its first-parent line")
    return listed.split()


@contextlib.contextmanager
def checked_out(revision: str, tree: Path) -> Iterator[Path]:
    """``revision`` of the repository at ``tree`` in a temporary detached worktree."""
    commit = commit_of(revision, tree)
    git("worktree", "prune", cwd=tree)  # forget the worktrees of a run killed outright
    with tempfile.TemporaryDirectory(prefix="gan-bench-base-") as scratch:
        folder = Path(scratch) / commit[:12]
        git("worktree", "add", "--detach", "--quiet", str(folder), commit, cwd=tree)
        try:
            yield folder
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=tree,
                           capture_output=True, check=False)
