"""Provenance in pytest-benchmark's saved JSON (``--benchmark-json FILE``): beside its own machine
and commit info, the command, gan-bench's hardware fingerprint and the library versions, as in a
run record."""

import shlex

import torch

from gan_bench.runtime.provenance import hardware, library_versions


def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["command"] = shlex.join(["pytest", *config.invocation_params.args])
    machine_info["hardware"] = hardware(torch.device("cpu"))
    machine_info["library_versions"] = library_versions()
