"""A search's runs: trials and fresh-seed re-runs of the best trial, each a RunSpec like any other.

Trial k of model M on dataset D with sampler S is the run ``M.Sk__D__seedk`` (``gan.random007
__ring8__seed7``): M's fixed options with the trial's sampled ones, trained on seed k. Its
config's ``search`` block names the model, trial, sampler and sampled options, so the record holds
them and the drift guard refuses a recorded trial whose options a later search would sample
differently. The re-runs of trial k are ``M.Sk.rerun__D__seedR`` for R = RERUN_FIRST_SEED, ...,
seeds no trial uses.
"""

import dataclasses
from dataclasses import dataclass, field

from gan_bench.config.suite import DatasetEntry, ModelEntry, Suite
from gan_bench.runs.run_specs import RunSpec

RERUN_FIRST_SEED = 1_000_000  # above every trial's seed (gan_bench.cli.search.MAX_TRIALS)


@dataclass(frozen=True)
class TrialSpec(RunSpec):
    """A RunSpec whose config carries its ``search`` block: {"model", "trial", "sampler", "params"},
    and "rerun": true for a re-run of the trial on a fresh seed."""

    search: dict = field(default_factory=dict)

    def config(self) -> dict:
        return super().config() | {"search": self.search}


def trial_name(model: str, sampler: str, trial: int) -> str:
    return f"{model}.{sampler}{trial:03d}"


def trial_spec(suite: Suite, model: ModelEntry, dataset: DatasetEntry, sampler: str, trial: int,
              params: dict) -> TrialSpec:
    """Trial ``trial`` of ``model`` on ``dataset``: its fixed options with ``params``, seed ``trial``."""
    entry = dataclasses.replace(model, name=trial_name(model.name, sampler, trial),
                                options={**model.options, **params}, search={})
    return TrialSpec(suite, entry, dataset, trial,
                    search={"model": model.name, "trial": trial, "sampler": sampler, "params": params})


def rerun_specs(trial: TrialSpec, seeds: int) -> list[TrialSpec]:
    """``seeds`` re-runs of ``trial``'s configuration on fresh seeds."""
    entry = dataclasses.replace(trial.model, name=f"{trial.model.name}.rerun")
    return [TrialSpec(trial.suite, entry, trial.dataset, RERUN_FIRST_SEED + index,
                     search={**trial.search, "rerun": True}) for index in range(seeds)]
