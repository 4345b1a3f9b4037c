"""``gan-bench bench``: the performance and quality regression gate.

Speed: each workload (gan_bench.gate.workloads) is timed in rounds interleaved with a fixed
reference workload (gan_bench.gate.reference_workload) in the same process, and reported as
units/s and as its ratio to the reference, which cancels most of the speed of the machine it ran
on (gan_bench.gate.interleaved). Quality: a small suite trains with fixed seeds and its metrics
are checked against bands measured over many seeds (gan_bench.gate.quality_bands). Both are
compared with a committed baseline file (gan_bench.gate.speed_gate, gan_bench.gate.session).
"""
