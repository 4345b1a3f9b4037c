"""The hostile and unlucky cases of the security and reliability review, run against `gan-bench`.

Each probe builds its case in a fresh temporary folder (a crafted checkpoint, a name that is a
path, a symlinked lock, a flipped bit, a duplicated record, a signal, a malformed file or value),
runs the ``gan-bench`` command a user would run there as a subprocess, and records its exit
status, the first line of its stderr (the temporary folder shown as ``$TMP``), whether a traceback
appeared, and whether the probe's own check of the aftermath held (the crafted pickle did not run,
the victim of the symlink kept its bytes, nothing was written outside the results folder).

    python benchmarks/robustness_probes.py --out results/robustness

writes ``probes.json`` (with provenance) and ``probes.md``; the first line of stderr shown is the
first that is not a progress bar. Exit status 1 if any probe gave an
unexpected exit status, a traceback, or a failed check.
"""

import argparse
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from gan_bench.provenance import PROJECT_ROOT, how_made

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


def gan_bench(folder: Path, *args: str, env: dict | None = None, timeout: float = 300):
    return subprocess.run([sys.executable, "-m", "gan_bench", *args], cwd=folder,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})})


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
        outside = set(Path(tempfile.gettempdir()).iterdir())
        result = gan_bench(folder, "run", self._suite(folder, name=name), "--device", "cpu")
        return result, set(Path(tempfile.gettempdir()).iterdir()) <= outside | {folder}

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
    def _signal_probe(self, folder, signum, to_group):
        suite = self._suite(folder, steps=1_000_000, checkpoint=200, extra=SECOND_MODEL)
        process = subprocess.Popen(
            [sys.executable, "-m", "gan_bench", "run", suite, "--device", "cpu", "--jobs", "2"],
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
        return (subprocess.CompletedProcess([], process.returncode, "", f"{last} ({seconds:.1f} s)\n"),
                nothing_recorded and "Traceback" not in stderr)

    def ctrl_c_with_jobs_2(self, folder):
        return self._signal_probe(folder, signal.SIGINT, to_group=True)

    def sigterm_with_jobs_2(self, folder):
        return self._signal_probe(folder, signal.SIGTERM, to_group=False)

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

    # 9. orphans
    def orphan_tmp_file(self, folder):
        results = self._copy_trained(folder)
        orphan = results / f".runs.jsonl.{'x' * 8}.tmp"
        orphan.write_bytes(b"partial")
        old = time.time() - 3600
        os.utime(orphan, (old, old))
        result = gan_bench(folder, "run", "tiny.toml", "--device", "cpu")
        return result, not orphan.exists()


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
