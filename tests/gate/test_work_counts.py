import pytest

from gan_bench.gate.work_counts import compare_counts, operator_changes


def counts(flops=100, allocated=1000, peak=500, **operators):
    return {"flops": flops, "allocated_bytes": allocated, "peak_live_bytes": peak,
            "operators": operators or {"aten::mm": 2, "aten::add": 1}}


def test_equal_counts_are_the_same_and_any_growth_is_more_work():
    rows = {row["workload"]: row for row in compare_counts(
        {"same": counts(), "flops": counts(), "bytes": counts(), "less": counts(), "mix": counts()},
        {"same": counts(), "flops": counts(flops=102), "bytes": counts(allocated=1001),
         "less": counts(flops=90), "mix": counts(**{"aten::mm": 1, "aten::add": 2}), "new": counts()})}
    assert {name: row["verdict"] for name, row in rows.items()} == {
        "same": "same", "flops": "MORE WORK", "bytes": "MORE WORK", "less": "less work",
        "mix": "operators changed"}
    assert rows["flops"]["flops"] == "100 -> 102" and rows["flops"]["allocated_bytes"] == "1,000"


def test_one_process_peak_is_shown_but_not_gated():
    row = compare_counts({"w": counts()}, {"w": counts(peak=900)})[0]
    assert row["verdict"] == "same" and row["peak_live_bytes"] == "500 -> 900"


def test_peaks_of_every_process_gate_only_when_the_sides_separate():
    base, same = {"w": counts()}, {"w": counts()}
    overlapping = compare_counts(base, same, {"w": [500, 520, 560]}, {"w": [510, 600, 505]})[0]
    assert overlapping["verdict"] == "same" and overlapping["peak_live_bytes"] == "500..560 -> 505..600"
    # above every base peak, but by less than PEAK_MIN_EFFECT (1%): noise, not a change
    assert compare_counts(base, same, {"w": [500, 560]}, {"w": [562, 565]})[0]["verdict"] == "same"
    grown = compare_counts(base, same, {"w": [500, 560]}, {"w": [700, 720]})[0]
    assert grown["verdict"] == "MORE MEMORY" and grown["peak_live_bytes"] == "500..560 -> 700..720"
    # exact work that grew is named first
    more_work = compare_counts(base, {"w": counts(flops=101)}, {"w": [500]}, {"w": [700]})[0]
    assert more_work["verdict"] == "MORE WORK"


def test_a_real_step_run_while_a_buffer_is_alive_is_more_memory_at_the_same_work():
    """The real 2-D VAE step after a 4 MiB buffer is freed (base) and while it is still alive
    (candidate): the same allocations and operators, so the exact figures are equal, but every
    candidate peak lies above every base peak."""
    import torch

    from gan_bench.gate.ab_worker import counts_of_one_call
    from gan_bench.gate.workloads import training_step

    step = training_step("mog", "vae").build(torch.device("cpu"))
    step.run()

    def buffer_freed_first():
        buffer = torch.ones(1024, 1024)
        del buffer
        return step.run()

    def buffer_alive_through_the_step():
        buffer = torch.ones(1024, 1024)
        result = step.run()
        del buffer
        return result

    def measured(function):
        runs = [counts_of_one_call(function) for _ in range(3)]
        return runs[0], [run["peak_live_bytes"] for run in runs]

    (base, base_peaks), (again, again_peaks) = measured(buffer_freed_first), measured(buffer_freed_first)
    candidate, candidate_peaks = measured(buffer_alive_through_the_step)
    unchanged = compare_counts({"s": base}, {"s": again}, {"s": base_peaks}, {"s": again_peaks})[0]
    assert unchanged["verdict"] == "same"
    row = compare_counts({"s": base}, {"s": candidate}, {"s": base_peaks}, {"s": candidate_peaks})[0]
    assert row["verdict"] == "MORE MEMORY" and row["allocated_bytes"] == f"{base['allocated_bytes']:,}"


def test_operator_changes_name_the_largest_first():
    assert operator_changes({"a": 1, "b": 5}, {"a": 2, "b": 1, "c": 1}) == "b 5->1, a 1->2, c 0->1"
    assert operator_changes({"a": 1}, {"a": 1}) == ""
    assert operator_changes({}, {f"op{i}": i + 1 for i in range(6)}, most=2).endswith("(+4 more)")


@pytest.mark.slow
def test_two_percent_more_flops_in_the_2d_gan_step_is_more_work():
    """The real 2-D GAN step against itself plus a matrix product of about 2% of its FLOPs: the
    counts of two calls of the same step are equal, and the extra product is MORE WORK, whatever
    its time."""
    import torch

    from gan_bench.gate.ab_worker import counts_of_one_call
    from gan_bench.gate.workloads import training_step

    step = training_step("mog", "gan-nonsaturating").build(torch.device("cpu"))
    step.run()
    base = counts_of_one_call(step.run)
    side = round((0.02 * base["flops"] / 2) ** (1 / 3))  # an n x n product costs 2 n^3 FLOPs
    extra = torch.randn(side, side)

    def with_extra():
        torch.mm(extra, extra)
        return step.run()

    assert compare_counts({"step": base}, {"step": counts_of_one_call(step.run)})[0]["verdict"] == "same"
    changed = compare_counts({"step": base}, {"step": counts_of_one_call(with_extra)})[0]
    assert changed["verdict"] == "MORE WORK"
    before, after = (int(text.replace(",", "")) for text in changed["flops"].split(" -> "))
    assert 0.015 < after / before - 1 < 0.025
