"""Text kernels of the PP-OCRv5 detector that need more than a rectangle (issue 4).

Two 縦書き columns (or lines) set close together come out of the detector as one kernel, or
as two kernels whose grown boxes overlap; either way the recogniser then reads one column
with the other's strokes in it. :func:`split_merged` cuts a merged kernel in two and
:func:`room` says how far a kernel may grow before it reaches its neighbour; both are used by
:func:`vision.ppocr_steps.db_boxes`. Measured on the tuning seeds 4, 7, 9 with 60 crops per
class: CER print 縦書き 0.0186 → 0.0147 (split) → 0.0108 (room), the other classes unchanged
(pooled 0.0348 → 0.0336).

Frames: contours are OpenCV contours (N×1×2 int32) in detector-map pixels; kernels are 4×2
float32 corner arrays in the same pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Box = NDArray[np.float32]


def room(rect: tuple[Any, ...], others: Sequence[Box], column: float = 1.25
         ) -> tuple[float, float]:
    """The gaps from the kernel ``rect`` (``cv2.minAreaRect``) to the nearest of ``others``
    beside it across its width and across its height (``inf`` when there is none); only
    lines side by side count: both longer than wide the same way (at least ``column``,
    :data:`vision.ppocr_steps.COLUMN`).

    Grown by the full margin, a kernel whose neighbour is closer than twice the margin
    (縦書き columns a few pixels apart, the second column short: 照合, 依頼, 確認) reaches into
    it: the neighbour's strokes join its characters and it reads as one character or none.
    """
    (cx, cy), (bw, bh), angle = rect
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    gap_u = gap_v = math.inf
    for pts in others:
        d = pts - np.array([cx, cy], np.float32)
        u = d[:, 0] * c + d[:, 1] * s  # along the rectangle's width
        v = d[:, 1] * c - d[:, 0] * s  # along its height
        du, dv = float(u.max() - u.min()), float(v.max() - v.min())
        if bh >= column * bw and dv >= column * du and v.min() < bh / 2 and v.max() > -bh / 2:
            gap = max(float(u.min()) - bw / 2, -bw / 2 - float(u.max()))
            gap_u = min(gap_u, gap) if gap >= 0 else gap_u
        elif (bw >= column * bh and du >= column * dv and u.min() < bw / 2
              and u.max() > -bw / 2):
            gap = max(float(v.min()) - bh / 2, -bh / 2 - float(v.max()))
            gap_v = min(gap_v, gap) if gap >= 0 else gap_v
    return gap_u, gap_v


def _valley(profile: NDArray[np.float64]) -> tuple[int, float]:
    """The lowest point of ``profile`` in its middle 60 % and its depth: its value over the
    lower of the highest values on either side (1: no valley)."""
    n = len(profile)
    lo, hi = max(1, round(0.2 * n)), min(n - 1, round(0.8 * n))
    if hi <= lo:
        return 0, 1.0
    v = lo + int(np.argmin(profile[lo:hi]))
    side = min(float(profile[:v].max()), float(profile[v + 1:].max()))
    return v, float(profile[v]) / max(side, 1e-6)


def split_merged(contour: NDArray[Any], below: float, depth: float = 0.5,
                 levels: int = 2) -> list[NDArray[Any]]:
    """A text kernel that fills less than ``below`` of its minimum-area rectangle, cut in two
    at the deepest valley of its row or column profile (under ``depth`` of the lower side).

    Two 縦書き columns (or two lines) close together come out of the detector as one kernel
    joined at one end, an L or a U: a single box over both reads one column sideways
    (窓口で/案内 → で). A line's kernel is about rectangular (print ≥ 0.75 filled, measured),
    a merged pair about half. Returns ``[contour]`` when there is nothing to cut.
    """
    (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
    if levels <= 0 or cv2.contourArea(contour) >= below * rw * rh:
        return [contour]
    x, y, w, h = cv2.boundingRect(contour)
    mask = np.zeros((h, w), np.uint8)
    cv2.drawContours(mask, [contour - [x, y]], -1, 1, -1)
    cuts = [(_valley(mask.sum(axis=a).astype(np.float64)), a) for a in (0, 1)]
    (v, deep), axis = min(cuts, key=lambda c: c[0][1])
    if deep >= depth:
        return [contour]
    if axis == 0:
        mask[:, v] = 0
    else:
        mask[v, :] = 0
    parts, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if len(parts) < 2:
        return [contour]
    return [q for part in parts
            for q in split_merged(part + [x, y], below, depth, levels - 1)]
