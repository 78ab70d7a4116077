"""vision.quantiles gives numpy's medians and percentiles bit for bit (detection thresholds
depend on them, so a speed-up must not move one)."""

from __future__ import annotations

import numpy as np
import pytest

from vision.quantiles import channel_medians, median, percentile


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_median_and_percentile_equal_numpy(dtype: type) -> None:
    rng = np.random.default_rng(7)
    for trial in range(1500):
        n = int(rng.integers(1, 50 if trial % 2 else 5000))
        values = (rng.random(n) * 100).astype(dtype)
        if trial % 3 == 0:
            values = np.round(values / 10).astype(dtype)  # many ties
        before = values.copy()
        got = median(values)
        assert got == np.median(values) and got.dtype == np.median(values).dtype
        for q in (0, 10, 33.3, 40, 50, 60, 75, 100):
            want = np.percentile(values, q)
            got = percentile(values, q)
            assert got == want and np.asarray(got).dtype == np.asarray(want).dtype, (n, q)
        assert np.array_equal(values, before)  # the caller's pixels are not reordered


def test_channel_medians_equal_numpy_axis0() -> None:
    rng = np.random.default_rng(3)
    image = (rng.random((60, 80, 3)) * 100).astype(np.float32)
    mask = rng.random((60, 80)) > 0.4
    assert np.array_equal(channel_medians(image, mask), np.median(image[mask], axis=0))
    flat, keep = image.reshape(-1, 3), mask.ravel()
    assert np.array_equal(channel_medians(flat, keep), np.median(flat[keep], axis=0))


def test_no_values_give_nan() -> None:
    empty = np.zeros(0, np.float32)
    assert np.isnan(median(empty)) and np.isnan(percentile(empty, 40))
