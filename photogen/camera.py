"""Where the poster lands in the photo: a pinhole camera looking at the poster plane.

``poster_to_photo`` is a 3×3 homography from **poster mm** (flat sheet, origin top-left) to
**photo pixels** of the upright photo (continuous coordinates: the image spans
``[0, W] × [0, H]``, pixel ``(i, j)`` has its centre at ``(j + 0.5, i + 0.5)``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

Mat = NDArray[np.float64]
HFOV_DEG = 66.0
"""Horizontal field of view of a phone's main camera (landscape)."""


def _rotation(yaw: float, pitch: float, roll: float) -> Mat:
    cy, sy = math.cos(yaw), math.sin(yaw)
    cp, sp = math.cos(pitch), math.sin(pitch)
    cr, sr = math.cos(roll), math.sin(roll)
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return np.asarray(rz @ ry @ rx, np.float64)


def apply(h: Mat, points: Sequence[tuple[float, float]]) -> Mat:
    """Map (x, y) points through homography ``h``; returns N×2."""
    pts = np.asarray(points, np.float64).reshape(-1, 1, 2)
    return np.asarray(cv2.perspectiveTransform(pts, h), np.float64).reshape(-1, 2)


def _projected_corners(spec: SceneSpec, rng: np.random.Generator) -> Mat:
    """Poster corners seen by a camera at tilt ``spec.tilt_deg`` (pixels, not yet placed)."""
    w, h = spec.poster_mm
    width = max(spec.size)
    f = (width / 2) / math.tan(math.radians(HFOV_DEG / 2))
    direction = rng.uniform(0, 2 * math.pi)
    tilt = math.radians(spec.tilt_deg * rng.uniform(0.75, 1.0))
    yaw, pitch = tilt * math.cos(direction), tilt * math.sin(direction)
    roll = math.radians(rng.uniform(-1, 1) * spec.roll_deg)
    r = _rotation(yaw, pitch, roll)
    distance = f * max(w, h) / (0.9 * width)
    corners = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0],
                        [-w / 2, h / 2, 0]])
    cam = corners @ r.T + np.array([0.0, 0.0, distance])
    return np.asarray(f * cam[:, :2] / cam[:, 2:3], np.float64)


def poster_to_photo(spec: SceneSpec, rng: np.random.Generator) -> Mat:
    """Homography from poster mm to photo pixels for ``spec`` (tilt, roll, fill, cut-off)."""
    w, h = spec.poster_mm
    img_w, img_h = spec.size
    pts = _projected_corners(spec, rng)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    k = spec.fill / max((hi[0] - lo[0]) / img_w, (hi[1] - lo[1]) / img_h)
    pts = (pts - lo) * k
    span = pts.max(axis=0)
    slack = np.array([img_w, img_h]) - span
    if spec.poster_cut_off:
        # let the sheet run over one or two edges, never evenly centred
        push = rng.uniform(0.04, 0.09, 2) * np.array([img_w, img_h]) * rng.choice([-1, 1], 2)
        offset = slack / 2 + push
    else:
        offset = slack / 2 + rng.uniform(-0.35, 0.35, 2) * np.maximum(slack, 0)
    dst = (pts + offset).astype(np.float32)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    return np.asarray(cv2.getPerspectiveTransform(src, dst), np.float64)


def local_scale(h: Mat, x: float, y: float) -> float:
    """Photo px per poster mm around poster point (x, y) mm (square root of the area ratio)."""
    p = apply(h, [(x, y), (x + 1, y), (x, y + 1)])
    a, b = p[1] - p[0], p[2] - p[0]
    return math.sqrt(abs(float(a[0] * b[1] - a[1] * b[0])))


def max_scale(h: Mat, size_mm: tuple[float, float]) -> float:
    """Largest photo px per poster mm anywhere on the sheet (at its nearest corner)."""
    w, hh = size_mm
    pts = ((0, 0), (w, 0), (w, hh), (0, hh), (w / 2, hh / 2))
    return max(local_scale(h, x, y) for x, y in pts)


def canvas_to_photo(h: Mat, scale: float, pad_mm: float) -> Mat:
    """Homography in **cv2 pixel-centre coordinates** from the flat canvas to the photo."""
    shift_in = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    to_mm = np.array([[1 / scale, 0, -pad_mm], [0, 1 / scale, -pad_mm], [0, 0, 1]])
    shift_out = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    return np.asarray(shift_out @ h @ to_mm @ shift_in, np.float64)
