"""Issue 3: two notes of one colour, one stuck over a corner of the other, make one blob with
an eight-cornered outline; each note's three visible corners give it back whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vision.coloured import _corner_overlap
from vision.geometry import polygon_iou
from vision.shapes import DetectParams

from ..drawn import blob, rect
from ..photos import found_on_photo

PARAMS = DetectParams()
MIN_SIDE = PARAMS.min_side_frac * 1400


def _square(cx: float, cy: float, side: float, angle_deg: float) -> np.ndarray:
    return rect(cx, cy, side, side, angle_deg)


def _blob(*quads: np.ndarray) -> np.ndarray:
    return blob((300, 300), *quads)


def test_two_squares_crossing_at_a_corner_come_back_whole() -> None:
    for angles, shift in (((0.0, 0.0), (40, 45)), ((4.0, -3.0), (45, 38)), ((8.0, 8.0), (-42, 40))):
        a = _square(120, 120, 80, angles[0])
        b = _square(120 + shift[0], 120 + shift[1], 80, angles[1])
        quads = _corner_overlap(_blob(a, b), PARAMS, MIN_SIDE)
        assert len(quads) == 2, (angles, shift)
        for truth in (a, b):
            assert max(polygon_iou(truth, q) for q in quads) >= 0.9, (angles, shift)


def test_shapes_that_are_no_corner_overlap_are_left_alone() -> None:
    single = _square(150, 150, 80, 5.0)
    stacked = np.array([[100, 60], [180, 60], [180, 230], [100, 230]], np.float64)
    t_shape = (np.array([[60, 60], [240, 60], [240, 120], [60, 120]], np.float64),
               np.array([[120, 120], [180, 120], [180, 240], [120, 240]], np.float64))
    small_on_big = (_square(120, 120, 110, 0.0), _square(185, 185, 45, 0.0))
    for quads in ((single,), (stacked,), t_shape, small_on_big):
        assert _corner_overlap(_blob(*quads), PARAMS, MIN_SIDE) == [], quads


def test_pink_notes_overlapping_at_a_corner_are_found(tmp_path: Path) -> None:
    """Seeds +5000 of the touching/overlap poster: 待合で待つ is stuck over a corner of
    再発行を依頼, both pink; their blob had no seam to cut and both were lost."""
    found, truth_doc = found_on_photo("touching_overlap", 5000, tmp_path)
    notes = {n["text"]: n["quad"] for n in truth_doc["notes"]}
    for text in ("再発行を依頼", "待合で待つ"):
        assert max(polygon_iou(notes[text], q) for q in found) >= 0.5, text
