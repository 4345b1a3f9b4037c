"""The instruction-count tier's parsing, verdicts and skipping, on written dumps and options."""

import pytest

from gan_bench.errors import GanBenchError
from gan_bench.gate import ab_gate, instruction_counts
from gan_bench.gate.ab_runs import AbOptions
from gan_bench.gate.instruction_counts import compare_instructions, dump_totals


def test_a_growth_past_two_percent_is_more_instructions_and_small_moves_are_the_same():
    base = {"step/mog/vae": 1_000_000, "modes/grid25": 2_000_000, "step/mog/gan-minimax": 500_000}
    candidate = {"step/mog/vae": 1_025_000, "modes/grid25": 2_010_000, "step/mog/gan-minimax": 450_000,
                 "new": 1}
    rows = {row["workload"]: row for row in compare_instructions(base, candidate)}
    assert {name: row["verdict"] for name, row in rows.items()} == {
        "step/mog/vae": "MORE INSTRUCTIONS", "modes/grid25": "same", "step/mog/gan-minimax": "fewer"}
    assert rows["step/mog/vae"]["change %"] == pytest.approx(2.5)
    assert "MORE INSTRUCTIONS" in ab_gate.FAILING


def test_the_numbered_dumps_are_read_in_order_and_a_missing_one_is_an_error(tmp_path):
    out = tmp_path / "base.callgrind"
    for index, total in enumerate((111, 222), start=1):
        out.with_name(f"base.callgrind.{index}").write_text(
            f"# callgrind format\nversion: 1\nevents: Ir\nsummary: {total}\ntotals: {total}\nfl=x\n")
    assert dump_totals(out, 2) == [111, 222]
    with pytest.raises(GanBenchError, match=r"no totals to .*base.callgrind.3"):
        dump_totals(out, 3)


def test_without_valgrind_the_tier_is_a_one_line_notice(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(instruction_counts.shutil, "which", lambda tool: None)
    assert "valgrind and callgrind_control not found" in instruction_counts.valgrind_missing()
    monkeypatch.setattr(instruction_counts, "count_both",
                        lambda *args: pytest.fail("counted without valgrind"))
    options = ab_gate.GateOptions(AbOptions(only="^step/mog/vae$"))
    assert ab_gate.instruction_tier(tmp_path, tmp_path, options) == []
    assert capsys.readouterr().err.strip().splitlines() == [
        "instruction counts skipped: valgrind and callgrind_control not found "
        "(Debian: apt-get install valgrind)"]


def test_the_tier_counts_only_the_small_workloads_the_selection_keeps(monkeypatch, tmp_path):
    counted = []

    def count_both(base_tree, candidate_tree, only):
        counted.append(instruction_counts.selection(only))
        return {"step/mog/vae": 10.0}, {"step/mog/vae": 10.0}

    monkeypatch.setattr(instruction_counts, "valgrind_missing", lambda: None)
    monkeypatch.setattr(instruction_counts, "count_both", count_both)
    # the MNIST GAN's step is not a small workload: nothing to count, nothing started
    def tier(**options):
        return ab_gate.instruction_tier(tmp_path, tmp_path, ab_gate.GateOptions(**options))

    assert tier(timing=AbOptions(only="^step/mnist/gan$")) == []
    assert tier(timing=AbOptions(), instructions=False) == []
    [(title, rows)] = tier(timing=AbOptions(only="vae"))
    assert "callgrind" in title and rows[0]["verdict"] == "same"
    assert counted == [[instruction_counts.SMALL_WORKLOADS, "vae"]]
