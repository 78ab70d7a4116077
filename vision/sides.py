"""Whether one side of a hypothesised note shows in the photo, from a profile across it.

A white note on bright paper, lit from above, casts no shadow along its top: the edge map has
nothing there, yet the eye sees the side, because the cut edge is a faint dark line and the
note's paper differs a little from the poster's. Both are a fraction of the pixel noise, but
averaged along the whole side they stand out. The profile here is that average: the mean Lab
value at each offset across the side, over its middle, with the samples on ink left out (an
arrow touching the note, or the writing, is not its side).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import FloatArray
from vision.paper import Float32
from vision.shapes import Mask

SLACK = 3
"""The side may lie this many px off the hypothesis (segment ends, rounded corners)."""
MARGIN = 13
"""Profile rows needed either side of a position to judge it (strips out to 12 px)."""
SIDE_MIDDLE = (0.15, 0.85)
"""The stretch of the side that is averaged: corners are rounded and shadowed."""
SIDE_SAMPLES = 48
"""Points along the side averaged at each offset (at most; one per pixel on short sides)."""
SIDE_INK = 12.0
"""A sample this much darker than the rest of its row (the same offset along the side), or this
far from it in chroma (red and blue marker), is ink crossing the side, and left out. A shadow
runs along the side, darkens the whole row, and stays."""
LINE_INK = 30.0
"""A ridge this much darker than the paper either side is a marker line, not a note's edge
(a soft shadow on paper stays far lighter)."""
SIDE_MIN_CONTRAST = 0.8
"""Weakest step or ridge (Lab units, averaged along the side) that counts as a seen side."""
SIDE_NOISE_FACTOR = 4.0
"""A seen side also stands this many times above the profile's own noise."""


def side_evidence(
    lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray, slack: int = SLACK
) -> tuple[float, int]:
    """How clearly a side from ``a`` to ``b`` shows within ``slack`` px of the line: see
    :func:`find_side`."""
    return find_side(lab, a, b, inward, slack, slack)


def find_side(
    lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray, back: int, forward: int
) -> tuple[float, int]:
    """Where a side parallel to ``a``–``b`` shows best, from ``back`` px outside the line to
    ``forward`` px inside it.

    A side is a step (Lab distance between the strips 2–6 px either side) or a dark ridge (a
    thin line darker than both strips). Returns the strongest contrast divided by the noise
    threshold (≥ 1 means seen) and its offset along ``inward`` (px); (0, 0) when the side lies
    mostly outside the image or the evidence is a marker line (no note side).
    """
    found = _contrasts(lab, a, b, inward, back, forward)
    if found is None:
        return 0.0, 0
    offsets, contrast = found
    k = int(np.argmax(contrast))
    return float(contrast[k]), int(offsets[k])


def _contrasts(
    lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray, back: int, forward: int
) -> tuple[NDArray[np.int64], FloatArray] | None:
    """Offsets from ``-back`` to ``forward`` and the contrast of a side at each (see
    :func:`find_side`), or ``None`` when the side lies mostly outside the image."""
    lo, hi = back + MARGIN, forward + MARGIN
    found = _profile(lab, a, b, inward, lo, hi)
    if found is None:
        return None
    profile, lined = found
    light = profile[:, 0]
    noise = float(np.median(np.abs(np.diff(light)))) / 0.6745 / np.sqrt(2.0)
    o, strip, line = _positions(profile)
    outside, inside = strip(-6, -2), strip(2, 6)
    # a step is sharp: the light falling off across a note or a glare patch changes the
    # strips further out as much, an edge does not
    drift = 0.5 * (
        np.linalg.norm(strip(-12, -8) - outside, axis=1)
        + np.linalg.norm(strip(8, 12) - inside, axis=1)
    )
    step = np.maximum(0.0, np.linalg.norm(inside - outside, axis=1) - 4.0 / 3.0 * drift)
    ridge = 0.5 * (outside[:, 0] + inside[:, 0]) - line
    # a marker line in the window: its fringe is no evidence of a side
    near_line = np.convolve(lined.astype(np.float64), np.ones(2 * MARGIN + 1), mode="valid") > 0
    contrast = np.where(near_line | (ridge > LINE_INK), 0.0, np.maximum(step, ridge))
    return o - lo, contrast / max(SIDE_MIN_CONTRAST, SIDE_NOISE_FACTOR * noise)


def _profile(
    lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray, lo: int, hi: int
) -> tuple[Float32, NDArray[np.bool_]] | None:
    """(lo + hi + 1)×3 mean Lab per offset from ``lo`` px outside to ``hi`` px inside, over
    the samples that are no ink, and which offsets a marker line runs along; ``None`` when
    the side lies mostly outside the image."""
    length = float(np.hypot(*(b - a)))
    n = min(SIDE_SAMPLES, max(8, int(length * (SIDE_MIDDLE[1] - SIDE_MIDDLE[0]))))
    t = np.linspace(SIDE_MIDDLE[0], SIDE_MIDDLE[1], n)
    offsets = np.arange(-lo, hi + 1, dtype=np.float64)
    pts = a[None, None] + (b - a)[None, None] * t[None, :, None] + inward * offsets[:, None, None]
    h, w = lab.shape[:2]
    ends = pts[[0, -1]]  # a column lies in the image when both its ends do
    x, y = ends[..., 0], ends[..., 1]
    cols = ((x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)).all(axis=0)
    if cols.sum() < n / 3:
        return None
    pts = pts[:, cols]
    samples = cv2.remap(
        lab, pts[..., 0].astype(np.float32), pts[..., 1].astype(np.float32), cv2.INTER_LINEAR
    )
    light = samples[..., 0]
    rows = np.median(light, axis=1, keepdims=True)
    lined = rows[:, 0] < np.partition(rows[:, 0], int(0.9 * (len(rows) - 1)))[
        int(0.9 * (len(rows) - 1))
    ] - LINE_INK
    chroma = samples[..., 1:] - samples[..., 1:].mean(axis=1, keepdims=True)
    ink = (light < rows - SIDE_INK) | (np.abs(chroma).max(axis=2) > SIDE_INK)
    # the soft fringe of a stroke is no paper either
    ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 1), np.uint8)) > 0
    weight = (~ink).astype(np.float32)[..., None]
    clean = weight.sum(axis=1)
    mean = (samples * weight).sum(axis=1) / np.maximum(clean, 1.0)
    # an offset with little paper left is no evidence either way
    return np.asarray(mean, np.float32), lined | (clean[:, 0] < 0.25 * samples.shape[1])


END_REACH = 0.8
"""How far past a segment's end (share of the longer of its length and the pair's width) the
end of a note is looked for: a side broken by a glare patch or the writing may be found by
LSD for half its length only."""
SIDE_EDGE_SUPPORT = 0.6
"""Share of a side on the edge map that makes it seen without a profile."""


def complete_ends(lab: Float32, near: Mask, quad: FloatArray, min_length: float) -> FloatArray:
    """Move the two ends of a side-pair hypothesis to where the photo shows them.

    ``quad`` is ``[a, b, b + shift, a + shift]``: its sides a–b and the opposite one come from
    line segments, but the segments may run on past the note (a row of notes shares one shadow
    line) and its ends are often unseen on the edge map (a note lit from above has no shadow
    along its top). An end with little edge support is searched for in the profile across it,
    from a little outside to as far in as keeps the pair at least ``min_length`` long.
    An end the profile does not show either stays where it was.
    """
    a, b, b2, a2 = (np.asarray(p, np.float64) for p in quad)
    for end in (0, 1):
        length = float(np.hypot(*(b - a)))
        u = (b - a) / max(length, 1e-9)
        p, q, inward = (a, a2, u) if end == 0 else (b, b2, -u)
        if edge_support(near, p, q) >= SIDE_EDGE_SUPPORT:
            continue
        forward = max(SLACK, int(length - min_length))
        back = max(SLACK, int(END_REACH * max(length, float(np.hypot(*(q - p))))))
        found = _contrasts(lab, p, q, inward, back, forward)
        if found is None:
            continue
        offsets, contrast = found
        at_end = np.abs(offsets) <= SLACK
        # where the segments end if it shows there; else short of it, or past a broken side
        pool = at_end if contrast[at_end].max() >= 1.0 else np.ones_like(at_end)
        k = int(np.flatnonzero(pool)[np.argmax(contrast[pool])])
        if contrast[k] < 1.0:
            continue
        offset = int(offsets[k])
        if end == 0:
            a, a2 = a + inward * offset, a2 + inward * offset
        else:
            b, b2 = b + inward * offset, b2 + inward * offset
    return np.array([a, b, b2, a2])


def edge_support(near: Mask, a: FloatArray, b: FloatArray) -> float:
    """Share of points along a–b (corners left out) that lie on ``near``."""
    n = max(2, int(np.hypot(*(b - a)) / 2))
    t = np.linspace(0.08, 0.92, n)[:, None]
    pts = np.round(a + (b - a) * t).astype(int)
    h, w = near.shape
    ok = (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    return float((near[pts[ok, 1], pts[ok, 0]] > 0).sum()) / n


def outline_support(near: Mask, quad: FloatArray) -> float:
    """Share of the points along all of the quad's sides (corners left out) on ``near``."""
    sides = list(zip(quad, np.roll(quad, -1, axis=0), strict=True))
    counts = [max(2, int(np.hypot(*(b - a)) / 2)) for a, b in sides]
    hits = sum(edge_support(near, a, b) * n for (a, b), n in zip(sides, counts, strict=True))
    return hits / sum(counts)


def outline_seen(lab: Float32, near: Mask, theirs: Mask, quad: FloatArray) -> bool:
    """Whether every side of ``quad`` shows: on the edge map, or as a step or ridge in the
    profile across it; a side that lies along a note already found (``theirs``) does not
    count."""
    centre = quad.mean(axis=0)
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        if edge_support(theirs, a, b) >= 0.5:
            return False
        if edge_support(near, a, b) >= SIDE_EDGE_SUPPORT:
            continue
        if side_evidence(lab, a, b, inward_normal(centre, a, b))[0] < 1.0:
            return False
    return True


def ridge_depth(lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray) -> float:
    """How much darker (L) than the paper either side the darkest thin line along a–b is,
    within ``SLACK`` px of it: a note's drop shadow or cut edge; 0 beside a marker line."""
    lo = hi = SLACK + MARGIN
    found = _profile(lab, a, b, inward, lo, hi)
    if found is None or found[1].any():
        return 0.0
    _o, strip, line = _positions(found[0])
    outside, inside = strip(-6, -2)[:, 0], strip(2, 6)[:, 0]
    return float(max(0.0, (np.minimum(outside, inside) - line).max()))


def _positions(
    profile: Float32,
) -> tuple[NDArray[np.int64], Callable[[int, int], FloatArray], FloatArray]:
    """The profile rows a side may lie on (``MARGIN`` from either end), a function giving the
    mean of rows ``o + start`` … ``o + end`` at each of them, and the darkest lightness of the
    three rows around each (the thin line of a cut edge or shadow)."""
    o = np.arange(MARGIN, len(profile) - MARGIN)
    cum = np.vstack([np.zeros((1, profile.shape[1])), np.cumsum(profile, axis=0, dtype=np.float64)])

    def strip(start: int, end: int) -> FloatArray:
        return np.asarray((cum[o + end + 1] - cum[o + start]) / (end - start + 1), np.float64)

    light = profile[:, 0]
    line = np.minimum(np.minimum(light[o - 1], light[o]), light[o + 1]).astype(np.float64)
    return o, strip, line


SHADOW_MIN = 5.0
"""Depth (L) of the thin dark line along a side that is a note's drop shadow. Measured on
generated photos: white notes 5.8–12.7 along their lower and right sides, while paper boxed in
by lines, creases and lane shading reached 3.9 at most, and a lane line or an arrow on one
side up to 14."""


def casts_shadow(lab: Float32, quad: FloatArray) -> bool:
    """Whether two adjacent sides of ``quad`` have a drop shadow: a note lies on the paper,
    raised a little, and under light from one direction its edge throws a thin shadow along
    the two sides facing away from the light, an L that a patch of the poster boxed in by one
    line and the edges of other things does not have."""
    centre = quad.mean(axis=0)
    shadowed = []
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        shadowed.append(ridge_depth(lab, a, b, inward_normal(centre, a, b)) >= SHADOW_MIN)
    return any(shadowed[k] and shadowed[(k + 1) % 4] for k in range(4))


SHADOW_PALE = 3.0
"""Most (L) a note may be darker than the paper for its sides' shadows to be measured."""


def drop_shadow(lab: Float32, a: FloatArray, b: FloatArray, inward: FloatArray) -> float:
    """How much darker (L) the paper just outside side a–b (1-5 px out) is than the paper
    further out (9-13 px): the drop shadow a note casts along the sides facing away from the
    light. Measured for notes about as light as the paper only (``SHADOW_PALE``); 0 for
    others and where a marker line runs along the side."""
    found = _profile(lab, a, b, inward, SLACK + MARGIN, 6)
    if found is None:
        return 0.0
    profile, lined = found
    light = profile[:, 0]
    at = SLACK + MARGIN  # row of offset 0
    if lined[at - 13 : at].any():
        return 0.0
    paper = float(light[at - 13 : at - 8].mean())
    if float(light[at + 3 : at + 7].mean()) < paper - SHADOW_PALE:
        return 0.0  # a darker note: its own colour would pass for a shadow a pixel off
    return max(0.0, paper - float(light[at - 5 : at].min()))



def inward_normal(centre: FloatArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """The unit normal of side a–b that points into the quad whose centre is ``centre``."""
    d = b - a
    normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-9)
    return normal if np.dot(centre - (a + b) / 2, normal) >= 0 else -normal
