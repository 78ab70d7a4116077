"""Region labelling: the boxes from outer contours equal OpenCV's own statistics."""

from __future__ import annotations

import cv2
import numpy as np

from vision.shapes import components, label_regions, region_area


def _masks() -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    masks = []
    for density in (0.3, 0.5, 0.7):  # speckle: many regions, touching the border, with holes
        noisy = (rng.random((90, 130)) < density).astype(np.uint8) * 255
        masks.append(noisy)
    rings = np.zeros((120, 160), np.uint8)  # an island inside a hole inside a region
    cv2.rectangle(rings, (10, 10), (150, 110), 255, -1)
    cv2.rectangle(rings, (30, 30), (130, 90), 0, -1)
    cv2.rectangle(rings, (60, 50), (100, 70), 255, -1)
    cv2.line(rings, (0, 119), (159, 119), 255, 1)  # a one-pixel line along the border
    cv2.circle(rings, (5, 5), 0, 255, -1)  # a single pixel in the corner
    masks.append(rings)
    masks.append(np.zeros((40, 50), np.uint8))
    masks.append(np.full((40, 50), 255, np.uint8))
    return masks


def test_labels_and_boxes_equal_opencvs() -> None:
    for mask in _masks():
        n, labels, boxes = label_regions(mask)
        n_cv, labels_cv, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        assert n == n_cv
        assert np.array_equal(labels, labels_cv)
        assert np.array_equal(boxes[1:], stats[1:, :4])
        for i in range(1, n):
            assert region_area(labels, boxes, i) == stats[i, cv2.CC_STAT_AREA]


def test_components_are_the_regions_cut_to_their_boxes() -> None:
    mask = _masks()[3]
    parts = components(mask)
    assert len(parts) == 4
    total = sum(int(np.count_nonzero(m)) for _, _, m in parts)
    assert total == int(np.count_nonzero(mask))
