"""The fixed set of workloads ``gan-bench bench`` times.

- ``step/SUITE/MODEL``: one training step of a built-in model at its suite's batch size and
  options, built as the suite builds it (through the registry), batch drawn on the device as the
  Trainer draws it.
- ``step/mnist/gan-straightforward``: the same GAN step written as the common PyTorch examples
  write it (gan_bench/gate/straightforward_gan_step.py), on the same networks.
- ``parzen/mnist-reduced``: the Parzen protocol (10 sigmas on the validation points, then the test
  points) on 1,000 kernel centres, 100 validation and 400 test points of 784 dimensions.
- ``inception/features``: Inception-v3 pool features of MNIST-sized images (torch-fidelity's
  extractor, channels-last, as FID computes them), per image.
- ``modes/grid25`` and ``modes/stacked-mnist``: the mode metrics on 2,500 and 100 samples.
- ``matmul/peak``: a 1024 x 1024 float32 matrix product, the machine's matrix-product peak at
  the pinned thread count, against which the GAN step's achieved FLOP/s is set.
- with ``--compile``, ``step/SUITE/MODEL+compile``: each step with its networks compiled.
- with ``--suite FILE``, ``step/SUITE/MODEL`` for each model of the user's suite (a plugin model
  included, gan_bench.plugins), so that a project tracks its own models' speed in its own CI.

Inputs of the metric workloads are fixed random tensors: their cost does not depend on values.
FLOPs are counted with ``torch.utils.flop_counter.FlopCounterMode`` (matrix products, forward
and backward).
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import torch
from torch.utils.flop_counter import FlopCounterMode

from gan_bench import lookup
from gan_bench.config.suite import load_suite
from gan_bench.gate.interleaved import Prepared
from gan_bench.gate.straightforward_gan_step import StraightforwardGanStep
from gan_bench.runs.run_specs import expand_run_specs

MATMUL_SIZE = 1024


@dataclass(frozen=True)
class Workload:
    name: str
    build: Callable[[torch.device], Prepared]


def counted_flops(function: Callable[[], object]) -> float:
    """The floating-point operations of one call of ``function`` (which it runs once)."""
    with FlopCounterMode(display=False) as counter:
        function()
    return float(counter.get_total_flops())


def suite_model(suite_name: str, model_name: str, compile: bool = False):
    """(model, dataset, samples per step) of a suite's model entry on its first dataset, seed 0."""
    suite = load_suite(suite_name)
    spec = next(spec for spec in expand_run_specs(suite, seeds=1, compile=compile)
                if spec.model.name == model_name)

    def build(device: torch.device):
        torch.manual_seed(spec.seed)
        dataset, model = spec.build(device)
        return model, dataset, spec.train.batch_size * model.real_batches_per_step

    return build


def training_step(suite_name: str, model_name: str, count_flops: bool = False,
                  compile: bool = False) -> Workload:
    """``suite_name``: a built-in suite's name or a suite file's path (named by its stem)."""
    build_model = suite_model(suite_name, model_name, compile)
    suite_name = load_suite(suite_name).name

    def build(device: torch.device) -> Prepared:
        model, dataset, samples = build_model(device)
        steps = count()

        def run():
            return model.train_step(dataset.train_batch(next(steps), samples, 0, device=device))

        return Prepared(run, samples, "samples", counted_flops(run) if count_flops else None)

    return Workload(f"step/{suite_name}/{model_name}" + ("+compile" if compile else ""), build)


def straightforward_step() -> Workload:
    build_model = suite_model("mnist", "gan")

    def build(device: torch.device) -> Prepared:
        model, dataset, samples = build_model(device)
        trainer = StraightforwardGanStep(model)

        def run():
            return trainer.train_step(dataset.train_batch(trainer.steps_done, samples, 0, device=device))

        return Prepared(run, samples, "samples", counted_flops(run))

    return Workload("step/mnist/gan-straightforward", build)


def _fixed_uniform(*shape: int, device: torch.device) -> torch.Tensor:
    return torch.rand(*shape, generator=torch.Generator().manual_seed(0)).to(device)


def parzen_reduced() -> Workload:
    def build(device: torch.device) -> Prepared:
        from gan_bench.metrics.parzen import parzen_evaluate

        samples = _fixed_uniform(1000, 784, device=device)
        validation, test = _fixed_uniform(100, 784, device=device), _fixed_uniform(400, 784, device=device)
        return Prepared(lambda: parzen_evaluate(samples, validation, test), 500, "points")

    return Workload("parzen/mnist-reduced", build)


def inception_features(images_per_call: int = 1) -> Workload:
    """Inception pool3 features of ``images_per_call`` images. One image, 0.32 s a call on one
    core of the AMD EPYC: four took 0.57 s, the longest call of every A/B process's rounds."""
    def build(device: torch.device) -> Prepared:
        from gan_bench.metrics.fid import FEATURE_LAYER
        from gan_bench.metrics.inception_channels_last import FEATURE_EXTRACTOR, InceptionV3ChannelsLast
        from gan_bench.metrics.inception_weights import inception_weights_path

        extractor = InceptionV3ChannelsLast(FEATURE_EXTRACTOR, [FEATURE_LAYER],
                                            feature_extractor_weights_path=str(inception_weights_path()))
        extractor.eval().to(device)
        images = (_fixed_uniform(images_per_call, 3, 28, 28, device=device) * 255).to(torch.uint8)

        def run():
            with torch.no_grad():
                return extractor(images)

        return Prepared(run, images_per_call, "images")

    return Workload("inception/features", build)


def mode_metric(dataset_name: str, metric: str, n_samples: int) -> Workload:
    def build(device: torch.device) -> Prepared:
        dataset = lookup.get_dataset(dataset_name)()
        score = lookup.get_metric(metric)
        samples = _fixed_uniform(n_samples, *dataset.shape, device=device)
        if dataset_name == "grid25":  # spread over the grid, as a trained generator's are
            samples = samples * 10 - 5
        return Prepared(lambda: score(dataset, samples), n_samples, "samples")

    return Workload(f"modes/{dataset_name}", build)


def matmul_peak() -> Workload:
    def build(device: torch.device) -> Prepared:
        a = torch.randn(MATMUL_SIZE, MATMUL_SIZE, generator=torch.Generator().manual_seed(0)).to(device)
        return Prepared(lambda: torch.mm(a, a), 1, "products", 2.0 * MATMUL_SIZE**3)

    return Workload("matmul/peak", build)


STEPS = [("mog", "gan-nonsaturating"), ("mog", "gan-minimax"), ("mog", "vae"), ("mnist", "gan"),
         ("mnist", "vae"), ("stacked-mnist", "gan")]


def compiled_steps() -> list[Workload]:
    """``--compile``: each model's step with its networks through torch.compile
    (``step/SUITE/MODEL+compile``); the first call, untimed, compiles."""
    return [training_step(suite_name, model_name, compile=True) for suite_name, model_name in STEPS]


def suite_steps(suite_path: str) -> list[Workload]:
    """``--suite FILE``: the training step of each model of a user's suite, on its first dataset."""
    return [training_step(suite_path, model.name) for model in load_suite(suite_path).models]


def all_workloads(compile: bool = False, suites: tuple[str, ...] = ()) -> list[Workload]:
    """The fixed set; with ``compile``, the compiled steps too; the steps of ``suites``."""
    steps = [training_step(suite_name, model_name, count_flops=(suite_name, model_name) == ("mnist", "gan"))
             for suite_name, model_name in STEPS]
    return [
        *steps,
        straightforward_step(),
        parzen_reduced(),
        inception_features(),
        mode_metric("grid25", "modes", 2500),
        mode_metric("stacked-mnist", "stacked_modes", 100),
        matmul_peak(),
        *(compiled_steps() if compile else []),
        *(step for suite_path in suites for step in suite_steps(suite_path)),
    ]
