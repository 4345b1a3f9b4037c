"""Loading the built-ins (gan_bench.lookup) imports none of the heavy libraries that only some metrics use."""

import json
import subprocess
import sys

HEAVY_LIBRARIES = ("torch_fidelity", "torchvision", "sklearn", "prdc", "scipy.stats", "pandas", "matplotlib",
                   "optuna")


def modules_imported_by(code: str) -> list[str]:
    """The HEAVY_LIBRARIES in ``sys.modules`` after ``code`` runs in a fresh interpreter."""
    report = f"import json, sys; print(json.dumps([m for m in {HEAVY_LIBRARIES!r} if m in sys.modules]))"
    finished = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], capture_output=True, text=True,
                              check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_loading_the_built_ins_imports_no_heavy_library():
    # every A/B process of `gan-bench bench --against` and every CLI command pays this import
    assert modules_imported_by("from gan_bench import lookup; lookup.load_builtins()") == []


def test_the_gate_workloads_build_without_heavy_libraries():
    code = ("import torch; from gan_bench.gate.workloads import all_workloads; "
            "[w.build(torch.device('cpu')) for w in all_workloads() if w.name == 'step/mnist/gan']")
    assert modules_imported_by(code) == []


def test_the_fid_metric_still_imports_torch_fidelity_when_it_runs():
    # the lazy imports are where the work is: building the extractor brings torch-fidelity in
    code = ("from gan_bench.metrics.fid import feature_extractor\n"
            "try:\n    feature_extractor('no-such-extractor', '2048', 'cpu', verbose=False)\n"
            "except Exception:\n    pass")
    assert "torch_fidelity" in modules_imported_by(code)
