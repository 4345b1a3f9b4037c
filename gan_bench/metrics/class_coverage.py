"""Digit-class coverage of generated MNIST images, judged by the frozen classifier.

A collapsed generator draws few of the ten digits; the leaderboard shows how many classes appear
among the samples and KL(q || p) in nats between the samples' class frequencies q and the test
set's p (0 for a generator whose class mix matches the data).
"""

import torch

from gan_bench.metrics.classifier import load_classifier
from gan_bench.registry import register_metric, require_metric_support

N_CLASSES = 10


def predicted_classes(images: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
    """Classifier labels (N,) of images (N, 1, 28, 28) in [0, 1]."""
    model = load_classifier()
    with torch.no_grad():
        return torch.cat([model(part.cpu().float()).argmax(1) for part in images.split(chunk)])


def class_coverage(labels: torch.Tensor, reference_labels: torch.Tensor) -> dict[str, float]:
    """Classes present among ``labels`` and KL(q || p) of their frequencies to the reference's."""
    q = torch.bincount(labels, minlength=N_CLASSES).double()
    p = torch.bincount(reference_labels, minlength=N_CLASSES).double()
    q, p = q / q.sum(), p / p.sum()
    present = q > 0
    return {"classes_covered": int(present.sum()),
            "class_kl_nats": float((q[present] * (q[present] / p[present]).log()).sum())}


def class_coverage_metric(dataset, samples: torch.Tensor) -> dict[str, float]:
    """Registered as ``classes``: coverage of the ten digits against the test-set frequencies."""
    require_metric_support("classes", dataset)
    return class_coverage(predicted_classes(samples), dataset.test_labels())


register_metric("classes", class_coverage_metric,
                supports=lambda dataset: getattr(dataset, "name", None) == "mnist")
