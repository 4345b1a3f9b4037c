"""What each leaderboard column means and which way is better: the legend under every leaderboard.

docs/metrics.md has the same glossary at length (tests/reports/test_metric_glossary.py checks that it names
every column here with the same direction).
"""

HIGHER = "higher is better"
LOWER = "lower is better"
NEAR_ONE = "nearer 1 is better (real images: 1)"
NEAR_HALF = "nearer 0.5 is better (indistinguishable from real: 0.5)"
NO_DIRECTION = "no better or worse: context"

# metric -> the run's own standard error of it over its evaluation samples, recorded beside it
STDERR_OF = {"parzen_ll_nats": "parzen_stderr_nats", "jsd_nats": "jsd_stderr_nats",
             "fid": "fid_stderr", "domain_fid": "domain_fid_stderr",
             "laplacian_var_ratio": "laplacian_var_ratio_stderr",
             "high_freq_share_ratio": "high_freq_share_ratio_stderr"}

# column -> (direction, meaning in one line)
GLOSSARY: dict[str, tuple[str, str]] = {
    # the GAN paper's Parzen protocol (gan_bench/metrics/parzen.py)
    "parzen_ll_nats": (HIGHER, "Parzen-window log-likelihood of the test points (nats), kernels on "
                               "the samples"),
    "parzen_sigma": (NO_DIRECTION, "the Parzen kernel width chosen on the validation points"),
    "parzen_stderr_nats": (NO_DIRECTION, "standard error of the Parzen estimate over the test points"),
    "exact_test_ll_nats": (NO_DIRECTION, "p_data's own log-likelihood of the Parzen test points (nats): the "
                                         "ceiling parzen_ll_nats approaches, the same in every row"),
    # mode coverage of the 2-D mixtures (VEEGAN/PacGAN protocol, gan_bench/metrics/modes.py)
    "modes_captured": (HIGHER, "mixture modes with at least one high-quality sample (of 8 or 25)"),
    "high_quality_pct": (HIGHER, "% of samples within 3 std of their nearest mode"),
    "reverse_kl_nats": (LOWER, "KL(high-quality samples' mode frequencies || uniform), nats"),
    "frechet_data": (LOWER, "Fréchet distance between Gaussians fitted to samples and real points"),
    # MNIST digits judged by the frozen classifier (gan_bench/metrics/classifier.py)
    "classes_covered": (HIGHER, "digit classes among the samples (of 10)"),
    "class_kl_nats": (LOWER, "KL(sample class frequencies || test-set class frequencies), nats"),
    "stacked_modes_covered": (HIGHER, "Stacked MNIST digit triples among the samples (of 1000)"),
    "stacked_mode_kl_nats": (LOWER, "KL(sample triple frequencies || uniform), nats"),
    "domain_fid": (LOWER, "FID on the MNIST classifier's features (not comparable with published FIDs)"),
    "domain_fid_stderr": (NO_DIRECTION, "bootstrap standard error of domain_fid over the generated samples"),
    # sharpness (gan_bench/metrics/sharpness.py)
    "laplacian_var_ratio": (NEAR_ONE, "variance of the Laplacian over the real images' (< 1: blurrier)"),
    "high_freq_share_ratio": (NEAR_ONE, "spectral energy above half Nyquist over the real images' "
                                        "(< 1: blurrier)"),
    "laplacian_var_ratio_stderr": (NO_DIRECTION, "standard error of laplacian_var_ratio over the samples"),
    "high_freq_share_ratio_stderr": (NO_DIRECTION, "standard error of high_freq_share_ratio over the "
                                                   "samples"),
    # Inception features, torch-fidelity (gan_bench/metrics/fid.py, fid_metric.py)
    "fid": (LOWER, "Fréchet Inception Distance to the MNIST test images"),
    "fid_stderr": (NO_DIRECTION, "bootstrap standard error of fid over the generated samples"),
    "fid_n_samples": (NO_DIRECTION, "samples fid used (FID falls with more: compare at equal counts)"),
    "fid_n_real": (NO_DIRECTION, "real images fid used"),
    "fid_precision": (HIGHER, "share of samples inside the real images' feature manifold"),
    "fid_recall": (HIGHER, "share of real images inside the samples' feature manifold"),
    "kid_mean": (LOWER, "Kernel Inception Distance, mean over subsets"),
    "kid_std": (NO_DIRECTION, "KID's std over subsets"),
    "density": (NEAR_ONE, "Naeem et al.'s density on Inception features (about 1 for real data)"),
    "coverage": (HIGHER, "Naeem et al.'s coverage on Inception features (at most 1)"),
    "prdc_k": (NO_DIRECTION, "nearest neighbours k of density and coverage"),
    "prdc_n_real": (NO_DIRECTION, "real images density and coverage used"),
    "prdc_n_samples": (NO_DIRECTION, "samples density and coverage used"),
    "fid_at_2000": (LOWER, "FID on 2,000 samples (biased upwards at small counts)"),
    "fid_at_5000": (LOWER, "FID on 5,000 samples"),
    "fid_at_10000": (LOWER, "FID on 10,000 samples"),
    "fid_infinity": (LOWER, "FID extrapolated to infinitely many samples (Chong and Forsyth 2020)"),
    "fid_infinity_slope": (NO_DIRECTION, "slope of FID against 1/N in the FID-infinity fit"),
    "fid_infinity_n_max": (NO_DIRECTION, "largest sample count in the FID-infinity fit"),
    "fid_infinity_n_min": (NO_DIRECTION, "smallest sample count in the FID-infinity fit (2.5 x the feature "
                                         "dimension)"),
    "fid_infinity_residual_rms": (NO_DIRECTION, "RMS residual of the FID-infinity fit: how well FID is "
                                                "linear in 1/N"),
    "fid_infinity_residual_max": (NO_DIRECTION, "largest residual of the FID-infinity fit"),
    # the GAN paper's theory on the 2-D mixtures (gan_bench/metrics/theory.py, game.py)
    "jsd_nats": (LOWER, "JSD(p_data || p_g), p_g by a kernel density of the samples (log 2 = disjoint)"),
    "jsd_stderr_nats": (NO_DIRECTION, "bootstrap standard error of jsd_nats"),
    "c_of_g_nats": (LOWER, "C(G) = -log 4 + 2 JSD, the paper's virtual training criterion (minimum -log 4)"),
    "kde_sigma": (NO_DIRECTION, "kernel width of the density fitted to the samples"),
    "d_star_mae_real": (LOWER, "mean |D - D*| on p_data's points, D* = p_data / (p_data + p_g)"),
    "d_star_mae_fake": (LOWER, "mean |D - D*| on the generator's points"),
    "d_fake_probe": (NO_DIRECTION, "mean D(G(z)) on a fresh batch"),
    "g_grad_norm_nonsaturating": (NO_DIRECTION, "generator gradient norm under -log D(G(z))"),
    "g_grad_norm_minimax": (NO_DIRECTION, "generator gradient norm under log(1 - D(G(z)))"),
    # memorisation: Meehan et al. 2020's data-copying test (gan_bench/metrics/data_copying.py)
    "copying_ct": (NO_DIRECTION, "C_T: below -3 flags copying of the training set, far above 0 "
                                 "underfitting; held-out real data: about 0"),
    "copying_flagged": (LOWER, "1 when C_T flags copying of the training set, else 0"),
    "copying_closer_share": (NO_DIRECTION, "share of samples nearer the training set than the median "
                                           "held-out point (held-out real data: about 0.5)"),
    "copying_cells": (NO_DIRECTION, "k-means cells of the training set C_T averaged over"),
    # coverage without known modes (gan_bench/metrics/ndb.py, nearest_neighbour_two_sample.py)
    "ndb_bins_different": (LOWER, "NDB: k-means bins of the real data whose share differs significantly"),
    "ndb_fraction": (LOWER, "NDB as a share of the bins"),
    "ndb_bins": (NO_DIRECTION, "k-means bins of the real data NDB tests"),
    "one_nn_accuracy": (NEAR_HALF, "leave-one-out 1-nearest-neighbour accuracy telling samples from "
                                   "real data"),
    "one_nn_real_accuracy": (NO_DIRECTION, "that accuracy on the real side"),
    "one_nn_generated_accuracy": (NO_DIRECTION, "that accuracy on the generated side"),
    "one_nn_per_side": (NO_DIRECTION, "points per side of the 1-NN test"),
    # throughput (gan_bench/runs/timing.py)
    "samples_per_s": (HIGHER, "training samples per second after warm-up, on the row's hardware"),
    "steps_per_s": (HIGHER, "training steps per second after warm-up, on the row's hardware"),
}


def legend(columns: list[str]) -> str:
    """Markdown lines, one per column: its name, its direction and its meaning."""
    lines = []
    for column in columns:
        direction, meaning = GLOSSARY.get(column, (NO_DIRECTION, "not in the glossary (a plugin's metric)"))
        lines.append(f"- `{column}`: {direction}; {meaning}")
    return "\n".join(lines)
