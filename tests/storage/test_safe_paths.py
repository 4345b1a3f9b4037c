import shutil

import pytest
import torch

from gan_bench.cli import main
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from gan_bench.runs.suite_runs import run_suite
from gan_bench.storage.safe_paths import inside, refuse_links_within
from tests.conftest import TINY_SUITE

RUN = "^gan__ring8__seed0$"


def test_paths_stay_inside_their_folder(tmp_path):
    assert inside(tmp_path, "checkpoints", "a__b__seed0.pt") == tmp_path / "checkpoints" / "a__b__seed0.pt"
    for escaping in (("..", "x.pt"), ("/tmp/x.pt",), ("a", "..", "..", "x")):
        with pytest.raises(GanBenchError, match="resolves outside"):
            inside(tmp_path / "checkpoints", *escaping)


def test_a_link_anywhere_below_the_folder_is_refused_but_the_folder_may_be_one(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "inner").mkdir(parents=True)
    results = tmp_path / "results"
    results.symlink_to(elsewhere, target_is_directory=True)  # the user's own choice: allowed
    assert inside(results, "inner", "x.pt") == results / "inner" / "x.pt"
    refuse_links_within(results)
    (elsewhere / "checkpoints").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(GanBenchError, match="checkpoints: it is a symbolic link"):
        inside(results, "checkpoints", "x.pt")
    with pytest.raises(GanBenchError, match="checkpoints: it is a symbolic link"):
        refuse_links_within(results)
    (elsewhere / "checkpoints").unlink()
    (elsewhere / "inner" / "x.pt").symlink_to(tmp_path / "victim")
    with pytest.raises(GanBenchError, match=r"x\.pt: it is a symbolic link"):
        inside(results, "inner", "x.pt")
    with pytest.raises(GanBenchError, match=r"x\.pt: it is a symbolic link"):
        refuse_links_within(results)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A results root holding one finished run of the tiny suite, with its figures."""
    from gan_bench.reports.figures import write_figures

    root = tmp_path_factory.mktemp("trained")
    (root / "tiny.toml").write_text(TINY_SUITE)
    write_figures(run_suite(load_suite(str(root / "tiny.toml")), root / "results",
                            torch.device("cpu"), log=lambda message: None, only=RUN))
    return root


@pytest.mark.end_to_end
@pytest.mark.slow
def test_a_linked_figure_is_refused_and_its_target_kept(trained, tmp_path, capsys):
    """Before, ``gan-bench leaderboard`` rewrote figures/loss_curves.png through the link (savefig
    follows links), overwriting whatever file it named."""
    shutil.copytree(trained / "results", tmp_path / "results")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    figure = tmp_path / "results" / "tiny" / "figures" / "loss_curves.png"
    figure.unlink()
    figure.symlink_to(victim)
    assert main(["leaderboard", "tiny", "--results", str(tmp_path / "results")]) == 2
    err = capsys.readouterr().err
    assert f"refusing {figure}: it is a symbolic link" in err and err.count("\n") == 1
    assert victim.read_text() == "precious"


@pytest.mark.parametrize("subfolder", ["checkpoints", "samples", "figures", ".claims", ".submitit"])
def test_a_linked_output_folder_is_refused_before_anything_is_written(tmp_path, capsys, subfolder):
    """Before, a linked checkpoints/, samples/, figures/ or .claims/ passed the check (it resolved
    the subfolder itself) and the run wrote its files into the link's target."""
    (tmp_path / "tiny.toml").write_text(TINY_SUITE)
    outside = tmp_path / "outside"
    outside.mkdir()
    results = tmp_path / "results" / "tiny"
    results.mkdir(parents=True)
    (results / subfolder).symlink_to(outside, target_is_directory=True)
    argv = ["run", str(tmp_path / "tiny.toml"), "--results", str(tmp_path / "results"),
            "--device", "cpu", "--only", RUN]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"refusing {results / subfolder}: it is a symbolic link" in err and err.count("\n") == 1
    assert list(outside.iterdir()) == [] and sorted(p.name for p in results.iterdir()) == [subfolder]
