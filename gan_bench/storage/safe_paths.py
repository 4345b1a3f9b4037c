"""Paths the tool writes, checked to stay inside the folder they belong to, never through a link.

A symbolic link inside a results folder (git commits them; anyone who can write the folder can
plant one) would send a write elsewhere: a figure's ``savefig`` overwrote a link's target, and a
linked ``checkpoints/`` put checkpoints outside. So nothing inside a results folder may be a link:
:func:`refuse_links_within` checks a whole folder before a command writes there, and
:func:`inside` checks each path it hands out. The results folder itself may be a link (the user's
own choice of where results live).
"""

import os
from pathlib import Path

from gan_bench.errors import GanBenchError


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts``, refused unless it resolves inside ``folder`` (names are checked when a
    suite loads, gan_bench.config.suite.NAME_PATTERN; this is the last line of defence) and unless no
    part of it below ``folder`` is a symbolic link."""
    path = Path(folder).joinpath(*parts)
    for depth in range(1, len(parts) + 1):
        _refuse_link(Path(folder).joinpath(*parts[:depth]))
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise GanBenchError(f"refusing to write {path}: it resolves outside {folder}")
    return path


def refuse_links_within(folder: Path) -> None:
    """A one-line error if anything inside ``folder`` (at any depth) is a symbolic link."""
    for root, folders, files in os.walk(folder):  # never descends into a linked folder
        for name in folders + files:
            _refuse_link(Path(root) / name)


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise GanBenchError(f"refusing {path}: it is a symbolic link, and gan-bench writes nothing "
                            f"through links in a results folder; replace it with the file or folder")
