#!/usr/bin/env bash
# The GPU figures, in one prepared run of under 8 minutes on a machine with a CUDA GPU:
#   1. `gan-bench bench --device cuda --save`: every workload's samples/s and ratio on the GPU
#      (the baseline for benchmarks/bench-baselines/cuda.json; the CPU invariants are not applied);
#   2. 2,000 steps of the mnist suite's GAN and VAE on the GPU, with their throughput, CUDA-event
#      phase timings and peak memory in the records, and FID on 10,000 samples of each;
#   3. the same training with torch.cuda.set_sync_debug_mode("warn"), counting the host
#      synchronisations the loop makes (they must not grow with the steps between log points).
# Usage: bash benchmarks/gpu_check.sh OUTPUT_FOLDER   (or set $OUT). MNIST and the Inception
# weights come from the cache ($GAN_BENCH_CACHE, default ~/.cache/gan-bench) when there is no
# network: fill it beforehand with `gan-bench data fetch mnist` and one `gan-bench fid` run.
set -euo pipefail
out="$(realpath -m "${1:-${OUT:?give an output folder or set OUT}}")"
mkdir -p "$out"
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/gan-bench ]; then
    python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'
fi
nvidia-smi > "$out/nvidia-smi.txt" 2>&1 || true
started=$SECONDS

.venv/bin/gan-bench bench --device cuda --no-quality --min-speedup-vs-straightforward 0 \
    --min-fraction-of-matmul-peak 0 --save "$out/cuda.json" 2>"$out/bench.err" | tee "$out/bench.txt"

cat > "$out/gpu-check.toml" <<'TOML'
[suite]
description = "GPU check: the mnist suite's GAN and VAE for 2,000 steps, FID on 10,000 samples"
seeds = 1
metrics = ["parzen"]
evaluation_metrics = ["fid"]

[train]
steps = 2000
batch_size = 100
warmup_steps = 20
checkpoint_every_steps = 1000
log_every_steps = 500
eval_samples = 10000

[[models]]
name = "gan"
model = "gan-mnist"

[[models]]
name = "vae"
model = "vae-mnist"

[[datasets]]
name = "mnist"
TOML
.venv/bin/gan-bench run "$out/gpu-check.toml" --device cuda --results "$out/results" 2>"$out/train.err" \
    | tee "$out/train.txt"

.venv/bin/python - "$out" <<'PY' | tee "$out/host_syncs.txt"
"""Host synchronisations of the training loop on CUDA, from torch's sync debug mode."""
import dataclasses, sys, tempfile, warnings
from pathlib import Path
import torch
from gan_bench.config.suite import TrainConfig
from gan_bench.runs.run_specs import expand_jobs
from gan_bench.config.suite import load_suite
from gan_bench.runs.trainer import Trainer

suite = load_suite(str(Path(sys.argv[1]) / "gpu-check.toml"))
device = torch.device("cuda")
for steps, between_logs in ((200, 100), (400, 200)):
    for job in expand_jobs(suite):
        train = dataclasses.replace(job.train, steps=steps, log_every_steps=between_logs,
                                    checkpoint_every_steps=between_logs, warmup_steps=2)
        dataset, model = job.build(device)
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            torch.cuda.set_sync_debug_mode("warn")
            Trainer(model, dataset, train, 0, device, Path(folder) / "run.pt",
                    {"train": dataclasses.asdict(train)}).fit()
            torch.cuda.set_sync_debug_mode("default")
        syncs = sum("synchroniz" in str(w.message) for w in caught)
        print(f"{job.model.name}: {steps} steps, log every {between_logs}: {syncs} host syncs")
PY
echo "gpu check took $((SECONDS - started)) s" | tee "$out/elapsed.txt"
