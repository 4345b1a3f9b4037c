import itertools
import signal

import pytest
import torch

from gan_bench.config.suite import load_suite
from gan_bench.runs import suite_runs as suite_module
from gan_bench.runtime import stop_signals
from gan_bench.search.search_loop import SearchOptions, run_search
from gan_bench.storage.records import read_records

CPU = torch.device("cpu")


def test_an_interrupted_search_resumes_without_repeating_a_trial(searched_suite, tmp_path, monkeypatch):
    suite = load_suite(str(searched_suite))
    started = []
    run_one = suite_module.run_one
    monkeypatch.setattr(suite_module, "run_one",
                        lambda job, *args: started.append(job.run_id) or run_one(job, *args))
    # a stop request seen at the 46th training step: trial 2's 6th (each trial trains 20 steps)
    steps = itertools.count()
    requested = stop_signals.requested
    monkeypatch.setattr(stop_signals, "requested", lambda: signal.SIGINT if next(steps) >= 45 else None)
    with pytest.raises(stop_signals.Stopped):
        run_search(suite, tmp_path, CPU, SearchOptions(trials=3, rerun_seeds=1), log=lambda m: None)
    before = {r["run_id"]: r for r in read_records(tmp_path / "searched")}
    assert sorted(before) == ["gan.random000__ring8__seed0", "gan.random001__ring8__seed1"]

    monkeypatch.setattr(stop_signals, "requested", requested)
    started.clear()
    run_search(suite, tmp_path, CPU, SearchOptions(trials=4, rerun_seeds=1), log=lambda m: None)
    after = {r["run_id"]: r for r in read_records(tmp_path / "searched")}
    trials = sorted(r for r in after if ".rerun" not in r)
    assert trials == [f"gan.random{k:03d}__ring8__seed{k}" for k in range(4)]
    # the two recorded trials were not trained again; trial 2 went on from where it stopped
    assert started[:2] == ["gan.random002__ring8__seed2", "gan.random003__ring8__seed3"]
    assert all(after[run_id] == record for run_id, record in before.items())
    resumed = after["gan.random002__ring8__seed2"]["invocations"]
    assert [(i["from_step"], i["to_step"]) for i in resumed] == [(0, 5), (5, 20)]
    # then the best trial's configuration, once, on a fresh seed
    (rerun,) = [r for r in after.values() if ".rerun" in r["run_id"]]
    assert rerun["config"]["seed"] == 1_000_000 and rerun["config"]["search"]["rerun"]
    trial = rerun["config"]["search"]["trial"]
    best = after[f"gan.random{trial:03d}__ring8__seed{trial}"]
    assert rerun["config"]["model_options"] == best["config"]["model_options"]
