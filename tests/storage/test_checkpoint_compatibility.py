from gan_bench.storage.checkpoint_compatibility import config_differences, extension_differences


def test_config_differences_name_each_dotted_key_that_differs():
    saved = {"seed": 0, "train": {"lr": 1, "steps": 5}}
    requested = {"seed": 0, "train": {"lr": 2, "steps": 5}, "compile": True}
    assert config_differences(saved, requested) == ["compile: saved None, requested True",
                                                    "train.lr: saved 1, requested 2"]


def test_an_extension_may_change_the_suite_and_the_step_budget_only():
    saved = {"suite": "mnist", "train": {"steps": 10, "lr": 1}}
    assert extension_differences(saved, {"suite": "mnist-long", "train": {"steps": 20, "lr": 1}}) == []
    assert extension_differences(saved, {"suite": "mnist-long", "train": {"steps": 20, "lr": 2}}) == [
        "train.lr: saved 1, requested 2"]
