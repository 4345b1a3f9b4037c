import pytest

from gan_bench.errors import GanBenchError
from gan_bench.gate.ab_runs import AbOptions, Side, comparable_rounds, measure_pairs, run_worker
from gan_bench.gate.ab_statistics import judge
from gan_bench.runtime.provenance import PROJECT_ROOT


def test_processes_alternate_in_mirrored_pairs_and_each_sides_first_counts_the_flops(tmp_path):
    order = []

    def worker(tree, options, flops, label):
        order.append((label, flops))
        return {"rounds": {"w": [len(order)]},
                "counts": {"w": {**({"flops": 1} if flops else {}), "peak_live_bytes": 100 + len(order)}}}

    base, candidate = measure_pairs(tmp_path / "a", tmp_path / "b", AbOptions(pairs=6), worker)
    assert [label for label, _ in order] == ["base", "candidate", "candidate", "base"] * 3
    assert [flops for _, flops in order] == [True, True] + [False] * 10
    assert base.rounds() == {"w": [[1], [4], [5], [8], [9], [12]]}
    assert candidate.counts() == {"w": {"flops": 1, "peak_live_bytes": 102}}  # the side's first process
    assert base.peaks() == {"w": [101, 104, 105, 108, 109, 112]}


def test_a_workload_whose_batch_changed_is_not_compared():
    """Four images a call in the base and one in the candidate: per call it would look four times
    faster, and per image a batch of one is slower than a batch of four; it is left out, saying
    so, and a workload whose batch stayed is compared as before."""
    def side(name, images, seconds_per_call):
        return Side(name, [{"units": {"images": [images, "images"], "steps": [1, "steps"]},
                            "rounds": {"images": [seconds_per_call * (1 + 0.01 * k)] * 3,
                                       "steps": [0.1 * (1 + 0.01 * k)] * 3}} for k in range(6)])

    base, candidate = side("base", 4, 0.6), side("candidate", 1, 0.3)
    assert {row["workload"]: row["verdict"] for row in judge(base.rounds(), candidate.rounds(), {})}[
        "images"] == "faster"
    base_rounds, candidate_rounds, notices = comparable_rounds(base, candidate)
    assert base_rounds == {"steps": base.rounds()["steps"]}
    assert candidate_rounds == {"steps": candidate.rounds()["steps"]}
    assert notices == ["images: 4 units per call in the base, 1 in the candidate: a different workload, "
                       "its speed not compared"]


@pytest.mark.slow
def test_the_worker_builds_the_trees_own_workloads_and_its_counts_repeat_exactly():
    """Two fresh worker processes on this checkout: the same gated counts, a round per
    requested round, and gan_bench imported from the tree itself."""
    options = AbOptions(only="^step/mog/vae$", rounds=2, warmup_rounds=0, round_seconds=0.01)
    first, second = (run_worker(PROJECT_ROOT, options, flops=True, label="base") for _ in range(2))
    gated = [{figure: run["counts"]["step/mog/vae"][figure] for figure in ("flops", "allocated_bytes",
                                                                          "operators")}
             for run in (first, second)]
    assert gated[0] == gated[1]
    counts = first["counts"]["step/mog/vae"]
    assert counts["flops"] > 0 and counts["operators"]["aten::addmm"] > 0
    assert counts["allocated_bytes"] >= counts["peak_live_bytes"] > 0
    assert len(first["rounds"]["step/mog/vae"]) == 2 and first["units"]["step/mog/vae"] == [100, "samples"]


@pytest.mark.slow
def test_bad_options_and_a_selection_of_nothing_are_one_line_errors():
    with pytest.raises(GanBenchError, match="--pairs must be at least 5"):
        AbOptions(pairs=3)
    with pytest.raises(GanBenchError, match="--round-seconds"):
        AbOptions(round_seconds=float("nan"))
    with pytest.raises(GanBenchError, match="matches no workload"):
        run_worker(PROJECT_ROOT, AbOptions(only="^nothing$"), flops=False, label="candidate")
