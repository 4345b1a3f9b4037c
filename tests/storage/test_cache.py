from pathlib import Path

import pytest

from gan_bench.errors import GanBenchError
from gan_bench.storage.cache import CACHE_ENV, cache_dir


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_empty_or_relative_home_is_refused_not_a_cache_at_the_root(monkeypatch, home):
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", home)
    with pytest.raises(GanBenchError, match=rf"HOME is '{home}', not an absolute path; set HOME, "
                                            rf"or {CACHE_ENV}"):
        cache_dir()


def test_the_cache_is_gan_bench_cache_else_under_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", "")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    assert cache_dir() == tmp_path / "cache"  # an explicit cache needs no home
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_dir() == Path(tmp_path) / ".cache" / "gan-bench"
