import pytest

from gan_bench.errors import GanBenchError
from gan_bench.gate.git_trees import checked_out, commit_of, commits_between, working_tree


def test_a_commit_is_checked_out_apart_and_removed_after(repository):
    folder, commits = repository
    assert working_tree(folder / ".git" / "..") == folder.resolve()
    assert commit_of("HEAD~7", folder) == commits[0]
    with checked_out("HEAD~5", folder) as tree:
        assert (tree / "version.txt").read_text() == "2\n"
        assert (folder / "version.txt").read_text() == "7\n"  # the working tree is untouched
    assert not tree.exists()


def test_commits_between_are_those_after_good_up_to_bad(repository):
    folder, commits = repository
    assert commits_between(commits[1], commits[5], folder) == commits[2:6]
    with pytest.raises(GanBenchError, match="does not come after"):
        commits_between(commits[5], commits[1], folder)


def test_bad_names_are_one_line_errors(repository, tmp_path):
    folder, _ = repository
    with pytest.raises(GanBenchError, match="names no commit"):
        commit_of("no-such-branch", folder)
    outside = tmp_path / "outside"
    outside.mkdir()
    with pytest.raises(GanBenchError, match="not inside a git working tree"):
        working_tree(outside)
