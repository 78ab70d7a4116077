"""The poster paper (模造紙): its lighting-aware colour everywhere, and its outline.

Works on the downscaled *working copy* of the upright photo (H×W×3 BGR uint8, working pixels).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import FloatArray, order_clockwise, quad_area, snap_sides
from vision.quantiles import median, percentile
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
    light = float(percentile(candidates[:, 0], 50))
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
    light = float(median(centre[near, 0])) if near.any() else float(median(centre[:, 0]))
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
    # Of the outlines the flood suggests, the one whose worst side lies best on an edge: a
    # side across the poster (the flood cut a corner) or out on the wall has none. The flood
    # stops somewhere in the blurred step at the poster's edge, a few pixels off the edge
    # itself, so each outline is also tried with its sides moved onto the strongest edge near.
    grad, edges = _edge_map(closed)
    reach = max(3, round(POSTER_SNAP * max(sh, sw)))
    outlines = [
        o
        for q in _hull_quads(biggest)
        if not _touches_frame(q, sw, sh, margin=4.0)  # before a side moves off the frame
        for o in (q, snap_sides(q, grad, reach))
    ]
    scored = [
        (shares, q)
        for q in outlines
        if np.mean(shares := _edge_shares(edges, q)) > POSTER_EDGE_SHARE
        and sorted(shares)[1] >= POSTER_SIDE_SHARE
    ]
    if not scored:
        return None
    _shares, quad = max(scored, key=lambda sq: (min(sq[0]), sum(sq[0])))
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


POSTER_SNAP = 0.02
"""How far (share of the photo's long side) a poster side may move onto an edge."""


def _edge_map(image: Image) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
    """The grey gradient of ``image``, and where it has a real edge (not the noise a flood
    may stop at): gradient, grown by 2 px, above 2.5× its median."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    grad = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    grown = cv2.dilate(grad, np.ones((5, 5), np.uint8))
    return grad, np.asarray(grown > max(8.0, 2.5 * float(median(grown.ravel()))))


def _edge_shares(edges: NDArray[np.bool_], quad: FloatArray) -> list[float]:
    """Per side, the share of the quad's perimeter on ``edges``."""
    h, w = edges.shape
    t = np.linspace(0.05, 0.95, 40)[:, None]
    shares = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        pts = np.round(a + (b - a) * t).astype(int)
        xs, ys = np.clip(pts[:, 0], 0, w - 1), np.clip(pts[:, 1], 0, h - 1)
        shares.append(float(edges[ys, xs].mean()))
    return shares


POSTER_EDGE_SHARE = 0.45
"""Share of the poster outline that must lie on a real edge."""
POSTER_SIDE_SHARE = 0.2
"""Share of its length on a real edge that all sides but one need: a hand, tape or a shadow
may hide one side, but a flood the frame cut off has two sides across the poster (0.03 and
0.07 where that happened; 0.25 the least of a real poster's second-worst side)."""


def _hull_quads(contour: NDArray[np.int32]) -> list[FloatArray]:
    """Quads that may be the poster's outline, from the flooded region's convex hull: its
    first simplification to four corners, and the quad along its four longest sides."""
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    area = cv2.contourArea(hull)
    polygons = [cv2.approxPolyDP(hull, eps * peri, True) for eps in (0.01, 0.02, 0.03, 0.05)]
    out = []
    for approx in polygons:
        if len(approx) == 4:
            quad = order_clockwise(approx.reshape(4, 2).astype(np.float64))
            if quad_area(quad) > 0.85 * area:
                out.append(quad)
            break
    # Tape over the poster's corners stops the flood short of them: the outline is the four
    # long sides with the cut corners between them, and they meet at the corners.
    for approx in polygons:
        if 4 < len(approx) <= 8:
            sided = _long_sides_quad(approx.reshape(-1, 2).astype(np.float64))
            if sided is not None and area <= quad_area(sided) <= CUT_CORNERS_GROWTH * area:
                out.append(sided)
                break
    return out


CUT_CORNERS_GROWTH = 1.12
"""Most the quad from the four long sides may add to the flooded area (corners under tape)."""


def _long_sides_quad(poly: FloatArray) -> FloatArray | None:
    """The quad whose sides run along the four longest edges of a convex polygon, or ``None``
    when two of them do not meet (nearly parallel neighbours)."""
    edges = [(poly[i], poly[(i + 1) % len(poly)]) for i in range(len(poly))]
    lengths = [float(np.hypot(*(b - a))) for a, b in edges]
    keep = sorted(np.argsort(lengths)[-4:])
    sides = [edges[i] for i in keep]
    corners = []
    for (p, q), (r, t) in zip(sides, sides[1:] + sides[:1], strict=True):
        d1, d2 = q - p, t - r
        det = d1[0] * d2[1] - d1[1] * d2[0]
        if abs(det) < 0.1 * float(np.hypot(*d1) * np.hypot(*d2)):  # under ~6° apart
            return None
        k = ((r - p)[0] * d2[1] - (r - p)[1] * d2[0]) / det
        corners.append(p + k * d1)
    return order_clockwise(np.array(corners, np.float64))


def _touches_frame(quad: FloatArray, w: int, h: int, margin: float = 3.0) -> bool:
    """True when two corners lie on the same frame edge (the poster runs out of the photo)."""
    near = [
        (quad[:, 0] < margin).sum(),
        (quad[:, 0] > w - 1 - margin).sum(),
        (quad[:, 1] < margin).sum(),
        (quad[:, 1] > h - 1 - margin).sum(),
    ]
    return int(max(near)) >= 2
