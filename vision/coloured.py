"""Coloured notes: regions whose chroma differs from the poster paper's under the same light,
and the cutting of regions that hold several notes of one colour (touching or overlapping)."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.geometry import (
    FloatArray,
    apply_homography,
    local_mask,
    order_clockwise,
    quad_area,
    side_lengths,
)
from vision.paper import Float32
from vision.quantiles import channel_medians, median, percentile
from vision.shapes import (
    INK_DARKER,
    Candidate,
    DetectParams,
    Mask,
    components,
    fill_holes,
    label_regions,
    note_sized,
    region_area,
    single_quad,
)


def colour_candidates(
    lab: Float32,
    bg: Float32,
    roi: Mask,
    params: DetectParams,
    min_side: float,
    rel: Float32 | None = None,
) -> list[Candidate]:
    """Notes from their chroma against the paper; ``rel`` is ``lab - bg`` when the caller has
    it already."""
    rel = lab - bg if rel is None else rel
    dc = np.hypot(rel[..., 1], rel[..., 2])
    mask = ((dc > params.chroma_dev) & (roi > 0)).astype(np.uint8) * 255
    mask = fill_holes(mask, max_hole=(params.max_side_frac * max(lab.shape[:2])) ** 2)
    k = max(3, int(min_side * 0.25) | 1)
    whole = mask
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    _, parent, parent_boxes = label_regions(whole)
    # glare: a glossy note's paper lit whiter than the matte poster, and without its colour
    glare = (rel[..., 0] > GLARE_LIGHTER).astype(np.uint8) * 255
    found: list[tuple[list[FloatArray], int]] = []
    in_region: dict[int, list[FloatArray]] = {}
    for blob in components(mask):
        quads = _quads_of_blob(blob, lab[..., 0], params, min_side, glare)
        if quads:
            label = _region_of(blob, parent)
            found.append((quads, label))
            in_region.setdefault(label, []).extend(quads)
    out: list[Candidate] = []
    for quads, label in found:
        # notes of one colour touching make one region that the opening parted again
        siblings = [q for q in in_region[label] if not any(q is own for own in quads)]
        if _covers_its_blob(quads, label, parent, parent_boxes, lab, siblings):
            out.extend(Candidate(q, "colour", 0.95) for q in quads if _light_as_paper(lab, bg, q))
    return out


def _region_of(blob: tuple[int, int, Mask], parent: NDArray[np.int32]) -> int:
    """The label of the colour region (before the opening) that holds ``blob``: the opening
    only takes pixels away, so a blob lies in one region and any of its pixels tells which."""
    x, y, mask = blob
    row, col = divmod(int(np.argmax(mask)), mask.shape[1])
    return int(parent[y + row, x + col])


def _light_as_paper(lab: Float32, bg: Float32, quad: FloatArray) -> bool:
    """Note paper, even neon pink or purple, keeps well over half the poster paper's
    lightness (0.59 at the darkest over the labelled photos); marker ink keeps a fifth, and
    under warm light it differs from the paper in chroma too, so a bold written character can
    make a note-shaped colour region."""
    box, inside = local_mask(lab.shape, quad)
    if not inside.any():
        return False
    light = float(median(lab[box][..., 0][inside]))
    return light >= NOTE_MIN_LIGHTNESS * float(median(bg[box][..., 0][inside]))


NOTE_MIN_LIGHTNESS = 0.4
"""Share of the paper's Lab lightness below which a colour region is ink, not a note."""


def _covers_its_blob(
    quads: list[FloatArray],
    label: int,
    parent: NDArray[np.int32],
    boxes: NDArray[np.int32],
    lab: Float32,
    siblings: list[FloatArray] | None = None,
) -> bool:
    """The quads account for most of the colour region ``label`` they came from, before thin
    parts were opened away: a hand or an arm (skin is a colour too) leaves its palm as a
    square but most of itself outside it; a note's region is the note (and perhaps an arrow).
    ``siblings`` are the quads found in other parts of the same region."""
    if label == 0:
        return True
    covered = sum(quad_area(q) for q in quads)
    region = region_area(parent, boxes, label)
    if covered >= BLOB_COVERAGE * region:
        return True
    # A note touching a hand or an arm of another colour is no palm: count only the part of
    # the region in the quads' own colour, and the notes of that colour found in it besides
    # (two touching notes of one pad).
    own, ref = _same_colour_area(lab, quads, parent, boxes, label)
    if covered >= BLOB_COVERAGE * own:
        return True
    if ref is None or not siblings:
        return False
    alike = sum(quad_area(q) for q in siblings if _colour_near(lab, q, ref))
    return bool(covered + alike >= BLOB_COVERAGE * own)


def _colour_near(lab: Float32, quad: FloatArray, ref: FloatArray) -> bool:
    """Whether the median colour inside ``quad`` is within ``SAME_COLOUR`` of ``ref``."""
    box, inside = local_mask(lab.shape, quad)
    if not inside.any():
        return False
    return bool(_alike(channel_medians(lab[box], inside) - ref))


def _alike(d: NDArray[np.floating]) -> NDArray[np.bool_]:
    """Whether Lab differences ``d`` (…×3) are within ``SAME_COLOUR``, lightness weighted by
    half (light varies across one note more than its colour does)."""
    return np.asarray(d[..., 0] ** 2 / 4 + d[..., 1] ** 2 + d[..., 2] ** 2 <= SAME_COLOUR**2)


def _same_colour_area(
    lab: Float32,
    quads: list[FloatArray],
    parent: NDArray[np.int32],
    boxes: NDArray[np.int32],
    label: int,
) -> tuple[int, FloatArray | None]:
    """Pixels of region ``label`` within ``SAME_COLOUR`` (Lab, lightness weighted by half) of
    the median colour inside ``quads``, and that colour (``None`` when the quads hold none of
    the region)."""
    x, y, w, h = boxes[label]
    region = parent[y : y + h, x : x + w] == label
    inside = np.zeros(region.shape, np.uint8)
    for q in quads:
        cv2.fillConvexPoly(inside, np.round(q - [x, y]).astype(np.int32), 1)
    patch = lab[y : y + h, x : x + w]
    theirs = (inside > 0) & region
    if not theirs.any():
        return int(np.count_nonzero(region)), None  # no colour of their own to compare with
    ref = channel_medians(patch, theirs)
    near = _alike(patch - ref.astype(np.float32))
    return int(np.count_nonzero(near & region)), np.asarray(ref, np.float64)


SAME_COLOUR = 12.0
"""Lab distance (lightness weighted by half) within which a region's pixels are the notes'
colour: a hand next to an orange note measured 23 off it."""


BLOB_COVERAGE = 0.6
"""Share of its colour region the notes found in it must cover (see ``_covers_its_blob``)."""


SEAM_SPAN = 0.75
"""Share of a quad's height (or width) a straight edge must cross to be the seam between
two touching notes of one colour (writing never runs so straight and so far)."""
SEAM_PAIR_SPAN = 0.5
"""The share that suffices for a seam across the middle of a quad shaped like two typical
notes in a row: two notes of one pad stuck edge to edge show a faint seam (0.56 measured on
such a pair), and their shape says where to look."""
SEAM_MIN_ASPECT = 1.2
"""Long side / short side from which a quad may be two notes side by side."""
SEAM_BIG_AREA = 1.8
"""Area, in typical notes, from which a nearly square quad may be two tall notes."""
SEAM_INK_GAP = 9
"""Width (px) of the band around writing where edges are no seam: the soft fringe of marker
strokes lines up along a text line, and the gap between two lines is no seam."""
SEAM_FREE = 0.6
"""Share of the rows a seam crosses that must be clear of writing (the rows near writing
carry no evidence either way)."""


def split_evenly(quad: FloatArray, typical: float | None, max_aspect: float) -> list[FloatArray]:
    """Cut a quad too long to be one note (``max_aspect``) into ``n`` equal pieces when it is
    a row of ``n`` touching square notes whose seams do not show (notes stuck edge to edge in
    a column, the same paper under the same light): ``n`` times as long as it is wide, and as
    wide as a ``typical`` note (area). Two in a row are left whole: a 75×127 mm note in a
    tilted photo can look twice as long as wide."""
    w, h = side_lengths(quad)
    n = notes_long(quad, typical)
    if max(w, h) / max(min(w, h), 1.0) <= max_aspect or not 0 < n <= ROW_NOTES + 0.5:
        return [quad]
    # corners clockwise from top-left: sides 0→1 and 3→2 run along w, 0→3 and 1→2 along h
    a, b, c, d = quad
    if w < h:
        a, b, c, d = b, c, d, a  # make a→b and d→c the long sides
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    top, bottom = a + (b - a) * t, d + (c - d) * t
    return [order_clockwise(np.array([top[i], top[i + 1], bottom[i + 1], bottom[i]]))
            for i in range(n)]


def notes_long(quad: FloatArray, typical: float | None) -> int:
    """How many ``typical`` notes (area) long ``quad`` is, when it is as wide as one of them
    and a whole number of its widths long; 0 when it is not such a row."""
    if typical is None:
        return 0
    w, h = side_lengths(quad)
    width, length = max(min(w, h), 1.0), max(w, h)
    n = round(length / width)
    if n < 1 or abs(length / width / n - 1) > EVEN_LENGTH_SLACK:
        return 0
    if abs(width / np.sqrt(typical) - 1) > EVEN_WIDTH_SLACK:
        return 0
    return n


EVEN_LENGTH_SLACK = 0.1
"""How far (share) a row's length may be from a whole number of its widths."""
EVEN_WIDTH_SLACK = 0.2
"""How far (share) a row's width may be from a typical note's side (perspective makes notes
across one photo differ by about this much)."""


def split_at_seams(
    quad: FloatArray, grad: Float32, light: Float32, min_side: float, typical: float | None = None
) -> list[FloatArray]:
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
    ink = face < float(percentile(face.ravel(), 60)) - INK_DARKER  # writing on the note
    ink = cv2.dilate(ink.astype(np.uint8), np.ones((SEAM_INK_GAP, SEAM_INK_GAP), np.uint8)) > 0
    # the threshold comes from the note's paper alone: the writing's own edges would raise it
    paper = flat[~ink] if (~ink).any() else flat
    strong = flat > max(2.0, 3.0 * float(median(paper.ravel())))
    pair = notes_long(quad, typical) == 2
    for axis, size, other in ((0, cw, ch), (1, ch, cw)):
        # A single note is never cut: only a blob longer than a note is wide (two square
        # notes side by side), along its long side.
        if size < 1.6 * min_side or size < (1.0 if big else SEAM_MIN_ASPECT) * other:
            continue
        hits = strong if axis == 0 else strong.T  # rows × positions along the cut axis
        near = cv2.dilate(hits.astype(np.uint8), np.ones((1, 3), np.uint8)) > 0
        seam = _best_seam(near, ink if axis == 0 else ink.T, size, other, pair)
        if seam is None:
            continue
        top, bottom = seam  # where the seam meets the first and the last row
        inv = np.linalg.inv(m)
        parts: list[list[tuple[float, float]]]
        if axis == 0:
            parts = [
                [(0, 0), (top, 0), (bottom, ch - 1), (0, ch - 1)],
                [(top, 0), (cw - 1, 0), (cw - 1, ch - 1), (bottom, ch - 1)],
            ]
        else:
            parts = [
                [(0, 0), (cw - 1, 0), (cw - 1, bottom), (0, top)],
                [(0, top), (cw - 1, bottom), (cw - 1, ch - 1), (0, ch - 1)],
            ]
        out: list[FloatArray] = []
        for part in parts:
            q = apply_homography(inv, np.array(part, np.float64))
            out.extend(split_at_seams(q, grad, light, min_side, typical))
        return out
    return [quad]


SEAM_MAX_TILT = 11.0
"""Degrees a seam may lean from square across the blob: two touching notes are rarely stuck
on exactly parallel, and one may be stuck ±10° askew (6° missed such a pair on a photo of
seeds +2000; the labelled sets find the same notes with either)."""


def _best_seam(
    near: NDArray[np.bool_], ink: NDArray[np.bool_], size: int, other: int, pair: bool = False
) -> tuple[float, float] | None:
    """The straightest edge line across the middle of ``near`` (rows × positions), as the
    positions where it meets the first and last row, or ``None`` when no line is on edges in
    at least ``SEAM_SPAN`` of the rows it crosses outside the writing (``ink``). When the quad
    has the shape of two typical notes in a row (``pair``), a line in the middle fifth of it
    needs only ``SEAM_PAIR_SPAN``."""
    margin = int(other * 0.1)
    lo, hi = int(0.3 * size), int(0.7 * size)
    if hi <= lo or other - 2 * margin < 2:
        return None
    rows = np.arange(margin, other - margin)
    mid = (other - 1) / 2
    at = np.arange(lo, hi)
    slopes = np.tan(np.radians(np.linspace(-SEAM_MAX_TILT, SEAM_MAX_TILT, 11)))
    cols = np.round(at[None, None, :] + slopes[:, None, None] * (rows[None, :, None] - mid))
    cols = np.clip(cols, 0, size - 1).astype(np.intp)  # slope × row × position
    # one gather of 0 (writing), 1 (paper), 2 (paper on an edge): 2.4× faster than two
    paper = ~ink
    code = paper.astype(np.uint8) + (near & paper)
    crossed = code.ravel()[rows[None, :, None] * size + cols]
    free = (crossed > 0).sum(axis=1)  # rows clear of writing
    on = (crossed == 2).sum(axis=1)
    # where writing comes close to the seam, the rows clear of it must carry the line
    span = np.where(free >= SEAM_FREE * len(rows), on / np.maximum(free, 1), 0.0)
    # a hair's preference for the square seam, so a straight one is never traded for a tilt
    score = span - 1e-3 * np.abs(slopes)[:, None]
    s, k = np.unravel_index(int(np.argmax(score)), score.shape)
    central = abs(at[k] - size / 2) <= 0.1 * size
    if span[s, k] < (SEAM_PAIR_SPAN if pair and central else SEAM_SPAN):
        return None
    slope = slopes[s]
    return float(at[k] - slope * mid), float(at[k] + slope * (other - 1 - mid))


def _quads_of_blob(
    blob: tuple[int, int, Mask],
    light: Float32,
    params: DetectParams,
    min_side: float,
    glare: Mask,
) -> list[FloatArray]:
    """One quad for a blob that is one note, several for touching notes, none for noise."""
    x, y, mask = blob
    offset = np.array([x, y], dtype=np.float64)
    quad = single_quad(mask, params, min_side)
    if quad is not None:
        return [q + offset for q in _notched_pair(mask, quad, params, min_side) or [quad]]
    h, w = mask.shape
    lit = _with_glare(mask, glare[y : y + h, x : x + w])
    if lit is not None:
        quad = single_quad(lit, params, min_side)
        if quad is not None:
            return [quad + offset]
    if mask.sum() / 255 < 2 * min_side**2:
        return []
    h, w = mask.shape
    quad = _bitten(mask, light[y : y + h, x : x + w], params, min_side)
    if quad is not None:
        return [quad + offset]
    pieces = _cut_at_edges(mask, light[y : y + h, x : x + w], params, min_side)
    if len(pieces) >= 2:
        return [q + offset for q in pieces]
    # A row of notes of one colour, edge to edge: a long rectangle, cut at its seams later.
    long = replace(
        params,
        max_aspect=params.max_aspect * ROW_NOTES,
        max_side_frac=params.max_side_frac * ROW_NOTES,
    )
    row = single_quad(mask, long, min_side)
    if row is not None:
        return [row + offset]
    parts = _split(mask, params, min_side)
    if len(parts) < 2:
        parts = _corner_overlap(mask, params, min_side) or parts
    return [q + offset for q in parts]


def _notched_pair(
    mask: Mask, quad: FloatArray, params: DetectParams, min_side: float
) -> list[FloatArray]:
    """Two notes of one colour side by side whose blob passes for one long note: where their
    sides meet, the outline dips in on both long sides (a V where the two are stuck a little
    askew, a step where one sits higher), opposite each other across the middle. One note's
    outline never dips that far (≤ 1.4 px measured on 46 photos; pairs 2.3–15 px). The blob
    is cut along the line between the two dips and each part must be a note."""
    w, h = side_lengths(quad)
    if max(w, h) < NOTCH_MIN_ASPECT * min(w, h):
        return []
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contour = max(contours, key=cv2.contourArea)
    defects = cv2.convexityDefects(contour, cv2.convexHull(contour, returnPoints=False))
    if defects is None:
        return []
    a, b, c, d = quad
    along = (b - a + c - d) / 2 if w >= h else (d - a + c - b) / 2
    length = float(np.linalg.norm(along))
    u = along / length
    v = np.array([-u[1], u[0]])
    width, centre = min(w, h), quad.mean(axis=0)
    deepest: dict[bool, tuple[float, FloatArray]] = {}
    for _, _, far, depth in defects.reshape(-1, 4):
        p = contour[far, 0].astype(np.float64)
        t, side = float((p - centre) @ u) / length, float((p - centre) @ v) / width
        if depth / 256 < max(NOTCH_MIN_DEPTH, NOTCH_DEPTH_SHARE * width):
            continue
        if abs(t) <= NOTCH_MID and abs(side) >= NOTCH_SIDE:
            best = deepest.get(side > 0)
            if best is None or depth > best[0]:
                deepest[side > 0] = (float(depth), p)
    if len(deepest) < 2:
        return []
    p, q = deepest[True][1], deepest[False][1]
    if abs(float((p - q) @ u)) > NOTCH_MAX_LEAN * width:
        return []
    # the cut runs on past both dips, across the whole blob
    reach = 2 * width * (p - q) / max(float(np.linalg.norm(p - q)), 1.0)
    cut = mask.copy()
    cv2.line(cut, tuple(np.round(p + reach).astype(int)), tuple(np.round(q - reach).astype(int)),
             0, 2)
    n, labels = cv2.connectedComponents(cut, connectivity=4)
    parts = [single_quad((labels == i).astype(np.uint8) * 255, params, min_side)
             for i in range(1, n)]
    found = [part for part in parts if part is not None]
    return found if len(found) == 2 else []


NOTCH_MIN_ASPECT = 1.5
"""Long side / short side from which one blob may be two notes side by side."""
NOTCH_MIN_DEPTH = 2.0
"""Pixels (working copy) an outline must dip in to be where two notes meet."""
NOTCH_DEPTH_SHARE = 0.025
"""The same as a share of the blob's width (a large pair's outline is noisier in pixels)."""
NOTCH_MID = 0.15
"""How far from the middle of the long side (share of its length) the dips may be."""
NOTCH_SIDE = 0.35
"""How near the long sides (share of the width from the centre line) the dips must lie."""
NOTCH_MAX_LEAN = 0.25
"""How far along the blob the two dips may be apart (share of the width): the seam crosses
the blob nearly square (about 14°)."""


def _with_glare(mask: Mask, glare: Mask) -> Mask | None:
    """The blob with the glare patches that touch it added (a reflection takes a bite out of
    a note's colour, often at a corner), or ``None`` when none touches it."""
    grown = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    n, labels = cv2.connectedComponents(glare, connectivity=8)
    touching = np.unique(labels[(grown > 0) & (glare > 0)])
    touching = touching[touching > 0]
    if len(touching) == 0:
        return None
    return np.where(np.isin(labels, touching), np.uint8(255), mask).astype(np.uint8)


def _bitten(mask: Mask, light: Float32, params: DetectParams, min_side: float
            ) -> FloatArray | None:
    """The quad of a note whose colour a reflection washed out at one edge (on bright paper
    the spot is no lighter than the paper beside it, so no glare patch shows): the blob's
    convex hull is one note, and what the blob lacks of it is a small patch lighter than the
    note's paper, not writing."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = np.zeros_like(mask)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.concatenate(contours)), 255)
    bite = (hull > 0) & (mask == 0)
    if not bite.any() or np.count_nonzero(bite) > BITE_MAX * np.count_nonzero(hull):
        return None
    # the paper of the bite, not the writing that may run across it
    if float(percentile(light[bite], 75)) < float(median(light[mask > 0])) + BITE_LIGHTER:
        return None
    return single_quad(hull, params, min_side)


BITE_MAX = 0.3
"""Largest share of its convex hull a washed-out bite may take from a note's blob (a spot
on a laminated pink note took 0.21 on seeds +7000; half a note is no bite)."""
BITE_LIGHTER = 5.0
"""Lab L units by which a washed-out bite is lighter than the note's own colour."""


GLARE_LIGHTER = 5.0
"""Lab L units above the paper from which a pixel is glare on a glossy note."""


def _cut_at_edges(
    mask: Mask, light: Float32, params: DetectParams, min_side: float
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
        part = cv2.bitwise_and(
            cv2.dilate((labels == i).astype(np.uint8) * 255, np.ones((5, 5), np.uint8)), mask
        )
        quad = single_quad(part, loose, min_side)
        if quad is not None:
            out.append(quad)
    return out


CUT_MIN_FILL = 0.75
ROW_NOTES = 2.5
"""A row of touching notes may be this many notes long (and as much longer than wide)."""


def _corner_overlap(mask: Mask, params: DetectParams, min_side: float) -> list[FloatArray]:
    """Two notes of one colour, one stuck over a corner of the other: their blob's outline has
    eight corners, two of them pointing inwards where the notes' sides cross. Between those
    two, each note shows three of its own corners; the fourth, hidden under the other note
    (or lying on it), completes the parallelogram. Both must be note-shaped, about equally
    large, and together cover the blob."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return []
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area <= 0 or area > OVERLAP_MAX_SOLIDITY * cv2.contourArea(cv2.convexHull(contour)):
        return []  # as convex as one quad: not two crossing outlines
    perimeter = cv2.arcLength(contour, True)
    for eps in (0.02, 0.03, 0.04):
        poly = cv2.approxPolyDP(contour, eps * perimeter, True).reshape(-1, 2).astype(np.float64)
        if len(poly) == 8:
            break
    else:
        return []
    out, back = np.roll(poly, -1, axis=0) - poly, poly - np.roll(poly, 1, axis=0)
    turn = back[:, 0] * out[:, 1] - back[:, 1] * out[:, 0]  # the sign says which way it turns
    inward = np.flatnonzero(np.sign(turn) != np.sign(np.median(turn)))
    if len(inward) != 2 or (inward[1] - inward[0]) % 8 != 4:
        return []  # three visible corners of each note between the two inward ones
    quads = []
    for start in inward:
        a, b, c = (poly[(start + k) % 8] for k in (1, 2, 3))
        quad = order_clockwise(np.array([a, b, c, a + c - b]))
        if not _note_shaped(quad, params, min_side):
            return []
        quads.append(quad)
    sizes = [quad_area(q) for q in quads]
    if min(sizes) < OVERLAP_SIZE_RATIO * max(sizes):
        return []
    drawn = np.zeros_like(mask)
    for q in quads:
        cv2.fillConvexPoly(drawn, np.round(q).astype(np.int32), 255)
    union = np.count_nonzero(drawn | mask)
    if np.count_nonzero(drawn & mask) < OVERLAP_COVERAGE * union:
        return []
    return quads


def _note_shaped(quad: FloatArray, params: DetectParams, min_side: float) -> bool:
    """Sides of a note's size and proportions, corners near square (the quad comes from three
    corners: the middle one's angle is all there is to check)."""
    if not note_sized(quad, params, min_side):
        return False
    u, v = quad[1] - quad[0], quad[3] - quad[0]
    return bool(abs(np.dot(u, v)) <= OVERLAP_MAX_COS * np.linalg.norm(u) * np.linalg.norm(v))


OVERLAP_MAX_SOLIDITY = 0.93
"""Blob area over its convex hull's below which it may be two notes overlapping at a corner
(one quad's blob is ≥ 0.95 convex; two squares crossing at a quarter of a side, 0.89)."""
OVERLAP_SIZE_RATIO = 0.6
"""Smaller over larger note area the two may have (pads on one poster come in a few sizes)."""
OVERLAP_COVERAGE = 0.85
"""Share of the blob and the two quads together that both must cover."""
OVERLAP_MAX_COS = 0.26
"""Cosine of the corner angle a note's corner may have (about 75°-105° in a tilted photo)."""


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
        quad = single_quad(part, params, min_side)
        if quad is not None:
            out.append(quad)
    return out
