import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from threadpoolctl import threadpool_limits

from gan_bench.config.suite import SUITES_DIR
from gan_bench.model.contract import GenerativeModel
from tests.searched_suite import SEARCHED_SUITE


def pytest_configure(config):
    """Under xdist (``-n auto``: one worker per core) each worker computes on one torch thread and
    one BLAS thread, so two workers do not run four threads on two cores. The tests that need a
    thread count set their own (tests/metrics/conftest.py's one_thread measured why: one thread ran
    Inception four times faster than two on two busy cores)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        torch.set_num_threads(1)
        threadpool_limits(1)


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


class ScriptedModel(GenerativeModel):
    """One weight and no training: every step returns a loss of 1 except the ``AT``-th call, which
    returns ``at_step()``, so a test scripts what goes wrong in the training loop and when."""

    AT = 0

    @dataclass(frozen=True)
    class Options:
        pass

    def __init__(self, options, dataset, device):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(2))
        self.calls = 0

    def at_step(self) -> dict[str, float]:
        raise NotImplementedError

    def train_step(self, batch):
        self.calls += 1
        return self.at_step() if self.calls == self.AT else {"loss": 1.0}

    def sample(self, n):
        return torch.zeros(n, 2)


class DivergesAtStep3(ScriptedModel):
    AT = 4  # the 4th call is step 3

    def at_step(self):
        return {"loss": float("inf")}


class RunsCodeWhenUnpickled:
    """What a crafted checkpoint or cache file holds: unpickling it creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def run_record(run_id: str, metrics: dict | None = None, **fields) -> dict:
    """A runs.jsonl record with the fields every reader relies on (gan_bench.storage.records.SCHEMAS)."""
    model, dataset, seed = run_id.split("__") if run_id.count("__") == 2 else (run_id, "ring8", "seed0")
    return {"run_id": run_id, "status": "finished", "steps": 10, "metrics": metrics or {},
            "timing": {}, "config": {"model_name": model, "dataset": dataset,
                                     "seed": int(seed.removeprefix("seed")), "model_options": {},
                                     "train": {"steps": 10}}, **fields}


@pytest.fixture
def searched_suite(tmp_path: Path) -> Path:
    """tests.searched_suite.SEARCHED_SUITE written to a file."""
    path = tmp_path / "searched.toml"
    path.write_text(SEARCHED_SUITE)
    return path
