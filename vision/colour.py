"""Naming a note's colour from the palette, under the photo's own light.

The note's paper is compared with the poster paper around it, so a warm bulb or a blue window
shifts both alike and the name does not change. Poster paper (模造紙) is assumed to be a
slightly warm white; the shift that makes the measured paper that colour is applied to the note.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.geometry import FloatArray, local_mask
from vision.paper import Float32
from vision.quantiles import channel_medians, percentile

PAPER_LAB = np.array([94.0, 0.0, 5.0], dtype=np.float32)
"""What 模造紙 looks like under neutral light (a slightly warm white)."""

_REFERENCE_RGB: dict[str, tuple[tuple[int, int, int], ...]] = {
    # Pastel, neon and pale variants of common sticky-note papers (sRGB, neutral light); the
    # last of each is the very pale "pastel" pad, which sits close to white.
    "yellow": ((255, 240, 120), (255, 247, 160), (250, 232, 90), (255, 250, 195)),
    "pink": ((255, 175, 200), (255, 135, 180), (250, 205, 220), (255, 222, 230)),
    "blue": ((150, 205, 240), (115, 190, 238), (190, 225, 245), (210, 234, 250)),
    "green": ((185, 232, 150), (150, 225, 110), (210, 240, 190), (222, 243, 212)),
    "orange": ((255, 185, 110), (255, 160, 80), (252, 205, 155), (253, 226, 200)),
    "purple": ((200, 175, 232), (180, 155, 222), (218, 200, 240), (228, 220, 243)),
    "white": ((250, 250, 247), (244, 246, 244)),
}


def _rgb_to_lab(rgb: tuple[int, int, int]) -> FloatArray:
    px = np.array([[list(rgb)[::-1]]], dtype=np.float32) / 255.0
    return np.asarray(cv2.cvtColor(px, cv2.COLOR_BGR2Lab)[0, 0], dtype=np.float64)


_REFERENCES: list[tuple[str, FloatArray]] = [
    (name, _rgb_to_lab(rgb)) for name, rgbs in _REFERENCE_RGB.items() for rgb in rgbs
]


def note_lab(lab: Float32, bg: Float32, quad: FloatArray) -> FloatArray:
    """The note paper's Lab colour, corrected for the light: ink left out (darkest 40 %),
    then shifted by what it takes to bring the surrounding poster paper to ``PAPER_LAB``."""
    box, inside = local_mask(lab.shape, quad)
    inside = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    lab, bg = lab[box], bg[box]
    if inside.sum() < 4:
        inside = np.ones(lab.shape[:2], bool)
    light = lab[..., 0][inside]
    paper = inside.copy()
    paper[inside] = light >= percentile(light, 40)
    measured = channel_medians(lab, paper).astype(np.float64)
    ref = channel_medians(bg, inside).astype(np.float64)
    # von Kries: the light scales each linear channel; the gains that bring the surrounding
    # poster paper to its known colour bring the note to its own (a dim or tinted light
    # scales chroma too, which a shift in Lab would not undo).
    gains = _linear(PAPER_LAB.astype(np.float64)) / np.maximum(_linear(ref), 1e-4)
    return _lab_of_linear(np.clip(_linear(measured) * gains, 0.0, 1.0))


def _linear(lab_colour: FloatArray) -> FloatArray:
    """Linear-light RGB (0-1) of a Lab colour."""
    px = np.array([[lab_colour]], dtype=np.float32)
    rgb = np.clip(cv2.cvtColor(px, cv2.COLOR_Lab2RGB)[0, 0].astype(np.float64), 0.0, 1.0)
    return np.asarray(np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4))


def _lab_of_linear(linear: FloatArray) -> FloatArray:
    srgb = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
    px = np.array([[srgb]], dtype=np.float32)
    return np.asarray(cv2.cvtColor(px, cv2.COLOR_RGB2Lab)[0, 0], dtype=np.float64)


def name_colour(lab_colour: FloatArray) -> str:
    """The palette name nearest to a light-corrected Lab colour; ``other`` when nothing is
    close (a note paper the palette does not have)."""
    best, best_d = "other", float("inf")
    for name, ref in _REFERENCES:
        d = float(
            np.sqrt(0.3 * (lab_colour[0] - ref[0]) ** 2 + ((lab_colour[1:] - ref[1:]) ** 2).sum())
        )
        if d < best_d:
            best, best_d = name, d
    return best if best_d < 40.0 else "other"


def lab_to_rgb(lab_colour: FloatArray) -> tuple[int, int, int]:
    """sRGB (0-255) of a Lab colour."""
    px = np.array([[lab_colour]], dtype=np.float32)
    bgr = np.clip(cv2.cvtColor(px, cv2.COLOR_Lab2BGR)[0, 0] * 255.0, 0, 255)
    return int(round(bgr[2])), int(round(bgr[1])), int(round(bgr[0]))
