import pytest

from gan_bench.cli import main
from gan_bench.config.search_space import Distribution, parse_distribution
from gan_bench.config.suite import load_suite
from gan_bench.errors import GanBenchError
from tests.searched_suite import SEARCH, SEARCHED_SUITE


@pytest.mark.parametrize("text, expected", [
    ("log-uniform(1e-5, 1e-2)", Distribution("log-uniform", (1e-5, 1e-2))),
    ("uniform(0, 0.9)", Distribution("uniform", (0, 0.9))),
    ("int-uniform(1, 5)", Distribution("int-uniform", (1, 5))),
    ("choice(1, 2, 5)", Distribution("choice", (1, 2, 5))),
    (" choice('a', \"b\") ", Distribution("choice", ("a", "b"))),
])
def test_parses_each_kind(text, expected):
    assert parse_distribution(text, "here") == expected


@pytest.mark.parametrize("text, message", [
    ("normal(0, 1)", "is not log-uniform"),
    ("uniform(1)", "takes two numbers"),
    ("uniform(1, 0)", "LOW must be below HIGH"),
    ("log-uniform(0, 1)", "LOW above 0"),
    ("int-uniform(1, 2.5)", "whole numbers"),
    ("choice()", "at least one value"),
    ("choice(1, 1)", "listed twice"),
    ("choice(os.system)", "numbers, strings or booleans"),
    ("uniform('a', 'b')", "takes two numbers"),
])
def test_refuses_malformed_distributions(text, message):
    with pytest.raises(GanBenchError, match=message):
        parse_distribution(text, "here")


def _suite_with(tmp_path, search: str):
    path = tmp_path / "bad.toml"
    path.write_text(SEARCHED_SUITE.replace(SEARCH, f"search = {{ {search} }}"))
    return path


@pytest.mark.parametrize("search, message", [
    ('learning_rat = "uniform(0.1, 0.2)"', "unknown key 'learning_rat'"),
    ('discriminator_steps = "uniform(1, 5)"', "'discriminator_steps' must be int"),
    ('learning_rate = "uniform(-1, 0.5)"', "learning_rate must be > 0"),
    ('generator_hidden = "int-uniform(8, 16)"', "also fixed in options"),
    ('beta1 = 0.5', "expected a string"),
])
def test_a_suite_with_a_bad_search_space_is_one_line_and_exit_2(tmp_path, capsys, search, message):
    path = _suite_with(tmp_path, search)
    with pytest.raises(GanBenchError, match=message):
        load_suite(str(path))
    assert main(["search", str(path), "--trials", "1", "--results", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.parametrize("arguments", [["--trials", "0"], ["--trials", "x"], ["--sampler", "grid"]])
def test_bad_search_options_are_one_line_and_exit_2(searched_suite, capsys, arguments):
    with pytest.raises(SystemExit) as exited:
        main(["search", str(searched_suite), *(["--trials", "2"] if "--trials" not in arguments else []),
              *arguments])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_an_objective_without_a_direction_is_refused(searched_suite, tmp_path, capsys):
    assert main(["search", str(searched_suite), "--trials", "1", "--objective", "parzen_sigma",
                 "--results", str(tmp_path / "r")]) == 2
    assert "no higher-or-lower-is-better direction" in capsys.readouterr().err


def test_the_search_space_is_not_part_of_a_plain_runs_config(searched_suite):
    from gan_bench.runs.run_specs import expand_run_specs

    (job,) = expand_run_specs(load_suite(str(searched_suite)))
    assert "search" not in job.config()


def test_reading_a_searched_suite_and_the_command_line_import_no_optuna():
    from tests.test_lookup import modules_imported_by

    code = ("from gan_bench.cli import build_parser; build_parser(); "
            "from gan_bench.config.suite import load_suite; load_suite('budget-mog')")
    assert modules_imported_by(code) == []
