import errno
import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from gan_bench.cli import build_parser, main
from gan_bench.data.mixtures import Ring8

SUBCOMMANDS = ["run", "evaluate", "status", "modes", "parzen", "theory", "fid", "leaderboard", "data",
               "data fetch", "bench", "search"]


def test_help_for_the_command_and_every_subcommand(capsys):
    for argv in [["--help"]] + [[*name.split(), "--help"] for name in SUBCOMMANDS]:
        with pytest.raises(SystemExit) as exit_info:
            build_parser().parse_args(argv)
        assert exit_info.value.code == 0
        assert "usage: gan-bench" in capsys.readouterr().out


@pytest.mark.end_to_end
def test_installed_entry_point_runs():
    result = subprocess.run([sys.executable, "-m", "gan_bench", "--help"], capture_output=True,
                            text=True, check=True)
    assert "run" in result.stdout and "modes" in result.stdout


@pytest.mark.slow
@pytest.mark.end_to_end
def test_output_into_a_pipe_closed_early_ends_without_a_traceback(tmp_path):
    process = subprocess.Popen([sys.executable, "-m", "gan_bench", "status", "smoke", "--results",
                                str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # like `| head` that has read enough, before anything is printed
    err = process.stderr.read().decode()
    assert process.wait() == 1 and err == ""


def test_modes_json_on_true_samples(tmp_path, capsys):
    points, _ = Ring8().sample(2500, torch.Generator().manual_seed(0))
    np.save(tmp_path / "s.npy", points.numpy())
    assert main(["modes", "--samples", str(tmp_path / "s.npy"), "--dataset", "ring8",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["modes_captured"] == 8 and result["n_samples"] == 2500


def test_modes_json_is_strict_json_when_a_value_is_infinite(tmp_path, capsys):
    """Before, samples far from every mode gave reverse_kl_nats as the bare word Infinity, which no
    strict JSON parser reads."""
    np.save(tmp_path / "far.npy", np.full((100, 2), 1e30, np.float32))
    assert main(["modes", "--samples", str(tmp_path / "far.npy"), "--dataset", "ring8", "--json"]) == 0

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    result = json.loads(capsys.readouterr().out, parse_constant=refuse)
    assert result["reverse_kl_nats"] == "inf" and result["modes_captured"] == 0


def test_modes_reads_npz_samples_key(tmp_path, capsys):
    points, _ = Ring8().sample(100, torch.Generator().manual_seed(0))
    np.savez(tmp_path / "s.npz", other=np.zeros((3, 2)), samples=points.numpy())
    assert main(["modes", "--samples", str(tmp_path / "s.npz"), "--dataset", "ring8",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_samples"] == 100


@pytest.mark.parametrize("array, message", [
    (np.zeros((10, 3), np.float32), "accepted shapes: N x 2, N x 784"),
    (np.full((10, 2), np.nan, np.float32), "20 NaN or infinite values"),
    (np.zeros((10, 784), np.float32), "do not fit a dataset whose points are shaped (2,)"),
    (np.zeros((10, 2), np.int32), "must be float or uint8"),
])
def test_bad_samples_give_one_line_errors(tmp_path, capsys, array, message):
    np.save(tmp_path / "bad.npy", array)
    code = main(["modes", "--samples", str(tmp_path / "bad.npy"), "--dataset", "ring8"])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.end_to_end
def test_run_errors_are_one_line_and_write_nothing(tmp_path, capsys, tiny_suite):
    bad_suite = tmp_path / "bad.toml"
    bad_suite.write_text(tiny_suite.read_text().replace('"ring8"', '"ring9"'))
    results = tmp_path / "results"
    for argv, message in [
        (["run", str(bad_suite)], "unknown dataset 'ring9'"),
        (["run", str(tmp_path / "missing.toml")], "no suite file"),
    ]:
        assert main(argv + ["--results", str(results), "--device", "cpu"]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
    assert not results.exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["run", str(tiny_suite), "--results", str(blocker), "--device", "cpu"]) == 2
    assert "not writable" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.end_to_end
def test_run_then_leaderboard(tmp_path, capsys, tiny_suite):
    assert main(["run", str(tiny_suite), "--results", str(tmp_path), "--device", "cpu",
                 "--seeds", "1"]) == 0
    folder = tmp_path / "tiny"
    assert {"leaderboard.md", "leaderboard.csv", "runs.jsonl", "runs.csv"} <= {
        p.name for p in folder.iterdir()}
    assert (folder / "figures" / "samples.png").exists()
    assert (folder / "figures" / "loss_curves.png").exists()
    capsys.readouterr()
    assert main(["leaderboard", "tiny", "--results", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| gan" in out and "| vae" in out and "modes_captured" in out
    assert main(["leaderboard", "nothing", "--results", str(tmp_path)]) == 2


@pytest.mark.end_to_end
def test_a_full_disk_during_a_record_write_is_one_line_and_exit_1(tiny_suite, tmp_path, capsys, monkeypatch):
    """An environment fault (ENOSPC here; a read-only folder alike) is one line and exit status 1,
    not a traceback; nothing half-written is left (the write is atomic)."""
    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("gan_bench.storage.records.atomic_write_bytes", disk_full)
    assert main(["run", str(tiny_suite), "--results", str(tmp_path), "--only", "^vae__ring8__seed0$"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"gan-bench: error: No space left on device: {tmp_path / 'tiny' / 'runs.jsonl'}"
    assert not (tmp_path / "tiny" / "runs.jsonl").exists()


def test_leaderboard_of_an_empty_runs_file_is_a_one_line_error(tmp_path, capsys):
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "runs.jsonl").write_text("")
    assert main(["leaderboard", "tiny", "--results", str(tmp_path)]) == 2
    runs = tmp_path / "tiny" / "runs.jsonl"
    assert capsys.readouterr().err == f"gan-bench: error: no runs recorded in {runs}\n"


@pytest.mark.end_to_end
def test_a_mistyped_headline_metrics_key_is_one_line_and_exit_2(tmp_path, capsys, tiny_suite):
    bad_suite = tmp_path / "bad.toml"
    bad_suite.write_text(tiny_suite.read_text().replace('metrics = ["modes"]',
                                                        'metrics = ["modes"]\nheadline_metrics = "modes"'))
    assert main(["run", str(bad_suite), "--results", str(tmp_path / "results"), "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "'headline_metrics' must be tuple" in err and err.count("\n") == 1
    assert not (tmp_path / "results").exists()
