import shutil
from pathlib import Path

import pytest

from gan_bench.config import SUITES_DIR

TINY_SUITE = """
[suite]
seeds = 2
metrics = ["modes"]

[train]
steps = 12
batch_size = 16
warmup_steps = 2
checkpoint_every_steps = 4
log_every_steps = 4
eval_samples = 200

[[models]]
name = "gan"
model = "gan-mlp"
options = { generator_hidden = 16, generator_layers = 2, discriminator_units = 8, discriminator_layers = 2 }

[[models]]
name = "vae"
model = "vae-mlp"
options = { hidden = 16 }

[[datasets]]
name = "ring8"
"""


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_SUITE)
    return path


@pytest.fixture
def smoke_suite(tmp_path: Path) -> Path:
    path = tmp_path / "smoke.toml"
    shutil.copy(SUITES_DIR / "smoke.toml", path)
    return path
