import hashlib
import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gan_bench.errors import GanBenchError
from gan_bench.storage import samples_io
from gan_bench.storage.samples_io import (
    SAMPLES_DIR,
    load_samples,
    read_array,
    read_run_samples,
    run_samples_path,
    save_samples,
)


def test_image_samples_are_kept_as_uint8_and_read_back(tmp_path):
    images = torch.rand(300, 1, 28, 28)
    path = tmp_path / SAMPLES_DIR / "gan__mnist__seed0.npy"
    save_samples(path, images)
    kept = np.load(path)
    assert kept.shape == (100, 1, 28, 28) and kept.dtype == np.uint8
    assert np.abs(kept / 255.0 - images[:100].numpy()).max() <= 0.5 / 255 + 1e-6
    assert torch.allclose(load_samples(path, (1, 28, 28)), images[:100], atol=0.5 / 255 + 1e-6)


def test_points_are_kept_in_full(tmp_path):
    points = torch.randn(2500, 2)
    path = tmp_path / SAMPLES_DIR / "x.npy"
    save_samples(path, points)
    assert np.array_equal(np.load(path), points.numpy())
    assert torch.equal(load_samples(path, (2,)), points)


def test_a_flipped_bit_in_a_runs_samples_file_is_found_on_read(tmp_path):
    record = {"run_id": "gan__ring8__seed0"}
    path = run_samples_path(tmp_path, record["run_id"])
    points = torch.randn(500, 2)
    record["samples_sha256"] = save_samples(path, points)
    assert record["samples_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert np.array_equal(read_run_samples(tmp_path, record), points.numpy())
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01  # one bit of one point: still a valid .npy file
    path.write_bytes(bytes(data))
    with pytest.raises(GanBenchError, match=rf"samples file {path} is corrupted \(sha256 "):
        read_run_samples(tmp_path, record)
    assert read_run_samples(tmp_path, {"run_id": "gan__ring8__seed0"}) is not None  # older record
    assert read_run_samples(tmp_path, {"run_id": "vae__ring8__seed0"}) is None  # saved none


def test_flat_and_square_images_become_channel_images(tmp_path):
    flat = np.random.default_rng(0).random((5, 784), dtype=np.float32)
    np.save(tmp_path / "flat.npy", flat)
    np.save(tmp_path / "square.npy", flat.reshape(5, 28, 28))
    for name in ("flat.npy", "square.npy"):
        assert torch.equal(load_samples(tmp_path / name, (1, 28, 28)),
                           torch.from_numpy(flat).reshape(5, 1, 28, 28))


def npy_header_claiming(rows: int) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": (rows, 2)})
    return buffer.getvalue()


@pytest.mark.parametrize("name, content", [
    ("empty.npy", b""),
    ("truncated.npy", npy_header_claiming(10) + b"\x00" * 8),
    ("huge.npy", npy_header_claiming(10**12)),
    ("garbage.npz", b"PK\x03\x04 not a zip"),
], ids=["0-byte", "truncated", "claims-10^12-rows", "garbage-npz"])
def test_broken_samples_files_are_one_line_errors(tmp_path, name, content):
    """Before, a 0-byte .npy raised EOFError and a header claiming 10^12 rows tried to allocate."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(GanBenchError, match=f"{name}: cannot read samples"):
        read_array(path)


def test_an_npz_holding_an_object_array_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, samples=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(GanBenchError, match="objects.npz: cannot read samples: it holds Python objects"):
        read_array(path)


def test_an_npz_reads_its_samples_array(tmp_path):
    path = tmp_path / "ok.npz"
    np.savez(path, other=np.zeros(3), samples=np.ones((4, 2), dtype=np.float32))
    assert read_array(path).shape == (4, 2)


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".npy", ".npz"]))
def test_fuzzed_samples_files_give_an_array_or_one_line_error(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"s{suffix}"
    path.write_bytes(content)
    try:
        read_array(path)
    except GanBenchError as error:
        assert "\n" not in str(error)


@settings(max_examples=200, deadline=None)
@given(header=st.binary(min_size=1, max_size=60))
def test_fuzzed_npy_headers_give_an_array_or_one_line_error(tmp_path_factory, header):
    """Mutations of a valid file's header, where the size check and numpy's parser meet."""
    buffer = io.BytesIO()
    np.save(buffer, np.zeros((3, 2), dtype=np.float32))
    valid = buffer.getvalue()
    path = tmp_path_factory.mktemp("fuzz") / "s.npy"
    path.write_bytes(valid[:10] + header + valid[10 + len(header):])
    try:
        read_array(path)
    except GanBenchError as error:
        assert "\n" not in str(error)


def gan_bench_modes(samples, **popen):
    """``gan-bench modes --samples SAMPLES --dataset ring8`` in a child process, at most 2 minutes."""
    return subprocess.run([sys.executable, "-m", "gan_bench", "modes", "--samples", str(samples),
                           "--dataset", "ring8"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
                          **popen)


@pytest.mark.slow
@pytest.mark.end_to_end
def test_a_fifo_is_refused_at_once(tmp_path):
    """Before, opening a FIFO named .npy blocked for ever, waiting for a writer."""
    os.mkfifo(tmp_path / "samples.npy")
    child = gan_bench_modes(tmp_path / "samples.npy")
    assert child.returncode == 2 and child.stderr.count("\n") == 1
    assert "samples.npy: cannot read samples: it is a FIFO, not a regular file" in child.stderr


@pytest.mark.slow
@pytest.mark.end_to_end
def test_an_npz_linked_to_dev_zero_is_refused_before_reading(tmp_path):
    """Before, zipfile read /dev/zero looking for an end record until memory ran out (22.5 GB
    without a limit); here the child may take 3 GB (RLIMIT_DATA) and gave a MemoryError."""
    (tmp_path / "samples.npz").symlink_to("/dev/zero")

    def three_gigabytes():
        resource.setrlimit(resource.RLIMIT_DATA, (3 * 2**30, 3 * 2**30))

    child = gan_bench_modes(tmp_path / "samples.npz", preexec_fn=three_gigabytes)
    assert child.returncode == 2 and child.stderr.count("\n") == 1
    assert "it is a character device, not a regular file" in child.stderr


def npz_declaring(path, shape, declared: int, data: bytes = b"\0" * 64):
    """An .npz whose samples.npy header claims ``shape`` float32 and whose central directory
    declares it ``declared`` bytes uncompressed (zip64 beyond 4 GiB), over ``data`` deflated."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False, "shape": shape})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("samples.npy", header.getvalue() + data)
        archive.filelist[0].file_size = declared + len(header.getvalue())  # what close() declares
    return path


def test_a_zip64_npz_declaring_8_terabytes_is_one_line(tmp_path):
    """Before, the header's claim fit the declared size, and numpy's allocation of 8 TB raised a
    MemoryError: a traceback."""
    path = npz_declaring(tmp_path / "s.npz", (10**12, 2), 8 * 10**12)
    with pytest.raises(GanBenchError, match=r"declares 8000000000\d+ bytes uncompressed, more than the "
                                            r"268435456 bytes a samples file may hold"):
        read_array(path)


def test_an_npz_declaring_more_than_deflate_can_expand_is_refused(tmp_path):
    path = npz_declaring(tmp_path / "s.npz", (1_000_000, 2), 8_000_000)  # 64 zero bytes stored
    with pytest.raises(GanBenchError, match="more than its compression method can expand"):
        read_array(path)


def test_an_honest_zip_bomb_past_the_bound_is_refused_before_inflating(tmp_path, monkeypatch):
    """Before, a 389 KB .npz that expands to 400 MB was read whole (8.2 GB of memory by the end of
    the metric); here the bound is lowered to 1 MiB and the archive inflates to 4 MiB."""
    monkeypatch.setattr(samples_io, "MAX_SAMPLES_BYTES", 2**20)
    np.savez_compressed(tmp_path / "s.npz", samples=np.zeros((2**19, 2), np.float32))
    assert (tmp_path / "s.npz").stat().st_size < 2**20 // 100
    with pytest.raises(GanBenchError, match="more than the 1048576 bytes a samples file may hold"):
        read_array(tmp_path / "s.npz")
    np.save(tmp_path / "s.npy", np.zeros((2**19, 2), np.float32))  # the same bound for .npy
    with pytest.raises(GanBenchError, match="more than the 1048576 bytes a samples file may hold"):
        read_array(tmp_path / "s.npy")
