import pytest
import torch
from torchvision.transforms.functional import gaussian_blur

from gan_bench.errors import GanBenchError
from gan_bench.metrics.sharpness import (
    high_frequency_share,
    laplacian_variance,
    sharpness_metric,
    sharpness_ratios,
)


def strokes(n: int = 16, seed: int = 0) -> torch.Tensor:
    """Synthetic 'digits': random bright strokes on black, (n, 1, 28, 28) in [0, 1]."""
    generator = torch.Generator().manual_seed(seed)
    images = torch.zeros(n, 1, 28, 28)
    for i in range(n):
        rows = torch.randint(4, 24, (2,), generator=generator)
        cols = torch.randint(4, 24, (2,), generator=generator)
        images[i, 0, rows.min():rows.max() + 3, cols[0]:cols[0] + 3] = 1.0
        images[i, 0, rows[0]:rows[0] + 3, cols.min():cols.max() + 3] = 1.0
    return images


def test_real_against_itself_is_one():
    images = strokes()
    ratios = sharpness_ratios(images, images)
    assert (ratios["laplacian_var_ratio"], ratios["high_freq_share_ratio"]) == pytest.approx((1.0, 1.0))


def test_the_standard_error_matches_the_spread_of_the_ratio_over_independent_sets():
    """40 sets of 50 images: the ratios' spread over the sets against each set's own standard error."""
    images = strokes(2000, seed=1)
    real = strokes(500, seed=2)
    sets = [sharpness_ratios(gaussian_blur(images[i:i + 50], 5, 1.0), real) for i in range(0, 2000, 50)]
    for key in ("laplacian_var_ratio", "high_freq_share_ratio"):
        spread = torch.tensor([ratios[key] for ratios in sets]).std().item()
        stderr = torch.tensor([ratios[f"{key}_stderr"] for ratios in sets]).mean().item()
        assert 0.75 < stderr / spread < 1.33, (key, stderr, spread)


def test_blur_lowers_both_ratios_and_more_blur_lowers_them_more():
    images = strokes()
    mild = sharpness_ratios(gaussian_blur(images, 5, 1.0), images)
    strong = sharpness_ratios(gaussian_blur(images, 9, 2.0), images)
    for key in ("laplacian_var_ratio", "high_freq_share_ratio"):
        assert strong[key] < mild[key] < 0.8, key


def test_measures_match_their_definitions():
    image = torch.zeros(1, 1, 5, 5)
    image[0, 0, 2, 2] = 1.0  # a single bright pixel
    # Laplacian over the 3x3 valid region: -4 at the centre, 1 at its 4 neighbours, 0 at corners
    expected = torch.tensor([0.0, 1, 0, 1, -4, 1, 0, 1, 0], dtype=torch.float64).var()
    assert laplacian_variance(image).item() == pytest.approx(expected.item())
    flat = torch.full((1, 1, 8, 8), 0.3)
    checker = (torch.arange(8)[:, None] + torch.arange(8)[None, :]) % 2
    assert high_frequency_share(checker.float()[None, None]).item() == pytest.approx(1.0)
    assert high_frequency_share(flat).item() == 0.0


def test_needs_an_image_dataset():
    from gan_bench.data.mixtures import Ring8

    with pytest.raises(GanBenchError, match="not available for dataset 'ring8'"):
        sharpness_metric(Ring8(), torch.zeros(4, 2))
