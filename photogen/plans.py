"""Poster plans for the two layouts: a swimlane business flow and a KPT ふりかえり.

All coordinates are **poster mm** (flat 模造紙, origin top-left, x right, y down).
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import numpy as np

from photogen import fonts, pack, text, vocab
from photogen.layout import (
    NEON_RGB,
    PASTEL_RGB,
    Label,
    LanePlan,
    NotePlan,
    PosterPlan,
    Stroke,
    arrow,
    make_note,
    note_rgb,
    wobbly_line,
)
from photogen.spec import SceneSpec, effect_rng

log = logging.getLogger(__name__)

MARGIN = 28.0
GAP_X, GAP_Y = 34.0, 22.0
_PEN = (30, 30, 36)


def plan_poster(spec: SceneSpec, rng: np.random.Generator) -> PosterPlan:
    """Plan the poster ``spec`` asks for (layout, notes, lanes, arrows, labels)."""
    return _plan_kpt(spec, rng) if spec.layout == "kpt" else _plan_flow(spec, rng)


PAPER_RGB: dict[str, tuple[int, int, int]] = {
    "standard": (244, 241, 231),
    "cream": (241, 233, 212),
    "bright": (249, 249, 246),
}
"""模造紙 tones: the usual off-white, a cream sheet, bright white paper."""


def _paper(rng: np.random.Generator, tone: str = "standard") -> tuple[int, int, int]:
    r, g, b = np.array(PAPER_RGB[tone]) + rng.normal(0, 2.5, 3)
    return int(r), int(g), int(b)


def _label(kind: str, words: str, box: tuple[float, float, float, float], max_mm: float,
           rng: np.random.Generator) -> Label:
    """Hand-written text centred in ``box`` (x0, y0, x1, y1 mm), as large as fits."""
    x0, y0, x1, y1 = box
    size = min(max_mm, text.fit(words, x1 - x0, y1 - y0, vertical=False, max_lines=1).char_size)
    face = fonts.faces("hand")[int(rng.integers(len(fonts.faces("hand"))))]
    return Label(kind, words, (x0 + x1) / 2, (y0 + y1) / 2, size, face, _PEN)


def _title(spec: SceneSpec, rng: np.random.Generator, words: str, band: float) -> list[Label]:
    w, _ = spec.poster_mm
    return [_label("title", words, (MARGIN, MARGIN * 0.6, w - MARGIN, band), 42.0, rng)]


def _pick_cells(cells: list[tuple[int, int, int]], n: int, rng: np.random.Generator
                ) -> list[tuple[int, int, int]]:
    """Choose ``n`` (lane, row, col) cells, first rows of lanes preferred."""
    weights = np.array([1.0 if r == 0 else 0.35 for _, r, _ in cells])
    idx = rng.choice(len(cells), size=n, replace=False, p=weights / weights.sum())
    return sorted(cells[int(i)] for i in idx)


def _grid_gaps(spec: SceneSpec, avail_w: float, lane_h: float, note_w: float, note_h: float
               ) -> tuple[float, float, int, int]:
    """(gap x, gap y, columns, rows) of the lane grid: the usual gaps, tightened step by step
    when ``spec.note_count`` would not fit, never so far that rotated jittered notes touch."""
    a = math.radians(spec.note_rotation_deg)
    # how far a rotated note reaches past its cell on each side; the ±0.2 gap jitter of two
    # neighbours leaves 0.6 of the gap between them
    reach_x = (note_w * (math.cos(a) - 1) + note_h * math.sin(a)) / 2
    reach_y = (note_h * (math.cos(a) - 1) + note_w * math.sin(a)) / 2
    min_x, min_y = (2 * reach_x + 2.0) / 0.6, (2 * reach_y + 2.0) / 0.6
    gap_x, gap_y, cols, rows = GAP_X, GAP_Y, 1, 1
    for k in (1.0, 0.8, 0.6, 0.45, 0.33, 0.25):
        gap_x, gap_y = max(GAP_X * k, min(GAP_X, min_x)), max(GAP_Y * k, min(GAP_Y, min_y))
        cols = max(1, int(avail_w // (note_w + gap_x)))
        rows = max(1, int((lane_h - 8.0) // (note_h + gap_y)))
        if cols * rows * spec.lane_count >= spec.note_count:
            break
    return gap_x, gap_y, cols, rows


def _flow_frame(spec: SceneSpec, rng: np.random.Generator, top: float, lane_h: float,
                label_w: float) -> tuple[list[str], list[LanePlan], list[Label], list[Stroke]]:
    """Lane colours, lanes, title and lane labels, lane lines of a flow poster."""
    w, h = spec.poster_mm
    names = list(rng.permutation(vocab.LANE_LABELS))[: spec.lane_count]
    lane_colors = [spec.colors[int(rng.integers(len(spec.colors)))] for _ in names]
    lanes, labels, strokes = [], _title(spec, rng, str(rng.choice(vocab.FLOW_TITLES)), top), []
    for ln, name in enumerate(names):
        y0 = top + ln * lane_h
        lanes.append(LanePlan(str(name), (MARGIN, y0, w - MARGIN, y0 + lane_h)))
        labels.append(_label("lane", str(name), (MARGIN + 6, y0 + 8, MARGIN + label_w - 10,
                                                  y0 + lane_h - 8), 30.0, rng))
    for k in range(spec.lane_count + 1):
        y = top + k * lane_h
        pts = wobbly_line((MARGIN, y), (w - MARGIN, y), rng, 0.8)
        strokes.append(Stroke(tuple(pts), float(rng.uniform(2.0, 3.0)), _PEN))
    sep = wobbly_line((MARGIN + label_w, top), (MARGIN + label_w, h - MARGIN), rng, 0.8)
    strokes.append(Stroke(tuple(sep), 2.0, _PEN))
    return lane_colors, lanes, labels, strokes


def _plan_flow(spec: SceneSpec, rng: np.random.Generator) -> PosterPlan:
    w, h = spec.poster_mm
    note_w = max(s[0] for s in spec.note_sizes_mm)
    note_h = max(s[1] for s in spec.note_sizes_mm)
    top, label_w = h * 0.12, 120.0 if w > h else 100.0
    lane_h = (h - top - MARGIN) / spec.lane_count
    if spec.packing == "shelf":
        lane_colors, lanes, labels, strokes = _flow_frame(spec, rng, top, lane_h, label_w)
        rects = [(MARGIN + label_w + 8, top + k * lane_h + 7, w - MARGIN - 6,
                  top + (k + 1) * lane_h - 7) for k in range(spec.lane_count)]
        packed, links = _shelf_notes(spec, rng, rects, lane_colors, 0.6,
                                     [vocab.FLOW_PHRASES] * len(rects), lanes=True)
        for a, b in links:
            strokes.extend(arrow(packed[a], packed[b], rng))
        return PosterPlan((w, h), _paper(rng, spec.paper_tone), tuple(packed), tuple(links),
                          tuple(lanes), tuple(labels), tuple(strokes), _folds(rng))
    gap_x, gap_y, cols, rows = _grid_gaps(spec, w - 2 * MARGIN - label_w, lane_h, note_w,
                                          note_h)
    cell_w, cell_h = note_w + gap_x, note_h + gap_y
    cells = [(ln, r, c) for ln in range(spec.lane_count) for r in range(rows) for c in range(cols)]
    n = min(spec.note_count, len(cells))
    if n < spec.note_count:
        log.warning("only %d of %d notes fit on the poster", n, spec.note_count)
    x_start = MARGIN + label_w + (w - 2 * MARGIN - label_w - cols * cell_w) / 2
    lane_colors, lanes, labels, strokes = _flow_frame(spec, rng, top, lane_h, label_w)
    notes: list[NotePlan] = []
    used: set[str] = set()
    grid: dict[tuple[int, int, int], int] = {}
    for ln, r, c in _pick_cells(cells, n, rng):
        size = spec.note_sizes_mm[int(rng.integers(len(spec.note_sizes_mm)))]
        cx = x_start + (c + 0.5) * cell_w + rng.uniform(-0.2, 0.2) * gap_x
        cy = top + ln * lane_h + (lane_h - rows * cell_h) / 2 + (r + 0.5) * cell_h
        cy += rng.uniform(-0.2, 0.2) * gap_y
        color = lane_colors[ln] if rng.random() < 0.6 else spec.colors[
            int(rng.integers(len(spec.colors)))]
        phrases = vocab.FLOW_PHRASES if min(size) >= 70 else vocab.SHORT_PHRASES
        grid[(ln, r, c)] = len(notes)
        notes.append(make_note(spec, rng, (cx, cy), size, color, phrases, ln * rows + r, ln,
                               used))
    links = _flow_links(grid, rows, spec.lane_count, spec.link_ratio, rng)
    for a, b in links:
        strokes.extend(arrow(notes[a], notes[b], rng))
    return PosterPlan((w, h), _paper(rng, spec.paper_tone), tuple(notes), tuple(links),
                      tuple(lanes), tuple(labels), tuple(strokes), _folds(rng))


def _shelf_notes(spec: SceneSpec, rng: np.random.Generator, rects: list[pack.Rect],
                 rect_colors: list[str], own_color: float, phrases: list[tuple[str, ...]],
                 lanes: bool) -> tuple[list[NotePlan], list[tuple[int, int]]]:
    """Notes packed shelf by shelf into ``rects`` (lanes or columns), with arrows between
    neighbouring groups of a shelf; notes of a group share one colour."""
    room = (min(r[2] - r[0] for r in rects), min(r[3] - r[1] for r in rects))
    placed = pack.pack(pack.make_units(spec, rng, spec.note_count, room), rects, spec, rng)
    notes: list[NotePlan] = []
    used: set[str] = set()
    shelves: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    for g, (unit, ox, oy, k, shelf) in enumerate(placed):
        color = rect_colors[k % len(rect_colors)] if rng.random() < own_color else str(
            spec.colors[int(rng.integers(len(spec.colors)))])
        first = len(notes)
        for (cx, cy, ang), m in zip(unit.placed(ox, oy), unit.members, strict=True):
            words = phrases[k] if min(m.w, m.h) >= 70 or not lanes else vocab.SHORT_PHRASES
            note = make_note(spec, rng, (cx, cy), (m.w, m.h), color, words, k * 100 + shelf,
                             k if lanes else None, used)
            notes.append(replace(note, angle=ang, group=g if len(unit.members) > 1 else -1,
                                 role=m.role))
        shelves.setdefault((k, shelf), []).append((ox + unit.bbox()[0], first, len(notes) - 1))
    links: list[tuple[int, int]] = []
    for row in shelves.values():
        row.sort()
        for (_, _, last), (_, nxt, _) in zip(row, row[1:], strict=False):
            a, b = notes[last], notes[nxt]
            space = abs(b.cx - a.cx) - (a.w + b.w) / 2
            if space >= 16.0 and abs(b.cy - a.cy) < 40.0 and rng.random() < spec.link_ratio:
                links.append((last, nxt))
    return notes, links


def _flow_links(grid: dict[tuple[int, int, int], int], rows: int, lanes: int, ratio: float,
                rng: np.random.Generator) -> list[tuple[int, int]]:
    """Arrows between neighbours: along a row (next note to the right) and down to the same
    column of the next lane when nothing sits between them."""
    links: list[tuple[int, int]] = []
    for (ln, r, c), i in sorted(grid.items()):
        right = [k for k in grid if k[0] == ln and k[1] == r and c < k[2] <= c + 2]
        if right and rng.random() < ratio:
            links.append((i, grid[min(right, key=lambda k: k[2])]))
        below = [(ln2, r2, c) for ln2 in range(ln, lanes) for r2 in range(rows)
                 if (ln2, r2) > (ln, r) and (ln2, r2, c) in grid]
        if below and below[0][0] == ln + 1 and rng.random() < ratio * 0.5:
            links.append((i, grid[below[0]]))
    return links


def _folds(rng: np.random.Generator) -> tuple[bool, bool]:
    return bool(rng.random() < 0.6), bool(rng.random() < 0.4)


def _plan_kpt(spec: SceneSpec, rng: np.random.Generator) -> PosterPlan:
    w, h = spec.poster_mm
    note_w = max(s[0] for s in spec.note_sizes_mm)
    note_h = max(s[1] for s in spec.note_sizes_mm)
    cell_w, cell_h = note_w + GAP_X * 0.7, note_h + GAP_Y
    top, head = h * 0.11, 60.0
    col_w = (w - 2 * MARGIN) / 3
    sub = max(1, int((col_w - 10) // cell_w))
    rows = max(1, int((h - top - head - MARGIN) // cell_h))
    labels = _title(spec, rng, str(rng.choice(vocab.KPT_TITLES)), top)
    strokes = [Stroke(tuple(wobbly_line((MARGIN, top), (w - MARGIN, top), rng, 0.8)), 2.4, _PEN)]
    per_col = [spec.note_count // 3 + (1 if k < spec.note_count % 3 else 0) for k in range(3)]
    notes: list[NotePlan] = []
    used: set[str] = set()
    colors = list(rng.permutation(spec.colors))
    if spec.packing == "shelf":
        for k in range(3):
            x0 = MARGIN + k * col_w
            labels.append(_label("column", vocab.KPT_HEADERS[k], (x0 + 10, top + 6,
                                                                 x0 + col_w - 10, top + head - 6),
                                 34.0, rng))
            if k:
                pts = wobbly_line((x0, top), (x0, h - MARGIN), rng, 1.0)
                strokes.append(Stroke(tuple(pts), 2.4, _PEN))
        rects = [(MARGIN + k * col_w + 8, top + head, MARGIN + (k + 1) * col_w - 8,
                  h - MARGIN - 4) for k in range(3)]
        phrases = [vocab.KPT_PHRASES[key] for key in ("keep", "problem", "try")]
        notes, _ = _shelf_notes(spec, rng, rects, [str(c) for c in colors], 0.8, phrases,
                                lanes=False)
        return PosterPlan((w, h), _paper(rng, spec.paper_tone), tuple(notes), (), (),
                          tuple(labels), tuple(strokes), _folds(rng))
    for k, key in enumerate(("keep", "problem", "try")):
        x0 = MARGIN + k * col_w
        labels.append(_label("column", vocab.KPT_HEADERS[k], (x0 + 10, top + 6, x0 + col_w - 10,
                                                             top + head - 6), 34.0, rng))
        if k:
            pts = wobbly_line((x0, top), (x0, h - MARGIN), rng, 1.0)
            strokes.append(Stroke(tuple(pts), 2.4, _PEN))
        x_off = x0 + (col_w - sub * cell_w) / 2
        for j in range(min(per_col[k], sub * rows)):
            r, c = divmod(j, sub)
            size = spec.note_sizes_mm[int(rng.integers(len(spec.note_sizes_mm)))]
            cx = x_off + (c + 0.5) * cell_w + rng.uniform(-4, 4)
            cy = top + head + (r + 0.5) * cell_h + rng.uniform(-4, 4)
            color = str(colors[k % len(colors)]) if rng.random() < 0.8 else str(
                rng.choice(spec.colors))
            notes.append(make_note(spec, rng, (cx, cy), size, color, vocab.KPT_PHRASES[key],
                                   r, None, used))
    return PosterPlan((w, h), _paper(rng, spec.paper_tone), tuple(notes), (), (), tuple(labels),
                      tuple(strokes), _folds(rng))


def kpt_columns(size: tuple[float, float]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The three KPT column rectangles (mm) with their header texts."""
    w, h = size
    col_w = (w - 2 * MARGIN) / 3
    top = h * 0.11
    return [(vocab.KPT_HEADERS[k], (MARGIN + k * col_w, top, MARGIN + (k + 1) * col_w,
                                    h - MARGIN)) for k in range(3)]



def dress(plan: PosterPlan, spec: SceneSpec) -> PosterPlan:
    """Neon and pastel papers and curled bottoms, each from its own random stream so that
    switching one on changes only the notes it picks."""
    neon, pastel, curl = (effect_rng(spec.seed, k) for k in ("neon", "pastel", "curl"))
    notes: list[NotePlan] = []
    pads: dict[int, tuple[tuple[int, int, int], str]] = {}  # a group comes off one pad
    for n in plan.notes:
        if n.group in pads:
            n = replace(n, rgb=pads[n.group][0], paper=pads[n.group][1])
        elif n.color in NEON_RGB and neon.random() < spec.neon:
            n = replace(n, rgb=note_rgb(n.color, neon, NEON_RGB), paper="neon")
        elif n.color in PASTEL_RGB and pastel.random() < spec.pastel:
            n = replace(n, rgb=note_rgb(n.color, pastel, PASTEL_RGB), paper="pastel")
        if n.group >= 0:
            pads.setdefault(n.group, (n.rgb, n.paper))
        if curl.random() < spec.curl:
            n = replace(n, curl_mm=round(float(curl.uniform(0.02, 0.06)) * n.h, 2))
        notes.append(n)
    return replace(plan, notes=tuple(notes))
