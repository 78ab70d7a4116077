"""Shapes the tests draw: rotated rectangles and the blob masks they make."""

from __future__ import annotations

import cv2
import numpy as np


def rect(cx: float, cy: float, w: float, h: float, angle_deg: float = 0.0) -> np.ndarray:
    """Corners (clockwise from top-left before turning) of a ``w``×``h`` rectangle centred on
    (``cx``, ``cy``), turned by ``angle_deg``."""
    a = np.radians(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float64) / 2
    return np.asarray(corners @ rot.T + [cx, cy], np.float64)


def blob(shape: tuple[int, int], *quads: np.ndarray) -> np.ndarray:
    """A uint8 mask of ``shape``, 255 inside any of ``quads``."""
    mask = np.zeros(shape, np.uint8)
    for q in quads:
        cv2.fillConvexPoly(mask, np.round(q).astype(np.int32), 255)
    return mask
