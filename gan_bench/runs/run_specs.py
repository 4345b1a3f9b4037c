"""A suite's run specifications: one per (dataset, model, seed), named MODEL__DATASET__seedN."""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import torch

from gan_bench import lookup
from gan_bench.config.only_filter import keep_matching
from gan_bench.config.suite import DatasetEntry, ModelEntry, Suite, TrainConfig, model_train
from gan_bench.config.typed_tables import build_dataclass
from gan_bench.errors import GanBenchError
from gan_bench.model.output_checks import checked_samples
from gan_bench.runs.compilation import compile_networks
from gan_bench.storage.safe_paths import inside

CHECKPOINTS_DIR = "checkpoints"
MAX_SEEDS = 10_000  # per model: a suite expands to its runs before any trains


@dataclass(frozen=True)
class RunSpec:
    suite: Suite
    model: ModelEntry
    dataset: DatasetEntry
    seed: int
    compile: bool = False  # --compile: the model's networks through torch.compile

    @property
    def train(self) -> TrainConfig:
        return model_train(self.suite.train, self.model)

    @property
    def run_id(self) -> str:
        return f"{self.model.name}__{self.dataset.name}__seed{self.seed}"

    def model_options(self):
        """The model's typed Options, defaults filled in."""
        return build_dataclass(lookup.get_model(self.model.model).Options, self.model.options,
                               self.model.name)

    def dataset_options(self):
        """The dataset's typed Options, defaults filled in."""
        return build_dataclass(lookup.get_dataset(self.dataset.name).Options,
                               self.dataset.options, self.dataset.name)

    def checkpoint_path(self, results_dir: Path) -> Path:
        return inside(results_dir, CHECKPOINTS_DIR, f"{self.run_id}.pt")

    def build(self, device: torch.device):
        """(dataset, model): the run's dataset and a freshly initialised model on ``device``."""
        dataset = lookup.get_dataset(self.dataset.name)(self.dataset_options())
        model = lookup.get_model(self.model.model)(self.model_options(), dataset, device)
        return dataset, compile_networks(model) if self.compile else model

    def eval_samples(self, model, shape) -> torch.Tensor:
        """The samples every metric of the run is scored on: ``eval_samples`` drawn from the
        trained model after seeding with the run's seed, so they do not depend on where training
        resumed and can be drawn again from the final checkpoint."""
        torch.manual_seed(self.seed)
        return checked_samples(model.sample(self.train.eval_samples), self.train.eval_samples,
                               tuple(shape), self.run_id)

    def config(self) -> dict:
        """The full configuration, defaults filled in: the drift guard and the record's config.
        A compiled run's says so (``compile``); an eager run's has no such key, as before; so for
        the ``plugins`` of a suite that names some."""
        plugins = list(self.suite.meta.plugins)
        return ({"compile": True} if self.compile else {}) | ({"plugins": plugins} if plugins else {}) | {
            "suite": self.suite.name,
            "model_name": self.model.name,
            "model": self.model.model,
            "model_options": dataclasses.asdict(self.model_options()),
            "dataset": self.dataset.name,
            "dataset_options": dataclasses.asdict(self.dataset_options()),
            "train": dataclasses.asdict(self.train),
            "metrics": list(self.suite.meta.metrics),
            "seed": self.seed,
        }


def expand_run_specs(suite: Suite, seeds: int | None = None, only: str | None = None,
                compile: bool = False) -> list[RunSpec]:
    """Every (dataset, model, seed); ``seeds`` (the --seeds option) overrides the suite and each
    model's own seed count; ``only`` keeps the jobs whose run id matches that regular expression;
    ``compile`` (--compile) runs their networks through torch.compile."""
    def n_seeds(model: ModelEntry) -> int:
        count = seeds if seeds is not None else suite.meta.seeds if model.seeds is None else model.seeds
        if not 1 <= count <= MAX_SEEDS:
            raise GanBenchError(f"{suite.path}: model {model.name!r} would run {count} seeds; "
                                f"the most a suite may run is {MAX_SEEDS}")
        return count

    jobs = [RunSpec(suite, m, d, s, compile) for d in suite.datasets for m in suite.models
            for s in range(n_seeds(m))]
    return keep_matching(jobs, lambda job: job.run_id, only)
