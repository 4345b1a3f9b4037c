from gan_bench.bench.work_counts import compare_counts, operator_changes


def counts(flops=100, allocated=1000, peak=500, **operators):
    return {"flops": flops, "allocated_bytes": allocated, "peak_live_bytes": peak,
            "operators": operators or {"aten::mm": 2, "aten::add": 1}}


def test_equal_counts_are_the_same_and_any_growth_is_more_work():
    rows = {row["workload"]: row for row in compare_counts(
        {"same": counts(), "flops": counts(), "bytes": counts(), "less": counts(), "mix": counts()},
        {"same": counts(), "flops": counts(flops=102), "bytes": counts(peak=501),
         "less": counts(flops=90), "mix": counts(**{"aten::mm": 1, "aten::add": 2}), "new": counts()})}
    assert {name: row["verdict"] for name, row in rows.items()} == {
        "same": "same", "flops": "MORE WORK", "bytes": "MORE WORK", "less": "less work",
        "mix": "operators changed"}
    assert rows["flops"]["flops"] == "100 -> 102" and rows["flops"]["allocated_bytes"] == "1,000"


def test_operator_changes_name_the_largest_first():
    assert operator_changes({"a": 1, "b": 5}, {"a": 2, "b": 1, "c": 1}) == "b 5->1, a 1->2, c 0->1"
    assert operator_changes({"a": 1}, {"a": 1}) == ""
    assert operator_changes({}, {f"op{i}": i + 1 for i in range(6)}, most=2).endswith("(+4 more)")
