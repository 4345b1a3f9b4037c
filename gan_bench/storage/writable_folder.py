"""A folder checked to be writable before work whose output would go there starts."""

import os
from pathlib import Path

from gan_bench.errors import GanBenchError


def require_writable_folder(folder: Path, what: str) -> None:
    """Create ``folder`` if missing and write a probe file there; if either fails (a read-only
    folder, a file in its place), a one-line error names it as ``what`` ("results folder")."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise GanBenchError(f"{what} {folder} is not writable: {error.strerror}") from None
