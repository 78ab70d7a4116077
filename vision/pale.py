"""White and very pale notes: found by their outline, since their paper barely differs in
colour from off-white 模造紙 (edges without the ink, line segments, rooms of the edge map)."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.corners import corner_hypotheses, shadow_corner, shadow_direction
from vision.geometry import (
    FloatArray,
    local_mask,
    order_clockwise,
    side_lengths,
    snap_sides,
)
from vision.paper import Float32
from vision.quantiles import channel_medians, median, percentile
from vision.shapes import (
    INK_DARKER,
    Candidate,
    DetectParams,
    Mask,
    boxes_meet,
    fill_holes,
    inside_any,
    label_regions,
    overlap,
    single_quad,
)
from vision.sides import (
    SIDE_EDGE_SUPPORT,
    casts_shadow,
    complete_ends,
    edge_support,
    outline_seen,
    outline_support,
)

LSD_SCALE = 0.6
"""LSD works on a copy this much smaller: as good on note sides as full size, and 2× faster."""


def pale_candidates(
    lab: Float32,
    bg: Float32,
    grad: Float32,
    edges: Mask,
    segments: FloatArray,
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
    out.extend(_side_pairs(lab, bg, near, grad, segments, params, min_side, known, len(taken)))
    return _dedupe(out)


def _side_pairs(
    lab: Float32,
    bg: Float32,
    near: Mask,
    grad: Float32,
    segments: FloatArray,
    params: DetectParams,
    min_side: float,
    known: list[FloatArray],
    n_colour: int = 0,
) -> list[Candidate]:
    """Notes whose outline has a whole side too faint to see, so no room closes: two parallel
    segments facing each other across a note's width, spanning about the same stretch, make
    the hypothesis; it must then pass the room tests with a stricter edge support (three sides
    of four). Where none does, the hypothesis's ends are looked for in the profile across them
    (:mod:`vision.sides`): a white note on bright paper, lit from above, has no edge along its
    top."""
    max_side = params.max_side_frac * max(lab.shape[:2])
    quads, by_joined = _pair_hypotheses(segments, params, min_side, max_side,
                                        _joined(segments, min_side))
    if not len(quads):
        return []
    out: list[Candidate] = []
    # a hypothesis centred on a note already found is that note's own sides
    off_known = _off_known(quads, known)
    quads, by_joined = quads[off_known], by_joined[off_known]
    centres = quads.mean(axis=1)
    # several segment pairs (two channels, broken sides) describe the same place: keep one
    cell = np.round(centres / max(2.0, PAIR_CELL * min_side)).astype(np.int64)
    _, first = np.unique(cell, axis=0, return_index=True)
    # The sides of notes already found are no evidence for a new one: the paper between two
    # neighbours has their two sides facing each other, and a third line somewhere near.
    near = near.copy()
    theirs = np.zeros_like(near)
    for q in known:
        cv2.polylines(theirs, [np.round(q).astype(np.int32)], True, 255, 1)
    theirs = cv2.dilate(theirs, np.ones((7, 7), np.uint8))
    near[theirs > 0] = 0
    order = sorted(first)
    for k in order:
        cand = _strict_pair(lab, bg, near, grad, order_clockwise(quads[k]), known)
        if cand is not None:
            out.append(cand)
            known.append(cand.quad)
    # Then, where nothing was found, hypotheses whose ends the edge map misses: they are the
    # weakest evidence, so they may not take the place of a better one.
    for k in order:
        if by_joined[k]:
            continue  # joined sides get the strict test only: this pass is the costliest
        centre = quads[k].mean(axis=0)
        if inside_any((float(centre[0]), float(centre[1])), known):
            continue  # the sides of a note the first pass found
        if not _pair_sides_seen(near, quads[k]):
            continue  # the two segments themselves lie on notes already found
        completed = complete_ends(lab, near, quads[k], 0.8 * min_side)
        cand = _profiled_pair(lab, bg, near, theirs, order_clockwise(completed), known)
        if cand is not None:
            out.append(cand)
            known.append(cand.quad)
    out.extend(_shadow_corners(lab, bg, theirs, segments, params, min_side, known, n_colour))
    return out


def _shadow_corners(
    lab: Float32,
    bg: Float32,
    theirs: Mask,
    segments: FloatArray,
    params: DetectParams,
    min_side: float,
    known: list[FloatArray],
    n_colour: int,
) -> list[Candidate]:
    """Last of all, white notes that show only their shadowed corner (see
    :mod:`vision.corners`); the shadows' direction comes from the pale notes found so far
    (``known`` after its first ``n_colour``: a coloured note's own colour would pass for a
    shadow)."""
    shadow = shadow_direction(lab, known[n_colour:])
    if shadow is None:
        return []
    quads = corner_hypotheses(segments, params, min_side, shadow)
    quads = quads[_off_known(quads, known)]  # one centred on a found note is its own corner
    out: list[Candidate] = []
    for quad in quads:
        if not shadow_corner(lab, theirs, quad, shadow, known):
            continue
        found = _paper_difference(lab, bg, quad)
        if found is None or abs(found[1]) > FAINT_LIGHTNESS:
            continue
        out.append(Candidate(quad, "pair", 0.5))
        known.append(quad)
    return out


FAINT_LIGHTNESS = 3.0
"""Most a note found from a faint outline may differ in lightness from the paper around it:
one that differs more has edges the edge map sees (a strip of tape does not)."""


def _pair_sides_seen(near: Mask, quad: FloatArray) -> bool:
    """Whether both sides a side-pair hypothesis was made from are still on the edge map once
    the sides of notes already found are taken off it."""
    return all(
        edge_support(near, quad[i], quad[(i + 1) % 4]) >= SIDE_EDGE_SUPPORT for i in (0, 2)
    )


def _strict_pair(
    lab: Float32,
    bg: Float32,
    near: Mask,
    grad: Float32,
    quad: FloatArray,
    known: list[FloatArray],
) -> Candidate | None:
    """A note from a side pair whose outline is on the edge map: three sides of four, paper
    that differs from the poster's."""
    support = outline_support(near, quad)
    if support < PAIR_SUPPORT - 0.15:
        return None  # not close to a note's outline even before snapping
    centre = quad.mean(axis=0)
    if inside_any((float(centre[0]), float(centre[1])), known):
        return None
    # LSD already put the sides on the edges; snapping may still find a better line
    snapped = snap_sides(quad, grad)
    support, quad = max(
        (support, quad), (outline_support(near, snapped), snapped), key=lambda sq: sq[0]
    )
    if support >= PAIR_SUPPORT and _looks_like_paper_note(lab, bg, quad):
        return Candidate(quad, "pair", round(0.45 + 0.4 * support, 3))
    return None


def _profiled_pair(
    lab: Float32,
    bg: Float32,
    near: Mask,
    theirs: Mask,
    quad: FloatArray,
    known: list[FloatArray],
) -> Candidate | None:
    """A note from a side pair whose every side shows, on the edge map or in the profile
    across it (see :mod:`vision.sides`), and that casts a drop shadow or differs from the
    poster's paper."""
    centre = quad.mean(axis=0)
    if inside_any((float(centre[0]), float(centre[1])), known):
        return None
    if not outline_seen(lab, near, theirs, quad):  # the cheaper test first: most fail it
        return None
    found = _paper_difference(lab, bg, quad)
    if found is None or abs(found[1]) > FAINT_LIGHTNESS:
        return None  # a note this unlike the paper has a clear outline: not found, no note
    if not (casts_shadow(lab, quad) or found[0] > 1.2):
        return None
    # the weakest evidence of all: any room or side pair at the same place wins
    return Candidate(quad, "pair", round(0.45 + 0.4 * min(outline_support(near, quad), 0.5), 3))


def _off_known(quads: FloatArray, known: list[FloatArray]) -> NDArray[np.bool_]:
    """Which of ``quads`` (K×4×2) are centred outside the bounding boxes of the ``known``
    notes (a cheap test for many hypotheses at once)."""
    if not known or not len(quads):
        return np.ones(len(quads), bool)
    centres = quads.mean(axis=1)
    lo = np.array([q.min(axis=0) for q in known])
    hi = np.array([q.max(axis=0) for q in known])
    on = ((centres[:, None] >= lo[None]) & (centres[:, None] <= hi[None])).all(axis=2)
    return np.asarray(~on.any(axis=1))


def _pair_hypotheses(
    segments: FloatArray,
    params: DetectParams,
    min_side: float,
    max_side: float,
    joined: FloatArray | None = None,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Quads (K×4×2) spanned by two long segments that run parallel, face each other over most
    of their length and are a note's width apart, and which of them use a ``joined`` segment
    (see :func:`_joined`): those come after all the others, since where two hypotheses
    describe one place the first is tried."""
    plain = len(segments)
    if joined is not None and len(joined):
        segments = np.concatenate([segments, joined])
    is_long = np.hypot(*(segments[:, 2:] - segments[:, :2]).T) >= PAIR_MIN_SIDE * min_side
    first_joined = int(np.count_nonzero(is_long[:plain]))
    long = segments[is_long]
    if len(long) < 2:
        return np.zeros((0, 4, 2), np.float64), np.zeros(0, bool)
    p0, u, normal, length = _oriented(long)
    i_idx, j_idx = np.triu_indices(len(long), 1)
    # the sign of a near-vertical segment's direction is a coin toss: compare lines, not arrows
    cos = (u[i_idx] * u[j_idx]).sum(axis=1)
    parallel = np.abs(cos) > np.cos(np.radians(8.0))
    i_idx, j_idx, cos = i_idx[parallel], j_idx[parallel], cos[parallel]
    mid_j = p0[j_idx] + u[j_idx] * length[j_idx, None] / 2
    gap = ((mid_j - p0[i_idx]) * normal[i_idx]).sum(axis=1)
    apart = (np.abs(gap) >= 0.8 * min_side) & (np.abs(gap) <= max_side)
    i_idx, j_idx, gap, cos = i_idx[apart], j_idx[apart], gap[apart], cos[apart]
    # where each segment runs along the first one's axis: they must face each other over most
    # of their length, and the stretch they span together must be note-shaped
    along = ((p0[j_idx] - p0[i_idx]) * u[i_idx]).sum(axis=1)
    b0 = np.where(cos > 0, along, along - length[j_idx])
    b1 = b0 + length[j_idx]
    a1 = length[i_idx]
    facing = np.minimum(a1, b1) - np.maximum(0.0, b0) >= 0.6 * np.maximum(a1, length[j_idx])
    start, end = np.minimum(0.0, b0), np.maximum(a1, b1)
    ratio = (end - start) / np.abs(gap)
    shaped = facing & (ratio >= 1 / params.max_aspect) & (ratio <= params.max_aspect)
    i_idx, j_idx = i_idx[shaped], j_idx[shaped]
    gap, start, end = gap[shaped], start[shaped], end[shaped]
    a = p0[i_idx] + u[i_idx] * start[:, None]
    b = p0[i_idx] + u[i_idx] * end[:, None]
    shift = normal[i_idx] * gap[:, None]
    quads = np.stack([a, b, b + shift, a + shift], axis=1)
    # i < j: a pair uses a joined segment exactly when j is one
    by_joined = j_idx >= first_joined
    order = np.argsort(by_joined, kind="stable")
    return quads[order], by_joined[order]


def _oriented(segments: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Segments (N×4) as start point, unit direction, unit normal and length, pointing right
    (or down when vertical). Two parallel near-vertical segments may still point opposite ways
    (one leans a hair left, the other right): compare directions up to sign."""
    d = segments[:, 2:] - segments[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    u = d / length[:, None]
    flip = (u[:, 0] < 0) | ((u[:, 0] == 0) & (u[:, 1] < 0))
    start = np.where(flip[:, None], segments[:, 2:], segments[:, :2])
    u = np.where(flip[:, None], -u, u)
    return start, u, np.stack([-u[:, 1], u[:, 0]], axis=1), length


def _joined(segments: FloatArray, min_side: float) -> FloatArray:
    """Each run of pieces of ``segments`` that continue one another, as one segment (LSD
    breaks a faint side where its step fades for a few pixels, or where an arrow's ink took
    the edge away): nearly parallel, on one line within ``JOIN_OFFSET`` px, and at most
    ``JOIN_GAP`` of a note side apart end to start. Pieces too short to make a side pair
    alone make one joined."""
    if len(segments) < 2:
        return np.zeros((0, 4), np.float64)
    d = segments[:, 2:] - segments[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length >= JOIN_MIN_PIECE * min_side
    seg = segments[keep]
    start, u, normal, length = _oriented(seg)
    this, other, along0, along1 = _continuations(start, u, normal, length, min_side)
    # one joined segment per run, along its longest piece's line
    longest_other = np.zeros(len(seg))
    np.maximum.at(longest_other, this, length[other])
    lo = np.zeros(len(seg))
    hi = length.copy()
    np.minimum.at(lo, this, np.minimum(along0, along1))
    np.maximum.at(hi, this, np.maximum(along0, along1))
    # not just others lying within this one, and no longer than a note's side (a lane line
    # broken by the notes and arrows on it is no note's side)
    grown = np.flatnonzero((hi - lo >= length + 1.0) & (hi - lo <= JOIN_MAX * min_side)
                           & (length >= longest_other))
    joined = [np.concatenate([start[i] + u[i] * lo[i], start[i] + u[i] * hi[i]]) for i in grown]
    if not joined:
        return np.zeros((0, 4), np.float64)
    return np.unique(np.round(np.array(joined), 1), axis=0)


def _continuations(
    start: FloatArray, u: FloatArray, normal: FloatArray, length: FloatArray, min_side: float
) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray, FloatArray]:
    """Ordered pairs (this, other) of pieces on one line, each way round, with where the
    other's two ends lie along this one's line (pieces given by start, unit direction, normal
    and length, as :func:`_oriented` gives them)."""
    # candidates first, from three n×n products: parallel, and the other's middle on this
    # one's line and within reach along it (cheap; the exact test follows)
    middle = start + u * (length / 2)[:, None]
    across = normal @ middle.T - (normal * start).sum(1)[:, None]
    along = u @ middle.T - (u * start).sum(1)[:, None]
    reach = JOIN_GAP * min_side + length[None, :] / 2
    near = (np.abs(u @ u.T) > np.cos(np.radians(JOIN_ANGLE))) & (np.abs(across) <= JOIN_OFFSET)
    near &= (along >= -reach) & (along <= length[:, None] + reach)
    first, second = np.nonzero(np.triu(near | near.T, 1))
    this = np.concatenate([first, second])
    other = np.concatenate([second, first])
    rel0 = start[other] - start[this]
    rel1 = rel0 + u[other] * length[other, None]
    along0, along1 = (rel0 * u[this]).sum(1), (rel1 * u[this]).sum(1)
    # a piece pointing the other way round (near-vertical) has its ends in the other order
    along0, along1 = np.minimum(along0, along1), np.maximum(along0, along1)
    off = np.maximum(np.abs((rel0 * normal[this]).sum(1)), np.abs((rel1 * normal[this]).sum(1)))
    gap = np.maximum(along0 - length[this], -along1)  # > 0: apart; < 0: overlapping
    ok = (off <= JOIN_OFFSET) & (gap <= JOIN_GAP * min_side)
    return this[ok], other[ok], along0[ok], along1[ok]


JOIN_MAX = 6.0
"""Longest joined segment (smallest note sides): the long side of a 75×127 mm note is about
5 of the smallest note's sides."""
JOIN_MIN_PIECE = 0.5
"""Shortest piece (share of the smallest note side) that joins others."""
JOIN_ANGLE = 4.0
"""Most two pieces of one side may differ in direction (degrees)."""
JOIN_OFFSET = 2.5
"""Most (px) a piece may lie off the line of the other."""
JOIN_GAP = 0.6
"""Longest gap (share of the smallest note side) between two pieces of one side: an arrow's
head touching a white note took 13 px (0.52) of its side on a photo of seeds +7000; 0.8 finds
no more notes on four sets than 0.6."""


PAIR_CELL = 0.2
"""Side-pair hypotheses centred within this share of the smallest note side of one another
describe one place: the first is tried."""
PAIR_MIN_SIDE = 0.6
"""Segments shorter than this share of the smallest note side make no side-pair hypothesis."""
PAIR_SUPPORT = 0.72
"""Edge support a side-pair hypothesis needs: three sides of four (0.75, less a little for
rounded corners), not just the two it started from; sides of notes already found do not
count (the paper between two neighbouring notes has those two facing each other)."""


def _rooms(
    lab: Float32,
    bg: Float32,
    near: Mask,
    grad: Float32,
    free: Mask,
    r: int,
    params: DetectParams,
    min_side: float,
    known: list[FloatArray],
) -> list[Candidate]:
    """Note-shaped rooms of ``free`` space whose doors are narrower than ``2 r``; a room's
    sides must run along the edges (``near``: edge pixels grown by 2 px)."""
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    cores = cv2.erode(free, disc)
    out: list[Candidate] = []
    n, labels, boxes = label_regions(cores)
    max_side = params.max_side_frac * max(lab.shape[:2])
    h, w = lab.shape[:2]
    for i in range(1, n):
        x, y, bw, bh = boxes[i]
        if max(bw, bh) + 2 * r > max_side or min(bw, bh) + 2 * r < min_side * 0.8:
            continue
        if inside_any((x + bw / 2, y + bh / 2), known):
            continue  # a note already found (by colour, or with a narrower disc)
        x0, y0 = max(0, x - r - 2), max(0, y - r - 2)
        x1, y1 = min(w, x + bw + r + 2), min(h, y + bh + r + 2)
        core = (labels[y0:y1, x0:x1] == i).astype(np.uint8) * 255
        room = cv2.bitwise_and(cv2.dilate(core, disc), free[y0:y1, x0:x1])
        room = fill_holes(room)
        # the room ends at the inner side of the edge line: grow it back onto the border
        room = cv2.dilate(room, np.ones((3, 3), np.uint8))
        quad = single_quad(room, params, min_side)
        if quad is None:
            continue
        quad = snap_sides(quad + np.array([x0, y0], dtype=np.float64), grad)
        support = outline_support(near, quad)
        if support >= 0.55 and _looks_like_paper_note(lab, bg, quad):
            out.append(Candidate(quad, "edge", round(0.5 + 0.4 * support, 3)))
    return out


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    """One candidate per place: the best supported of those overlapping it."""
    kept: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: -c.score):
        if all(not boxes_meet(cand.quad, k.quad) or overlap(cand.quad, k.quad) < 0.3 for k in kept):
            kept.append(cand)
    return kept


def pale_edges(lab: Float32, rel: Float32, min_side: float) -> tuple[Mask, FloatArray]:
    """Faint lightness steps, with those at ink (darker than the paper by far) removed.

    Two detectors, unioned: Canny on lightness finds curved and short steps; straight line
    segments (LSD on lightness relative to the paper, amplified) find the long faint sides
    that Canny's hysteresis breaks into dots. Segments are extended a little past their ends
    because note corners are rounded and shadowed. Returns the edge map and the segments
    (N×4: x0, y0, x1, y1, unextended). ``rel`` is the photo relative to its paper
    (``lab - bg``).
    """
    lighter = np.ascontiguousarray(rel[..., 0])
    ink = (lighter < -INK_DARKER).astype(np.uint8)
    light = np.clip(lab[..., 0] * 2.55, 0, 255).astype(np.uint8)
    light = cv2.GaussianBlur(light, (0, 0), 1.5)
    edges: Mask = np.asarray(cv2.Canny(light, 6, 14), np.uint8)
    edges[cv2.dilate(ink, np.ones((5, 5), np.uint8)) > 0] = 0
    ink_near = cv2.dilate(ink, np.ones((3, 3), np.uint8))
    # A marker line (far darker than a drop shadow, and thin, unlike a dark note) has LSD
    # segments along its sides a few pixels off it: they are the line's, not a note's.
    marker = (lighter < -MARKER_DARKER).astype(np.uint8)
    thin = marker & ~cv2.morphologyEx(marker, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    ink_near |= cv2.dilate(thin, np.ones((7, 7), np.uint8))
    # lightness and yellowness relative to the paper: a white note on cream paper differs
    # more in the second, on bright white paper only in the first (and its shadow)
    found = []
    for step, gain in ((lighter, 6.0), (rel[..., 2], 10.0)):
        amplified = np.clip(128.0 + gain * step, 0, 255)
        amplified = cv2.GaussianBlur(amplified.astype(np.uint8), (0, 0), 1.0)
        found.append(_draw_segments(edges, amplified, ink_near, min_side))
    return edges, np.concatenate(found, axis=0)


MARKER_DARKER = 25.0
"""Lab L units below the paper from which a thin dark line is a marker line (marker strokes
measured about 30 darker; white notes' drop shadows 5.8-12.7)."""


def _draw_segments(edges: Mask, grey: Mask, ink_near: Mask, min_side: float) -> FloatArray:
    """Draw onto ``edges`` the straight segments LSD finds in ``grey`` that are long enough
    to be a note's side and do not run along ink; returns them."""
    segments = cv2.createLineSegmentDetector(cv2.LSD_REFINE_NONE, LSD_SCALE).detect(grey)[0]
    if segments is None:
        return np.zeros((0, 4), np.float64)
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
    return np.asarray(seg, np.float64)


def _looks_like_paper_note(lab: Float32, bg: Float32, quad: FloatArray) -> bool:
    """A pale note is about as light as the paper (not a dark object), and its paper differs
    from the ring just outside it (colour, lightness or a shadow), unlike a patch of poster
    enclosed by lines and arrows."""
    found = _paper_difference(lab, bg, quad)
    return found is not None and found[0] > 1.2


def ring_chroma_step(lab: Float32, bg: Float32, quad: FloatArray) -> float:
    """Chroma (a*b* distance) between the paper inside ``quad`` and the plain paper just
    outside it; 0 when it cannot be measured."""
    found = _paper_difference(lab, bg, quad)
    return 0.0 if found is None else found[2]


def _paper_difference(
    lab: Float32, bg: Float32, quad: FloatArray
) -> tuple[float, float, float] | None:
    """How the paper inside ``quad`` differs from the plain paper of the ring just outside it:
    (Lab distance with lightness weighted by half, lightness inside − outside, chroma
    distance); ``None`` when the inside is far darker than the poster paper there (no pale
    note, unless a pastel one: ``PASTEL_DARKER``, ``PASTEL_CHROMA``) or no plain ring is
    left."""
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
        return None
    light_in = lab[..., 0][inside]
    paper_in = inside.copy()
    paper_in[inside] = light_in > percentile(light_in, 40)  # leave the ink out
    v_in = channel_medians(lab, paper_in)
    ring_px = lab[ring]
    ring_bg = bg[ring]
    ring_dc = np.hypot(ring_px[:, 1] - ring_bg[:, 1], ring_px[:, 2] - ring_bg[:, 2])
    # Paper of the ring only: no ink, lines, shadow or neighbouring coloured notes.
    plain = (ring_px[:, 0] > percentile(ring_px[:, 0], 40)) & (ring_dc < 8.0)
    if plain.sum() < 10:
        return None
    v_ring = channel_medians(ring_px, plain)
    ref = median(bg[..., 0][inside])
    d = v_in - v_ring
    chroma = float(np.hypot(d[1], d[2]))
    # far darker than the paper is no pale note, unless a pastel one: a little darker, and
    # of another colour than the paper around it
    if v_in[0] < ref - 6.0 and (v_in[0] < ref - PASTEL_DARKER or chroma < PASTEL_CHROMA):
        return None
    return float(np.sqrt(0.5 * d[0] ** 2 + d[1] ** 2 + d[2] ** 2)), float(d[0]), chroma


PASTEL_DARKER = 15.0
"""Most (L) a pastel note found from its outline may be darker than the paper: pastel pink
in the light of a glossy poster measured 8.9 darker (and 10.6 in chroma, too faint for the
colour evidence's 11); skin is 20-35 darker."""
PASTEL_CHROMA = 6.0
"""Chroma step to the paper around it from which a darker outline-found note is a pastel
one (a shadow or a grey object is the paper's colour, only darker)."""
