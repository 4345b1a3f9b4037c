"""The hostile and unlucky cases of the security and reliability reviews, run against `gan-bench`.

Each probe builds its case in a fresh temporary folder (a crafted checkpoint, a name that is a
path, a symlinked lock, a flipped bit, a duplicated record, a signal, a malformed file or value),
runs the ``gan-bench`` command a user would run there as a subprocess, and records its exit
status, the first line of its stderr (the temporary folder shown as ``$TMP``), whether a traceback
appeared, and whether the probe's own check of the aftermath held (the crafted pickle did not run,
the victim of the symlink kept its bytes, nothing was written outside the results folder). Items
1-9 are the cases of the first review (issue 20), items 30.1-30.5 those of the second (issue 30:
the FID cache, symbolic links in a results folder, a suite's plugins key, metric values, samples
files), and 30.6 and 30.8 (Ctrl-C and SIGTERM under --executor submitit-local; option values,
SLURM without its tools, job notes, other packages' entry points, model contract violations,
--tensorboard, a read-only results folder under evaluate, an empty HOME); a child that could read
without bound runs under a 3 GB RLIMIT_DATA, and one that hangs is stopped at its timeout and
counted as failed.

    python benchmarks/robustness_probes.py --out results/robustness

writes ``probes.json`` (with provenance) and ``probes.md``; the first line of stderr shown is the
first that is not a progress bar. Exit status 1 if any probe gave an
unexpected exit status, a traceback, or a failed check.
"""

import argparse
import io
import json
import os
import pickle
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from gan_bench.runtime.provenance import PROJECT_ROOT, how_made

TINY_SUITE = """
[suite]
seeds = 1
metrics = ["modes"]

[train]
steps = {steps}
batch_size = 16
warmup_steps = 2
checkpoint_every_steps = {checkpoint}
log_every_steps = {checkpoint}
eval_samples = 200

[[models]]
name = "{name}"
model = "gan-mlp"
options = {{ generator_hidden = {width}, generator_layers = 2, discriminator_units = 8, discriminator_layers = 2 }}

[[datasets]]
name = "ring8"
"""  # noqa: E501 (a TOML inline table is one line)
RUN_ID = "gan__ring8__seed0"
PROGRESS_BAR = re.compile(r"\d+%\|")  # a tqdm line, left out of the first line of stderr
PROGRESS_BAR_END = re.compile(r"\r|(?<=it/s\])|(?<=s/it\])|(?<=\?it/s\])")


def suite_text(steps=12, checkpoint=4, name="gan", width=16, extra="") -> str:
    return TINY_SUITE.format(steps=steps, checkpoint=checkpoint, name=name, width=width) + extra


PLUGIN_METRICS = """
import numpy as np
from gan_bench.registry import register_metric

register_metric("says_high", lambda dataset, samples: {"m": "high"})
register_metric("numpy_float32", lambda dataset, samples: {"m_numpy": np.float32(samples.mean())})
register_metric("claims_modes_captured", lambda dataset, samples: {"modes_captured": 99.0})
"""


class Pickled:
    """A pickle that, when loaded, creates the file ``marker``: what a crafted checkpoint does."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@dataclass
class Probe:
    item: str
    case: str
    expected_status: int


def gan_bench(folder: Path, *args: str, env: dict | None = None, timeout: float = 300, preexec_fn=None):
    try:
        return subprocess.run([sys.executable, "-m", "gan_bench", *args], cwd=folder,
                              capture_output=True, text=True, timeout=timeout, preexec_fn=preexec_fn,
                              env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})})
    except subprocess.TimeoutExpired:  # a hang is a failed probe, not the end of the table
        return subprocess.CompletedProcess(args, -1, "", f"timed out after {timeout} s\n")


def live_processes(field: int, value: int) -> list[int]:
    """The pids of the live processes whose /proc stat field ``field`` (counted after the command
    name: 1 the parent's pid, 3 the session) is ``value``: what a stop left running."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[field]) == value and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def session_members(session: int) -> list[int]:
    return live_processes(3, session)


def three_gigabytes():
    """The probe's own guard: a child that reads without bound fails with a MemoryError at 3 GB
    (RLIMIT_DATA) instead of taking the machine."""
    resource.setrlimit(resource.RLIMIT_DATA, (3 * 2**30, 3 * 2**30))


class Cases:
    """Each ``case_*`` method sets up its case in ``folder`` and returns (completed process, check
    held); ``trained`` is a results folder holding one finished run of the tiny suite."""

    def __init__(self, trained: Path):
        self.trained = trained

    def _copy_trained(self, folder: Path) -> Path:
        shutil.copytree(self.trained, folder / "results")
        (folder / "tiny.toml").write_text(suite_text())
        return folder / "results" / "tiny"

    def _suite(self, folder: Path, **kwargs) -> str:
        (folder / "tiny.toml").write_text(suite_text(**kwargs))
        return "tiny.toml"

    def _samples(self, folder: Path, array_or_bytes, name="samples.npy") -> str:
        path = folder / name
        if isinstance(array_or_bytes, bytes):
            path.write_bytes(array_or_bytes)
        elif name.endswith(".npz"):
            np.savez(path, samples=array_or_bytes)
        else:
            np.save(path, array_or_bytes)
        return name

    # 1. security
    def crafted_checkpoint_status(self, folder):
        marker = folder / "pwned"
        checkpoints = folder / "results" / "tiny" / "checkpoints"
        checkpoints.mkdir(parents=True)
        torch.save({"config": Pickled(marker)}, checkpoints / f"{RUN_ID}.pt")
        (folder / "tiny.toml").write_text(suite_text())
        return gan_bench(folder, "status", "tiny.toml"), not marker.exists()

    def crafted_checkpoint_run(self, folder):
        marker = folder / "pwned"
        checkpoints = folder / "results" / "tiny" / "checkpoints"
        checkpoints.mkdir(parents=True)
        (checkpoints / f"{RUN_ID}.pt").write_bytes(pickle.dumps(Pickled(marker)))
        (folder / "tiny.toml").write_text(suite_text())
        return gan_bench(folder, "run", "tiny.toml", "--device", "cpu"), not marker.exists()

    def _name_probe(self, folder, name):
        """Nothing appeared in the temporary folder named after the model (its run id's start):
        other processes on a shared machine create files there meanwhile."""
        outside = set(Path(tempfile.gettempdir()).iterdir())
        result = gan_bench(folder, "run", self._suite(folder, name=name), "--device", "cpu")
        new = set(Path(tempfile.gettempdir()).iterdir()) - outside - {folder}
        return result, not any(path.name.startswith(Path(name).name) for path in new)

    def name_parent_path(self, folder):
        return self._name_probe(folder, "../../escape")

    def name_absolute_path(self, folder):
        return self._name_probe(folder, "/tmp/x")

    def name_with_slash(self, folder):
        return self._name_probe(folder, "a/b")

    def symlinked_lock(self, folder):
        victim = folder / "victim.txt"
        victim.write_text("precious")
        results = folder / "results" / "tiny"
        results.mkdir(parents=True)
        (results / ".runs.lock").symlink_to(victim)
        result = gan_bench(folder, "run", self._suite(folder), "--device", "cpu")
        return result, victim.read_text() == "precious"

    # 4. integrity
    def flipped_bit_in_checkpoint(self, folder):
        results = self._copy_trained(folder)
        path = results / "checkpoints" / f"{RUN_ID}.pt"
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
        return gan_bench(folder, "evaluate", "tiny.toml", "--metrics", "parzen"), True

    def flipped_bit_in_samples(self, folder):
        results = self._copy_trained(folder)
        path = results / "samples" / f"{RUN_ID}.npy"
        data = bytearray(path.read_bytes())
        data[-5] ^= 0x01
        path.write_bytes(bytes(data))
        return gan_bench(folder, "leaderboard", "tiny"), True

    # 5. duplicate records
    def duplicated_record(self, folder):
        results = self._copy_trained(folder)
        runs = results / "runs.jsonl"
        runs.write_text(runs.read_text() * 2)
        return gan_bench(folder, "leaderboard", "tiny"), True

    def two_processes_one_folder(self, folder):
        suite = self._suite(folder, steps=1500, checkpoint=500, extra=SECOND_MODEL)
        command = [sys.executable, "-m", "gan_bench", "run", suite, "--device", "cpu",
                   "--threads", "1"]
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        processes = [subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
        errors = [process.communicate(timeout=600)[1] for process in processes]
        trained = sum(" after " in line for text in errors for line in text.splitlines())
        skipped = [line for text in errors for line in text.splitlines() if "skipped here" in line]
        status = max(process.returncode for process in processes)
        first = skipped[0] if skipped else f"{trained} runs trained"
        return subprocess.CompletedProcess(command, status, "", first + "\n"), trained == 2

    # 6. signals
    def _signal_probe(self, folder, signum, to_group, runner=("--jobs", "2")):
        suite = self._suite(folder, steps=1_000_000, checkpoint=200, extra=SECOND_MODEL)
        process = subprocess.Popen(
            [sys.executable, "-m", "gan_bench", "run", suite, "--device", "cpu", *runner],
            cwd=folder, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
        checkpoints = folder / "results" / "tiny" / "checkpoints"
        deadline = time.monotonic() + 300
        while len(list(checkpoints.glob("*.pt"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.monotonic()
        if to_group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        stderr = process.communicate(timeout=120)[1]
        seconds = time.monotonic() - started
        last = stderr.rstrip().splitlines()[-1].split("\x1b[A")[-1].strip() if stderr.strip() else ""
        recorded = (folder / "results" / "tiny" / "runs.jsonl")
        nothing_recorded = not recorded.exists() or recorded.read_text() == ""
        deadline = time.monotonic() + 30  # submitit's controllers end just after their tasks
        while session_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        return (subprocess.CompletedProcess([], process.returncode, "", f"{last} ({seconds:.1f} s)\n"),
                nothing_recorded and "Traceback" not in stderr and not session_members(process.pid))

    def ctrl_c_with_jobs_2(self, folder):
        return self._signal_probe(folder, signal.SIGINT, to_group=True)

    def sigterm_with_jobs_2(self, folder):
        return self._signal_probe(folder, signal.SIGTERM, to_group=False)

    def ctrl_c_with_submitit_local(self, folder):
        return self._signal_probe(folder, signal.SIGINT, True, ("--executor", "submitit-local"))

    def sigterm_with_submitit_local(self, folder):
        return self._signal_probe(folder, signal.SIGTERM, False, ("--executor", "submitit-local"))

    # 7. metric and dataset
    def fid_on_ring8(self, folder):
        (folder / "tiny.toml").write_text(suite_text().replace('"modes"', '"fid"'))
        result = gan_bench(folder, "run", "tiny.toml", "--device", "cpu")
        return result, not (folder / "results" / "tiny" / "checkpoints").exists()  # nothing trained

    # 8. malformed input
    def empty_npy(self, folder):
        return gan_bench(folder, "modes", "--samples", self._samples(folder, b""), "--dataset", "ring8"), True

    def npz_object_array(self, folder):
        name = self._samples(folder, np.array([{"a": 1}], dtype=object), "samples.npz")
        return gan_bench(folder, "modes", "--samples", name, "--dataset", "ring8"), True

    def npy_header_claiming_10_12_rows(self, folder):
        header = {"descr": "<f4", "fortran_order": False, "shape": (10**12, 2)}
        buffer = folder / "samples.npy"
        with open(buffer, "wb") as stream:
            np.lib.format.write_array_header_1_0(stream, header)
            stream.write(b"\0" * 64)
        return gan_bench(folder, "modes", "--samples", "samples.npy", "--dataset", "ring8"), True

    def cache_folder_is_a_file(self, folder):
        (folder / "cache").write_bytes(b"")
        cache = {"GAN_BENCH_CACHE": str(folder / "cache")}
        return gan_bench(folder, "data", "fetch", "mnist", env=cache), True

    def seeds_1e12_in_suite(self, folder):
        (folder / "tiny.toml").write_text(suite_text().replace("seeds = 1", "seeds = 1e12"))
        return gan_bench(folder, "run", "tiny.toml", "--device", "cpu"), True

    def seeds_10_20_on_command_line(self, folder):
        return gan_bench(folder, "run", self._suite(folder), "--seeds", str(10**20), "--device", "cpu"), True

    def name_with_nul(self, folder):
        return gan_bench(folder, "run", self._suite(folder, name="g\\u0000an"), "--device", "cpu"), True

    def name_of_300_characters(self, folder):
        return gan_bench(folder, "run", self._suite(folder, name="g" * 300), "--device", "cpu"), True

    def negative_layer_width(self, folder):
        return gan_bench(folder, "run", self._suite(folder, width=-4), "--device", "cpu"), True

    def zero_layer_width(self, folder):
        return gan_bench(folder, "run", self._suite(folder, width=0), "--device", "cpu"), True

    def _train_key_probe(self, folder, key, value):
        (folder / "tiny.toml").write_text(re.sub(rf"{key} = \d+", f"{key} = {value}", suite_text()))
        return gan_bench(folder, "run", "tiny.toml", "--device", "cpu"), True

    def batch_size_10_11(self, folder):
        return self._train_key_probe(folder, "batch_size", 10**11)

    def eval_samples_10_11(self, folder):
        return self._train_key_probe(folder, "eval_samples", 10**11)

    def _runs_line(self, folder, line: bytes, file_name="runs.jsonl"):
        results = self._copy_trained(folder)
        with open(results / file_name, "ab") as stream:
            stream.write(line + b"\n")
        return gan_bench(folder, "leaderboard", "tiny"), True

    def runs_line_empty_object(self, folder):
        return self._runs_line(folder, b"{}")

    def runs_line_a_number(self, folder):
        return self._runs_line(folder, b"3")

    def runs_line_lacking_config(self, folder):
        line = b'{"run_id": "vae__ring8__seed0", "status": "finished", "metrics": {}}'
        return self._runs_line(folder, line)

    def runs_line_string_metric(self, folder):
        record = json.loads((self.trained / "tiny" / "runs.jsonl").read_text().splitlines()[0])
        record["run_id"], record["metrics"]["modes_captured"] = "gan__ring8__seed9", "many"
        return self._runs_line(folder, json.dumps(record).encode())

    def runs_line_not_utf8(self, folder):
        return self._runs_line(folder, b'{"run_id": "\xff\xfe"}')

    def evaluation_line_without_metric(self, folder):
        return self._runs_line(folder, b'{"run_id": "gan__ring8__seed0", "metrics": {}}',
                               "evaluations.jsonl")

    def corrupted_compressed_mnist_cache(self, folder):
        cache = folder / "cache"
        cache.mkdir()
        arrays = {"train_images": np.arange(200_000, dtype=np.uint32).astype(np.uint8)}
        np.savez_compressed(cache / "mnist.npz", **arrays)
        data = bytearray((cache / "mnist.npz").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (cache / "mnist.npz").write_bytes(bytes(data))
        return gan_bench(folder, "data", "fetch", "mnist", env={"GAN_BENCH_CACHE": str(cache)}), True

    def garbage_in_results_samples(self, folder):
        results = self._copy_trained(folder)
        (results / "samples" / f"{RUN_ID}.npy").write_bytes(b"garbage")
        runs = results / "runs.jsonl"  # a record from before samples were checksummed
        record = json.loads(runs.read_text())
        record.pop("samples_sha256", None)
        runs.write_text(json.dumps(record) + "\n")
        return gan_bench(folder, "leaderboard", "tiny"), True

    def object_array_in_results_samples(self, folder):
        results = self._copy_trained(folder)
        np.save(results / "samples" / f"{RUN_ID}.npy", np.array([{"a": 1}], dtype=object),
                allow_pickle=True)
        runs = results / "runs.jsonl"
        record = json.loads(runs.read_text())
        record.pop("samples_sha256", None)
        runs.write_text(json.dumps(record) + "\n")
        return gan_bench(folder, "leaderboard", "tiny"), True

    def empty_runs_jsonl(self, folder):
        (folder / "results" / "tiny").mkdir(parents=True)
        (folder / "results" / "tiny" / "runs.jsonl").write_bytes(b"")
        return gan_bench(folder, "leaderboard", "tiny"), True

    # issue 30, 1: the FID cache
    def _fid_cache(self, folder) -> dict:
        """A cache folder of its own holding links to the default cache's MNIST and Inception
        weights (read only), and samples.npy: 4 MNIST test digits."""
        from gan_bench.data.mnist import Mnist
        from gan_bench.metrics.inception_weights import CACHE_FILE_NAME, inception_weights_path
        from gan_bench.storage.cache import cache_dir

        inception_weights_path()
        cache = folder / "cache"
        cache.mkdir()
        for name in ("mnist.npz", CACHE_FILE_NAME):
            (cache / name).symlink_to(cache_dir() / name)
        np.save(folder / "samples.npy", Mnist().parzen_test()[4:8].reshape(-1, 784).numpy())
        return {"GAN_BENCH_CACHE": str(cache)}

    def _fid(self, folder, env):
        return gan_bench(folder, "fid", "--samples", "samples.npy", "--dataset", "mnist", "--device",
                         "cpu", "--real-count", "4", "--kid-subset-size", "2", env=env, timeout=600)

    def fid_pickle_in_torch_fidelity_cache(self, folder):
        from gan_bench.metrics.fid import real_cache_name

        env, marker = self._fid_cache(folder), folder / "pwned"
        planted = folder / "cache" / "torch-fidelity"
        planted.mkdir()
        prefix = f"{real_cache_name('mnist', 'test', 4)}-inception-v3-compat-channels-last"
        for kind in ("features", "stat-fid"):
            torch.save(Pickled(marker), planted / f"{prefix}-{kind}-2048.pt")
        return self._fid(folder, env), not marker.exists()

    def fid_pickle_in_own_cache(self, folder):
        from gan_bench.metrics.fid import real_cache_name

        env, marker = self._fid_cache(folder), folder / "pwned"
        planted = folder / "cache" / "real-features"
        planted.mkdir()
        torch.save({"features": Pickled(marker)},
                   planted / f"{real_cache_name('mnist', 'test', 4)}-features-2048.pt")
        return self._fid(folder, env), not marker.exists()

    # issue 30, 2: symbolic links in a results folder
    def symlinked_figure(self, folder):
        results = self._copy_trained(folder)
        victim = folder / "victim.txt"
        victim.write_text("precious")
        figure = results / "figures" / "loss_curves.png"
        figure.unlink()
        figure.symlink_to(victim)
        return gan_bench(folder, "leaderboard", "tiny"), victim.read_text() == "precious"

    def _symlinked_subfolder(self, folder, name):
        outside = folder / "outside"
        outside.mkdir()
        results = folder / "results" / "tiny"
        results.mkdir(parents=True)
        (results / name).symlink_to(outside, target_is_directory=True)
        result = gan_bench(folder, "run", self._suite(folder), "--device", "cpu")
        return result, not any(outside.iterdir())

    def symlinked_checkpoints_folder(self, folder):
        return self._symlinked_subfolder(folder, "checkpoints")

    def symlinked_samples_folder(self, folder):
        return self._symlinked_subfolder(folder, "samples")

    def symlinked_figures_folder(self, folder):
        return self._symlinked_subfolder(folder, "figures")

    def symlinked_claims_folder(self, folder):
        return self._symlinked_subfolder(folder, ".claims")

    def symlinked_submitit_folder(self, folder):
        return self._symlinked_subfolder(folder, ".submitit")

    # issue 30, 3: a suite's plugins key
    def _plugin_beside_suite(self, folder) -> Path:
        (folder / "beside.py").write_text("from pathlib import Path\nPath('imported').touch()\n")
        self._suite(folder, extra="")
        suite = folder / "tiny.toml"
        suite.write_text(suite.read_text().replace("[train]", 'plugins = ["beside"]\n\n[train]'))
        return folder / "imported"

    def plugins_key_under_status(self, folder):
        imported = self._plugin_beside_suite(folder)
        env = {"PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT_ROOT)])}
        return gan_bench(folder, "status", "tiny.toml", env=env), not imported.exists()

    def plugin_module_in_current_folder(self, folder):
        imported = self._plugin_beside_suite(folder)
        return gan_bench(folder, "run", "tiny.toml", "--device", "cpu"), not imported.exists()

    # issue 30, 4: metric values
    def _plugin_metric_run(self, folder, metrics):
        (folder / "metrics_plugin.py").write_text(PLUGIN_METRICS)
        (folder / "tiny.toml").write_text(suite_text().replace(
            'metrics = ["modes"]', f'metrics = {json.dumps(metrics)}\nplugins = ["metrics_plugin"]'))
        env = {"PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT_ROOT)])}
        return gan_bench(folder, "run", "tiny.toml", "--device", "cpu", env=env)

    def metric_returning_a_string(self, folder):
        result = self._plugin_metric_run(folder, ["modes", "says_high"])
        results = folder / "results" / "tiny"
        return result, not (results / "runs.jsonl").exists() and (results / "checkpoints").exists()

    def metric_returning_numpy_float32(self, folder):
        result = self._plugin_metric_run(folder, ["numpy_float32"])
        runs = folder / "results" / "tiny" / "runs.jsonl"
        recorded = runs.exists() and isinstance(json.loads(runs.read_text())["metrics"]["m_numpy"], float)
        return result, recorded

    def metric_claiming_another_metrics_key(self, folder):
        result = self._plugin_metric_run(folder, ["modes", "claims_modes_captured"])
        return result, not (folder / "results" / "tiny" / "runs.jsonl").exists()

    # issue 30, 5: samples files
    def _modes(self, folder, name, **kwargs):
        return gan_bench(folder, "modes", "--samples", name, "--dataset", "ring8", **kwargs)

    def npz_linked_to_dev_zero(self, folder):
        (folder / "samples.npz").symlink_to("/dev/zero")
        return self._modes(folder, "samples.npz", preexec_fn=three_gigabytes, timeout=120), True

    def fifo_named_npy(self, folder):
        os.mkfifo(folder / "samples.npy")
        return self._modes(folder, "samples.npy", timeout=120), True

    def zip64_npz_claiming_8_tb(self, folder):
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (10**12, 2)})
        with zipfile.ZipFile(folder / "samples.npz", "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("samples.npy", header.getvalue() + b"\0" * 64)
            archive.filelist[0].file_size = 8 * 10**12 + len(header.getvalue())  # zip64 on close
        return self._modes(folder, "samples.npz", preexec_fn=three_gigabytes), True

    def npz_expanding_to_400_mb(self, folder):
        np.savez_compressed(folder / "samples.npz", samples=np.zeros((50_000_000, 2), np.float32))
        return self._modes(folder, "samples.npz", preexec_fn=three_gigabytes), True

    def json_with_an_infinite_value(self, folder):
        np.save(folder / "far.npy", np.full((100, 2), 1e30, np.float32))
        result = gan_bench(folder, "modes", "--samples", "far.npy", "--dataset", "ring8", "--json")

        def refuse(constant):
            raise ValueError(constant)

        try:
            json.loads(result.stdout, parse_constant=refuse)
        except ValueError:
            return result, False
        return result, True

    # issue 30, 8: remaining tracebacks and silent options
    def _option_probe(self, folder, *args):
        self._suite(folder)
        result = gan_bench(folder, *args)
        return result, not (folder / "results").exists()

    def round_seconds_nan(self, folder):
        return self._option_probe(folder, "bench", "--round-seconds", "nan", "--no-quality")

    def round_seconds_inf(self, folder):
        return self._option_probe(folder, "bench", "--round-seconds", "inf", "--no-quality")

    def mem_nan(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm", "--mem", "nan")

    def mem_minus_4(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm", "--mem", "-4")

    def cpus_per_run_0(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm", "--cpus-per-run", "0")

    def time_minus_5(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm", "--time", "-5")

    def slurm_option_without_equals(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm",
                                  "--slurm-option", "account")

    def slurm_option_with_a_newline(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "slurm",
                                  "--slurm-option", "account=a\n#SBATCH --x=y")

    def slurm_without_srun(self, folder):
        (folder / "bin").mkdir()  # a PATH without SLURM's tools
        self._suite(folder)
        result = gan_bench(folder, "run", "tiny.toml", "--executor", "slurm",
                           env={"PATH": str(folder / "bin")})
        return result, not (folder / "results").exists()

    def _jobs_line(self, folder, line: bytes):
        results = self._copy_trained(folder)
        (results / ".submitit").mkdir()
        (results / ".submitit" / "jobs.jsonl").write_bytes(line)
        return gan_bench(folder, "status", "tiny.toml"), True

    def jobs_jsonl_truncated(self, folder):
        return self._jobs_line(folder, b'{"run_id": "gan__ring8__seed0", "job_id": "12')

    def jobs_jsonl_keyless(self, folder):
        return self._jobs_line(folder, b'{"run_id": "gan__ring8__seed0"}\n')

    def malformed_entry_points_of_another_package(self, folder):
        info = folder / "site" / "other-1.0.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: other\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text("[console_scripts]\nno equals sign here\n")
        self._suite(folder)
        env = {"PYTHONPATH": os.pathsep.join([str(folder / "site"), str(PROJECT_ROOT)])}
        return gan_bench(folder, "status", "tiny.toml", env=env), True

    def _contract_probe(self, folder, model_code):
        (folder / "bad_model.py").write_text(BAD_MODEL.format(code=model_code))
        (folder / "tiny.toml").write_text(suite_text().replace('model = "gan-mlp"', 'model = "bad"')
                                          .replace('metrics = ["modes"]', 'metrics = ["modes"]\n'
                                                   'plugins = ["bad_model"]'))
        env = {"PYTHONPATH": os.pathsep.join([str(folder), str(PROJECT_ROOT)])}
        result = gan_bench(folder, "run", "tiny.toml", "--device", "cpu", env=env)
        return result, not (folder / "results" / "tiny" / "runs.jsonl").exists()

    def sample_of_the_wrong_shape(self, folder):
        return self._contract_probe(folder, "def sample(self, n):\n        return torch.zeros(n, 3)")

    def train_step_returning_a_vector(self, folder):
        return self._contract_probe(folder, "def train_step(self, batch):\n        "
                                            "return {'loss': torch.ones(3)}")

    def train_step_returning_a_string(self, folder):
        return self._contract_probe(folder, "def train_step(self, batch):\n        return 'low'")

    def tensorboard_under_an_executor(self, folder):
        return self._option_probe(folder, "run", "tiny.toml", "--executor", "submitit-local",
                                  "--tensorboard", "tb")

    def tensorboard_folder_a_file(self, folder):
        (folder / "tb").write_text("a file")
        return self._option_probe(folder, "run", "tiny.toml", "--device", "cpu", "--tensorboard", "tb")

    def evaluate_into_a_read_only_folder(self, folder):
        results = self._copy_trained(folder)
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", str(results)], check=True)
        else:
            results.chmod(0o555)
        try:
            result = gan_bench(folder, "evaluate", "tiny.toml", "--metrics", "frechet_data",
                               "--device", "cpu")
        finally:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(results)], check=True)
            else:
                results.chmod(0o755)
        return result, not (results / "evaluations.jsonl").exists()

    def home_empty(self, folder):
        env = {"HOME": "", "GAN_BENCH_CACHE": ""}
        return gan_bench(folder, "data", "fetch", "mnist", env=env), not Path("/.cache/gan-bench").exists()

    # 9. orphans
    def orphan_tmp_file(self, folder):
        results = self._copy_trained(folder)
        orphan = results / f".runs.jsonl.{'x' * 8}.tmp"
        orphan.write_bytes(b"partial")
        old = time.time() - 3600
        os.utime(orphan, (old, old))
        result = gan_bench(folder, "run", "tiny.toml", "--device", "cpu")
        return result, not orphan.exists()


BAD_MODEL = """
import torch
from gan_bench.baselines.gan_mlp import GanMlp
from gan_bench.registry import register_model


class Bad(GanMlp):
    {code}


register_model("bad", Bad)
"""

SECOND_MODEL = """
[[models]]
name = "vae"
model = "vae-mlp"
options = { hidden = 16 }
"""

PROBES = [
    Probe("1", "crafted_checkpoint_status", 2), Probe("1", "crafted_checkpoint_run", 2),
    Probe("2", "name_parent_path", 2), Probe("2", "name_absolute_path", 2),
    Probe("2", "name_with_slash", 2), Probe("3", "symlinked_lock", 2),
    Probe("4", "flipped_bit_in_checkpoint", 2), Probe("4", "flipped_bit_in_samples", 2),
    Probe("5", "duplicated_record", 2), Probe("5", "two_processes_one_folder", 0),
    Probe("6", "ctrl_c_with_jobs_2", 130), Probe("6", "sigterm_with_jobs_2", 143),
    Probe("7", "fid_on_ring8", 2),
    Probe("8", "empty_npy", 2), Probe("8", "npz_object_array", 2),
    Probe("8", "npy_header_claiming_10_12_rows", 2), Probe("8", "cache_folder_is_a_file", 2),
    Probe("8", "seeds_1e12_in_suite", 2), Probe("8", "seeds_10_20_on_command_line", 2),
    Probe("8", "name_with_nul", 2), Probe("8", "name_of_300_characters", 2),
    Probe("8", "negative_layer_width", 2), Probe("8", "zero_layer_width", 2),
    Probe("8", "batch_size_10_11", 2), Probe("8", "eval_samples_10_11", 2),
    Probe("8", "runs_line_empty_object", 2), Probe("8", "runs_line_a_number", 2),
    Probe("8", "runs_line_lacking_config", 2), Probe("8", "runs_line_string_metric", 2),
    Probe("8", "runs_line_not_utf8", 2), Probe("8", "evaluation_line_without_metric", 2),
    Probe("8", "corrupted_compressed_mnist_cache", 2), Probe("8", "garbage_in_results_samples", 2),
    Probe("8", "object_array_in_results_samples", 2), Probe("8", "empty_runs_jsonl", 2),
    Probe("9", "orphan_tmp_file", 0),
    Probe("30.1", "fid_pickle_in_torch_fidelity_cache", 0), Probe("30.1", "fid_pickle_in_own_cache", 2),
    Probe("30.2", "symlinked_figure", 2), Probe("30.2", "symlinked_checkpoints_folder", 2),
    Probe("30.2", "symlinked_samples_folder", 2), Probe("30.2", "symlinked_figures_folder", 2),
    Probe("30.2", "symlinked_claims_folder", 2), Probe("30.2", "symlinked_submitit_folder", 2),
    Probe("30.3", "plugins_key_under_status", 2), Probe("30.3", "plugin_module_in_current_folder", 2),
    Probe("30.4", "metric_returning_a_string", 2), Probe("30.4", "metric_returning_numpy_float32", 0),
    Probe("30.4", "metric_claiming_another_metrics_key", 2),
    Probe("30.5", "npz_linked_to_dev_zero", 2), Probe("30.5", "fifo_named_npy", 2),
    Probe("30.5", "zip64_npz_claiming_8_tb", 2), Probe("30.5", "npz_expanding_to_400_mb", 2),
    Probe("30.5", "json_with_an_infinite_value", 0),
    Probe("30.6", "ctrl_c_with_submitit_local", 130), Probe("30.6", "sigterm_with_submitit_local", 143),
    Probe("30.8", "round_seconds_nan", 2), Probe("30.8", "round_seconds_inf", 2),
    Probe("30.8", "mem_nan", 2), Probe("30.8", "mem_minus_4", 2), Probe("30.8", "cpus_per_run_0", 2),
    Probe("30.8", "time_minus_5", 2), Probe("30.8", "slurm_option_without_equals", 2),
    Probe("30.8", "slurm_option_with_a_newline", 2), Probe("30.8", "slurm_without_srun", 2),
    Probe("30.8", "jobs_jsonl_truncated", 2), Probe("30.8", "jobs_jsonl_keyless", 2),
    Probe("30.8", "malformed_entry_points_of_another_package", 2),
    Probe("30.8", "sample_of_the_wrong_shape", 2), Probe("30.8", "train_step_returning_a_vector", 2),
    Probe("30.8", "train_step_returning_a_string", 2),
    Probe("30.8", "tensorboard_under_an_executor", 2), Probe("30.8", "tensorboard_folder_a_file", 2),
    Probe("30.8", "evaluate_into_a_read_only_folder", 2), Probe("30.8", "home_empty", 2),
]


def run_probes(only: str | None) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="gan-bench-probes-") as root:
        base = Path(root) / "trained"
        base.mkdir()
        (base / "tiny.toml").write_text(suite_text())
        setup = gan_bench(base, "run", "tiny.toml", "--device", "cpu")
        if setup.returncode != 0:
            raise SystemExit(f"training the tiny suite failed: {setup.stderr}")
        cases = Cases(base / "results")
        for probe in PROBES:
            if only and only not in probe.case:
                continue
            folder = Path(root) / probe.case
            folder.mkdir()
            result, check_held = getattr(cases, probe.case)(folder)
            # a progress bar ends without a newline: what follows it shares its line
            segments = [part.strip() for line in result.stderr.splitlines()
                        for part in PROGRESS_BAR_END.split(line)]
            lines = [part for part in segments if part and not PROGRESS_BAR.search(part)]
            first = lines[0] if lines else ""
            rows.append({"item": probe.item, "case": probe.case,
                         "exit_status": result.returncode, "expected_status": probe.expected_status,
                         "stderr_first_line": first.replace(str(folder), "$TMP").replace(root, "$ROOT")[:240],
                         "traceback": "Traceback" in result.stderr, "check_held": check_held,
                         "ok": result.returncode == probe.expected_status
                         and "Traceback" not in result.stderr and check_held})
            print(f"{probe.case}: exit {result.returncode} {'ok' if rows[-1]['ok'] else 'FAILED'}",
                  file=sys.stderr)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/robustness"))
    parser.add_argument("--only", default=None, help="only the probes whose case name contains this")
    args = parser.parse_args()
    rows = run_probes(args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "probes.json").write_text(json.dumps(
        {"probes": rows, **how_made({"probes": [p.case for p in PROBES], "only": args.only},
                                    torch.device("cpu"))}, indent=1, sort_keys=True) + "\n")
    table = pd.DataFrame(rows)[["item", "case", "exit_status", "expected_status", "traceback",
                                "check_held", "ok", "stderr_first_line"]]
    (args.out / "probes.md").write_text(table.to_markdown(index=False) + "\n")
    failed = table[~table["ok"]]
    print(f"{len(table) - len(failed)} of {len(table)} probes as expected", file=sys.stderr)
    return 1 if len(failed) else 0


if __name__ == "__main__":
    sys.exit(main())
