"""Single pieces of detection evidence on images drawn here, so each test controls exactly what
the photo shows: glare that bites a coloured note, and a stray "note" off the poster that must
not pull the poster's outline out to itself."""

from __future__ import annotations

import cv2
import numpy as np

from vision import paper
from vision.coloured import colour_candidates
from vision.geometry import polygon_iou
from vision.shapes import DetectParams


def _paper_lab(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    lab = np.zeros((h, w, 3), np.float32)
    lab[..., 0] = 88.0 + rng.normal(0, 0.3, (h, w))
    lab[..., 2] = 6.0  # 模造紙 is slightly cream
    return lab, lab.copy()


def test_a_note_with_glare_across_its_corner_is_one_note() -> None:
    lab, bg = _paper_lab(400, 600)
    note = np.array([[200, 120], [320, 120], [320, 240], [200, 240]], np.float64)
    mask = np.zeros((400, 600), np.uint8)
    cv2.fillConvexPoly(mask, note.astype(np.int32), 1)
    lab[mask > 0, 1:] = (40.0, 20.0)  # pink
    # a reflection washes the colour out of the lower right corner and lights it whiter
    glare = np.zeros_like(mask)
    cv2.circle(glare, (300, 225), 60, 1, -1)
    glare &= mask
    lab[glare > 0] = (97.0, 2.0, 3.0)
    found = colour_candidates(lab, bg, np.full((400, 600), 255, np.uint8), DetectParams(), 11.0)
    assert len(found) == 1
    assert polygon_iou(found[0].quad, note) > 0.9


def test_a_stray_patch_off_the_poster_does_not_move_the_poster_outline() -> None:
    h, w = 700, 1000
    image = np.full((h, w, 3), (40, 70, 110), np.uint8)  # a wooden table
    poster = np.array([[150, 100], [850, 100], [850, 560], [150, 560]], np.float64)
    cv2.fillConvexPoly(image, poster.astype(np.int32), (225, 232, 235))
    notes = []
    for row in range(3):
        for col in range(4):
            x, y = 220 + col * 130, 150 + row * 110
            q = np.array([[x, y], [x + 80, y], [x + 80, y + 80], [x, y + 80]], np.float64)
            cv2.fillConvexPoly(image, q.astype(np.int32), (120, 200, 250))
            notes.append(q)
    stray = np.array([[900, 610], [960, 610], [960, 670], [900, 670]], np.float64)
    found = paper.find_poster(image, [*notes, stray], paper.PaperParams())
    assert found is not None
    assert polygon_iou(found, poster) > 0.95


def test_a_bold_written_character_on_warm_paper_is_no_note() -> None:
    lab, bg = _paper_lab(400, 600)
    lab[..., 2] = bg[..., 2] = 29.0  # warm light: the paper is yellowish, marker ink is not
    ink = np.array([[100, 100], [190, 100], [190, 190], [100, 190]], np.float64)
    pink = np.array([[350, 100], [450, 100], [450, 200], [350, 200]], np.float64)
    for quad, colour in ((ink, (16.0, 3.0, 5.0)), (pink, (55.0, 55.0, 10.0))):
        mask = np.zeros((400, 600), np.uint8)
        cv2.fillConvexPoly(mask, quad.astype(np.int32), 1)
        lab[mask > 0] = colour  # a solid block of marker; a neon pink note under dim light
    found = colour_candidates(lab, bg, np.full((400, 600), 255, np.uint8), DetectParams(), 11.0)
    assert [polygon_iou(c.quad, pink) > 0.9 for c in found] == [True]
