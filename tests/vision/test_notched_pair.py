"""Issue 3: two notes of one colour side by side, stuck a little askew, make one blob that
passes for one long note; where their sides meet its outline dips in on both long sides, and
the blob is cut there."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.coloured import _notched_pair
from vision.geometry import polygon_iou
from vision.shapes import DetectParams, single_quad

from ..drawn import blob, rect
from ..photos import found_on_photo

PARAMS = DetectParams()
MIN_SIDE = PARAMS.min_side_frac * 1400


def _blob(*quads: np.ndarray) -> np.ndarray:
    return blob((240, 360), *quads)


def _pair_of(mask: np.ndarray) -> list[np.ndarray]:
    quad = single_quad(mask, PARAMS, MIN_SIDE)
    assert quad is not None  # the pair passes for one long note: the case being tested
    return _notched_pair(mask, quad, PARAMS, MIN_SIDE)


def test_two_notes_stuck_askew_side_by_side_are_cut_apart() -> None:
    askew = ((-3.0, 3.0, 0), (0.0, 4.0, 0), (2.0, -2.0, 6), (0.0, 0.0, 8))
    for left_angle, right_angle, dy in askew:
        a = rect(140, 120, 80, 80, left_angle)
        b = rect(219, 120 + dy, 80, 80, right_angle)
        quads = _pair_of(_blob(a, b))
        assert len(quads) == 2, (left_angle, right_angle, dy)
        for truth in (a, b):
            assert max(polygon_iou(truth, q) for q in quads) >= 0.9, (left_angle, right_angle)


def test_one_long_note_is_not_cut() -> None:
    long_note = rect(180, 120, 170, 85, 4.0)
    # a bite out of one side only (a curled corner, a magnet's shadow) is no seam
    bitten = _blob(long_note)
    cv2.circle(bitten, (180, 78), 9, 0, -1)
    # two notes in a row stuck exactly square show no dip: left to the seam search
    square_pair = _blob(rect(140, 120, 80, 80, 0.0), rect(220, 120, 80, 80, 0.0))
    for mask in (_blob(long_note), bitten, square_pair):
        assert _pair_of(mask) == []


def test_purple_and_orange_pairs_on_a_kpt_poster_are_found(tmp_path: Path) -> None:
    """Seeds +7000 of the KPT overlap poster: two purple and two orange notes, each pair stuck
    side by side a little askew, came out as one long note each (their seams too faint to
    cut)."""
    found, truth_doc = found_on_photo("overlap_kpt", 7000, tmp_path)
    notes = {n["text"]: n["quad"] for n in truth_doc["notes"]}
    pairs = ("番号札で混乱なし", "説明が分かりやすい",
             "記入例がわかりにくい", "書類の差し戻しが多い")
    for text in pairs:
        assert max(polygon_iou(notes[text], q) for q in found) >= 0.5, text
