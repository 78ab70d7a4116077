"""Distractors that are not notes: tape strips and magnets on the wall plane (drawn on the
flat canvas, outlines in **poster mm**), and a hand or a marker pen between the camera and
the poster (drawn as :class:`photogen.compose.Sprite` in **photo pixels** of the upright
photo, outlines in photo pixels)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen.compose import Sprite
from photogen.layout import PosterPlan
from photogen.paint import Canvas, coverage

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]
PointList = list[tuple[float, float]]

MAGNET_RGB: dict[str, tuple[int, int, int]] = {
    "red": (196, 32, 38), "blue": (28, 68, 165), "black": (28, 28, 32), "white": (236, 236, 232),
}
SKIN_RGB: tuple[tuple[int, int, int], ...] = (
    (232, 188, 160), (214, 164, 130), (190, 135, 100), (242, 204, 180), (160, 110, 80),
)
SLEEVE_RGB: tuple[tuple[int, int, int], ...] = (
    (40, 48, 70), (120, 120, 125), (235, 235, 232), (70, 95, 140), (150, 60, 55),
)


@dataclass(frozen=True)
class Prop:
    """A distractor on the wall plane: ``kind`` (``tape``, ``magnet:COLOUR``), outline in
    poster mm, the index of the note it holds (tape), and how to draw it: RGB, opacity and,
    for a magnet, its circle (x, y, radius mm)."""

    kind: str
    outline: PointList
    note: int | None = None
    rgb: tuple[float, float, float] = (0.0, 0.0, 0.0)
    opacity: float = 1.0
    circle: tuple[float, float, float] | None = None


def _darken(canvas: Canvas, cover: F32, box: tuple[int, int, int, int], strength: float) -> None:
    """Darken whatever ends up at these canvas pixels (poster or, outside it, the wall) by
    ``strength × cover``: premultiplied, so a shadow off the sheet darkens the background."""
    x0, y0, x1, y1 = box
    s = cover * strength
    a = canvas.alpha[y0:y1, x0:x1]
    new_a = a + s * (1.0 - a)
    rgb = canvas.rgb[y0:y1, x0:x1]
    rgb *= (a * (1.0 - s) / np.maximum(new_a, 1e-6))[..., None]
    a[:] = new_a


def _free(plan: PosterPlan, x: float, y: float, r: float) -> bool:
    return all(math.hypot(n.cx - x, n.cy - y) > r + 0.55 * math.hypot(n.w, n.h)
               for n in plan.notes)


def _torn_strip(cx: float, cy: float, angle: float, length: float, width: float,
                rng: np.random.Generator) -> PointList:
    """A tape strip outline (mm) with torn, zig-zag ends."""
    ux, uy = math.cos(angle), math.sin(angle)
    nx, ny = -uy, ux
    pts: PointList = []
    for end in (1.0, -1.0):
        k = 6
        for j in range(k + 1):
            t = (j / k - 0.5) * width * end
            jag = length / 2 + float(rng.uniform(-1.3, 1.3))
            pts.append((cx + end * ux * jag + nx * t, cy + end * uy * jag + ny * t))
    return pts


def plan_tape_strips(plan: PosterPlan, count: int, rng: np.random.Generator) -> list[Prop]:
    """Masking or clear tape strips on the poster face: across a note's top edge (holding
    it: half on the note, half on the paper) or torn bits on the paper."""
    props: list[Prop] = []
    w_mm, h_mm = plan.size
    for _ in range(count):
        width = float(rng.choice([15.0, 18.0, 24.0])) + float(rng.normal(0, 0.5))
        length = float(rng.uniform(28.0, 60.0))
        note: int | None = None
        if plan.notes and rng.random() < 0.6:
            note = int(rng.integers(len(plan.notes)))
            n = plan.notes[note]
            a = math.radians(n.angle)
            cx, cy = n.cx + math.sin(a) * n.h / 2, n.cy - math.cos(a) * n.h / 2
            cx += math.cos(a) * float(rng.uniform(-0.25, 0.25)) * n.w
            angle = a + math.pi / 2 + math.radians(float(rng.normal(0, 6)))
        else:
            cx, cy = float(rng.uniform(0.05, 0.95)) * w_mm, float(rng.uniform(0.05, 0.95)) * h_mm
            angle = float(rng.uniform(0, math.pi))
            length *= 0.7
        outline = _torn_strip(cx, cy, angle, length, width, rng)
        if rng.random() < 0.3:  # clear tape: a faint yellowish film
            rgb, opacity = (250.0, 248.0, 236.0), 0.14
        else:
            r, g, b = np.array([236, 226, 196], float) + rng.normal(0, 4, 3)
            rgb, opacity = (float(r), float(g), float(b)), float(rng.uniform(0.7, 0.82))
        props.append(Prop("tape", outline, note, rgb, opacity))
    return props


def plan_magnets(plan: PosterPlan, count: int, rng: np.random.Generator, pad: float
                 ) -> list[Prop]:
    """Round magnets (20-35 mm): across the sheet's top or bottom edge (holding it to the
    board), on the board around it (within ``pad`` mm), or on the paper away from notes."""
    props: list[Prop] = []
    w_mm, h_mm = plan.size
    placed: list[tuple[float, float, float]] = []
    for _ in range(count):
        r = float(rng.uniform(10.0, 17.5))
        for _try in range(40):
            where = rng.random()
            if where < 0.45:
                x = float(rng.uniform(0.03, 0.97)) * w_mm
                y = float(rng.choice([0.0, h_mm])) + float(rng.uniform(-0.4, 0.6)) * r
            elif where < 0.75:
                x = float(rng.uniform(-pad + r, w_mm + pad - r))
                y = float(rng.uniform(-pad + r, h_mm + pad - r))
                if -r < x < w_mm + r and -r < y < h_mm + r:
                    continue
            else:
                x, y = float(rng.uniform(0.03, 0.97)) * w_mm, float(rng.uniform(0.03, 0.97)) * h_mm
            if _free(plan, x, y, r + 3) and all(math.hypot(x - a, y - b) > r + c + 4
                                                for a, b, c in placed):
                break
        else:
            continue
        placed.append((x, y, r))
        name = str(rng.choice(list(MAGNET_RGB)))
        ring = [(x + r * math.cos(t), y + r * math.sin(t))
                for t in np.linspace(0, 2 * math.pi, 16, False)]
        rgb = tuple(float(v) for v in MAGNET_RGB[name])
        props.append(Prop(f"magnet:{name}", ring, None, (rgb[0], rgb[1], rgb[2]), 1.0,
                          (x, y, r)))
    return props


def draw(canvas: Canvas, items: Sequence[Prop], light: tuple[float, float]) -> None:
    """Draw planned tape strips and magnets onto the canvas (``light``: shadow direction)."""
    for p in items:
        if p.circle is not None:
            _magnet(canvas, *p.circle, np.array(p.rgb, np.float32), light)
            continue
        poly = np.array([canvas.px(x, y) for x, y in p.outline], np.float64) - 0.5
        a_cov, (x0, y0, x1, y1) = coverage(canvas, poly, 1, True)
        roi = canvas.rgb[y0:y1, x0:x1]
        a = (p.opacity * a_cov)[..., None]
        roi[:] = roi * (1 - a) + np.array(p.rgb, np.float32) * a


def _magnet(canvas: Canvas, x: float, y: float, r: float, rgb: F32,
            light: tuple[float, float]) -> None:
    s = canvas.scale
    cx, cy = canvas.px(x, y)
    lift = 6.0  # mm the magnet stands off the board
    reach = (r + lift * 2 + 6) * s
    hh, ww = canvas.alpha.shape
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(ww, int(cx + reach) + 1), min(hh, int(cy + reach) + 1)
    if x1 <= x0 or y1 <= y0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = (xx + 0.5 - cx) / (r * s), (yy + 0.5 - cy) / (r * s)
    d = np.sqrt(dx**2 + dy**2)
    disc = np.clip((1.0 - d) * r * s + 0.5, 0.0, 1.0)
    sdx, sdy = dx - light[0] * lift * 0.6 / r, dy - (light[1] * lift * 0.6 + 1.5) / r
    shadow = np.clip((1.0 - np.sqrt(sdx**2 + sdy**2)) * r * s + 0.5, 0.0, 1.0)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 2.0 * s)
    _darken(canvas, np.asarray(shadow * (1.0 - disc), np.float32), (x0, y0, x1, y1), 0.5)
    # flat top with a rounded rim: darker away from the light, a soft highlight towards it
    rim = np.clip((d - 0.72) / 0.28, 0.0, 1.0)
    facing = -(dx * light[0] + dy * light[1]) / np.maximum(d, 1e-3)
    shade = 1.0 - 0.35 * rim * (0.6 - 0.6 * facing) + 0.12 * rim * np.clip(facing, 0, 1)
    spot = np.exp(-(((dx + 0.35) / 0.22) ** 2 + ((dy + 0.38) / 0.14) ** 2))
    face = rgb * shade[..., None] + (255.0 - rgb) * (0.55 * spot)[..., None]
    roi, a = canvas.rgb[y0:y1, x0:x1], canvas.alpha[y0:y1, x0:x1]
    roi[:] = roi * (1.0 - disc[..., None]) + face * disc[..., None]
    a[:] = np.maximum(a, disc)


def entry(spec_size: tuple[int, int], rng: np.random.Generator, reach_px: float
           ) -> tuple[float, float, float]:
    """A point just outside a frame edge (left, right or bottom) and a direction into the
    frame (radians, image y down), so that something ``reach_px`` long ends inside."""
    w, h = spec_size
    edge = int(rng.choice(3, p=[0.35, 0.35, 0.3]))
    t = float(rng.uniform(0.2, 0.8))
    wobble = math.radians(float(rng.uniform(-35, 35)))
    if edge == 0:
        return -0.05 * reach_px, t * h, 0.0 + wobble
    if edge == 1:
        return w + 0.05 * reach_px, t * h, math.pi + wobble
    return t * w, h + 0.05 * reach_px, -math.pi / 2 + wobble


def outline_of(mask: NDArray[np.uint8], x0: int, y0: int, size: tuple[int, int]) -> PointList:
    """The largest outline of a sprite mask, simplified, in photo px clipped to the frame."""
    contours, _ = cv2.findContours((mask > 127).astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    big = max(contours, key=cv2.contourArea)
    poly = cv2.approxPolyDP(big, 2.0, True).reshape(-1, 2).astype(np.float64)
    poly += [x0, y0]
    poly[:, 0] = np.clip(poly[:, 0], 0, size[0])
    poly[:, 1] = np.clip(poly[:, 1], 0, size[1])
    return [(round(float(px), 1), round(float(py), 1)) for px, py in poly]


def make_sprite(mask: NDArray[np.uint8], rgb: F32, x0: int, y0: int, blur: float,
                shadow_px: tuple[float, float], shadow_blur: float, strength: float) -> Sprite:
    """A sprite from a uint8 coverage mask and its colours (photo px, top-left at x0, y0):
    slightly defocused by ``blur`` px, with a shadow offset by ``shadow_px`` and blurred by
    ``shadow_blur`` px that darkens by up to ``strength``."""
    alpha = mask.astype(np.float32) / 255.0
    if blur > 0.3:
        alpha = np.asarray(cv2.GaussianBlur(alpha, (0, 0), blur), np.float32)
        rgb = np.asarray(cv2.GaussianBlur(rgb, (0, 0), blur), np.float32)
    shadow = np.asarray(cv2.GaussianBlur(alpha, (0, 0), max(1.0, shadow_blur)), np.float32)
    return Sprite(x0, y0, rgb, alpha, shadow, (round(shadow_px[0]), round(shadow_px[1])),
                  strength)
