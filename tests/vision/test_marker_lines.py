"""Issue 3: LSD finds segments along a marker line's sides, a few pixels off its ink; they are
the line's, not a note's, and two arrows side by side must not box in paper as a white note.
A white note's drop shadow, far fainter than marker ink, keeps its segments."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.geometry import polygon_iou
from vision.pale import pale_edges

from ..photos import found_on_photo

MIN_SIDE = 25.0


def _plane() -> tuple[np.ndarray, np.ndarray]:
    """Paper (L 90) with a marker line (L 55, 4 px wide) at x 100 and a white note's drop
    shadow (L 80, 2 px) at x 250, both 200 px long, blurred as a lens does; and the paper."""
    lab = np.zeros((300, 400, 3), np.float32)
    lab[..., 0] = 90.0
    lab[50:250, 98:102, 0] = 55.0
    lab[50:250, 250:252, 0] = 80.0
    lab[..., 0] = cv2.GaussianBlur(lab[..., 0], (0, 0), 1.2)
    bg = np.zeros_like(lab)
    bg[..., 0] = 90.0
    return lab, bg


def _segments_near(segments: np.ndarray, x: float) -> int:
    xs = (segments[:, 0] + segments[:, 2]) / 2
    vertical = np.abs(segments[:, 1] - segments[:, 3]) > 100
    return int(np.count_nonzero(vertical & (np.abs(xs - x) <= 6)))


def test_segments_along_a_marker_line_are_dropped_and_a_shadows_kept() -> None:
    lab, bg = _plane()
    _, segments = pale_edges(lab, lab - bg, MIN_SIDE)
    assert _segments_near(segments, 100) == 0
    assert _segments_near(segments, 251) >= 1


def test_paper_between_two_arrows_is_no_white_note(tmp_path: Path) -> None:
    """Seeds +5000 of the glare/white-notes poster: two arrows running down side by side
    boxed in a patch of paper taken for a white note, which then hid 決裁 under it."""
    found, truth_doc = found_on_photo("glare_white_pale", 5000, tmp_path)
    truth = [n["quad"] for n in truth_doc["notes"]]
    note = next(n["quad"] for n in truth_doc["notes"] if n["text"] == "決裁")
    assert max(polygon_iou(note, q) for q in found) >= 0.5
    assert all(max(polygon_iou(t, q) for t in truth) >= 0.5 for q in found)  # no false note
