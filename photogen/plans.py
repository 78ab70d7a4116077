"""Poster plans for the two layouts: a swimlane business flow and a KPT ふりかえり.

All coordinates are **poster mm** (flat 模造紙, origin top-left, x right, y down).
"""

from __future__ import annotations

import logging

import numpy as np

from photogen import fonts, text, vocab
from photogen.layout import (
    Label,
    LanePlan,
    NotePlan,
    PosterPlan,
    Stroke,
    arrow,
    make_note,
    wobbly_line,
)
from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

MARGIN = 28.0
GAP_X, GAP_Y = 34.0, 22.0
_PEN = (30, 30, 36)


def plan_poster(spec: SceneSpec, rng: np.random.Generator) -> PosterPlan:
    """Plan the poster ``spec`` asks for (layout, notes, lanes, arrows, labels)."""
    return _plan_kpt(spec, rng) if spec.layout == "kpt" else _plan_flow(spec, rng)


def _paper(rng: np.random.Generator) -> tuple[int, int, int]:
    r, g, b = np.array([244, 241, 231]) + rng.normal(0, 2.5, 3)
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


def _plan_flow(spec: SceneSpec, rng: np.random.Generator) -> PosterPlan:
    w, h = spec.poster_mm
    note_w = max(s[0] for s in spec.note_sizes_mm)
    note_h = max(s[1] for s in spec.note_sizes_mm)
    cell_w, cell_h = note_w + GAP_X, note_h + GAP_Y
    top, label_w = h * 0.12, 120.0 if w > h else 100.0
    lane_h = (h - top - MARGIN) / spec.lane_count
    cols = max(1, int((w - 2 * MARGIN - label_w) // cell_w))
    rows = max(1, int((lane_h - 8.0) // cell_h))
    cells = [(ln, r, c) for ln in range(spec.lane_count) for r in range(rows) for c in range(cols)]
    n = min(spec.note_count, len(cells))
    if n < spec.note_count:
        log.warning("only %d of %d notes fit on the poster", n, spec.note_count)
    x_start = MARGIN + label_w + (w - 2 * MARGIN - label_w - cols * cell_w) / 2
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
    notes: list[NotePlan] = []
    used: set[str] = set()
    grid: dict[tuple[int, int, int], int] = {}
    for ln, r, c in _pick_cells(cells, n, rng):
        size = spec.note_sizes_mm[int(rng.integers(len(spec.note_sizes_mm)))]
        cx = x_start + (c + 0.5) * cell_w + rng.uniform(-0.2, 0.2) * GAP_X
        cy = top + ln * lane_h + (lane_h - rows * cell_h) / 2 + (r + 0.5) * cell_h
        cy += rng.uniform(-0.2, 0.2) * GAP_Y
        color = lane_colors[ln] if rng.random() < 0.6 else spec.colors[
            int(rng.integers(len(spec.colors)))]
        phrases = vocab.FLOW_PHRASES if min(size) >= 70 else vocab.SHORT_PHRASES
        grid[(ln, r, c)] = len(notes)
        notes.append(make_note(spec, rng, (cx, cy), size, color, phrases, ln * rows + r, ln,
                               used))
    links = _flow_links(grid, rows, spec.lane_count, spec.link_ratio, rng)
    for a, b in links:
        strokes.extend(arrow(notes[a], notes[b], rng))
    return PosterPlan((w, h), _paper(rng), tuple(notes), tuple(links), tuple(lanes),
                      tuple(labels), tuple(strokes), _folds(rng))


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
    return PosterPlan((w, h), _paper(rng), tuple(notes), (), (), tuple(labels), tuple(strokes),
                      _folds(rng))


def kpt_columns(size: tuple[float, float]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The three KPT column rectangles (mm) with their header texts."""
    w, h = size
    col_w = (w - 2 * MARGIN) / 3
    top = h * 0.11
    return [(vocab.KPT_HEADERS[k], (MARGIN + k * col_w, top, MARGIN + (k + 1) * col_w,
                                    h - MARGIN)) for k in range(3)]

