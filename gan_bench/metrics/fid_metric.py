"""The registered ``fid`` metric: FID, KID and precision/recall of a run's samples against the
10,000 MNIST test images (gan_bench.metrics.fid), with the FID's bootstrap standard error over the
samples (``fid_stderr``, gan_bench.metrics.frechet_bootstrap), so that a single run's FID carries
an interval in the leaderboards and in ``gan-bench compare``.

The features are gan_bench.metrics.inception_features', which keeps the last samples' features in
memory: ``fid``, ``fid_infinity`` and ``density_coverage`` scored on one run's samples run
Inception over them once.
"""

import torch

from gan_bench.metrics.fid import (
    KEY_FID,
    KEY_KID_MEAN,
    KEY_KID_STD,
    KEY_PRECISION,
    KEY_RECALL,
    KID_SUBSET_SIZE,
    MNIST_REAL_COUNT,
    check_counts,
    fid_kid_prc_of_features,
    has_mnist_test_images,
    warn_if_few_samples,
)
from gan_bench.metrics.frechet_bootstrap import frechet_bootstrap_stderr
from gan_bench.metrics.inception_features import mnist_features
from gan_bench.registry import register_metric

KEY_FID_STDERR = "fid_stderr"


def fid_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``fid``: the float results; precision and recall prefixed so that they stay
    apart from other metrics' keys in a run record's flat metrics dict; the sample counts beside
    them (FID depends on them: gan_bench.metrics.fid_infinity)."""
    from torch_fidelity.metric_fid import fid_features_to_statistics

    check_counts(samples.shape[0], MNIST_REAL_COUNT, KID_SUBSET_SIZE)
    warn_if_few_samples(samples.shape[0])
    generated, reference = mnist_features(dataset, samples, MNIST_REAL_COUNT, "fid", samples.device)
    result = fid_kid_prc_of_features(generated, reference, KID_SUBSET_SIZE)
    return {KEY_FID: result[KEY_FID],
            KEY_FID_STDERR: frechet_bootstrap_stderr(generated, fid_features_to_statistics(reference)),
            KEY_KID_MEAN: result[KEY_KID_MEAN], KEY_KID_STD: result[KEY_KID_STD],
            "fid_precision": result[KEY_PRECISION], "fid_recall": result[KEY_RECALL],
            "fid_n_samples": samples.shape[0], "fid_n_real": MNIST_REAL_COUNT}


register_metric("fid", fid_metric, supports=has_mnist_test_images)
