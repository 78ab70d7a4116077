"""Shared parts of note detection: the tuning, the candidate type, and the shape tests and
fits every kind of evidence uses. Coordinates are **working pixels** (the downscaled copy)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import (
    FloatArray,
    order_clockwise,
    quad_area,
    side_lengths,
)
from vision.paper import Float32

Mask = NDArray[np.uint8]


INK_DARKER = 12.0
"""Lab L units below the paper from which a pixel is marker ink, not a note's faint edge."""


@dataclass(frozen=True)
class DetectParams:
    """Detector tuning, relative to the working copy (not settings; passed explicitly).

    Attributes:
        work_side: long side of the working copy, pixels.
        chroma_dev: Lab chroma distance from the paper that marks coloured note paper.
        min_side_frac: smallest note side, as a share of the working long side.
        max_side_frac: largest note side, as a share of the working long side.
        min_fill: contour area / quad area below which a blob is not one note.
        max_aspect: longest / shortest side of a note.
    """

    work_side: int = 1400
    chroma_dev: float = 11.0
    min_side_frac: float = 0.018
    max_side_frac: float = 0.30
    min_fill: float = 0.86
    max_aspect: float = 2.6


@dataclass(frozen=True)
class Candidate:
    """A note found on the working copy: quad (working px, clockwise from top-left) and the
    evidence that found it (``colour`` or ``edge``) with a 0-1 score."""

    quad: FloatArray
    source: str
    score: float


def aspect(quad: FloatArray) -> float:
    w, h = side_lengths(quad)
    return max(w, h) / max(min(w, h), 1.0)


def lightness_gradient(lab: Float32) -> Float32:
    """Lightness gradient magnitude (slightly smoothed), where note sides are ridges."""
    light = cv2.GaussianBlur(lab[..., 0], (0, 0), 1.0)
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.magnitude(gx, gy), np.float32)


def inside_any(point: tuple[float, float], quads: list[FloatArray]) -> bool:
    if not quads:
        return False
    px, py = point
    stacked = np.asarray(quads, dtype=np.float64)  # N×4×2
    lo, hi = stacked.min(axis=1), stacked.max(axis=1)
    near = np.flatnonzero((lo[:, 0] <= px) & (px <= hi[:, 0]) & (lo[:, 1] <= py) & (py <= hi[:, 1]))
    for i in near:  # the exact test only where the bounding box holds the point
        contour = stacked[i].astype(np.float32).reshape(-1, 1, 2)
        if cv2.pointPolygonTest(contour, (float(px), float(py)), False) >= 0:
            return True
    return False


def boxes_meet(a: FloatArray, b: FloatArray) -> bool:
    """Whether the bounding boxes of two quads intersect (a cheap test before the exact one)."""
    return bool((a.min(axis=0) <= b.max(axis=0)).all() and (b.min(axis=0) <= a.max(axis=0)).all())


def overlap(a: FloatArray, b: FloatArray) -> float:
    """Intersection area over the smaller quad's area."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter / max(1.0, min(quad_area(a), quad_area(b))))


def fill_holes(mask: Mask, max_hole: float | None = None) -> Mask:
    """``mask`` with its holes filled (ink inside a note); with ``max_hole``, only holes up to
    that area, so a wall that surrounds the whole poster does not fill the poster in."""
    if max_hole is None:
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        out = np.zeros_like(mask)
        cv2.drawContours(out, contours, -1, 255, thickness=cv2.FILLED)
        return out
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    out = mask.copy()
    if hierarchy is None:
        return out
    holes = [
        c
        for c, h in zip(contours, hierarchy[0], strict=True)
        if h[3] >= 0 and cv2.contourArea(c) <= max_hole
    ]
    cv2.drawContours(out, holes, -1, 255, thickness=cv2.FILLED)
    return out


def label_regions(mask: Mask) -> tuple[int, NDArray[np.int32], NDArray[np.int32]]:
    """8-connected regions of ``mask``: count (background included), labels, and each
    region's bounding box as ``x, y, w, h`` (row 0, the background, is left zeros).

    Grana's block-based labelling gives the same labels as OpenCV's default here in two
    thirds of the time; OpenCV's statistics pass would then cost twice the labelling again
    (it updates five figures at every pixel), so the boxes come from the regions' outer
    contours instead (the border tracing follows the same 8-connectivity; equal boxes, tested
    against OpenCV's), and an area, where one is needed, from :func:`region_area`. The
    detector labels several full working-size masks per photo.
    """
    n, labels = cv2.connectedComponentsWithAlgorithm(mask, 8, cv2.CV_32S, cv2.CCL_GRANA)
    boxes = np.zeros((n, 4), np.int32)
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is not None:
        for contour, link in zip(contours, hierarchy[0], strict=True):
            if link[3] < 0:  # an outer border: holes are the second level, islands the first
                x, y = contour[0, 0]
                boxes[labels[y, x]] = cv2.boundingRect(contour)
    return int(n), labels, boxes


def region_area(labels: NDArray[np.int32], boxes: NDArray[np.int32], i: int) -> int:
    """Pixels of region ``i`` of :func:`label_regions` (counted inside its box)."""
    x, y, w, h = boxes[i]
    return int(np.count_nonzero(labels[y : y + h, x : x + w] == i))


def components(mask: Mask) -> list[tuple[int, int, Mask]]:
    n, labels, boxes = label_regions(mask)
    out = []
    for i in range(1, n):
        x, y, w, h = boxes[i]
        out.append((x, y, (labels[y : y + h, x : x + w] == i).astype(np.uint8) * 255))
    return out


def single_quad(mask: Mask, params: DetectParams, min_side: float) -> FloatArray | None:
    """The quad of a blob that is one note, or ``None``: note-sized, note-shaped, and covering
    the blob as a quad does (overlap over union, so a disc or a hand is no note)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    quad = fit_quad(contour)
    if not note_sized(quad, params, min_side):
        return None
    blob = np.zeros(mask.shape, np.uint8)
    cv2.drawContours(blob, [contour], -1, 1, thickness=cv2.FILLED)
    shape = np.zeros(mask.shape, np.uint8)
    cv2.fillConvexPoly(shape, np.round(quad).astype(np.int32), 1)
    union = int(np.count_nonzero(blob | shape))
    if not union or np.count_nonzero(blob & shape) < params.min_fill * union:
        return None
    return quad


def note_sized(quad: FloatArray, params: DetectParams, min_side: float) -> bool:
    """Sides between the smallest and the largest note's, and not too long for their width."""
    w, h = side_lengths(quad)
    max_side = params.max_side_frac * min_side / params.min_side_frac
    if min(w, h) < min_side or max(w, h) > max_side:
        return False
    return max(w, h) / max(min(w, h), 1.0) <= params.max_aspect


def fit_quad(contour: NDArray[np.int32]) -> FloatArray:
    """Four corners of a roughly quadrilateral contour: the hull simplified to four points,
    or its minimum-area rectangle when the hull does not simplify cleanly."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.035, 0.05, 0.07):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return order_clockwise(approx.reshape(4, 2).astype(np.float64))
        if len(approx) < 4:
            break
    box = cv2.boxPoints(cv2.minAreaRect(contour))
    return order_clockwise(np.asarray(box, dtype=np.float64))
