"""Paths the tool writes, checked to stay inside the folder they belong to."""

from pathlib import Path

from gan_bench.errors import GanBenchError


def inside(folder: Path, *parts: str) -> Path:
    """``folder / parts``, refused unless it resolves inside ``folder`` (names are checked when a
    suite loads, gan_bench.config.NAME_PATTERN; this is the last line of defence)."""
    path = Path(folder).joinpath(*parts)
    if not path.resolve().is_relative_to(Path(folder).resolve()):
        raise GanBenchError(f"refusing to write {path}: it resolves outside {folder}")
    return path
