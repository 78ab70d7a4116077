"""Number-only geometry helpers shared by the vision stages.

Frames: a ``Quad`` is four (x, y) points in whatever pixel frame the caller says (usually photo
pixels), clockwise from top-left. Images are H×W×3 BGR uint8, origin top-left.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.types import Image, Quad

FloatArray = NDArray[np.float64]


def as_array(quad: Quad | FloatArray) -> FloatArray:
    """A quad as a 4×2 float64 array."""
    return np.asarray(quad, dtype=np.float64).reshape(4, 2)


def to_quad(points: FloatArray) -> Quad:
    """A 4×2 array as a ``Quad`` of Python floats."""
    p = [(float(x), float(y)) for x, y in np.asarray(points, dtype=np.float64).reshape(4, 2)]
    return (p[0], p[1], p[2], p[3])


def order_clockwise(points: FloatArray) -> FloatArray:
    """Sort four corners clockwise (in image coordinates, y down) starting at the top-left.

    The top-left corner is the one with the smallest x + y; robust to rotations below 45°.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen because y points down
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def side_lengths(quad: Quad | FloatArray) -> tuple[float, float]:
    """Mean width (top and bottom edges) and mean height (left and right edges)."""
    q = as_array(quad)
    w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    return float(w), float(h)


def quad_area(quad: Quad | FloatArray) -> float:
    """Area by the shoelace formula (absolute value)."""
    q = as_array(quad)
    x, y = q[:, 0], q[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def quad_rotation_deg(quad: Quad | FloatArray) -> float:
    """Rotation of the quad's top edge, degrees clockwise (y down), in (-45, 45]."""
    q = as_array(quad)
    dx, dy = q[1] - q[0]
    angle = math.degrees(math.atan2(dy, dx))
    return float((angle + 45.0) % 90.0 - 45.0)


def warp_quad(image: Image, quad: Quad | FloatArray, size: tuple[int, int]) -> Image:
    """Rectify the region inside ``quad`` to an upright ``size`` = (width, height) image."""
    w, h = size
    src = as_array(quad).astype(np.float32)
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(
        image, m, (w, h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(out, dtype=np.uint8)


def crop_size(
    quad: Quad | FloatArray, *, max_side: int = 600, min_side: int = 24
) -> tuple[int, int]:
    """Pixel size for a note's rectified crop: its own size in the photo, capped at
    ``max_side`` (crops are kept for the editor and OCR, not as archives)."""
    w, h = side_lengths(quad)
    scale = min(1.0, max_side / max(w, h, 1.0))
    return max(min_side, round(w * scale)), max(min_side, round(h * scale))


def apply_homography(m: FloatArray, points: FloatArray) -> FloatArray:
    """Map N×2 points through a 3×3 homography."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
    out = cv2.perspectiveTransform(pts, np.asarray(m, dtype=np.float64))
    return np.asarray(out, dtype=np.float64).reshape(-1, 2)


def polygon_iou(a: Quad | FloatArray, b: Quad | FloatArray) -> float:
    """Intersection over union of two convex quads."""
    qa, qb = as_array(a), as_array(b)
    inter, _ = cv2.intersectConvexConvex(qa.astype(np.float32), qb.astype(np.float32))
    union = quad_area(qa) + quad_area(qb) - inter
    return float(inter / union) if union > 0 else 0.0


def local_mask(
    shape: tuple[int, ...], quad: FloatArray, pad: int = 0
) -> tuple[tuple[slice, slice], NDArray[np.bool_]]:
    """The bounding box of ``quad`` (grown by ``pad``, clipped to ``shape``) as slices, and the
    quad's filled mask inside that box: per-note work without full-image masks."""
    h, w = shape[:2]
    x0 = max(0, int(np.floor(quad[:, 0].min())) - pad)
    y0 = max(0, int(np.floor(quad[:, 1].min())) - pad)
    x1 = min(w, int(np.ceil(quad[:, 0].max())) + pad + 1)
    y1 = min(h, int(np.ceil(quad[:, 1].max())) + pad + 1)
    mask = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad - [x0, y0]).astype(np.int32), 255)
    return (slice(y0, y1), slice(x0, x1)), mask > 0


def snap_sides(quad: FloatArray, grad: NDArray[np.float32], reach: int = 3) -> FloatArray:
    """Move each side of ``quad`` along its normal (up to ``reach`` px) onto the strongest
    lightness edge, then take the corners where the moved sides meet.

    A room found by growing free space back stops a pixel or two short of the note's true
    border, and its fitted corners follow the rounded room; the sides themselves are what the
    photo shows best.
    """
    h, w = grad.shape
    centre = quad.mean(axis=0)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(*d))
        if length < 4:
            return quad
        normal = np.array([d[1], -d[0]]) / length
        if np.dot(normal, (a + b) / 2 - centre) < 0:
            normal = -normal  # outwards
        t = np.linspace(0.15, 0.85, max(6, int(length / 3)))[:, None]
        offsets = np.arange(-reach, reach + 1, dtype=np.float64)
        pts = np.round((a + d * t)[None] + offsets[:, None, None] * normal).astype(int)
        xs, ys = np.clip(pts[..., 0], 0, w - 1), np.clip(pts[..., 1], 0, h - 1)
        best_off = float(offsets[int(np.argmax(grad[ys, xs].mean(axis=1)))])
        lines.append((a + normal * best_off, d))
    corners = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        m = np.array([d1, -d2]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return quad
        s = np.linalg.solve(m, p2 - p1)
        corners.append(p1 + d1 * s[0])
    out = np.array(corners, dtype=np.float64)
    if polygon_iou(out, quad) < 0.8:
        return quad
    return out
