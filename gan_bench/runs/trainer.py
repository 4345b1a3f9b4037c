"""The model-agnostic training loop: seeding, device, checkpoints, resume, divergence, timing.

Batches come from ``dataset.train_batch(step, batch_size, seed, device)``, a pure function of
its arguments made on the training device, and the checkpoint holds the model, optimiser and
global RNG states, so a run that is killed and resumed from its last checkpoint follows the same
trajectory as one that was not. A run ends early as ``diverged`` at a non-finite loss, or as
``stalled`` when its log shows the discriminator has won the game for good (gan_bench.runs.stall).
At a stop signal (gan_bench.runtime.stop_signals) it saves a checkpoint at its next step and raises.

The loop makes no host synchronisation between log points: losses stay on the device and are
watched there for non-finite values (gan_bench.runs.loss_watch), steps are timed with CUDA events on a
GPU (gan_bench.runs.timing), and both are read once per log or checkpoint point.

A run can also start from another run's checkpoint saved under the same config with a smaller step
budget (``extend_from``). No model sees the budget (learning-rate and momentum schedules are
functions of the step), so the extended run follows the trajectory of a run given the larger
budget from the start.

A run that spans several invocations (interrupted and resumed, maybe by other code or on other
hardware) lists each one in ``invocations``: the steps it trained, the commit of its code and its
hardware, so a record says which code and machine trained which part.
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch
from tqdm import tqdm

from gan_bench.config.suite import TrainConfig
from gan_bench.model.output_checks import checked_losses
from gan_bench.runs.loss_watch import LossWatch
from gan_bench.runs.stall import is_stalled
from gan_bench.runs.timing import PhaseTimer
from gan_bench.runtime import stop_signals
from gan_bench.runtime.provenance import git_commit, hardware
from gan_bench.runtime.seeding import load_rng_state, rng_state
from gan_bench.storage.checkpoint_compatibility import read_checkpoint, read_shorter_run
from gan_bench.storage.checkpoint_file import write_checkpoint


@dataclass
class TrainResult:
    status: str  # "finished", "diverged" or "stalled"
    steps_done: int
    diverged_at_step: int | None
    stalled_at_step: int | None
    train_seconds: float
    timing: dict
    history: list[dict] = field(default_factory=list)
    # {"checkpoint", "step", "git_commit", "git_dirty", "extended_from"} of a shorter run
    extended_from: dict | None = None
    # [{"from_step", "to_step", "git_commit", "git_dirty", "hardware"}], one per invocation that
    # trained the run, oldest first (see _start_invocation)
    invocations: list[dict] = field(default_factory=list)


class Trainer:
    def __init__(self, model, dataset, train: TrainConfig, seed: int, device: torch.device,
                 checkpoint_path: Path, config: dict, description: str = "train",
                 eval_hook=None, progress_line: int | None = None, monitor=None,
                 extend_from: Path | None = None):
        """``config`` is the full run configuration, stored in checkpoints as the drift guard.
        ``eval_hook(model, step) -> dict`` if given runs every ``log_every_steps`` steps;
        ``monitor(model, entry)`` (gan_bench.runs.tensorboard_monitor) sees each complete log entry.
        ``progress_line`` pins the progress bar to that terminal line (parallel runs).
        ``extend_from``, a checkpoint of the same run with a smaller budget, is where a run with
        no checkpoint of its own starts (read_shorter_run)."""
        self.model = model
        self.dataset = dataset
        self.train = train
        self.seed = seed
        self.device = device
        self.checkpoint_path = Path(checkpoint_path)
        self.config = config
        self.description = description
        self.eval_hook = eval_hook
        self.monitor = monitor
        self.progress_line = progress_line
        self.extend_from = extend_from
        self.extended_from: dict | None = None
        self.invocations: list[dict] = []
        self.timer = PhaseTimer(device, train.warmup_steps)
        self.code = git_commit()  # saved in each checkpoint: the code that wrote it
        model.timer = self.timer
        self.history: list[dict] = []
        self.step = 0
        self.train_seconds = 0.0

    @property
    def samples_per_step(self) -> int:
        return self.train.batch_size * self.model.real_batches_per_step

    def _save(self, status: str, diverged_at_step: int | None = None,
              stalled_at_step: int | None = None) -> None:
        self.invocations[-1]["to_step"] = self.step
        write_checkpoint(self.checkpoint_path, {
            "config": self.config, "step": self.step, "status": status,
            "diverged_at_step": diverged_at_step, "stalled_at_step": stalled_at_step,
            "model": self.model.checkpoint_state(),
            "rng": rng_state(), "history": self.history, "timer": self.timer.state_dict(),
            "train_seconds": self.train_seconds, "extended_from": self.extended_from, **self.code,
            "invocations": self.invocations,
        })

    def _resume(self) -> dict | None:
        if self.checkpoint_path.exists():
            state = read_checkpoint(self.checkpoint_path, self.config)
            self.extended_from = state.get("extended_from")
        elif self.extend_from is not None:
            state = read_shorter_run(self.extend_from, self.config)
            # a chain of extensions stays traceable: the source's own origin nests inside
            # (checkpoints written before they named their code have no git_commit)
            self.extended_from = {"checkpoint": str(self.extend_from), "step": state["step"],
                                  "git_commit": state.get("git_commit"), "git_dirty": state.get("git_dirty"),
                                  "extended_from": state.get("extended_from")}
        else:
            return None
        # an extended run keeps the shorter run's invocations; checkpoints written before
        # invocations were listed have none, and the part they trained shows as the first listed
        # invocation's from_step above 0
        self.invocations = state.get("invocations", [])
        self.model.load_checkpoint_state(state["model"])
        load_rng_state(state["rng"])
        self.timer.load_state_dict(state["timer"])
        self.history = state["history"]
        self.step = state["step"]
        self.train_seconds = state["train_seconds"]
        return state

    def _result(self, status: str, diverged_at_step: int | None = None,
                stalled_at_step: int | None = None) -> TrainResult:
        return TrainResult(status, self.step, diverged_at_step, stalled_at_step,
                           self.train_seconds, self.timer.summary(self.samples_per_step),
                           self.history, self.extended_from, self.invocations)

    def _start_invocation(self) -> None:
        """This invocation trains from the current step; each checkpoint moves its to_step."""
        self.invocations.append({"from_step": self.step, "to_step": self.step, **self.code,
                                 "hardware": hardware(self.device)})

    def _read_device(self) -> int | None:
        """At a log or checkpoint point: the steps' device time into ``train_seconds`` and the
        first non-finite step since the start, or None; the only host reads of the loop."""
        self.train_seconds += self.timer.flush()
        return self.watch.first_bad_step()

    def _diverged(self, step: int) -> TrainResult:
        """End the run as diverged at ``step``, the first with a non-finite loss: the record and
        checkpoint say that step (the weights are those of the log point where it was seen)."""
        self.step = step
        self._save("diverged", diverged_at_step=step)
        return self._result("diverged", diverged_at_step=step)

    def _stop(self) -> TrainResult:
        """At a stop signal: save the steps trained in this invocation and raise Stopped (the
        loss watch keeps only the latest step, so a checkpoint between log points resumes the
        same trajectory); a divergence found while saving is the run's result instead."""
        if self.step > self.invocations[-1]["from_step"]:
            first_bad = self._read_device()
            if first_bad is not None:
                return self._diverged(first_bad)
            self._save("running")
        raise stop_signals.Stopped(stop_signals.requested())

    def fit(self) -> TrainResult:
        state = self._resume()
        if state is not None and state["status"] != "running":
            # checkpoints written before the stall rule have no stalled_at_step
            return self._result(state["status"], state["diverged_at_step"],
                                state.get("stalled_at_step"))
        self.checkpoint_path.parent.mkdir(parents=True, exist_ok=True)
        self._start_invocation()
        self.watch = LossWatch(self.device)
        train = self.train
        # in a log file (a background run) the bar still shows, once a minute
        bar = tqdm(total=train.steps, initial=self.step, desc=self.description, leave=False,
                   dynamic_ncols=True, position=self.progress_line,
                   mininterval=0.1 if sys.stderr.isatty() else 60.0)
        try:
            while self.step < train.steps:
                if stop_signals.requested() is not None:
                    return self._stop()
                # nothing here reads the device on the host: losses stay where they are computed
                with self.timer.step():
                    with self.timer.phase("data"):
                        batch = self.dataset.train_batch(self.step, self.samples_per_step, self.seed,
                                                         device=self.device)
                    losses = self.model.train_step(batch)
                    if self.step == self.invocations[-1]["from_step"]:  # once per invocation
                        checked_losses(losses, self.description)
                    self.watch.observe(self.step, losses)
                self.step += 1
                bar.update(1)
                at_log = self.step % train.log_every_steps == 0 or self.step == train.steps
                at_checkpoint = self.step % train.checkpoint_every_steps == 0 and self.step < train.steps
                if not (at_log or at_checkpoint):
                    continue
                first_bad = self._read_device()
                if first_bad is not None:
                    return self._diverged(first_bad)
                if at_log:
                    losses = self.watch.read()
                    entry = {"step": self.step, **losses}
                    if self.eval_hook is not None:
                        entry.update(self.eval_hook(self.model, self.step))
                    self.history.append(entry)
                    if self.monitor is not None:
                        self.monitor(self.model, entry)
                    bar.set_postfix({k: f"{v:.3g}" for k, v in losses.items()}, refresh=False)
                    if is_stalled(self.history, self.step):
                        self._save("stalled", stalled_at_step=self.step)
                        return self._result("stalled", stalled_at_step=self.step)
                if at_checkpoint:
                    self._save("running")
        finally:
            bar.close()
        self._save("finished")
        return self._result("finished")
