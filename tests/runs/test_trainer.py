import dataclasses
import re
import signal

import pytest
import torch

from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.config.suite import TrainConfig
from gan_bench.data.mixtures import Ring8
from gan_bench.errors import GanBenchError
from gan_bench.runs.trainer import Trainer
from gan_bench.runtime import stop_signals
from gan_bench.runtime.provenance import git_commit
from gan_bench.runtime.seeding import seed_everything
from gan_bench.storage.checkpoint_compatibility import ConfigDriftError
from gan_bench.storage.checkpoint_file import read_checkpoint_file, write_checkpoint

TINY = GanMlp.Options(generator_hidden=16, generator_layers=2, discriminator_units=8,
                      discriminator_layers=2)
TRAIN = TrainConfig(steps=20, batch_size=16, warmup_steps=2, checkpoint_every_steps=5,
                    log_every_steps=5, eval_samples=100)
CPU = torch.device("cpu")


def make_trainer(tmp_path, train=TRAIN, seed=0, config=None, extend_from=None):
    seed_everything(seed)
    model = GanMlp(TINY, Ring8(), CPU)
    return Trainer(model, Ring8(), train, seed, CPU, tmp_path / "run.pt",
                   config or {"train": dataclasses.asdict(train)}, extend_from=extend_from)


def final_weights(trainer):
    return {k: v.clone() for k, v in trainer.model.state_dict().items()}


@pytest.mark.slow
def test_same_seed_repeats_bit_for_bit(tmp_path):
    a = make_trainer(tmp_path / "a")
    ra = a.fit()
    b = make_trainer(tmp_path / "b")
    rb = b.fit()
    assert ra.history == rb.history
    for key, value in final_weights(a).items():
        assert torch.equal(value, b.model.state_dict()[key]), key
    c = make_trainer(tmp_path / "c", seed=1)
    assert c.fit().history != ra.history


@pytest.mark.slow
def test_resumed_run_equals_uninterrupted_run(tmp_path):
    uninterrupted = make_trainer(tmp_path / "full")
    uninterrupted.fit()
    short = dataclasses.replace(TRAIN, steps=10)
    interrupted = make_trainer(tmp_path / "part", train=short,
                               config={"train": dataclasses.asdict(TRAIN)})
    interrupted.fit()  # stands in for a run killed after its step-10 checkpoint
    state = read_checkpoint_file(tmp_path / "part" / "run.pt")
    state["status"] = "running"
    write_checkpoint(tmp_path / "part" / "run.pt", state)
    resumed = make_trainer(tmp_path / "part")
    torch.manual_seed(123)  # resume must restore the RNG state, whatever it is now
    result = resumed.fit()
    assert result.steps_done == 20
    assert result.history == uninterrupted.history
    for key, value in final_weights(uninterrupted).items():
        assert torch.equal(value, resumed.model.state_dict()[key]), key


def test_a_run_resumed_by_other_code_lists_both_invocations(tmp_path, monkeypatch):
    train = dataclasses.replace(TRAIN, steps=10)
    first = make_trainer(tmp_path, train=train, config={"train": dataclasses.asdict(TRAIN)})
    first.fit()  # stands in for a run killed after its step-10 checkpoint
    state = read_checkpoint_file(tmp_path / "run.pt")
    write_checkpoint(tmp_path / "run.pt", {**state, "status": "running"})
    monkeypatch.setattr("gan_bench.runs.trainer.git_commit",
                        lambda: {"git_commit": "f" * 40, "git_dirty": True})
    result = make_trainer(tmp_path).fit()
    earlier, later = result.invocations
    steps_and_code = [(run["from_step"], run["to_step"], run["git_commit"], run["git_dirty"])
                      for run in (earlier, later)]
    assert steps_and_code == [(0, 10, *git_commit().values()), (10, 20, "f" * 40, True)]
    assert later["hardware"] == {**earlier["hardware"], "torch_threads": torch.get_num_threads()}
    assert later["hardware"]["device"] == "cpu"
    # a finished run read back adds no invocation
    assert make_trainer(tmp_path).fit().invocations == result.invocations


def test_resume_refuses_a_different_config(tmp_path):
    make_trainer(tmp_path, config={"lr": 1}).fit()
    with pytest.raises(ConfigDriftError, match="lr: saved 1, requested 2"):
        make_trainer(tmp_path, config={"lr": 2}).fit()


@pytest.mark.parametrize("bad_value", [float("nan"), torch.tensor(float("inf"))],
                         ids=["float", "device-tensor"])
@pytest.mark.slow
def test_non_finite_loss_ends_the_run_as_diverged_at_its_first_bad_step(tmp_path, bad_value):
    """Found at the next log point (steps 5, 10, ...), the run still records step 7, the first
    bad one of 7 and 8, and its history stops at the log point before it."""
    trainer = make_trainer(tmp_path)
    original = trainer.model.train_step

    def explode_at_steps_7_and_8(batch):
        losses = original(batch)
        return {**losses, "d_loss": bad_value} if trainer.step in (7, 8) else losses

    trainer.model.train_step = explode_at_steps_7_and_8
    result = trainer.fit()
    assert result.status == "diverged" and result.diverged_at_step == 7
    assert result.steps_done == 7
    assert [entry["step"] for entry in result.history] == [5]
    state = read_checkpoint_file(tmp_path / "run.pt")
    assert (state["status"], state["step"], state["diverged_at_step"]) == ("diverged", 7, 7)


@pytest.mark.slow
def test_a_game_the_discriminator_keeps_winning_ends_the_run_as_stalled(tmp_path, monkeypatch):
    monkeypatch.setattr("gan_bench.runs.stall.STALL_WINDOW_STEPS", 10)
    trainer = make_trainer(tmp_path)
    original = trainer.model.train_step

    def discriminator_wins_from_step_4(batch):
        losses = original(batch)
        return {**losses, "value_nats": -1e-6} if trainer.step >= 4 else losses

    trainer.model.train_step = discriminator_wins_from_step_4
    result = trainer.fit()
    # log points at steps 5, 10, 15 all won: the 10-step window is covered at step 15
    assert result.status == "stalled" and result.stalled_at_step == 15
    assert result.steps_done == 15 and result.diverged_at_step is None
    assert [e["step"] for e in result.history] == [5, 10, 15]
    state = read_checkpoint_file(tmp_path / "run.pt")
    assert state["status"] == "stalled" and state["stalled_at_step"] == 15
    again = make_trainer(tmp_path).fit()  # a rerun finds the stalled checkpoint and stops there
    assert again.status == "stalled" and again.stalled_at_step == 15 and again.steps_done == 15


@pytest.mark.slow
def test_extended_run_equals_a_run_given_the_larger_budget_from_the_start(tmp_path):
    uninterrupted = make_trainer(tmp_path / "full")
    uninterrupted.fit()
    short = dataclasses.replace(TRAIN, steps=12)  # its last step, 12, is logged; the longer run's is not
    make_trainer(tmp_path / "short", train=short,
                 config={"suite": "short", "train": dataclasses.asdict(short)}).fit()
    source = tmp_path / "short" / "run.pt"
    long_config = {"suite": "long", "train": dataclasses.asdict(TRAIN)}
    extended = make_trainer(tmp_path / "long", config=long_config, extend_from=source)
    torch.manual_seed(123)  # the extension must restore the RNG state, whatever it is now
    result = extended.fit()
    assert result.status == "finished" and result.steps_done == 20
    code = git_commit()  # the source checkpoint names the code that wrote it
    assert code["git_commit"] and read_checkpoint_file(source)["git_commit"] == code["git_commit"]
    assert result.extended_from == {"checkpoint": str(source), "step": 12, **code, "extended_from": None}
    assert result.history == uninterrupted.history
    for key, value in final_weights(uninterrupted).items():
        assert torch.equal(value, extended.model.state_dict()[key]), key
    # the extension is remembered in the run's own checkpoint, and a further extension keeps it
    assert make_trainer(tmp_path / "long", config=long_config).fit().extended_from == result.extended_from
    longer = dataclasses.replace(TRAIN, steps=25)
    further = make_trainer(tmp_path / "longer", train=longer,
                           config={"suite": "longer", "train": dataclasses.asdict(longer)},
                           extend_from=tmp_path / "long" / "run.pt").fit()
    assert further.steps_done == 25 and further.extended_from["extended_from"] == result.extended_from
    # the invocations run on from the shorter runs' own
    steps = [(run["from_step"], run["to_step"]) for run in further.invocations]
    assert steps == [(0, 12), (12, 20), (20, 25)]


@pytest.mark.parametrize("change, message", [
    ({"lr": 2}, "differs beyond the suite and the step budget (lr: saved 1, requested 2)"),
    ({"train": dataclasses.asdict(dataclasses.replace(TRAIN, steps=8))},
     "at step 12, past the requested budget of 8 steps"),
])
@pytest.mark.slow
def test_extension_refuses_a_different_run_or_a_smaller_budget(tmp_path, change, message):
    short = dataclasses.replace(TRAIN, steps=12)
    make_trainer(tmp_path / "short", train=short,
                 config={"lr": 1, "train": dataclasses.asdict(short)}).fit()
    config = {"lr": 1, "train": dataclasses.asdict(TRAIN), **change}
    extended = make_trainer(tmp_path / "long", config=config,
                            extend_from=tmp_path / "short" / "run.pt")
    with pytest.raises(GanBenchError, match=re.escape(message)):
        extended.fit()
    assert not (tmp_path / "long" / "run.pt").exists()


@pytest.mark.slow
def test_extension_refuses_a_run_that_stalled(tmp_path):
    make_trainer(tmp_path / "short").fit()
    state = read_checkpoint_file(tmp_path / "short" / "run.pt")
    write_checkpoint(tmp_path / "short" / "run.pt", {**state, "status": "stalled"})
    extended = make_trainer(tmp_path / "long", train=dataclasses.replace(TRAIN, steps=40),
                            extend_from=tmp_path / "short" / "run.pt")
    with pytest.raises(GanBenchError, match="cannot extend the run in .*: it stalled"):
        extended.fit()


@pytest.mark.slow
def test_a_flipped_bit_in_a_checkpoint_is_found_on_load(tmp_path):
    """Before, one flipped bit in the weights loaded without complaint and changed the metrics."""
    make_trainer(tmp_path).fit()
    path = tmp_path / "run.pt"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the payload: the weights are most of it
    path.write_bytes(bytes(data))
    with pytest.raises(GanBenchError, match=rf"checkpoint {path} is corrupted \(payload sha256 .*; delete"):
        make_trainer(tmp_path).fit()


@pytest.mark.slow
def test_a_checkpoint_written_before_checksums_still_resumes(tmp_path):
    make_trainer(tmp_path).fit()
    state = read_checkpoint_file(tmp_path / "run.pt")
    torch.save(state, tmp_path / "run.pt")  # the format before: the state itself
    assert make_trainer(tmp_path).fit().status == "finished"


@pytest.mark.slow
def test_a_stop_signal_saves_the_next_step_and_the_resumed_run_equals_an_uninterrupted_one(
        tmp_path, monkeypatch):
    uninterrupted = make_trainer(tmp_path / "full")
    uninterrupted.fit()
    stopped = make_trainer(tmp_path / "part")
    fetch = stopped.dataset.train_batch

    def signal_during_step_12(step, *args, **kwargs):
        if step == 12:  # between log points (every 5 steps)
            monkeypatch.setattr(stop_signals, "_requested", signal.SIGTERM)
        return fetch(step, *args, **kwargs)

    monkeypatch.setattr(stopped.dataset, "train_batch", signal_during_step_12)
    with pytest.raises(stop_signals.Stopped) as stop:
        stopped.fit()
    assert stop.value.exit_status == 143
    state = read_checkpoint_file(tmp_path / "part" / "run.pt")
    assert (state["step"], state["status"]) == (13, "running")
    monkeypatch.setattr(stop_signals, "_requested", None)
    resumed = make_trainer(tmp_path / "part")
    torch.manual_seed(123)
    assert resumed.fit().history == uninterrupted.history
    for key, value in final_weights(uninterrupted).items():
        assert torch.equal(value, resumed.model.state_dict()[key]), key
