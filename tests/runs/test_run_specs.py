import pytest

from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.run_specs import expand_run_specs
from tests.conftest import TINY_SUITE


def test_jobs_cover_models_datasets_and_seeds(tiny_suite):
    jobs = expand_run_specs(load_suite(str(tiny_suite)))
    assert sorted(j.run_id for j in jobs) == [
        "gan__ring8__seed0", "gan__ring8__seed1", "vae__ring8__seed0", "vae__ring8__seed1"]
    assert len(expand_run_specs(load_suite(str(tiny_suite)), seeds=3)) == 6
    tiny_suite.write_text(TINY_SUITE.replace('model = "vae-mlp"', 'model = "vae-mlp"\nseeds = 1'))
    assert sorted(j.run_id for j in expand_run_specs(load_suite(str(tiny_suite)))) == [
        "gan__ring8__seed0", "gan__ring8__seed1", "vae__ring8__seed0"]


def test_only_selects_jobs_by_run_id(tiny_suite):
    suite = load_suite(str(tiny_suite))
    assert [j.run_id for j in expand_run_specs(suite, only="^vae.*seed1$")] == ["vae__ring8__seed1"]
    with pytest.raises(GanBenchError, match="matches none of: gan__ring8__seed0"):
        expand_run_specs(suite, only="nothing")
    with pytest.raises(GanBenchError, match="not a regular expression"):
        expand_run_specs(suite, only="(")


@pytest.mark.parametrize("seeds", [10**12, 10**20])
def test_a_suite_may_not_expand_to_an_absurd_number_of_runs(seeds):
    """Before, --seeds 10^12 built a list of 10^12 jobs before anything else happened."""
    with pytest.raises(GanBenchError, match=f"would run {seeds} seeds; the most a suite may run is 10000"):
        expand_run_specs(load_suite("smoke"), seeds=seeds)
