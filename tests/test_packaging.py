import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gan_bench.config.suite import SUITES_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_built_wheel_carries_the_suites_and_an_installed_copy_finds_them(tmp_path):
    """Built-in suites were found through a path into the source tree: a wheel had none."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("gan_bench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    suites = sorted(path.name for path in SUITES_DIR.glob("*.toml"))
    assert suites and {f"gan_bench/suites/{name}" for name in suites} <= names
    assert any(name.startswith("gan_bench/weights/") for name in names)
    # the built-in models install as gan_bench.baselines: no top-level `baselines` to collide with
    assert {name.split("/")[0] for name in names} == {"gan_bench", wheel.name.split("-py")[0] + ".dist-info"}
    assert "gan_bench/baselines/gan_mnist.py" in names
    installed = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target",
                    str(installed), str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"  # not the checkout: only the installed copy is importable
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "import gan_bench, sys; from gan_bench.cli import main; "
         "print(gan_bench.__file__); sys.exit(main(['status', 'mog', '--results', 'r']))"],
        cwd=elsewhere, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(installed)})
    assert result.returncode == 0, result.stderr
    first, *rest = result.stdout.splitlines()
    assert Path(first).is_relative_to(installed)
    assert "gan-nonsaturating__ring8__seed0" in "\n".join(rest)
