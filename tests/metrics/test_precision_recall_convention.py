"""Precision and recall the way round the literature reads them (Kynkäänniemi et al. 2019).

torch-fidelity 0.4.0 swapped which of its two inputs counts as generated (its PR #70), so a
version on the other side of that change, or our inputs passed the other way round, would swap
the two numbers without any error. Precision is the share of samples inside the real images'
manifold (fidelity), recall the share of real images inside the samples' manifold (diversity):

- a collapsed generator, one test image repeated, has full precision and almost no recall;
- blurry but varied samples, the committed VAE's decoder means (results/mnist/samples), have
  the reverse order. (A blurred copy of the test images themselves is not a stable case: each
  copy shifts off the manifold together with its neighbours, and which number falls further
  depends on the blur and the image count.)

On 50 test images, Inception features once per set, through the function that hands torch-fidelity
the generated and the real features (gan_bench.metrics.fid.fid_kid_prc_of_features).
"""

from pathlib import Path

import numpy as np
import pytest
import torch

from gan_bench.data.mnist import Mnist
from gan_bench.metrics import fid

N = 50
VAE_SAMPLES = Path(__file__).resolve().parents[2] / "results" / "mnist" / "samples" / "vae__mnist__seed0.npy"

pytestmark = [pytest.mark.slow, pytest.mark.network, pytest.mark.usefixtures("one_thread")]


@pytest.fixture(scope="module")
def features():
    extractor = fid.inception_extractor("cpu")

    def of(images):
        return fid.extract_features(images, extractor, fid.FEATURE_LAYER, "cpu", verbose=False)

    real = Mnist().parzen_test()[:N].reshape(-1, 1, 28, 28)
    vae = torch.from_numpy(np.load(VAE_SAMPLES)[:N]).float() / 255
    return {"real": of(real), "collapsed": of(real[:1]).repeat(N, 1), "blurry": of(vae)}


def scores(features, generated):
    return fid.fid_kid_prc_of_features(features[generated], features["real"], kid_subset_size=N // 2)


def test_a_collapsed_generator_has_high_precision_and_low_recall(features):
    collapsed = scores(features, "collapsed")
    assert collapsed["precision"] > 0.9 and collapsed["recall"] < 0.1


def test_blurry_varied_samples_have_lower_precision_than_recall(features):
    blurry, collapsed = scores(features, "blurry"), scores(features, "collapsed")
    assert blurry["precision"] < blurry["recall"]
    assert blurry["precision"] < collapsed["precision"] and blurry["recall"] > collapsed["recall"]
