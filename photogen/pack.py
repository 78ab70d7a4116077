"""Packing of notes of mixed sizes, singly or in touching / overlapping groups.

Everything is in **poster mm**. A :class:`Unit` is one note or a group of notes fixed
relative to each other (same colour, stuck together); units are packed bottom-left (a skyline, so
rows form and short notes fill in under tall ones) into rectangles by their rotated bounding
boxes, so notes of different units never touch,
while notes inside a group touch (gaps 0-2 mm) or overlap (5-25 % of the lower note) exactly
as planned.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

Rect = tuple[float, float, float, float]
"""x0, y0, x1, y1 in poster mm."""


@dataclass(frozen=True)
class Member:
    """One note of a unit: centre offset (unit frame, before the unit's rotation), size,
    extra rotation (degrees) and role (``""``, ``touching``, ``occluded``, ``overlapped``)."""

    dx: float
    dy: float
    w: float
    h: float
    dangle: float = 0.0
    role: str = ""


@dataclass(frozen=True)
class Unit:
    """Notes stuck as one group, rotated together by ``angle`` degrees (clockwise)."""

    members: tuple[Member, ...]
    angle: float

    def placed(self, ox: float, oy: float) -> list[tuple[float, float, float]]:
        """(cx, cy, angle) of each member when the unit origin sits at (ox, oy)."""
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return [(ox + m.dx * c - m.dy * s, oy + m.dx * s + m.dy * c, self.angle + m.dangle)
                for m in self.members]

    def bbox(self) -> Rect:
        """Axis-aligned box around every member's corners, relative to the unit origin."""
        xs, ys = [], []
        for (cx, cy, ang), m in zip(self.placed(0.0, 0.0), self.members, strict=True):
            c, s = math.cos(math.radians(ang)), math.sin(math.radians(ang))
            for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
                x, y = sx * m.w / 2, sy * m.h / 2
                xs.append(cx + x * c - y * s)
                ys.append(cy + x * s + y * c)
        return min(xs), min(ys), max(xs), max(ys)


def _size(spec: SceneSpec, rng: np.random.Generator) -> tuple[float, float]:
    w, h = spec.note_sizes_mm[int(rng.integers(len(spec.note_sizes_mm)))]
    return float(w), float(h)


def _touching(spec: SceneSpec, rng: np.random.Generator, k: int, room: tuple[float, float]
              ) -> Unit:
    """``k`` same-size notes edge to edge in a row or column, parallel, gaps 0-2 mm; a
    column that would not fit the ``room`` (width, height mm) becomes a row, then shorter."""
    w, h = _size(spec, rng)
    across = rng.random() < 0.65 or k * h + 6 > room[1] * 0.9
    while k > 2 and (k * w + 6 > room[0] * 0.5 if across else k * h + 6 > room[1] * 0.9):
        k -= 1
    members, pos = [], 0.0
    for i in range(k):
        if i:
            pos += (w if across else h) + float(rng.uniform(0.0, 2.0))
        shift = float(rng.uniform(-0.15, 0.15)) * (h if across else w) if i else 0.0
        dx, dy = (pos, shift) if across else (shift, pos)
        members.append(Member(dx, dy, w, h, 0.0, "touching"))
    return Unit(tuple(members), float(rng.uniform(-1, 1)) * min(3.0, spec.note_rotation_deg))


def _overlapping(spec: SceneSpec, rng: np.random.Generator) -> Unit:
    """Two notes, the second stuck over 5-22 % of the first (side or corner)."""
    wa, ha = _size(spec, rng)
    wb, hb = (wa, ha) if rng.random() < 0.7 else _size(spec, rng)
    f = float(rng.uniform(0.05, 0.22))
    style = int(rng.integers(3))  # 0: side by side, 1: above/below, 2: corner
    sx, sy = (1.0 if rng.random() < 0.5 else -1.0), (1.0 if rng.random() < 0.5 else -1.0)
    if style == 0:
        dx, dy = (wa + wb) / 2 - f * wa, float(rng.uniform(-0.12, 0.12)) * ha
    elif style == 1:
        dx, dy = float(rng.uniform(-0.12, 0.12)) * wa, (ha + hb) / 2 - f * ha
    else:
        r = math.sqrt(f)
        dx, dy = (wa + wb) / 2 - r * wa, (ha + hb) / 2 - r * ha
    lower = Member(0.0, 0.0, wa, ha, 0.0, "occluded")
    upper = Member(sx * dx, sy * dy, wb, hb, float(rng.uniform(-4.0, 4.0)), "overlapped")
    angle = float(rng.uniform(-1, 1)) * min(4.0, spec.note_rotation_deg)
    return Unit((lower, upper), angle)


def make_units(spec: SceneSpec, rng: np.random.Generator, n: int,
               room: tuple[float, float] = (1e9, 1e9)) -> list[Unit]:
    """Units holding ``n`` notes in all: groups in the shares ``spec`` asks for, singles.

    ``room`` is the (width, height) in mm of the rectangles they will be packed into.
    """
    units: list[Unit] = []
    left = n
    while left > 0:
        u = rng.random()
        if left >= 2 and u < spec.touching / 2.3:  # a group holds ~2.3 notes on average
            k = 3 if left >= 3 and rng.random() < 0.3 else 2
            units.append(_touching(spec, rng, k, room))
        elif left >= 2 and u < spec.touching / 2.3 + spec.overlap / 2:
            units.append(_overlapping(spec, rng))
        else:
            w, h = _size(spec, rng)
            units.append(Unit((Member(0.0, 0.0, w, h),),
                              float(rng.uniform(-1, 1)) * spec.note_rotation_deg))
        left -= len(units[-1].members)
    return units


@dataclass
class _Skyline:
    """Bottom-left packing state for one rectangle: the skyline is a list of (x0, x1, top)
    segments covering the width; a unit goes where its top edge can sit highest (then
    leftmost), so short notes fill in under the row of a tall one."""

    rect: Rect
    segments: list[tuple[float, float, float]]

    @classmethod
    def empty(cls, rect: Rect, indent: float) -> _Skyline:
        x0, y0, x1, _ = rect
        return cls(rect, [(x0 + indent, x1, y0)] if indent < x1 - x0 else [(x0, x1, y0)])

    def add(self, unit: Unit, gap: tuple[float, float], rng: np.random.Generator
            ) -> tuple[float, float, int] | None:
        """Place ``unit``; returns (origin x, origin y, row) or None when it does not fit."""
        x_lo, y_lo, x_hi, y_hi = self.rect
        bx0, by0, bx1, by1 = unit.bbox()
        bw, bh = bx1 - bx0, by1 - by0
        gx, gy = float(rng.uniform(*gap)), float(rng.uniform(*gap)) * 0.8
        best: tuple[float, float] | None = None
        for sx, _, _ in self.segments:
            if sx + bw > x_hi:
                break
            top = max(t for a, b, t in self.segments if a < sx + bw + gx and b > sx)
            if top + bh <= y_hi and (best is None or top < best[1] - 1e-6):
                best = (sx, top)
        if best is None:
            return None
        x, top = best
        drop = min(float(rng.uniform(0.0, gap[1] * 0.4)), y_hi - top - bh)
        self._raise(x, x + bw + gx, top + drop + bh + gy)
        row = int((top - y_lo) // 45.0)
        return x - bx0, top + drop - by0, row

    def _raise(self, a: float, b: float, top: float) -> None:
        out: list[tuple[float, float, float]] = []
        for s0, s1, t in self.segments:
            if s1 <= a or s0 >= b:
                out.append((s0, s1, t))
                continue
            if s0 < a:
                out.append((s0, a, t))
            if s1 > b:
                out.append((b, s1, t))
        out.append((a, min(b, self.rect[2]), top))
        self.segments = sorted(seg for seg in out if seg[1] - seg[0] > 1e-6)


def pack(units: list[Unit], rects: list[Rect], spec: SceneSpec, rng: np.random.Generator
         ) -> list[tuple[Unit, float, float, int, int]]:
    """Pack ``units`` into ``rects`` (shared out by area), tightening the gaps until all fit.

    Returns (unit, origin x, origin y, rect index, row index) for each placed unit; units
    that fit nowhere even at the tightest gaps are dropped with a warning.
    """
    areas = np.array([(r[2] - r[0]) * (r[3] - r[1]) for r in rects], float)
    quota = np.floor(np.cumsum(areas / areas.sum()) * len(units) + 1e-9).astype(int)
    best: list[tuple[Unit, float, float, int, int]] = []
    for tight in (1.0, 0.7, 0.5, 0.35, 0.22, 0.12):
        gap = (spec.gap_mm[0] * tight, spec.gap_mm[1] * tight)
        packers = [_Skyline.empty(r, float(rng.uniform(0, gap[1]))) for r in rects]
        placed: list[tuple[Unit, float, float, int, int]] = []
        spill: list[Unit] = []
        for i, unit in enumerate(units):
            k = min(int(np.searchsorted(quota, i, side="right")), len(rects) - 1)
            if (at := packers[k].add(unit, gap, rng)) is not None:
                placed.append((unit, at[0], at[1], k, at[2]))
            else:
                spill.append(unit)
        for unit in spill:
            for k, packer in enumerate(packers):
                if (at := packer.add(unit, gap, rng)) is not None:
                    placed.append((unit, at[0], at[1], k, at[2]))
                    break
        if len(placed) > len(best):
            best = placed
        if len(placed) == len(units):
            break
    if len(best) < len(units):
        log.warning("only %d of %d note groups fit on the poster", len(best), len(units))
    return best
