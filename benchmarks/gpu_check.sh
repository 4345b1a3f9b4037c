#!/usr/bin/env bash
# The GPU figures, in one prepared run of under 8 minutes on a machine with a CUDA GPU:
#   1. `gan-bench bench --device cuda --save`: every workload's samples/s and ratio on the GPU
#      (the baseline for benchmarks/bench-baselines/cuda.json; the CPU invariants are not applied);
#   2. 2,000 steps of the mnist suite's GAN and VAE on the GPU, with their throughput, CUDA-event
#      phase timings and peak memory in the records, and FID on 10,000 samples of each;
#   3. the same training with torch.cuda.set_sync_debug_mode("warn"), counting the host
#      synchronisations the loop makes (they must not grow with the steps between log points).
# Usage: bash benchmarks/gpu_check.sh OUTPUT_FOLDER [--device cpu --steps N]   (or set $OUT).
# `--device cpu --steps N` is the dry run CI makes (tests/benchmarks/test_gpu_check.py), so that
# the script cannot rot unseen: the same three parts on the CPU, with one bench workload for five
# short rounds, N training steps, 100 samples scored by Parzen (FID is a GPU figure), and the
# training of part 3 without its counting (CUDA's alone). $PYTHON is the interpreter with
# gan-bench installed (default .venv/bin/python, made with `pip install -e '.[test]'` where
# missing). MNIST and the Inception weights come from the
# cache ($GAN_BENCH_CACHE, default ~/.cache/gan-bench) when there is no network: fill it beforehand
# with `gan-bench data fetch mnist` and one `gan-bench fid` run.
set -euo pipefail
out="$(realpath -m "${1:-${OUT:?give an output folder or set OUT}}")"
shift $(( $# > 0 ? 1 : 0 ))
device=cuda steps=2000
while [ $# -gt 0 ]; do
    case "$1" in
        --device) device="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        *) echo "gpu_check.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
mkdir -p "$out"
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
if [ -z "${PYTHON:-}" ] && [ ! -x .venv/bin/gan-bench ]; then
    python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'
fi
if [ "$device" = cuda ]; then
    bench_scope=() eval_samples=10000 evaluation='"fid"' log_every=500 sync_steps="200,100 400,200"
else
    bench_scope=(--only '^step/mnist/gan$' --rounds 5 --warmup-rounds 0 --round-seconds 0.01)
    eval_samples=100 evaluation='' log_every=$(( steps > 1 ? steps / 2 : 1 )) sync_steps="2,1 4,2"
fi
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
started=$SECONDS

"$python" -m gan_bench bench --device "$device" --no-quality --min-speedup-vs-straightforward 0 \
    --min-fraction-of-matmul-peak 0 "${bench_scope[@]}" --save "$out/$device.json" 2>"$out/bench.err" \
    | tee "$out/bench.txt"

cat > "$out/gpu-check.toml" <<TOML
[suite]
description = "GPU check: the mnist suite's GAN and VAE for $steps steps, $eval_samples samples scored"
seeds = 1
metrics = ["parzen"]
evaluation_metrics = [$evaluation]

[train]
steps = $steps
batch_size = 100
warmup_steps = $(( steps < 20 ? 0 : 20 ))
checkpoint_every_steps = $log_every
log_every_steps = $log_every
eval_samples = $eval_samples

[[models]]
name = "gan"
model = "gan-mnist"

[[models]]
name = "vae"
model = "vae-mnist"

[[datasets]]
name = "mnist"
TOML
"$python" -m gan_bench run "$out/gpu-check.toml" --device "$device" --results "$out/results" \
    2>"$out/train.err" | tee "$out/train.txt"

"$python" - "$out" "$device" "$sync_steps" <<'PY' | tee "$out/host_syncs.txt"
"""Host synchronisations of the training loop on CUDA, from torch's sync debug mode (on the CPU
the same training, uncounted)."""
import dataclasses, sys, tempfile, warnings
from contextlib import nullcontext
from pathlib import Path
import torch
from gan_bench.config.suite import load_suite
from gan_bench.runs.run_specs import expand_run_specs
from gan_bench.runs.trainer import Trainer


class SyncDebugMode:
    """torch's CUDA sync debug mode set to "warn" in the block."""
    def __enter__(self):
        torch.cuda.set_sync_debug_mode("warn")

    def __exit__(self, *exc):
        torch.cuda.set_sync_debug_mode("default")


suite = load_suite(str(Path(sys.argv[1]) / "gpu-check.toml"))
device = torch.device(sys.argv[2])
for pair in sys.argv[3].split():
    steps, between_logs = map(int, pair.split(","))
    for job in expand_run_specs(suite):
        train = dataclasses.replace(job.train, steps=steps, log_every_steps=between_logs,
                                    checkpoint_every_steps=between_logs, warmup_steps=min(2, steps - 1))
        dataset, model = job.build(device)
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with SyncDebugMode() if device.type == "cuda" else nullcontext():
                Trainer(model, dataset, train, 0, device, Path(folder) / "run.pt",
                        {"train": dataclasses.asdict(train)}).fit()
        syncs = sum("synchroniz" in str(w.message) for w in caught)
        counted = f"{syncs} host syncs" if device.type == "cuda" else "host syncs counted on CUDA only"
        print(f"{job.model.name}: {steps} steps, log every {between_logs}: {counted}")
PY
echo "gpu check took $((SECONDS - started)) s" | tee "$out/elapsed.txt"
