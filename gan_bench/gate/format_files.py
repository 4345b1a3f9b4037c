"""The gate's JSON files (baselines, noise calibrations) and its printed tables: files read with a
one-line error for a file that is missing, is not JSON, or is not of the expected format, and
written atomically; tables printed as Markdown."""

import json
from pathlib import Path

import pandas as pd

from gan_bench.errors import GanBenchError
from gan_bench.storage.atomic_files import atomic_write_bytes
from gan_bench.storage.records import jsonable


def read_format_file(path: Path, what: str, format_name: str, make_with: str) -> dict:
    """The JSON object in ``path`` whose ``format`` is ``format_name``; ``what`` names the kind
    of file in errors and ``make_with`` the command that writes one."""
    try:
        content = json.loads(Path(path).read_text())
    except OSError as error:
        raise GanBenchError(f"cannot read {what} {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise GanBenchError(f"{what} {path} is not JSON: {error}") from None
    if not isinstance(content, dict) or content.get("format") != format_name:
        raise GanBenchError(f"{path} is not a gan-bench {what} file (format {format_name!r}); make one "
                            f"with {make_with}")
    return content


def write_format_file(path: Path, content: dict) -> None:
    """``content`` as indented JSON, written atomically (its folder made if need be)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(jsonable(content), indent=1, sort_keys=True) + "\n"
    atomic_write_bytes(Path(path), text.encode())


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}\n")
    print(pd.DataFrame(rows).to_markdown(index=False, floatfmt=".4g"))
