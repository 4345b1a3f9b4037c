"""A model breaking the contract of gan_bench/model/contract.py (a plugin's, typically) is one line naming
the run and what it returned, and nothing is recorded."""

import pytest
import torch

from gan_bench import registry
from gan_bench.cli import main
from tests.conftest import TINY_SUITE, ScriptedModel


class LossVector(ScriptedModel):
    AT = 1

    def at_step(self):
        return {"loss": torch.ones(3)}


class LossString(ScriptedModel):
    AT = 1

    def at_step(self):
        return "low"


class SamplesOfTheWrongShape(ScriptedModel):
    def sample(self, n):
        return torch.zeros(n, 3)


@pytest.mark.parametrize("model, message", [
    (LossVector, "plugged__ring8__seed0: the model's train_step returned a tensor of shape (3,) for "
                 "loss 'loss'; each loss must be a scalar"),
    (LossString, "plugged__ring8__seed0: the model's train_step returned a str, not a dict of loss "
                 "name -> scalar"),
    (SamplesOfTheWrongShape, "plugged__ring8__seed0: the model's sample(200) returned a torch.float32 "
                             "tensor of shape (200, 3); expected a floating-point tensor of shape "
                             "(200, 2)"),
], ids=["train-step-vector", "train-step-string", "sample-wrong-shape"])
def test_a_model_breaking_its_contract_is_one_line_and_nothing_recorded(tmp_path, monkeypatch,
                                                                        capsys, model, message):
    monkeypatch.setitem(registry.MODELS, "plugged", model)
    suite = tmp_path / "tiny.toml"
    suite.write_text(TINY_SUITE.replace("seeds = 2", "seeds = 1").replace(
        'name = "vae"\nmodel = "vae-mlp"\noptions = { hidden = 16 }', 'name = "plugged"\nmodel = "plugged"'))
    assert main(["run", str(suite), "--device", "cpu", "--only", "^plugged",
                 "--results", str(tmp_path / "results")]) == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith(f"gan-bench: error: {message}"), err
    assert "(gan_bench/model/contract.py)" in err
    assert not (tmp_path / "results" / "tiny" / "runs.jsonl").exists()
