"""Cutting a colour blob of two touching notes at the seam between them, and not cutting one
note along the gap between its lines of writing (``vision.coloured.split_at_seams``).

The images are drawn here: flat Lab lightness with a faint seam and marker-dark strokes, so
the test controls exactly which evidence is present."""

from __future__ import annotations

import cv2
import numpy as np

from vision.coloured import split_at_seams
from vision.geometry import quad_area
from vision.shapes import lightness_gradient

MIN_SIDE = 25.0


def _lab(light: np.ndarray) -> np.ndarray:
    lab = np.zeros((*light.shape, 3), np.float32)
    lab[..., 0] = light
    return lab


def _noisy(shape: tuple[int, int], level: float, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (level + rng.normal(0, 0.4, shape)).astype(np.float32)


def _strokes(light: np.ndarray, rows: list[int], x0: int, x1: int, height: int = 6) -> None:
    """Lines of 'writing': short dark strokes along each row."""
    for y in rows:
        for x in range(x0, x1, 9):
            light[y : y + height, x : x + 5] = 30.0


def test_two_touching_notes_are_cut_at_a_slanted_seam() -> None:
    light = _noisy((140, 240), 70.0)
    # the seam leans 4° from vertical: the right note was stuck on slightly turned
    for y in range(20, 120):
        x = int(round(120 + np.tan(np.radians(4.0)) * (y - 70)))
        light[y, x] = 64.0
    _strokes(light, [45, 75], 30, 100)
    _strokes(light, [45, 75], 140, 210)
    quad = np.array([[20, 20], [220, 20], [220, 120], [20, 120]], np.float64)
    pieces = split_at_seams(quad, lightness_gradient(_lab(light)), light, MIN_SIDE)
    assert len(pieces) == 2
    areas = sorted(quad_area(p) for p in pieces)
    assert areas[0] > 0.4 * quad_area(quad)  # cut near the middle, not at the edge
    centres = sorted(float(p[:, 0].mean()) for p in pieces)
    assert centres[0] < 120 < centres[1]


def test_one_note_is_not_cut_between_its_lines_of_writing() -> None:
    light = _noisy((180, 110), 70.0)
    # a 75×127 mm note as the working copy shows it (about 70×140 px) with three lines of
    # writing across its middle, 5 px apart: the soft fringe of the strokes lines up along
    # the gaps between the lines
    _strokes(light, [56, 70, 84, 98], 26, 86, height=9)
    light = cv2.GaussianBlur(light, (0, 0), 1.0)
    quad = np.array([[20, 20], [90, 20], [90, 160], [20, 160]], np.float64)
    assert len(split_at_seams(quad, lightness_gradient(_lab(light)), light, MIN_SIDE)) == 1


def test_a_seam_is_found_where_writing_comes_close_to_it() -> None:
    light = _noisy((200, 110), 70.0)
    # the lower note overlaps the upper one: its top edge is a line across the blob, and the
    # upper note's last line of writing ends just above it over a third of the width
    light[99:101, 20:90] = 64.0
    _strokes(light, [60], 26, 86, height=9)
    _strokes(light, [91], 24, 44, height=8)
    light = cv2.GaussianBlur(light, (0, 0), 0.8)
    quad = np.array([[20, 20], [90, 20], [90, 180], [20, 180]], np.float64)
    pieces = split_at_seams(quad, lightness_gradient(_lab(light)), light, MIN_SIDE)
    assert len(pieces) == 2
    upper = min(pieces, key=lambda p: float(p[:, 1].mean()))
    assert abs(float(upper[:, 1].max()) - 100) <= 4  # along the overlapping note's edge
