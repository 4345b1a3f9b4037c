"""``gan-bench modes``, ``parzen``, ``theory`` and ``fid``: a samples file scored, without training.
Each takes ``--json`` and then prints one JSON object on stdout; warnings go to stderr."""

import json
import sys
import warnings

from gan_bench.cli.arguments import evaluation_command
from gan_bench.cli.validators import at_least_one


def cmd_modes(args) -> None:
    from gan_bench import lookup
    from gan_bench.storage.samples_io import load_samples

    dataset = lookup.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape)
    coverage = lookup.get_metric(dataset.coverage_metric)(dataset, samples)
    _emit(coverage | {"n_samples": samples.shape[0]}, args.json)


def cmd_parzen(args) -> None:
    from gan_bench import lookup
    from gan_bench.metrics.parzen import parzen_for_dataset
    from gan_bench.runtime.seeding import resolve_device
    from gan_bench.storage.samples_io import load_samples

    dataset = lookup.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape).to(resolve_device(args.device))
    _emit(parzen_for_dataset(dataset, samples), args.json)


def cmd_theory(args) -> None:
    from gan_bench import lookup
    from gan_bench.metrics.theory import theory_metric
    from gan_bench.storage.samples_io import load_samples

    dataset = lookup.get_dataset(args.dataset)()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = theory_metric(dataset, load_samples(args.samples, dataset.shape))
    for warning in caught:  # one line each on stderr, so that --json stdout stays one object
        print(f"gan-bench: warning: {warning.message}", file=sys.stderr)
    _emit(result, args.json)


def cmd_fid(args) -> None:
    from gan_bench import lookup
    from gan_bench.metrics.fid import RECOMMENDED_SAMPLES, FewSamplesWarning, fid_for_dataset
    from gan_bench.runtime.seeding import resolve_device
    from gan_bench.storage.samples_io import load_samples

    dataset = lookup.get_dataset(args.dataset)()
    samples = load_samples(args.samples, dataset.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewSamplesWarning)  # one line of our own instead
        result = fid_for_dataset(dataset, samples, args.real_count, args.kid_subset_size,
                                 resolve_device(args.device))
    if samples.shape[0] < RECOMMENDED_SAMPLES:  # stderr, so that --json stdout stays one object
        print(f"gan-bench: warning: {samples.shape[0]} samples; FID and KID are biased below "
              f"{RECOMMENDED_SAMPLES}", file=sys.stderr)
    _emit(result, args.json)


def _emit(result: dict, as_json: bool) -> None:
    """``result`` as ``key: value`` lines, or as one JSON object: strict JSON, with an infinite
    value as the string "inf" or "-inf" and NaN as null, as the record files and ``status --json``
    write them (gan_bench.storage.records.jsonable)."""
    from gan_bench.storage.records import jsonable

    if as_json:
        print(json.dumps(jsonable(result), sort_keys=True, allow_nan=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


def add_commands(commands) -> None:
    evaluation_command(commands, "modes", cmd_modes, "mode coverage of a samples file",
                       "ring8 or grid25 (modes), mnist (digit classes, frozen classifier)")
    parzen = evaluation_command(commands, "parzen", cmd_parzen,
                                "Parzen window log-likelihood of a samples file",
                                "mnist, ring8 or grid25")
    parzen.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
    evaluation_command(commands, "theory", cmd_theory,
                       "JSD(p_data || p_g) ± its standard error and C(G) = -log 4 + 2 JSD, in "
                       "nats, of a samples file (the GAN paper's Theorem 1)", "ring8 or grid25")
    fid = evaluation_command(commands, "fid", cmd_fid,
                             "FID, KID and precision/recall of a samples file", "mnist")
    fid.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
    fid.add_argument("--real-count", type=at_least_one, default=10_000,
                     help="first N test images as the real set (default: all 10,000; fewer for quick checks)")
    fid.add_argument("--kid-subset-size", type=at_least_one, default=1000,
                     help="images per KID subset; at most both counts (default 1000)")
