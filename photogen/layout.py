"""Plan a poster: where notes, lanes, arrows and hand-written labels go, in **poster mm**
(flat 模造紙, origin at its top-left corner, x right, y down). Nothing is drawn here."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np

from photogen import fonts, text
from photogen.fonts import FontFace
from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

PointMM = tuple[float, float]

NOTE_RGB: dict[str, tuple[tuple[int, int, int], ...]] = {
    "yellow": ((255, 241, 140), (252, 236, 100), (250, 245, 160)),
    "pink": ((255, 182, 205), (255, 140, 185), (250, 200, 215)),
    "blue": ((160, 212, 245), (125, 195, 240), (185, 225, 245)),
    "green": ((190, 235, 160), (160, 228, 120), (205, 238, 185)),
    "orange": ((255, 192, 120), (255, 165, 85), (252, 205, 150)),
    "purple": ((205, 180, 235), (185, 160, 225), (215, 195, 238)),
    "white": ((248, 248, 244), (244, 245, 242), (250, 249, 246)),
}
"""Sticky-note paper colours (sRGB under neutral light): pastel, neon and pale variants."""

NEON_RGB: dict[str, tuple[tuple[int, int, int], ...]] = {
    "yellow": ((238, 255, 60), (245, 250, 40), (230, 252, 85)),
    "pink": ((255, 70, 160), (255, 95, 175), (250, 60, 140)),
    "green": ((125, 240, 70), (150, 250, 90), (105, 230, 80)),
    "orange": ((255, 125, 40), (255, 145, 55), (255, 105, 50)),
}
"""Fluorescent papers: so saturated that the camera clips a channel under bright light."""

PASTEL_RGB: dict[str, tuple[tuple[int, int, int], ...]] = {
    "yellow": ((255, 249, 205), (252, 246, 190)),
    "pink": ((252, 226, 232), (250, 215, 225)),
    "blue": ((218, 236, 248), (205, 230, 246)),
    "green": ((225, 243, 212), (214, 240, 200)),
    "orange": ((253, 228, 200), (252, 220, 185)),
    "purple": ((232, 222, 243), (225, 214, 240)),
}
"""Very pale papers, close to the off-white 模造紙 (colour name stays the palette name)."""

INKS: tuple[tuple[str, tuple[int, int, int], float], ...] = (
    ("black", (38, 38, 44), 0.8),
    ("blue", (30, 55, 150), 0.12),
    ("red", (180, 35, 45), 0.08),
)
"""Marker inks: name, RGB, probability."""


@dataclass(frozen=True)
class NotePlan:
    """One sticky note on the flat poster (mm); ``angle`` is degrees clockwise.

    ``curl_mm`` foreshortens the bottom edge of a lifted (curled) note: the drawn outline,
    and so the truth quad, ends that much above the flat note's bottom. ``paper`` is
    ``standard``, ``neon`` or ``pastel``; ``group`` numbers touching/overlap groups (-1 for
    none) and ``role`` is ``touching``, ``occluded`` (partly under the next note of its
    group) or ``overlapped`` (lies over the previous one) or empty.
    """

    cx: float
    cy: float
    w: float
    h: float
    angle: float
    color: str
    rgb: tuple[int, int, int]
    text: str
    lines: tuple[str, ...]
    vertical: bool
    face: FontFace
    ink_name: str
    ink: tuple[int, int, int]
    char_mm: float
    row: int
    lane: int | None
    curl_mm: float = 0.0
    paper: str = "standard"
    group: int = -1
    role: str = ""

    def corners(self) -> tuple[PointMM, PointMM, PointMM, PointMM]:
        """Corners of the drawn outline in poster mm, clockwise from the note's top-left."""
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        out = []
        for dx, dy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            x, y = dx * self.w / 2, (dy * self.h / 2 if dy < 0 else self.h / 2 - self.curl_mm)
            out.append((self.cx + x * c - y * s, self.cy + x * s + y * c))
        return (out[0], out[1], out[2], out[3])


@dataclass(frozen=True)
class Label:
    """Hand-written text on the poster paper itself (title, lane label, column header)."""

    kind: str
    text: str
    cx: float
    cy: float
    char_mm: float
    face: FontFace
    ink: tuple[int, int, int]


@dataclass(frozen=True)
class Stroke:
    """A marker line on the poster: polyline in mm, width in mm, RGB ink."""

    points: tuple[PointMM, ...]
    width: float
    ink: tuple[int, int, int]


@dataclass(frozen=True)
class LanePlan:
    """A swimlane band (mm): label and its rectangle x0, y0, x1, y1."""

    label: str
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class PosterPlan:
    """Everything on one poster, in poster mm."""

    size: tuple[float, float]
    paper: tuple[int, int, int]
    notes: tuple[NotePlan, ...]
    links: tuple[tuple[int, int], ...]
    lanes: tuple[LanePlan, ...]
    labels: tuple[Label, ...]
    strokes: tuple[Stroke, ...]
    folds: tuple[bool, bool]


def _ink(rng: np.random.Generator) -> tuple[str, tuple[int, int, int]]:
    i = rng.choice(len(INKS), p=[p for _, _, p in INKS])
    return INKS[i][0], INKS[i][1]


def _face(spec: SceneSpec, rng: np.random.Generator) -> FontFace:
    cls = spec.font_classes[rng.integers(len(spec.font_classes))]
    options = fonts.faces(cls)
    return options[rng.integers(len(options))]


def note_rgb(color: str, rng: np.random.Generator,
             table: dict[str, tuple[tuple[int, int, int], ...]] = NOTE_RGB
             ) -> tuple[int, int, int]:
    """One paper colour of ``color`` from ``table`` with a little per-pad variation."""
    variants = table[color]
    base = np.array(variants[rng.integers(len(variants))], dtype=float)
    r, g, b = np.clip(base + rng.normal(0, 3.0, 3), 0, 255).round().astype(int)
    return int(r), int(g), int(b)


def make_note(
    spec: SceneSpec,
    rng: np.random.Generator,
    centre: PointMM,
    size: tuple[float, float],
    color: str,
    phrases: tuple[str, ...],
    row: int,
    lane: int | None,
    used: set[str],
) -> NotePlan:
    """A note at ``centre`` with a phrase from ``phrases`` that fits at a legible size.

    Phrases already in ``used`` are avoided while fresh ones remain; the chosen one is added.
    """
    w, h = size
    vertical = bool(rng.random() < spec.vertical_ratio)
    min_char = 0.16 * min(w, h)
    inner_w, inner_h = w * 0.84, h * 0.8
    phrase, fitted = phrases[0], text.fit(phrases[0], inner_w, inner_h, vertical)
    fresh = [p for p in phrases if p not in used] or list(phrases)
    for _ in range(12):
        phrase = fresh[rng.integers(len(fresh))]
        fitted = text.fit(phrase, inner_w, inner_h, vertical)
        if fitted.char_size >= min_char:
            break
    used.add(phrase)
    char_mm = min(fitted.char_size * 0.95, 0.32 * min(w, h))
    ink_name, ink = _ink(rng)
    angle = float(rng.uniform(-1, 1) * spec.note_rotation_deg)
    return NotePlan(
        cx=centre[0], cy=centre[1], w=w, h=h, angle=angle, color=color,
        rgb=note_rgb(color, rng), text=phrase, lines=fitted.lines, vertical=vertical,
        face=_face(spec, rng), ink_name=ink_name, ink=ink, char_mm=char_mm, row=row, lane=lane,
    )


def wobbly_line(a: PointMM, b: PointMM, rng: np.random.Generator, wobble: float) -> list[PointMM]:
    """A hand-drawn straight-ish line from ``a`` to ``b`` (mm) as a polyline."""
    n = max(2, int(math.dist(a, b) / 40) + 2)
    t = np.linspace(0.0, 1.0, n)
    nx, ny = b[1] - a[1], a[0] - b[0]
    norm = math.hypot(nx, ny) or 1.0
    bend = rng.normal(0.0, wobble) * np.sin(np.pi * t)
    return [
        (a[0] + (b[0] - a[0]) * ti + nx / norm * d, a[1] + (b[1] - a[1]) * ti + ny / norm * d)
        for ti, d in zip(t, bend, strict=True)
    ]


def arrow(src: NotePlan, dst: NotePlan, rng: np.random.Generator) -> list[Stroke]:
    """Marker arrow from the edge of ``src`` to the edge of ``dst`` (mm)."""
    dx, dy = dst.cx - src.cx, dst.cy - src.cy
    dist = math.hypot(dx, dy)
    ux, uy = dx / dist, dy / dist

    def exit_t(n: NotePlan) -> float:  # distance from centre to the box edge along (ux, uy)
        tx = n.w / 2 / abs(ux) if abs(ux) > 1e-6 else math.inf
        ty = n.h / 2 / abs(uy) if abs(uy) > 1e-6 else math.inf
        return min(tx, ty) + 5.0

    a = (src.cx + ux * exit_t(src), src.cy + uy * exit_t(src))
    b = (dst.cx - ux * exit_t(dst), dst.cy - uy * exit_t(dst))
    ink = INKS[0][1] if rng.random() < 0.8 else INKS[2][1]
    width = float(rng.uniform(1.6, 2.6))
    head = float(rng.uniform(8.0, 12.0))
    strokes = [Stroke(tuple(wobbly_line(a, b, rng, 1.0)), width, ink)]
    for side in (-1.0, 1.0):
        ang = math.atan2(-uy, -ux) + side * math.radians(rng.uniform(24, 34))
        tip = (b[0] + head * math.cos(ang), b[1] + head * math.sin(ang))
        strokes.append(Stroke((b, tip), width, ink))
    return strokes
