import os
import time

import pytest
import torch

from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.atomic_files import ORPHAN_AGE_S, atomic_write_bytes, remove_orphan_temporaries
from tests.conftest import TINY_SUITE


def orphan(path, age_s):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half a checkpoint")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


@pytest.mark.end_to_end
@pytest.mark.slow
def test_a_run_of_a_folder_removes_the_temporaries_a_killed_write_left(tmp_path):
    """Before, a kill between mkstemp and rename left .NAME.xxxx.tmp files for good."""
    suite_path = tmp_path / "tiny.toml"
    suite_path.write_text(TINY_SUITE)
    folder = tmp_path / "results" / "tiny"
    old = [orphan(folder / ".runs.jsonl.abc123.tmp", ORPHAN_AGE_S + 60),
           orphan(folder / "checkpoints" / ".gan__ring8__seed0.pt.x1y2z3.tmp", ORPHAN_AGE_S + 60)]
    young = orphan(folder / "checkpoints" / ".vae__ring8__seed0.pt.q9w8e7.tmp", 5)  # a write under way
    messages = []
    run_suite(load_suite(str(suite_path)), tmp_path / "results", torch.device("cpu"),
              log=messages.append, only="^gan__ring8__seed0$")
    assert not any(path.exists() for path in old)
    assert young.exists()
    assert sum("left by an interrupted write" in m for m in messages) == 2


def test_atomic_writes_leave_no_temporary(tmp_path):
    atomic_write_bytes(tmp_path / "x.bin", b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]
    assert remove_orphan_temporaries(tmp_path) == []


def test_a_link_where_the_output_goes_is_refused_and_its_target_kept(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "out.bin").symlink_to(victim)
    with pytest.raises(GanBenchError, match="out.bin: it is a symbolic link"):
        atomic_write_bytes(tmp_path / "out.bin", b"data")
    assert victim.read_text() == "precious" and (tmp_path / "out.bin").is_symlink()


def test_a_full_disk_names_the_file_being_written(tmp_path, monkeypatch):
    """ENOSPC from write() or fsync() carries no file name; the error a user sees names it."""
    import errno

    target = tmp_path / "leaderboard.md"
    target.write_bytes(b"old")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("gan_bench.storage.atomic_files.os.fsync", full_disk)
    with pytest.raises(OSError) as raised:
        atomic_write_bytes(target, b"new")
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(target)
    assert target.read_bytes() == b"old" and list(tmp_path.iterdir()) == [target]
