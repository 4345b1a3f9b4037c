"""Typed suite configuration read from TOML; unknown or mistyped keys are errors naming the file.

A suite file looks like::

    [suite]
    description = "..."
    seeds = 3
    metrics = ["modes"]

    [train]
    steps = 5000

    [[models]]
    name = "gan-nonsaturating"      # the leaderboard row
    model = "gan-mlp"               # a registered model
    options = { generator_loss = "nonsaturating" }

    [[datasets]]
    name = "ring8"
"""

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gan_bench import lookup, registry
from gan_bench.config.typed_tables import build_dataclass, type_ok
from gan_bench.errors import GanBenchError

# the built-in suites, installed with the package
SUITES_DIR = Path(__file__).resolve().parent.parent / "suites"


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 1000
    batch_size: int = 100
    warmup_steps: int = 20
    checkpoint_every_steps: int = 500
    log_every_steps: int = 50
    eval_samples: int = 2500
    curve_every_steps: int = 0  # 0: no learning curve; else score curve_metrics this often
    curve_samples: int = 10_000


@dataclass(frozen=True)
class ModelEntry:
    name: str
    model: str
    options: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)  # overrides of the suite's [train]
    seeds: int | None = None  # overrides the suite's seed count (1 for deterministic references)
    # option -> distribution, for gan-bench search (gan_bench.config.search_space)
    search: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetEntry:
    name: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PublishedRow:
    """A number from a paper, listed beside the measured rows and marked as published. Where the
    paper's ± is a standard error over ``trials`` runs (PacGAN's), ``stderr`` holds it per metric,
    shown as such: it is not the std over seeds the measured rows show."""
    model: str
    dataset: str
    source: str
    metrics: dict[str, Any]
    stderr: dict[str, Any] = field(default_factory=dict)
    trials: int = 0


@dataclass(frozen=True)
class SuiteMeta:
    description: str = ""
    seeds: int = 1
    metrics: tuple[str, ...] = ()
    curve_metrics: tuple[str, ...] = ()  # scored during training, every curve_every_steps
    # scored after training from the final checkpoint, one evaluations.jsonl line per run and
    # metric; not part of a run's config, so they can be added to recorded runs (see evaluations)
    evaluation_metrics: tuple[str, ...] = ()
    # modules imported before the suite is built: the user's models, datasets, metrics
    # (gan_bench.plugins)
    plugins: tuple[str, ...] = ()
    # the values leaderboard.md shows (metric names, samples_per_s, steps_per_s); the others are
    # in leaderboard-full.md and leaderboard.csv. Presentation only: not part of a run's config
    headline_metrics: tuple[str, ...] = ()


MAX_HEADLINE_METRICS = 6  # with model, dataset, kind and runs: 10 columns


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    meta: SuiteMeta
    train: TrainConfig
    models: tuple[ModelEntry, ...]
    datasets: tuple[DatasetEntry, ...]
    published: tuple[PublishedRow, ...] = ()


def resolve_suite_path(name_or_path: str) -> Path:
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        candidate = path
    else:
        candidate = SUITES_DIR / f"{name_or_path}.toml"
    if not candidate.is_file():
        known = sorted(p.stem for p in SUITES_DIR.glob("*.toml"))
        raise GanBenchError(f"no suite file {candidate}; built-in suites: {', '.join(known)}")
    return candidate


def load_suite(name_or_path: str, import_plugins: bool = True) -> Suite:
    """The suite, its ``plugins`` imported (gan_bench.plugins); without ``import_plugins`` (the
    commands that only read results) a suite naming plugins is a one-line error instead."""
    path = resolve_suite_path(name_or_path)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as error:
        raise GanBenchError(f"{where}: malformed TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GanBenchError(f"{where}: cannot read: {error}") from None
    allowed = {"suite", "train", "models", "datasets", "published"}
    for key in raw:
        if key not in allowed:
            raise GanBenchError(f"{where}: unknown key {key!r}; known: {', '.join(sorted(allowed))}")
    for key in ("models", "datasets"):
        if not isinstance(raw.get(key), list) or not raw[key]:
            raise GanBenchError(f"{where}: needs at least one [[{key}]] entry")
    meta = build_dataclass(SuiteMeta, raw.get("suite", {}), f"{where} [suite]")
    if meta.plugins and not import_plugins:
        raise GanBenchError(f"{where}: names plugins ({', '.join(meta.plugins)}), whose import runs "
                            f"their code; this command never imports a suite's plugins, only run, "
                            f"evaluate and bench do (or install them as entry points)")
    lookup.import_plugins(meta.plugins, where)
    if meta.seeds < 1:
        raise GanBenchError(f"{where} [suite]: seeds must be >= 1, got {meta.seeds}")
    if len(meta.headline_metrics) > MAX_HEADLINE_METRICS:
        raise GanBenchError(f"{where} [suite]: headline_metrics names {len(meta.headline_metrics)} "
                            f"values; at most {MAX_HEADLINE_METRICS} fit leaderboard.md (all are in "
                            f"leaderboard-full.md)")
    train = _train_config(raw.get("train", {}), f"{where} [train]")
    models = tuple(
        build_dataclass(ModelEntry, m, f"{where} [[models]] #{i + 1}")
        for i, m in enumerate(raw["models"])
    )
    for model in models:
        model_train(train, model, where)
        if model.seeds is not None and model.seeds < 1:
            raise GanBenchError(f"{where}: model {model.name!r} seeds must be >= 1, got {model.seeds}")
    datasets = tuple(
        build_dataclass(DatasetEntry, d, f"{where} [[datasets]] #{i + 1}")
        for i, d in enumerate(raw["datasets"])
    )
    published = tuple(
        build_dataclass(PublishedRow, p, f"{where} [[published]] #{i + 1}")
        for i, p in enumerate(raw.get("published", []))
    )
    for row in published:
        if not all(type_ok(v, float) for v in (*row.metrics.values(), *row.stderr.values())):
            raise GanBenchError(f"{where}: published row {row.model!r}: metrics must be numbers")
        if not set(row.stderr) <= set(row.metrics):
            raise GanBenchError(f"{where}: published row {row.model!r}: stderr names metrics the "
                                f"row does not list: {', '.join(sorted(set(row.stderr) - set(row.metrics)))}")
    suite = Suite(path.stem, path, meta, train, models, datasets, published)
    _check_names(suite)
    return suite


# Sample counts held in memory at once: a typo of 10^11 is an error, not an allocation attempt.
MAX_SAMPLES = {"batch_size": 1_000_000, "eval_samples": 10_000_000, "curve_samples": 10_000_000}


def _train_config(values: dict[str, Any], where: str) -> TrainConfig:
    train = build_dataclass(TrainConfig, values, where)
    for key, value in dataclasses.asdict(train).items():
        if value < 0 or (value == 0 and key not in ("warmup_steps", "curve_every_steps")):
            raise GanBenchError(f"{where}: {key} must be positive, got {value}")
        if value > MAX_SAMPLES.get(key, value):
            raise GanBenchError(f"{where}: {key} must be at most {MAX_SAMPLES[key]}, got {value}")
    if train.curve_every_steps % train.log_every_steps:
        raise GanBenchError(f"{where}: curve_every_steps ({train.curve_every_steps}) must be a "
                            f"multiple of log_every_steps ({train.log_every_steps})")
    return train


def model_train(train: TrainConfig, model: ModelEntry, where: str = "") -> TrainConfig:
    """The suite's training config with the model entry's ``train`` overrides applied."""
    merged = {**dataclasses.asdict(train), **model.train}
    return _train_config(merged, f"{where} model {model.name!r} train".strip())


# Model and dataset names become parts of file names (MODEL__DATASET__seedN.pt): a conservative
# character set, so that no name can climb out of its results folder ("../x", "/tmp/x", "a/b").
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _check_names(suite: Suite) -> None:
    """Fail before any training when a suite names a model, dataset or metric that does not exist,
    or a model or dataset name that cannot be part of a file name."""
    from gan_bench.config.search_space import parse_search_space

    where = str(suite.path)
    for kind, entries in (("models", suite.models), ("datasets", suite.datasets)):
        for number, entry in enumerate(entries, 1):
            if not NAME_PATTERN.fullmatch(entry.name):
                raise GanBenchError(
                    f"{where} [[{kind}]] #{number}: name {entry.name[:80]!r} must be 1-64 letters, "
                    f"digits, '.', '_' or '-', starting with a letter or digit")
    try:
        for entry in suite.models:
            factory = lookup.get_model(entry.model)
            build_dataclass(factory.Options, entry.options, f"model {entry.name!r} options")
            parse_search_space(entry.search, factory.Options, entry.options, f"model {entry.name!r}")
        metrics = suite.meta.metrics + suite.meta.curve_metrics + suite.meta.evaluation_metrics
        for metric in metrics:
            lookup.get_metric(metric)
        for entry in suite.datasets:
            factory = lookup.get_dataset(entry.name)
            options = build_dataclass(factory.Options, entry.options, f"dataset {entry.name!r} options")
            dataset = factory(options)
            for metric in metrics:  # datasets load their data lazily: this reads no files
                registry.require_metric_support(metric, dataset)
    except GanBenchError as error:
        raise GanBenchError(f"{where}: {error}") from None
    both = sorted(set(suite.meta.metrics) & set(suite.meta.evaluation_metrics))
    if both:
        raise GanBenchError(f"{where}: {', '.join(both)} listed in both metrics and "
                            "evaluation_metrics; keep each in one")
    names = [m.name for m in suite.models]
    if len(set(names)) != len(names):
        raise GanBenchError(f"{where}: model names must be unique, got {names}")
