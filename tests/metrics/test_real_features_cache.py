"""gan-bench's own cache of real-set features: data-only loads, checked names and checksums."""

import pytest
import torch

from gan_bench.errors import GanBenchError
from gan_bench.metrics import real_features_cache
from gan_bench.metrics.real_features_cache import cache_file, cached_features
from tests.conftest import RunsCodeWhenUnpickled

NAME = "gan-bench-mnist-test-n4-extractor-weights-abc-features-2048"


def features():
    return torch.arange(12, dtype=torch.float32).reshape(4, 3)


def test_features_are_computed_once_then_read_back_equal(tmp_path):
    computed = []
    first = cached_features(NAME, lambda: computed.append(1) or features(), tmp_path)
    again = cached_features(NAME, lambda: computed.append(1) or features(), tmp_path)
    assert computed == [1] and torch.equal(first, features()) and torch.equal(again, first)
    assert [path.name for path in tmp_path.iterdir()] == [f"{NAME}.pt"]


def test_a_planted_pickle_is_refused_in_one_line_and_never_runs(tmp_path):
    marker = tmp_path / "code-ran"
    torch.save({"features": RunsCodeWhenUnpickled(marker)}, cache_file(NAME, tmp_path))
    refusal = "refusing real-set features cache file .* more than weights"
    with pytest.raises(GanBenchError, match=refusal) as error:
        cached_features(NAME, features, tmp_path)
    assert "\n" not in str(error.value) and not marker.exists()


def test_changed_features_or_another_sets_file_are_refused(tmp_path):
    cached_features(NAME, features, tmp_path)
    path = cache_file(NAME, tmp_path)
    stored = torch.load(path, weights_only=True)
    stored["features"][0, 0] += 1  # the checksum no longer matches
    torch.save(stored, path)
    with pytest.raises(GanBenchError, match=r"is corrupted \(sha256 .*\); delete .* to rebuild it"):
        cached_features(NAME, features, tmp_path)
    other = cache_file("other", tmp_path)
    path.rename(other)
    with pytest.raises(GanBenchError, match="is not gan-bench's cache of the features of other"):
        cached_features("other", features, tmp_path)


def test_the_default_folder_is_under_the_gan_bench_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_BENCH_CACHE", str(tmp_path))
    assert cache_file(NAME) == tmp_path / real_features_cache.CACHE_SUBDIR / f"{NAME}.pt"
    with pytest.raises(GanBenchError, match="resolves outside"):
        cache_file("../escape")
