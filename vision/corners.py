"""White notes from their shadow corner alone.

Lit from one side, a white note on white paper shows the two sides its drop shadow runs along
(an L: the edge map has them whole) and nothing at all along the two sides facing the light,
so no room closes and no two facing sides make a pair. Two long segments meeting nearly square
at their ends make the hypothesis; it is kept when both arms carry a drop shadow, the shadow
falls the way the other notes' shadows in the photo fall (one light: the paper boxed in by two
neighbours has *their* shadows on the sides facing them, the other way round), and its paper
is the poster's lightness.
"""

from __future__ import annotations

import numpy as np

from vision.geometry import FloatArray, order_clockwise
from vision.paper import Float32
from vision.shapes import DetectParams, Mask, inside_any, note_sized
from vision.sides import drop_shadow, edge_support, inward_normal

SHADOW_NOTES = 12
"""Notes (at most) whose sides are measured for the photo's shadow direction."""
SHADOW_ENOUGH = 8
"""Shadowed sides after which no more notes are measured."""
SHADOW_DEPTH = 4.0
"""L units the paper just outside a side must be darker than the paper further out for the
side to cast a drop shadow (white notes measured 5-13 along their shadowed sides)."""
SHADOW_SIDES = 4
"""Shadowed sides of found notes needed before a shadow direction is trusted."""
SHADOW_AGREE = 0.5
"""Length of the mean unit normal of those sides below which they point every way (no one
light, or none at all)."""
ARM_AGREE = 0.5
"""Cosine between an arm's outward normal and the photo's shadow direction it needs."""
CORNER_SQUARE = 0.34
"""Largest |cos| of the angle between the two arms (about 70°-110° in a tilted photo)."""
CORNER_GAP = 0.3
"""Farthest (share of the smallest note side) the corner may lie from each arm's near end."""
ARM_MIN = 0.8
"""Shortest arm (share of the smallest note side)."""


def shadow_direction(lab: Float32, quads: list[FloatArray]) -> FloatArray | None:
    """The direction (unit, image coordinates) the found notes' drop shadows fall: the mean
    outward normal of their shadowed sides; ``None`` when too few sides show a shadow or they
    disagree."""
    normals: list[FloatArray] = []
    for quad in quads[:SHADOW_NOTES]:
        if len(normals) >= SHADOW_ENOUGH:
            break
        centre = quad.mean(axis=0)
        for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
            inward = inward_normal(centre, a, b)
            if drop_shadow(lab, a, b, inward) >= SHADOW_DEPTH:
                normals.append(-inward)
    if len(normals) < SHADOW_SIDES:
        return None
    mean = np.mean(normals, axis=0)
    length = float(np.hypot(*mean))
    return mean / length if length >= SHADOW_AGREE else None


def corner_hypotheses(
    segments: FloatArray, params: DetectParams, min_side: float, shadow: FloatArray
) -> FloatArray:
    """Quads (K×4×2) spanned by two long segments that meet nearly square at their near ends,
    whose outward sides face the ``shadow`` direction: the note's shadowed corner."""
    d = segments[:, 2:] - segments[:, :2]
    length = np.hypot(d[:, 0], d[:, 1])
    keep = length >= ARM_MIN * min_side
    seg, d, length = segments[keep], d[keep], length[keep]
    if len(seg) < 2:
        return np.zeros((0, 4, 2), np.float64)
    u = d / length[:, None]
    i, j = np.triu_indices(len(seg), 1)
    square = np.abs((u[i] * u[j]).sum(axis=1)) <= CORNER_SQUARE
    i, j = i[square], j[square]
    # where the two lines cross
    p, r = seg[i, :2], seg[j, :2]
    cross = u[i, 0] * u[j, 1] - u[i, 1] * u[j, 0]
    t = ((r - p)[:, 0] * u[j, 1] - (r - p)[:, 1] * u[j, 0]) / cross
    corner = p + u[i] * t[:, None]
    gap = CORNER_GAP * min_side
    far_i, ok_i = _far_end(seg[i], corner, gap)
    far_j, ok_j = _far_end(seg[j], corner, gap)
    ok = ok_i & ok_j
    corner, far_i, far_j = corner[ok], far_i[ok], far_j[ok]
    quads = np.stack([corner, far_i, far_i + far_j - corner, far_j], axis=1)
    centre = quads.mean(axis=1)
    # the arms' outward normals (away from the quad's centre) face the shadow
    out = []
    for arm in (far_i, far_j):
        mid = (corner + arm) / 2
        along = arm - corner
        normal = np.stack([-along[:, 1], along[:, 0]], axis=1)
        normal /= np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-9)[:, None]
        normal *= np.sign(((mid - centre) * normal).sum(axis=1))[:, None]
        out.append(normal @ shadow >= ARM_AGREE)
    quads = quads[out[0] & out[1]]
    return np.array([order_clockwise(q) for q in quads if note_sized(q, params, min_side)],
                    np.float64).reshape(-1, 4, 2)


def _far_end(seg: FloatArray, corner: FloatArray, gap: float
             ) -> tuple[FloatArray, np.ndarray]:
    """Each segment's end away from ``corner``, and whether its other end lies within ``gap``
    of it."""
    a, b = seg[:, :2], seg[:, 2:]
    da = np.hypot(*(a - corner).T)
    db = np.hypot(*(b - corner).T)
    near_a = da <= db
    far = np.where(near_a[:, None], b, a)
    return far, np.minimum(da, db) <= gap


def shadow_corner(
    lab: Float32,
    theirs: Mask,
    quad: FloatArray,
    shadow: FloatArray,
    known: list[FloatArray],
) -> bool:
    """Whether the hypothesis ``quad`` is a white note seen by its shadowed corner: not on a
    note already found, and a drop shadow along both sides facing ``shadow``."""
    centre = quad.mean(axis=0)
    if inside_any((float(centre[0]), float(centre[1])), known):
        return False
    shaded = 0
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        inward = inward_normal(centre, a, b)
        if float(-inward @ shadow) < ARM_AGREE:
            continue
        if edge_support(theirs, a, b) >= 0.5 or drop_shadow(lab, a, b, inward) < SHADOW_DEPTH:
            return False
        shaded += 1
    return shaded == 2
