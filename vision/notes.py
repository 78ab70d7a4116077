"""Finding sticky notes on the working copy of a photo.

Two kinds of evidence, merged:

* **colour** – a note's paper differs in chroma from the poster paper around it (compared with
  the lighting-aware paper estimate, so gradients and casts do not matter); ink inside a note
  is filled in, thin marker lines and arrows are opened away;
* **edges** – white and very pale notes barely differ in colour from off-white paper, but their
  border (and soft shadow) makes a closed outline; regions enclosed by edges that are
  note-shaped and lighter than ink are notes too.

Every candidate is validated by shape (a convex quadrilateral that fills its outline) and size.
Blobs of touching notes are split by eroding until they fall apart, then growing the parts back
(watershed). Coordinates here are **working pixels**; the pipeline maps them to photo pixels.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import (
    FloatArray,
    apply_homography,
    local_mask,
    order_clockwise,
    polygon_iou,
    quad_area,
    side_lengths,
)
from vision.paper import Float32

log = logging.getLogger(__name__)

Mask = NDArray[np.uint8]

INK_DARKER = 12.0
"""Lab L units below the paper from which a pixel is marker ink, not a note's faint edge."""
LSD_SCALE = 0.6
"""LSD works on a copy this much smaller: as good on note sides as full size, and 2× faster."""
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


def detect(lab: Float32, bg: Float32, roi: Mask, params: DetectParams) -> list[Candidate]:
    """All notes in ``roi`` (255 where notes may be), colour and edge evidence merged."""
    h, w = lab.shape[:2]
    long_side = max(h, w)
    min_side = params.min_side_frac * long_side
    grad = _gradient(lab)
    edges = _pale_edges(lab, bg, min_side)
    colour = _colour_candidates(lab, bg, roi, params, min_side)
    light = lab[..., 0]
    typical = float(np.median([quad_area(c.quad) for c in colour])) if len(colour) >= 3 else None
    colour = [
        replace(c, quad=q)
        for c in colour
        for q in _split_at_seams(c.quad, grad, light, min_side, typical)
        if _aspect(q) <= params.max_aspect
    ]
    pale = _edge_candidates(lab, bg, grad, edges, roi, params, min_side,
                            [c.quad for c in colour])
    if len(colour) >= 3:
        # Pads on one poster come in a few sizes: a pale "note" far off the coloured ones'
        # size is paper boxed in by lines, a hand or a shadow.
        typical = float(np.median([quad_area(c.quad) for c in colour]))
        pale = [c for c in pale if typical / 4.5 <= quad_area(c.quad) <= typical * 4.5]
    return _merge(colour, pale)


def _colour_candidates(
    lab: Float32, bg: Float32, roi: Mask, params: DetectParams, min_side: float
) -> list[Candidate]:
    dc = np.hypot(lab[..., 1] - bg[..., 1], lab[..., 2] - bg[..., 2])
    mask = ((dc > params.chroma_dev) & (roi > 0)).astype(np.uint8) * 255
    mask = _fill_holes(mask, max_hole=(params.max_side_frac * max(lab.shape[:2])) ** 2)
    k = max(3, int(min_side * 0.25) | 1)
    whole = mask
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    _, parent, parent_stats, _ = cv2.connectedComponentsWithStats(whole, connectivity=8)
    areas = parent_stats[:, cv2.CC_STAT_AREA]
    out: list[Candidate] = []
    for blob in _blobs(mask):
        quads = _quads_of_blob(blob, lab[..., 0], params, min_side)
        if quads and _covers_its_blob(quads, blob, parent, areas):
            out.extend(Candidate(q, "colour", 0.95) for q in quads)
    return out


def _covers_its_blob(quads: list[FloatArray], blob: tuple[int, int, Mask],
                     parent: NDArray[np.int32], areas: NDArray[np.int32]) -> bool:
    """The quads account for most of the colour region they came from, before thin parts
    were opened away: a hand or an arm (skin is a colour too) leaves its palm as a square
    but most of itself outside it; a note's region is the note (and perhaps an arrow)."""
    x, y, mask = blob
    ys, xs = np.nonzero(mask)
    label = int(np.bincount(parent[ys + y, xs + x]).argmax())
    if label == 0:
        return True
    region = int(areas[label])
    covered = sum(quad_area(q) for q in quads)
    return bool(covered >= BLOB_COVERAGE * region)


BLOB_COVERAGE = 0.6
"""Share of its colour region the notes found in it must cover (see ``_covers_its_blob``)."""


def _edge_candidates(
    lab: Float32,
    bg: Float32,
    grad: Float32,
    edges: Mask,
    roi: Mask,
    params: DetectParams,
    min_side: float,
    taken: list[FloatArray],
) -> list[Candidate]:
    """Pale notes from their outline: faint steps of lightness (the note's border and its soft
    shadow) that enclose a note-shaped room of paper.

    Ink is no evidence here: edges at marker strokes (text, lines, arrows) are removed, so a
    note's text does not break its room apart and paper enclosed by lines is no room. The
    outline may still have gaps (where an arrow touches a note, or the step fades); rooms are
    therefore the free space *opened* by a disc wider than such gaps, grown back afterwards.
    """
    free = cv2.bitwise_and(cv2.bitwise_not(edges), roi)
    out: list[Candidate] = []
    base = max(2, int(round(min_side * 0.16)))
    near = cv2.dilate(edges, np.ones((5, 5), np.uint8))
    known = list(taken)
    for r in (base, 2 * base, 3 * base):  # wider discs bridge wider gaps in the outline
        found = _rooms(lab, bg, near, grad, free, r, params, min_side, known)
        out.extend(found)
        known.extend(c.quad for c in found)
    return _dedupe(out)


SEAM_SPAN = 0.75
SEAM_MIN_ASPECT = 1.2
SEAM_BIG_AREA = 1.8
"""Share of a quad's height (or width) a straight edge must cross to be the seam between
two touching notes of one colour (writing never runs so straight and so far)."""


def _aspect(quad: FloatArray) -> float:
    w, h = side_lengths(quad)
    return max(w, h) / max(min(w, h), 1.0)


def _split_at_seams(quad: FloatArray, grad: Float32, light: Float32, min_side: float,
                    typical: float | None = None) -> list[FloatArray]:
    """Cut a quad where a straight lightness edge crosses it from side to side.

    Two notes of one colour side by side (touching, or one overlapping the other) make one
    colour blob that may well be rectangular itself; the gap or the shadow along the upper
    note's edge is a line right across it. Pieces must still be note-sized; each is cut again.
    Only a quad longer than a note is wide, or much larger than the ``typical`` note area (two
    tall notes side by side are nearly square), is cut.
    """
    w, h = side_lengths(quad)
    big = typical is not None and quad_area(quad) >= SEAM_BIG_AREA * typical
    if max(w, h) < 1.6 * min_side or (max(w, h) < SEAM_MIN_ASPECT * min(w, h) and not big):
        return [quad]
    cw, ch = max(8, round(w)), max(8, round(h))
    dst = np.array([[0, 0], [cw - 1, 0], [cw - 1, ch - 1], [0, ch - 1]], np.float32)
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    flat = cv2.warpPerspective(grad, m, (cw, ch), flags=cv2.INTER_LINEAR)
    face = cv2.warpPerspective(light, m, (cw, ch), flags=cv2.INTER_LINEAR)
    ink = face < float(np.percentile(face, 60)) - INK_DARKER  # writing on the note
    ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    strong = (flat > max(2.0, 3.0 * float(np.median(flat)))) & ~ink
    for axis, size, other in ((0, cw, ch), (1, ch, cw)):
        # A single note is never cut: only a blob longer than a note is wide (two square
        # notes side by side), along its long side.
        if size < 1.6 * min_side or size < (1.0 if big else SEAM_MIN_ASPECT) * other:
            continue
        hits = strong if axis == 0 else strong.T  # rows × positions along the cut axis
        near = cv2.dilate(hits.astype(np.uint8), np.ones((1, 3), np.uint8)) > 0
        margin = int(other * 0.1)
        span = near[margin : other - margin].mean(axis=0)
        lo, hi = int(0.3 * size), int(0.7 * size)
        if hi <= lo:
            continue
        at = lo + int(np.argmax(span[lo:hi]))
        if span[at] < SEAM_SPAN:
            continue
        inv = np.linalg.inv(m)
        if axis == 0:
            parts = [((0, 0), (at, 0), (at, ch - 1), (0, ch - 1)),
                     ((at, 0), (cw - 1, 0), (cw - 1, ch - 1), (at, ch - 1))]
        else:
            parts = [((0, 0), (cw - 1, 0), (cw - 1, at), (0, at)),
                     ((0, at), (cw - 1, at), (cw - 1, ch - 1), (0, ch - 1))]
        out: list[FloatArray] = []
        for part in parts:
            q = apply_homography(inv, np.array(part, np.float64))
            out.extend(_split_at_seams(q, grad, light, min_side, typical))
        return out
    return [quad]


def _gradient(lab: Float32) -> Float32:
    """Lightness gradient magnitude (slightly smoothed), where note sides are ridges."""
    light = cv2.GaussianBlur(lab[..., 0], (0, 0), 1.0)
    gx = cv2.Sobel(light, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(light, cv2.CV_32F, 0, 1, ksize=3)
    return np.asarray(cv2.magnitude(gx, gy), np.float32)


def _snap_sides(quad: FloatArray, grad: Float32, reach: int = 3) -> FloatArray:
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


def _rooms(lab: Float32, bg: Float32, near: Mask, grad: Float32, free: Mask, r: int,
           params: DetectParams, min_side: float, known: list[FloatArray]) -> list[Candidate]:
    """Note-shaped rooms of ``free`` space whose doors are narrower than ``2 r``; a room's
    sides must run along the edges (``near``: edge pixels grown by 2 px)."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    cores = cv2.erode(free, disc)
    out: list[Candidate] = []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cores, connectivity=8)
    max_side = params.max_side_frac * max(lab.shape[:2])
    h, w = lab.shape[:2]
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if max(bw, bh) + 2 * r > max_side or min(bw, bh) + 2 * r < min_side * 0.8:
            continue
        if _inside_any((x + bw / 2, y + bh / 2), known):
            continue  # a note already found (by colour, or with a narrower disc)
        x0, y0 = max(0, x - r - 2), max(0, y - r - 2)
        x1, y1 = min(w, x + bw + r + 2), min(h, y + bh + r + 2)
        core = (labels[y0:y1, x0:x1] == i).astype(np.uint8) * 255
        room = cv2.bitwise_and(cv2.dilate(core, disc), free[y0:y1, x0:x1])
        room = _fill_holes(room)
        # the room ends at the inner side of the edge line: grow it back onto the border
        room = cv2.dilate(room, np.ones((3, 3), np.uint8))
        quad = _single_quad(room, params, min_side)
        if quad is None:
            continue
        quad = _snap_sides(quad + np.array([x0, y0], dtype=np.float64), grad)
        support = _edge_support(near, quad)
        if support >= 0.55 and _looks_like_paper_note(lab, bg, quad):
            out.append(Candidate(quad, "edge", round(0.5 + 0.4 * support, 3)))
    return out


def _inside_any(point: tuple[float, float], quads: list[FloatArray]) -> bool:
    px, py = point
    for q in quads:
        lo, hi = q.min(axis=0), q.max(axis=0)
        if lo[0] <= px <= hi[0] and lo[1] <= py <= hi[1]:
            contour = q.astype(np.float32).reshape(-1, 1, 2)
            if cv2.pointPolygonTest(contour, (float(px), float(py)), False) >= 0:
                return True
    return False


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per place: the best supported of those overlapping it."""
    kept: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: -c.score):
        if all(not _boxes_meet(cand.quad, k.quad) or _overlap(cand.quad, k.quad) < 0.3
               for k in kept):
            kept.append(cand)
    return kept


def _pale_edges(lab: Float32, bg: Float32, min_side: float) -> Mask:
    """Faint lightness steps, with those at ink (darker than the paper by far) removed.

    Two detectors, unioned: Canny on lightness finds curved and short steps; straight line
    segments (LSD on lightness relative to the paper, amplified) find the long faint sides
    that Canny's hysteresis breaks into dots. Segments are extended a little past their ends
    because note corners are rounded and shadowed.
    """
    rel = lab[..., 0] - bg[..., 0]
    ink = (rel < -INK_DARKER).astype(np.uint8)
    light = np.clip(lab[..., 0] * 2.55, 0, 255).astype(np.uint8)
    light = cv2.GaussianBlur(light, (0, 0), 1.5)
    edges: Mask = np.asarray(cv2.Canny(light, 6, 14), np.uint8)
    edges[cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0] = 0
    ink_near = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    # lightness and yellowness relative to the paper: a white note on cream paper differs
    # more in the second, on bright white paper only in the first (and its shadow)
    for channel, gain in ((0, 6.0), (2, 10.0)):
        amplified = np.clip(128.0 + gain * (lab[..., channel] - bg[..., channel]), 0, 255)
        amplified = cv2.GaussianBlur(amplified.astype(np.uint8), (0, 0), 1.0)
        _draw_segments(edges, amplified, ink_near, min_side)
    return edges


def _draw_segments(edges: Mask, grey: Mask, ink_near: Mask, min_side: float) -> None:
    """Draw onto ``edges`` the straight segments LSD finds in ``grey`` that are long enough
    to be a note's side and do not run along ink."""
    segments = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE, LSD_SCALE).detect(grey)[0]
    if segments is None:
        return
    h, w = grey.shape
    seg = segments.reshape(-1, 4).astype(np.float64)
    d = seg[:, 2:] - seg[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length >= 0.3 * min_side
    seg, d, length = seg[keep], d[keep], length[keep]
    t = np.linspace(0.0, 1.0, 8)[None, :, None]
    pts = seg[:, None, :2] + d[:, None, :] * t
    xs = np.clip(pts[..., 0].astype(int), 0, w - 1)
    ys = np.clip(pts[..., 1].astype(int), 0, h - 1)
    along_ink = (ink_near[ys, xs] > 0).mean(axis=1) > 0.3  # a side of a marker stroke
    seg, d, length = seg[~along_ink], d[~along_ink], length[~along_ink]
    ext = d / length[:, None] * (0.12 * min_side)
    ends = np.round(np.hstack([seg[:, :2] - ext, seg[:, 2:] + ext])).astype(np.int32)
    cv2.polylines(edges, list(ends.reshape(-1, 2, 2)), False, 255)


def _edge_support(near: Mask, quad: FloatArray) -> float:
    """Share of points along the quad's sides that lie on ``near`` (edges, slightly grown)."""
    hits = total = 0
    h, w = near.shape
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        n = max(2, int(np.hypot(*(b - a)) / 2))
        t = np.linspace(0.08, 0.92, n)[:, None]  # corners are often rounded or shadowed
        pts = np.round(a + (b - a) * t).astype(int)
        ok = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
        pts = pts[ok]
        total += n
        hits += int((near[pts[:, 1], pts[:, 0]] > 0).sum())
    return hits / max(1, total)


def _looks_like_paper_note(lab: Float32, bg: Float32, quad: FloatArray) -> bool:
    """A pale note is about as light as the paper (not a dark object), and its paper differs
    from the ring just outside it (colour, lightness or a shadow), unlike a patch of poster
    enclosed by lines and arrows."""
    centre = quad.mean(axis=0)
    short = max(1.0, min(side_lengths(quad)))
    grow = max(3.0, 0.12 * short)
    outer = centre + (quad - centre) * (1 + grow / short)
    box, m_out = local_mask(lab.shape, outer)
    origin = np.array([box[1].start, box[0].start], dtype=np.float64)
    m_in = np.zeros(m_out.shape, np.uint8)
    cv2.fillConvexPoly(m_in, np.round(quad - origin).astype(np.int32), 255)
    lab, bg = lab[box], bg[box]
    ring = m_out & (m_in == 0)
    inside = m_in > 0
    if not ring.any() or not inside.any():
        return False
    light_in = lab[..., 0][inside]
    paper_in = light_in > np.percentile(light_in, 40)  # leave the ink out
    v_in = np.median(lab[inside][paper_in], axis=0)
    ring_px = lab[ring]
    ring_bg = bg[ring]
    ring_dc = np.hypot(ring_px[:, 1] - ring_bg[:, 1], ring_px[:, 2] - ring_bg[:, 2])
    # Paper of the ring only: no ink, lines, shadow or neighbouring coloured notes.
    plain = (ring_px[:, 0] > np.percentile(ring_px[:, 0], 40)) & (ring_dc < 8.0)
    if plain.sum() < 10:
        return False
    v_ring = np.median(ring_px[plain], axis=0)
    ref = np.median(bg[..., 0][inside])
    if v_in[0] < ref - 6.0:
        return False
    diff = float(
        np.sqrt(
            0.5 * (v_in[0] - v_ring[0]) ** 2
            + (v_in[1] - v_ring[1]) ** 2
            + (v_in[2] - v_ring[2]) ** 2
        )
    )
    return diff > 1.2


def _merge(colour: list[Candidate], edges: list[Candidate]) -> list[Candidate]:
    """Colour candidates win; an edge candidate is kept only where it overlaps no other note
    (paper enclosed by arrows and neighbouring notes is not a note)."""
    kept = list(colour)
    for cand in sorted(edges, key=lambda c: -quad_area(c.quad)):
        if all(not _boxes_meet(cand.quad, k.quad) or _overlap(cand.quad, k.quad) < 0.1
               for k in kept):
            kept.append(cand)
    return kept


def _boxes_meet(a: FloatArray, b: FloatArray) -> bool:
    """Whether the bounding boxes of two quads intersect (a cheap test before the exact one)."""
    return bool((a.min(axis=0) <= b.max(axis=0)).all() and (b.min(axis=0) <= a.max(axis=0)).all())


def _overlap(a: FloatArray, b: FloatArray) -> float:
    """Intersection area over the smaller quad's area."""
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter / max(1.0, min(quad_area(a), quad_area(b))))


def _fill_holes(mask: Mask, max_hole: float | None = None) -> Mask:
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
    holes = [c for c, h in zip(contours, hierarchy[0], strict=True)
             if h[3] >= 0 and cv2.contourArea(c) <= max_hole]
    cv2.drawContours(out, holes, -1, 255, thickness=cv2.FILLED)
    return out


def _blobs(mask: Mask) -> list[tuple[int, int, Mask]]:
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        out.append((x, y, (labels[y : y + h, x : x + w] == i).astype(np.uint8) * 255))
    return out


def _quads_of_blob(
    blob: tuple[int, int, Mask], light: Float32, params: DetectParams, min_side: float
) -> list[FloatArray]:
    """One quad for a blob that is one note, several for touching notes, none for noise."""
    x, y, mask = blob
    offset = np.array([x, y], dtype=np.float64)
    quad = _single_quad(mask, params, min_side)
    if quad is not None:
        return [quad + offset]
    if mask.sum() / 255 < 2 * min_side**2:
        return []
    h, w = mask.shape
    pieces = _cut_at_edges(mask, light[y : y + h, x : x + w], params, min_side)
    if len(pieces) >= 2:
        return [q + offset for q in pieces]
    # A row of notes of one colour, edge to edge: a long rectangle, cut at its seams later.
    row = _single_quad(mask, replace(params, max_aspect=params.max_aspect * 2.5), min_side)
    if row is not None:
        return [row + offset]
    return [q + offset for q in _split(mask, params, min_side)]


def _cut_at_edges(mask: Mask, light: Float32, params: DetectParams, min_side: float
                  ) -> list[FloatArray]:
    """Split a blob of several notes along the faint edges inside it (the gap between two
    touching notes, the shadow of one overlapping another; ink is not among these edges),
    and fit a quad to each piece. A piece partly hidden under another note is a note with a
    bite out of it, so the shape test is looser here."""
    grey = cv2.GaussianBlur(np.clip(light * 2.55, 0, 255).astype(np.uint8), (0, 0), 1.2)
    edges = cv2.Canny(grey, 8, 20)
    # ink: thin and darker than what is around it (the note's own paper, whatever its colour)
    stroke = max(5, int(min_side * 0.3) | 1)
    closed = cv2.morphologyEx(
        light, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (stroke, stroke))
    )
    ink = cv2.dilate((closed - light > INK_DARKER).astype(np.uint8), np.ones((5, 5), np.uint8))
    edges[ink > 0] = 0
    walls = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    cut = cv2.erode(cv2.bitwise_and(mask, cv2.bitwise_not(walls)), np.ones((3, 3), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cut, connectivity=4)
    loose = replace(params, min_fill=CUT_MIN_FILL)
    out: list[FloatArray] = []
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < 0.4 * min_side**2:
            continue
        part = cv2.bitwise_and(cv2.dilate((labels == i).astype(np.uint8) * 255,
                                          np.ones((5, 5), np.uint8)), mask)
        quad = _single_quad(part, loose, min_side)
        if quad is not None:
            out.append(quad)
    return out


CUT_MIN_FILL = 0.75


def _single_quad(mask: Mask, params: DetectParams, min_side: float) -> FloatArray | None:
    """The quad of a blob that is one note, or ``None``: note-sized, note-shaped, and covering
    the blob as a quad does (overlap over union, so a disc or a hand is no note)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    quad = _fit_quad(contour)
    w, h = side_lengths(quad)
    max_side = params.max_side_frac * min_side / params.min_side_frac
    if min(w, h) < min_side or max(w, h) > max_side:
        return None
    if max(w, h) / max(min(w, h), 1.0) > params.max_aspect:
        return None
    blob = np.zeros(mask.shape, np.uint8)
    cv2.drawContours(blob, [contour], -1, 1, thickness=cv2.FILLED)
    shape = np.zeros(mask.shape, np.uint8)
    cv2.fillConvexPoly(shape, np.round(quad).astype(np.int32), 1)
    union = int(np.count_nonzero(blob | shape))
    if not union or np.count_nonzero(blob & shape) < params.min_fill * union:
        return None
    return quad


def _fit_quad(contour: NDArray[np.int32]) -> FloatArray:
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


def _split(mask: Mask, params: DetectParams, min_side: float) -> list[FloatArray]:
    """Split a blob of touching notes: erode until it falls into note-sized cores, then grow
    the cores back over the blob (watershed) and fit a quad to each part."""
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    peak = float(dist.max())
    for frac in (0.5, 0.6, 0.7, 0.8):
        cores = (dist > frac * peak).astype(np.uint8)
        n, markers = cv2.connectedComponents(cores)
        if n - 1 >= 2:
            break
    else:
        return []
    markers = markers.astype(np.int32) + 1
    markers[mask == 0] = 0
    markers[(mask > 0) & (cores == 0)] = 0
    background = cv2.dilate(mask, np.ones((3, 3), np.uint8)) - mask
    markers[background > 0] = 1
    colour = cv2.cvtColor(mask, cv2.COLOR_GRAY2BGR)
    cv2.watershed(colour, markers)
    out = []
    for label in range(2, n + 1):
        part = ((markers == label) & (mask > 0)).astype(np.uint8) * 255
        quad = _single_quad(part, params, min_side)
        if quad is not None:
            out.append(quad)
    return out
