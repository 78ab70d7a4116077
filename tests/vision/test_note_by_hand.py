"""Issue 3: a hand is no note (its palm is note-shaped, but most of its colour region lies
outside that square), yet a note the hand touches is one: only the part of the region in the
note's own colour counts."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from vision.coloured import colour_candidates
from vision.geometry import polygon_iou
from vision.shapes import DetectParams

from ..photos import found_on_photo

PAPER = (80.0, -1.5, 8.0)
SKIN = (45.0, 10.5, 20.0)
ORANGE = (70.0, 13.0, 39.0)
NOTE = np.array([[300, 100], [360, 100], [360, 160], [300, 160]], np.float64)


def _scene(note_colour: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Lab and its paper estimate: an arm from the left edge ending in a palm, and a square
    of ``note_colour`` whose bottom edge the palm touches."""
    lab = np.empty((300, 500, 3), np.float32)
    lab[:] = PAPER
    arm = np.zeros((300, 500), np.uint8)
    cv2.line(arm, (0, 290), (290, 215), 1, 56)  # the forearm, slanting up from the frame
    cv2.circle(arm, (330, 206), 46, 1, -1)  # the palm, up against the note's bottom edge
    for dx in (-30, -10, 10, 30):  # fingers
        cv2.line(arm, (330 + dx, 230), (340 + int(1.4 * dx), 290), 1, 13)
    lab[arm > 0] = SKIN
    cv2.fillConvexPoly(lab, np.round(NOTE).astype(np.int32), note_colour)
    bg = np.empty_like(lab)
    bg[:] = PAPER
    return lab, bg


def _found(lab: np.ndarray, bg: np.ndarray) -> list[np.ndarray]:
    roi = np.full(lab.shape[:2], 255, np.uint8)
    return [c.quad for c in colour_candidates(lab, bg, roi, DetectParams(), 18.0)]


def test_a_note_touching_a_hand_is_found_and_the_hand_is_not() -> None:
    found = _found(*_scene(ORANGE))
    assert any(polygon_iou(NOTE, q) >= 0.8 for q in found)
    assert all(polygon_iou(NOTE, q) >= 0.5 for q in found)  # no palm, no arm


def test_a_hand_alone_is_no_note() -> None:
    lab, bg = _scene(ORANGE)
    lab[95:160, 295:365] = PAPER  # take the note away: the hand alone
    assert _found(lab, bg) == []


def test_an_orange_note_under_a_hand_is_found(tmp_path: Path) -> None:
    """Seeds +5000 of the portrait photo with a hand over the poster: 審査結果を入力 touches
    the back of the hand, and the two made one colour region the note covered too little of."""
    found, truth_doc = found_on_photo("portrait_exif8_hand", 5000, tmp_path)
    truth = next(n["quad"] for n in truth_doc["notes"] if n["text"] == "審査結果を入力")
    assert max(polygon_iou(truth, q) for q in found) >= 0.5


def test_two_notes_of_one_colour_joined_by_a_sliver_are_both_found() -> None:
    """Their colour region is both notes; the opening parts them again, and each alone covers
    half of it: together they account for it (a palm's region is its arm too)."""
    lab = np.empty((300, 500, 3), np.float32)
    lab[:] = PAPER
    below = NOTE + [4, 64]  # stuck under it, a little to the right
    for q in (NOTE, below):
        cv2.fillConvexPoly(lab, np.round(q).astype(np.int32), ORANGE)
    lab[158:166, 356:359] = ORANGE  # where their corners touch
    bg = np.empty_like(lab)
    bg[:] = PAPER
    found = _found(lab, bg)
    for truth in (NOTE, below):
        assert any(polygon_iou(truth, q) >= 0.8 for q in found)


def test_pink_notes_touching_at_a_corner_are_found(tmp_path: Path) -> None:
    """Seeds +4000 of the KPT overlap poster: 番号札で混乱なし and 引継ぎが丁寧 (pink, one
    under the other) touch; each was half of their colour region and both were lost."""
    found, truth_doc = found_on_photo("overlap_kpt", 4000, tmp_path)
    notes = {n["text"]: n["quad"] for n in truth_doc["notes"]}
    for text in ("番号札で混乱なし", "引継ぎが丁寧"):
        assert max(polygon_iou(notes[text], q) for q in found) >= 0.5, text
