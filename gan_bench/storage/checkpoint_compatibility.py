"""Whether a saved checkpoint may be used for a requested run: resumed under the same config, or
extended to a larger step budget; a drifted config is refused with the keys that differ."""

from pathlib import Path

from gan_bench.errors import GanBenchError
from gan_bench.storage.checkpoint_file import read_checkpoint_file


class ConfigDriftError(GanBenchError):
    pass


def config_differences(saved: dict, requested: dict, prefix: str = "") -> list[str]:
    """Dotted keys whose values differ between two nested config dicts."""
    keys = sorted(set(saved) | set(requested))
    diffs = []
    for key in keys:
        a, b = saved.get(key), requested.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            diffs += config_differences(a, b, f"{prefix}{key}.")
        elif a != b:
            diffs.append(f"{prefix}{key}: saved {a!r}, requested {b!r}")
    return diffs


def read_checkpoint(path: Path, config: dict) -> dict:
    """A checkpoint's state, on the CPU, after checking that it was saved under ``config``."""
    state = read_checkpoint_file(path)
    diffs = config_differences(state["config"], config)
    if diffs:
        raise ConfigDriftError(f"refusing to use checkpoint {path}: saved config differs "
                               f"({'; '.join(diffs)}); delete the checkpoint to start afresh")
    return state


def extension_differences(saved: dict, requested: dict) -> list[str]:
    """How the ``saved`` config of a shorter run differs from the ``requested`` one beyond what an
    extension may change: the suite name and ``train.steps``."""
    comparable = {**saved, "suite": requested.get("suite"),
                  "train": {**saved["train"], "steps": requested["train"]["steps"]}}
    return config_differences(comparable, requested)


def read_shorter_run(path: Path, config: dict) -> dict:
    """The state of a run to extend to ``config``'s budget: saved under the same config except
    for the suite and ``train.steps``, neither stalled nor diverged, and not past the budget.
    Its status becomes "running" and its history keeps only the entries the longer run logs."""
    state = read_checkpoint_file(path)
    train = config["train"]
    diffs = extension_differences(state["config"], config)
    if diffs:
        raise ConfigDriftError(f"cannot extend the run in {path}: its config differs beyond "
                               f"the suite and the step budget ({'; '.join(diffs)})")
    if state["status"] not in ("running", "finished"):
        raise GanBenchError(f"cannot extend the run in {path}: it {state['status']}")
    if state["step"] > train["steps"]:
        raise GanBenchError(f"cannot extend the run in {path}: it is at step {state['step']}, "
                            f"past the requested budget of {train['steps']} steps")
    # a run logs at every log_every_steps and at its last step, which the longer run passes by
    history = [entry for entry in state["history"] if entry["step"] % train["log_every_steps"] == 0]
    return {**state, "status": "running", "history": history}
