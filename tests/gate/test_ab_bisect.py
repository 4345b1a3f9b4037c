import pytest

from gan_bench.errors import GanBenchError
from gan_bench.gate import ab_bisect
from gan_bench.gate.ab_runs import AbOptions

OPTIONS = AbOptions(only="^step/x$")


def fake_measure(first_slow: int, commits: list[str], probes: list[str]):
    """An A/B probe that calls a commit SLOWER when it is ``first_slow`` or later."""
    def measure(good, probe, options):
        probes.append(probe)
        slow = commits.index(probe) >= first_slow
        return {"change %": 12.0 if slow else 0.5, "95% interval %": "[+9, +15]" if slow else "[-2, +3]",
                "p (Holm)": 0.002 if slow else 0.6, "verdict": "SLOWER" if slow else "same"}
    return measure


@pytest.mark.parametrize("first_slow", range(1, 8))
def test_bisect_names_the_first_slow_commit_in_few_probes(repository, monkeypatch, first_slow):
    folder, commits = repository
    monkeypatch.chdir(folder)
    probes = []
    found = ab_bisect.first_slow_commit(commits[0], commits[7], OPTIONS,
                                        fake_measure(first_slow, commits, probes), log=lambda line: None)
    assert found == commits[first_slow]
    assert len(probes) <= 4 and probes[0] == commits[7]  # the bad end is confirmed first


def test_bisect_refuses_when_bad_is_not_slower(repository, monkeypatch):
    folder, commits = repository
    monkeypatch.chdir(folder)
    with pytest.raises(GanBenchError, match="nothing to bisect"):
        ab_bisect.first_slow_commit(commits[0], commits[7], OPTIONS, fake_measure(99, commits, []),
                                    log=lambda line: None)
