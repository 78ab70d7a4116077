"""The poster paper (模造紙): its lighting-aware colour everywhere, and its outline.

Works on the downscaled *working copy* of the upright photo (H×W×3 BGR uint8, working pixels).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import FloatArray, order_clockwise, quad_area
from vision.types import Image

log = logging.getLogger(__name__)

Float32 = NDArray[np.float32]


@dataclass(frozen=True)
class PaperParams:
    """Tuning of the paper model (not settings: passed explicitly, with defaults).

    Attributes:
        blur_frac: sigma of the background estimate, as a share of the image's long side;
            larger than a note so notes do not leak into the paper estimate.
        paper_dev: Lab distance below which a pixel counts as paper on the second pass.
        poster_min_area: smallest poster, as a share of the image area.
    """

    blur_frac: float = 0.035
    paper_dev: float = 9.0
    poster_min_area: float = 0.18


def to_lab(image: Image) -> Float32:
    """CIE Lab (L 0-100, a/b about -100..100) of a BGR uint8 image, float32."""
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab)
    return np.asarray(lab, dtype=np.float32)


def _masked_blur(values: Float32, mask: Float32, sigma: float) -> Float32:
    """Gaussian mean of ``values`` over pixels where ``mask`` is 1 (normalised convolution)."""
    num = cv2.GaussianBlur(values * mask[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(mask, (0, 0), sigma)[..., None]
    return np.asarray(num / np.maximum(den, 1e-3), dtype=np.float32)


def paper_background(lab: Float32, params: PaperParams) -> Float32:
    """Estimate the paper's Lab colour at every pixel, with notes, ink and lines left out.

    Two passes of normalised convolution: the first over everything bright and low in chroma,
    the second over what is close to the first estimate, so uneven light (gradients, shadow
    bands, vignetting) is part of the background and not of the notes.
    """
    h, w = lab.shape[:2]
    sigma = max(4.0, params.blur_frac * max(h, w))
    # Work on a quarter-size copy: the background is smooth, and this is 16× cheaper.
    small = cv2.resize(lab, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    ref = dominant_colour(small)
    dev = np.sqrt(((small - ref) ** 2 * np.array([0.02, 1.0, 1.0], np.float32)).sum(axis=2))
    mask = (dev < 1.5 * params.paper_dev).astype(np.float32)
    bg = _masked_blur(small, mask, sigma / 4)
    for _ in range(2):
        dev = np.sqrt(((small - bg) ** 2 * np.array([0.25, 1.0, 1.0], np.float32)).sum(axis=2))
        mask = (dev < params.paper_dev).astype(np.float32)
        bg = _masked_blur(small, mask, sigma / 4)
    return np.asarray(cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR), dtype=np.float32)


def dominant_colour(lab: Float32) -> Float32:
    """The most common chroma in the middle of the photo (the poster paper), with its median
    lightness: the peak of a 2-D (a, b) histogram, so notes of any colour cannot pull it."""
    h, w = lab.shape[:2]
    centre = lab[h // 5 : 4 * h // 5, w // 5 : 4 * w // 5].reshape(-1, 3)
    # Paper is light and nearly neutral; a poster hung off-centre leaves the middle of the
    # photo to the wall or table, so look at the whole photo's light, neutral pixels then.
    candidates = lab.reshape(-1, 3)
    light = float(np.percentile(candidates[:, 0], 50))
    paperlike = candidates[
        (candidates[:, 0] >= light) & (np.hypot(candidates[:, 1], candidates[:, 2]) < 20.0)
    ]
    centre_like = centre[(centre[:, 0] >= light) & (np.hypot(centre[:, 1], centre[:, 2]) < 20.0)]
    if len(centre_like) >= 0.2 * len(centre):
        centre = centre_like
    elif len(paperlike) >= 0.05 * len(candidates):
        centre = paperlike
    hist, a_edges, b_edges = np.histogram2d(
        centre[:, 1], centre[:, 2], bins=64, range=((-64, 64), (-64, 64))
    )
    hist = cv2.GaussianBlur(hist.astype(np.float32), (5, 5), 1.0)
    ia, ib = np.unravel_index(int(np.argmax(hist)), hist.shape)
    a = (a_edges[ia] + a_edges[ia + 1]) / 2
    b = (b_edges[ib] + b_edges[ib + 1]) / 2
    near = np.hypot(centre[:, 1] - a, centre[:, 2] - b) < 4
    light = float(np.median(centre[near, 0])) if near.any() else float(np.median(centre[:, 0]))
    return np.array([light, a, b], dtype=np.float32)


def find_poster(image: Image, notes: list[FloatArray], params: PaperParams) -> FloatArray | None:
    """The poster's four corners (working pixels, clockwise from top-left), or ``None``.

    Walls and whiteboards are often the same colour as 模造紙, so the outline is found by its
    edge: a watershed grows the area under the notes outwards and the frame border inwards,
    on a copy where thin dark marker lines and writing are closed away, so the two floods meet
    at the poster's edge. The result must be a clear quadrilateral with edge evidence along
    its sides; a poster that runs out of the frame gives ``None`` (the caller uses the photo).
    """
    if len(notes) < 2:
        return None
    h, w = image.shape[:2]
    scale = 600.0 / max(h, w)
    small = cv2.resize(image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    k = max(5, round(0.02 * max(sh, sw)) | 1)
    closed = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    closed = cv2.GaussianBlur(closed, (0, 0), 1.5)
    markers = np.zeros((sh, sw), np.int32)
    markers[:2, :], markers[-2:, :], markers[:, :2], markers[:, -2:] = 1, 1, 1, 1
    pts = np.concatenate([q * scale for q in _clustered(notes)]).astype(np.float32)
    hull = cv2.convexHull(pts).astype(np.int32)
    inner = np.zeros((sh, sw), np.uint8)
    cv2.fillConvexPoly(inner, hull, 1)
    markers[inner > 0] = 2
    cv2.watershed(closed, markers)
    region = (markers == 2).astype(np.uint8)
    contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(biggest) < params.poster_min_area * sh * sw:
        return None
    quad = _hull_quad(biggest)
    if quad is None or _touches_frame(quad, sw, sh, margin=4.0):
        return None
    if not _edge_supported(closed, quad):
        return None
    return np.asarray(quad / scale, dtype=np.float64)


def _clustered(notes: list[FloatArray]) -> list[FloatArray]:
    """The notes without the strays: a "note" far from every other (a patch of the table or
    the wall beyond the poster) would otherwise pull the poster's flood out to itself, and so
    be kept as a note on the poster. A real note left out still lies on the poster the other
    notes' flood fills."""
    if len(notes) < 4:
        return notes
    centres = np.array([q.mean(axis=0) for q in notes])
    dist = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    nearest = dist.min(axis=1)
    kept = [q for q, d in zip(notes, nearest, strict=True) if d <= STRAY_GAP * np.median(nearest)]
    return kept if len(kept) >= 3 else notes


STRAY_GAP = 2.5
"""Times the median nearest-note distance beyond which a note is a stray (see ``_clustered``)."""


def _edge_supported(image: Image, quad: FloatArray) -> bool:
    """Most of the quad's perimeter lies on a real edge (not on a flood that stopped at noise)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    grad = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    grad = cv2.dilate(grad, np.ones((5, 5), np.uint8))
    samples = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        for t in np.linspace(0.05, 0.95, 40):
            x, y = a + (b - a) * t
            xi = int(np.clip(round(x), 0, grey.shape[1] - 1))
            yi = int(np.clip(round(y), 0, grey.shape[0] - 1))
            samples.append(grad[yi, xi])
    strong = np.asarray(samples) > max(8.0, 2.5 * float(np.median(grad)))
    return bool(strong.mean() > 0.45)


def _hull_quad(contour: NDArray[np.int32]) -> FloatArray | None:
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quad = order_clockwise(approx.reshape(4, 2).astype(np.float64))
            if quad_area(quad) > 0.85 * cv2.contourArea(hull):
                return quad
            return None
    return None


def _touches_frame(quad: FloatArray, w: int, h: int, margin: float = 3.0) -> bool:
    """True when two corners lie on the same frame edge (the poster runs out of the photo)."""
    near = [
        (quad[:, 0] < margin).sum(),
        (quad[:, 0] > w - 1 - margin).sum(),
        (quad[:, 1] < margin).sum(),
        (quad[:, 1] > h - 1 - margin).sum(),
    ]
    return int(max(near)) >= 2
