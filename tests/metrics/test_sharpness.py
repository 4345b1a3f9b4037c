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


def strokes(n: int = 16) -> torch.Tensor:
    """Synthetic 'digits': random bright strokes on black, (n, 1, 28, 28) in [0, 1]."""
    generator = torch.Generator().manual_seed(0)
    images = torch.zeros(n, 1, 28, 28)
    for i in range(n):
        rows = torch.randint(4, 24, (2,), generator=generator)
        cols = torch.randint(4, 24, (2,), generator=generator)
        images[i, 0, rows.min():rows.max() + 3, cols[0]:cols[0] + 3] = 1.0
        images[i, 0, rows[0]:rows[0] + 3, cols.min():cols.max() + 3] = 1.0
    return images


def test_real_against_itself_is_one():
    images = strokes()
    assert sharpness_ratios(images, images) == pytest.approx(
        {"laplacian_var_ratio": 1.0, "high_freq_share_ratio": 1.0})


def test_blur_lowers_both_ratios_and_more_blur_lowers_them_more():
    images = strokes()
    mild = sharpness_ratios(gaussian_blur(images, 5, 1.0), images)
    strong = sharpness_ratios(gaussian_blur(images, 9, 2.0), images)
    for key in mild:
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
