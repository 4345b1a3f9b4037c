"""Arguments several commands share, and what they set up once parsed."""

from pathlib import Path

from gan_bench.cli.validators import at_least_one, at_least_zero, key_equals_value, positive_number

DEFAULT_RESULTS = Path("results")


def suite_command(commands, name: str, handler, help_text: str, computes: bool = True):
    """A subcommand that works on a suite's runs: suite, --results, --only, --compile, and where
    it ``computes``, --device and --threads."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("suite", help="a suite name under gan_bench/suites/ or a path to a .toml")
    command.add_argument("--results", type=Path, default=DEFAULT_RESULTS,
                         help="results root; the suite writes to RESULTS/SUITE (default: results)")
    if computes:
        command.add_argument("--device", default="auto", choices=["cpu", "cuda", "auto"])
        command.add_argument("--threads", type=at_least_one, default=None,
                             help="CPU threads for torch (default: torch's choice)")
    command.add_argument("--only", metavar="REGEX", default=None,
                         help="only the runs whose run id (MODEL__DATASET__seedN) matches")
    command.add_argument("--compile", action="store_true",
                         help="the models' networks through torch.compile (runs of their own: the "
                              "config says compile = true)")
    command.set_defaults(handler=handler)
    return command


def evaluation_command(commands, name: str, handler, help_text: str, datasets: str):
    """A subcommand that scores a samples file: --samples, --dataset and --json."""
    command = commands.add_parser(name, help=help_text)
    command.add_argument("--samples", type=Path, required=True, help=".npy or .npz samples file")
    command.add_argument("--dataset", required=True, help=datasets)
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(handler=handler)
    return command


def set_threads(threads: int | None) -> None:
    """``--threads``: torch's CPU threads, where given."""
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def add_cluster_arguments(command, wait: bool) -> None:
    """--executor and the cluster's options; with ``wait``, --wait (a command that always waits for
    its jobs has none)."""
    cluster = command.add_argument_group(
        "cluster", "through submitit: one job per pending run; the results folder must be on storage "
        "every node mounts (a job that cannot see it fails, naming it); a rerun resumes")
    cluster.add_argument("--executor", choices=["local", "submitit-local", "slurm"], default="local",
                         help="local: this process and its --jobs workers (default); slurm: a SLURM "
                              "job array; submitit-local: the same jobs through submitit on this "
                              "machine")
    if wait:
        cluster.add_argument("--wait", action="store_true",
                             help="wait for every job, report failures, rebuild the leaderboard "
                                  "(always with submitit-local)")
    cluster.add_argument("--partition", default=None)
    cluster.add_argument("--time", type=at_least_one, default=240, metavar="MINUTES",
                         help="time limit of each job; at its pre-timeout signal a job requeues "
                              "itself and resumes from its last checkpoint (default 240)")
    cluster.add_argument("--gpus-per-run", type=at_least_zero, default=0)
    cluster.add_argument("--cpus-per-run", type=at_least_one, default=1)
    cluster.add_argument("--mem", type=positive_number, default=None, metavar="GB")
    cluster.add_argument("--array-parallelism", type=at_least_one, default=256,
                         help="jobs of the array running at once")
    cluster.add_argument("--slurm-option", action="append", default=[], metavar="KEY=VALUE",
                         type=key_equals_value,
                         help="any other sbatch option, e.g. account=myproject (repeatable)")


def cluster_options(args):
    """The parsed cluster options (gan_bench.runs.cluster.ClusterOptions)."""
    from gan_bench.runs.cluster import ClusterOptions

    return ClusterOptions(args.executor, args.partition, args.time, args.gpus_per_run, args.cpus_per_run,
                          args.mem, args.array_parallelism, dict(args.slurm_option))
