"""FID/KID/PRC through torch-fidelity on the real Inception weights.

Each evaluation costs an eigendecomposition of a 2048 x 2048 matrix (about 8 s on a busy core) plus
Inception-v3 at about 0.35 s per image, so the file makes four evaluations on 48 images in all: 8
real MNIST test images with 8 samples (the same images, then inverted ones), the parity call and one
CLI call. The cache of the real features is one per module, under tmp_path; the tests of planted
cache files add two evaluations on 4 images.
"""

import json
import shutil
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch_fidelity
import torch_fidelity.utils
from torch.utils.data import Dataset

from gan_bench.cli import main
from gan_bench.data.mnist import Mnist
from gan_bench.errors import GanBenchError
from gan_bench.metrics import fid, inception_weights, real_features_cache
from tests.conftest import RunsCodeWhenUnpickled

pytestmark = [pytest.mark.slow, pytest.mark.network]

N_REAL = 8
KID_SUBSET = 4


class GrayAsRgb(Dataset):
    """The conversion written out independently of gan_bench: uint8 (3, 28, 28) per item."""

    def __init__(self, images):
        self.images = (images * 255).round().to(torch.uint8).repeat(1, 3, 1, 1)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        return self.images[index]


pytestmark = [pytest.mark.slow, pytest.mark.network, pytest.mark.usefixtures("one_thread")]


@pytest.fixture(scope="module")
def real():
    return Mnist().parzen_test()[:N_REAL].reshape(-1, 1, 28, 28)


@pytest.fixture(scope="module")
def runs(real, tmp_path_factory):
    """Self and inverted evaluations on one fresh cache; ``extracted`` lists the sizes of the sets
    whose features torch-fidelity computed, per evaluation."""
    cache = tmp_path_factory.mktemp("cache")
    name = fid.real_cache_name("mnist", "test", N_REAL)
    original = torch_fidelity.utils.get_featuresdict_from_dataset
    extracted = [[], []]
    results = []
    with pytest.MonkeyPatch.context() as patch:
        for index, samples in enumerate((real, 1 - real)):
            def counting(input, *args, index=index):
                extracted[index].append(len(input))
                return original(input, *args)

            patch.setattr(torch_fidelity.utils, "get_featuresdict_from_dataset", counting)
            with pytest.warns(fid.FewSamplesWarning, match="8 samples are biased"):
                results.append(fid.fid_kid_prc(samples, real, name, KID_SUBSET, cache_root=cache))
    return SimpleNamespace(same=results[0], inverted=results[1], extracted=extracted, cache=cache,
                           name=name)


def test_self_is_near_zero_and_inverted_is_far(runs):
    same, inverted = runs.same, runs.inverted
    assert set(same) == {"fid", "kid_mean", "kid_std", "precision", "recall", "n_samples", "n_real"}
    assert same["n_samples"] == same["n_real"] == N_REAL
    # KID's unbiased estimate on subsets of 4 of the same features scatters around 0 (-0.048 here).
    assert abs(same["fid"]) < 1e-2 and inverted["kid_mean"] > same["kid_mean"] + 0.1
    assert same["precision"] == same["recall"] == 1.0
    assert inverted["fid"] > 100
    assert inverted["precision"] < 0.5


@pytest.mark.filterwarnings("ignore:This DataLoader will create")  # torch-fidelity's default workers
def test_equals_torch_fidelity_on_the_same_inputs(runs, real):
    theirs = torch_fidelity.calculate_metrics(
        input1=GrayAsRgb(1 - real), input2=GrayAsRgb(real), fid=True, kid=True, prc=True,
        cuda=False, cache=False, verbose=False, feature_extractor="inception-v3-compat",
        feature_extractor_weights_path=str(inception_weights.inception_weights_path()),
        kid_subset_size=KID_SUBSET)
    ours = runs.inverted
    print(f"\nself {runs.same}\ninverted {ours}\ntorch-fidelity {theirs}")
    # Ours runs the same extractor channels-last: features equal up to float32 rounding, FID to
    # about 2e-7 of its value (312.019361 against 312.019416).
    assert ours["fid"] == pytest.approx(theirs["frechet_inception_distance"], rel=1e-6)
    assert ours["kid_mean"] == pytest.approx(theirs["kernel_inception_distance_mean"], abs=1e-5)
    assert ours["kid_std"] == pytest.approx(theirs["kernel_inception_distance_std"], abs=1e-5)
    assert ours["precision"] == pytest.approx(theirs["precision"], abs=1e-5)
    assert ours["recall"] == pytest.approx(theirs["recall"], abs=1e-5)


def test_second_evaluation_reuses_the_cached_real_features(runs):
    assert runs.extracted == [[N_REAL, N_REAL], [N_REAL]]  # the samples only, the second time
    cached = sorted(path.name for path in runs.cache.iterdir())
    assert cached == [f"{runs.name}-features-2048.pt"]  # gan-bench's own cache, none of torch-fidelity's


def test_cache_name_holds_dataset_split_count_extractor_and_weights_hash():
    name = fid.real_cache_name("mnist", "test", 10_000)
    assert name == (f"gan-bench-mnist-test-n10000-inception-v3-compat-channels-last-weights-"
                    f"{inception_weights.CONTENT_SHA256}")
    others = {fid.real_cache_name("mnist", "test", 9_999),
              fid.real_cache_name("mnist", "test", 10_000, weights_sha256="0" * 64),
              fid.real_cache_name("mnist", "valid", 10_000),
              fid.real_cache_name("mnist", "test", 10_000, extractor="other")}
    assert name not in others and len(others) == 4


def test_dataset_evaluation_keys_the_cache_by_real_count(monkeypatch, real):
    calls = []
    monkeypatch.setattr(fid, "fid_kid_prc", lambda *args: calls.append(args) or {})
    fid.fid_for_dataset(Mnist(), real, real_count=30, kid_subset_size=4)
    samples, real_images, name, kid_subset_size, device = calls[0]
    assert real_images.shape == (30, 1, 28, 28) and name == fid.real_cache_name("mnist", "test", 30)
    with pytest.raises(GanBenchError, match=r"real image count must lie in 1\.\.10000, got 10001"):
        fid.fid_for_dataset(Mnist(), real, real_count=10_001)


@pytest.mark.parametrize("device, cuda, current", [("cpu", False, []), ("cuda:1", True, [1]),
                                                    ("cuda", True, [None])])
def test_torch_fidelity_runs_with_the_requested_cuda_device_current(monkeypatch, tmp_path, device, cuda,
                                                                    current):
    # torch-fidelity puts its work on the current CUDA device (.cuda()), so "cuda:1" must be made
    # current around its call; on a CPU no CUDA device is touched.
    made_current, calls = [], []

    class RecordingCudaDevice:
        def __init__(self, device):
            self.index = torch.device(device).index

        def __enter__(self):
            made_current.append(self.index)

        def __exit__(self, *exc):
            made_current.append("left")

    monkeypatch.setattr(torch.cuda, "device", RecordingCudaDevice)
    monkeypatch.setattr(torch_fidelity.utils, "extract_featuresdict_from_input_id",
                        lambda input_id, extractor, **options:
                        calls.append((options["cuda"], list(made_current))) or {"2048": torch.zeros(3, 4)})
    fid.extract_features(torch.rand(3, 1, 28, 28), None, "2048", device)
    assert calls == [(cuda, current)]
    assert made_current == current + ["left"] * len(current)


def test_fewer_samples_than_a_kid_subset_is_a_clear_error(real):
    with pytest.raises(GanBenchError, match="the KID subset size 6 exceeds the 5 samples"):
        fid.fid_kid_prc(real[:5], real, "unused", kid_subset_size=6)
    with pytest.raises(GanBenchError, match="the KID subset size 20 exceeds the 8 real images"):
        fid.fid_kid_prc(torch.cat([real, real, real]), real, "unused", kid_subset_size=20)
    with pytest.raises(GanBenchError, match="the KID subset size must be at least 2, got 1"):
        fid.fid_kid_prc(real, real, "unused", kid_subset_size=1)


def test_to_uint8_rgb_repeats_gray_and_rejects_bad_images():
    gray = torch.tensor([0.0, 0.5, 1.0, 0.2]).reshape(1, 1, 2, 2)
    rgb = fid.to_uint8_rgb(gray)
    assert rgb.dtype == torch.uint8 and rgb.shape == (1, 3, 2, 2)
    assert rgb[0, 2].flatten().tolist() == [0, 128, 255, 51]
    for bad in (torch.zeros(2, 2, 28, 28), torch.full((2, 1, 4, 4), 1.5)):
        with pytest.raises(GanBenchError, match="FID needs"):
            fid.to_uint8_rgb(bad)


def test_cli_json_on_cached_real_set(runs, real, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(real_features_cache, "cache_dir", lambda: runs.cache.parent)
    monkeypatch.setattr(real_features_cache, "CACHE_SUBDIR", runs.cache.name)
    np.save(tmp_path / "s.npy", (real[:, 0] * 255).round().to(torch.uint8).numpy())
    assert main(["fid", "--samples", str(tmp_path / "s.npy"), "--dataset", "mnist", "--json",
                 "--device", "cpu", "--real-count", str(N_REAL),
                 "--kid-subset-size", str(KID_SUBSET)]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)  # stdout holds the JSON only
    assert result == pytest.approx(runs.same, abs=1e-6)
    assert "warning: 8 samples" in err and "Processing samples" in err  # torch-fidelity's progress


@pytest.mark.parametrize("array, message", [
    (np.zeros((20, 28, 29), np.float32), "accepted shapes"),
    (np.full((20, 784), 1.5, np.float32), "float images must lie in [0, 1]"),
    (np.zeros((2, 2), np.float32), "do not fit a dataset whose points are shaped (1, 28, 28)"),
    (np.zeros((20, 784), np.float32), "the KID subset size 1000 exceeds the 20 samples"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys, array, message):
    np.save(tmp_path / "bad.npy", array)
    assert main(["fid", "--samples", str(tmp_path / "bad.npy"), "--dataset", "mnist",
                 "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_torch_fidelity_reads_the_very_inception_weights_that_were_checked(real, tmp_path, monkeypatch):
    """torch-fidelity loads its weights file with weights_only=False. Before, gan-bench checked the
    cached file, then handed torch-fidelity its path, so a file replaced in between (in a shared
    cache folder) was unpickled; now it hands over the bytes it checked."""
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(inception_weights.inception_weights_path(), cache / inception_weights.CACHE_FILE_NAME)
    monkeypatch.setenv("GAN_BENCH_CACHE", str(cache))
    marker = tmp_path / "code-ran"
    digest = inception_weights._state_dict_sha256

    def digest_then_replace_the_file(state_dict):
        crafted = tmp_path / "crafted.pt"
        torch.save(RunsCodeWhenUnpickled(marker), crafted)
        crafted.replace(cache / inception_weights.CACHE_FILE_NAME)  # once the check has read it
        return digest(state_dict)

    monkeypatch.setattr(inception_weights, "_state_dict_sha256", digest_then_replace_the_file)
    with pytest.warns(fid.FewSamplesWarning):
        found = fid.fid_kid_prc(real[:4], real[4:], "four", kid_subset_size=2, cache_root=tmp_path)
    assert not marker.exists() and found["fid"] > 0
