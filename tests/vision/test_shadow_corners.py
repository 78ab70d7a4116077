"""Issue 3: a white note lit from one side shows only the two sides its drop shadow runs along
(an L); where the shadow falls the way the photo's other notes' shadows fall, the L is the
note."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.corners import corner_hypotheses, shadow_corner, shadow_direction
from vision.geometry import polygon_iou
from vision.shapes import DetectParams

from ..drawn import rect
from ..photos import found_on_photo

PARAMS = DetectParams()
MIN_SIDE = 25.0
PAPER = 88.0


def _paper_with_white_notes(*notes: np.ndarray, shadow: tuple[int, int] = (3, 3)) -> np.ndarray:
    """Lab paper with white notes (as light as the paper) casting a soft shadow ``shadow`` px
    to the right and down, and no edge at all along their lit sides."""
    light = np.full((400, 600), PAPER, np.float32)
    for quad in notes:
        cast = np.zeros_like(light)
        cv2.fillConvexPoly(cast, np.round(quad + shadow).astype(np.int32), 1.0)
        light -= 9.0 * cv2.GaussianBlur(cast, (0, 0), 1.2)
        cv2.fillConvexPoly(light, np.round(quad).astype(np.int32), PAPER + 0.5)
    lab = np.zeros((400, 600, 3), np.float32)
    lab[..., 0] = light
    return lab


def test_shadows_falling_one_way_give_the_light_s_direction() -> None:
    notes = [rect(100 + 120 * k, 120, 70, 70, 2.0 * k) for k in range(4)]
    shadow = shadow_direction(_paper_with_white_notes(*notes), notes)
    assert shadow is not None
    assert shadow @ np.array([1.0, 1.0]) / np.sqrt(2) > 0.9  # right and down
    assert shadow_direction(np.full((400, 600, 3), PAPER, np.float32), notes) is None


def test_an_l_of_two_segments_is_a_note_only_with_its_shadow_the_photo_s_way() -> None:
    note = rect(300, 200, 80, 80)
    # its right and bottom sides as LSD gives them (the lit top and left show nothing)
    right = [340.5, 161.0, 340.2, 239.0]
    bottom = [262.0, 240.4, 339.0, 240.6]
    hyps = corner_hypotheses(np.array([right, bottom]), PARAMS, MIN_SIDE, np.array([0.7, 0.7]))
    assert len(hyps) == 1 and polygon_iou(hyps[0], note) >= 0.9
    lab = _paper_with_white_notes(note)
    theirs = np.zeros(lab.shape[:2], np.uint8)
    assert shadow_corner(lab, theirs, hyps[0], np.array([0.7, 0.7]), [])
    # paper boxed in by two neighbours has their shadows on the sides facing them: the other
    # way round, so no hypothesis faces the light
    assert len(corner_hypotheses(np.array([right, bottom]), PARAMS, MIN_SIDE,
                                 np.array([-0.7, -0.7]))) == 0
    # an L with no shadow along it (lines on plain paper) is no note
    plain = np.full(lab.shape, PAPER, np.float32)
    assert not shadow_corner(plain, theirs, hyps[0], np.array([0.7, 0.7]), [])


def test_white_notes_lit_from_one_side_in_a_warm_dim_photo_are_found(tmp_path: Path) -> None:
    """Seeds +4000 of the warm, dim photo (a light gradient across it): 帳票を出力 and
    必要書類を案内 show only their right and bottom sides, with the shadow."""
    found, truth_doc = found_on_photo("warm_tungsten_dim", 4000, tmp_path)
    notes = {n["text"]: n["quad"] for n in truth_doc["notes"]}
    for text in ("帳票を出力", "必要書類を案内"):
        assert max(polygon_iou(notes[text], q) for q in found) >= 0.5, text
