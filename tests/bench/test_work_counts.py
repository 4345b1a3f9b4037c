import pytest

from gan_bench.bench.work_counts import compare_counts, operator_changes


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


def test_the_peak_is_shown_but_not_gated():
    row = compare_counts({"w": counts()}, {"w": counts(peak=900)})[0]
    assert row["verdict"] == "same" and row["peak_live_bytes"] == "500 -> 900"


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

    from gan_bench.bench.ab_worker import counts_of_one_call
    from gan_bench.bench.workloads import training_step

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
