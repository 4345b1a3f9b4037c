"""The gate's JSON files (baselines, noise calibrations): read, with a one-line error for a file
that is missing, is not JSON, or is not of the expected format."""

import json
from pathlib import Path

from gan_bench.errors import GanBenchError


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
