"""Paint a planned poster flat: paper, marker lines, labels and sticky notes with shadows.

The canvas is H×W×3 **RGB** float32 (0-255) in **canvas pixels**: poster mm scaled by
``scale`` px/mm and shifted by ``pad`` mm on each side (room for tape around the sheet); an
alpha channel says where the sheet (or tape) is. Canvas pixel ``(i, j)`` covers
``[j, j+1) × [i, i+1)``, so poster mm ``(x, y)`` sits at ``((x + pad)·scale, (y + pad)·scale)``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

from photogen import fonts, text
from photogen.layout import NotePlan, PosterPlan, Stroke
from photogen.text import Pen

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]
PAD_MM = 30.0


@dataclass(frozen=True)
class Canvas:
    """The flat poster: ``rgb`` H×W×3 RGB float32 0-255, ``alpha`` H×W float32 0-1."""

    rgb: F32
    alpha: F32
    scale: float
    pad: float = PAD_MM

    def px(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        """Poster mm → canvas pixel coordinates (continuous, pixel centres at +0.5)."""
        return (x_mm + self.pad) * self.scale, (y_mm + self.pad) * self.scale


def _low_freq(shape: tuple[int, int], cells: tuple[int, int], rng: np.random.Generator) -> F32:
    """Smooth random field with values around 0 (std ≈ 1), upsampled from a coarse grid."""
    coarse = rng.normal(0.0, 1.0, (cells[1], cells[0])).astype(np.float32)
    return np.asarray(cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC),
                      dtype=np.float32)


def blank(plan: PosterPlan, scale: float, rng: np.random.Generator, pad: float = PAD_MM
          ) -> Canvas:
    """Canvas with the bare 模造紙: warm off-white, faint blotches, fibres and fold creases.

    ``pad`` mm of room around the sheet (transparent until something is drawn there).
    """
    w_mm, h_mm = plan.size
    cw, ch = round((w_mm + 2 * pad) * scale), round((h_mm + 2 * pad) * scale)
    rgb = np.empty((ch, cw, 3), np.float32)
    rgb[:] = np.array(plan.paper, np.float32)
    shade = 1.0 + 0.012 * _low_freq((ch, cw), (9, 7), rng)
    shade += rng.normal(0.0, 0.006, (ch, cw)).astype(np.float32)
    rgb *= shade[..., None]
    canvas = Canvas(rgb, np.zeros((ch, cw), np.float32), scale, pad)
    x0, y0 = canvas.px(0, 0)
    x1, y1 = canvas.px(w_mm, h_mm)
    canvas.alpha[round(y0):round(y1), round(x0):round(x1)] = 1.0
    _folds(canvas, plan)
    return canvas


def _folds(canvas: Canvas, plan: PosterPlan) -> None:
    """Fold creases: a thin darker line with a lighter side (模造紙 comes folded)."""
    w_mm, h_mm = plan.size
    vertical, horizontal = plan.folds
    if vertical:
        x, _ = canvas.px(w_mm / 2, 0)
        _, y0 = canvas.px(0, 0)
        _, y1 = canvas.px(0, h_mm)
        xi = round(x)
        canvas.rgb[round(y0):round(y1), xi - 1] *= 0.955
        canvas.rgb[round(y0):round(y1), xi + 1: xi + 3] *= 1.015
    if horizontal:
        _, y = canvas.px(0, h_mm / 2)
        x0, _ = canvas.px(0, 0)
        x1, _ = canvas.px(w_mm, 0)
        yi = round(y)
        canvas.rgb[yi - 1, round(x0):round(x1)] *= 0.955
        canvas.rgb[yi + 1: yi + 3, round(x0):round(x1)] *= 1.015


def _roi_of(canvas: Canvas, pts: NDArray[np.float64], grow: float
            ) -> tuple[int, int, int, int]:
    """Integer ROI (x0, y0, x1, y1) around cv2-coordinate points, grown by ``grow`` px."""
    h, w = canvas.alpha.shape
    x0 = max(0, int(pts[:, 0].min() - grow))
    y0 = max(0, int(pts[:, 1].min() - grow))
    x1 = min(w, int(pts[:, 0].max() + grow) + 2)
    y1 = min(h, int(pts[:, 1].max() + grow) + 2)
    return x0, y0, x1, y1


def coverage(canvas: Canvas, pts: NDArray[np.float64], width_px: int, closed_fill: bool
              ) -> tuple[F32, tuple[int, int, int, int]]:
    """Anti-aliased coverage (0-1) of a polyline or filled polygon, in a ROI of the canvas."""
    x0, y0, x1, y1 = _roi_of(canvas, pts, width_px + 2)
    layer = np.zeros((max(1, y1 - y0), max(1, x1 - x0)), np.uint8)
    fixed = np.round((pts - [x0, y0]) * 16).astype(np.int32)
    if closed_fill:
        cv2.fillPoly(layer, [fixed], 255, cv2.LINE_AA, 4)
    else:
        cv2.polylines(layer, [fixed], False, 255, width_px, cv2.LINE_AA, 4)
    return layer.astype(np.float32) / 255.0, (x0, y0, x1, y1)


def strokes(canvas: Canvas, items: tuple[Stroke, ...]) -> None:
    """Draw marker lines (anti-aliased, slightly translucent ink)."""
    for s in items:
        pts = np.array([canvas.px(x, y) for x, y in s.points], np.float64) - 0.5
        a, (x0, y0, x1, y1) = coverage(canvas, pts, max(1, round(s.width * canvas.scale)), False)
        a = (a * 0.92)[..., None]
        roi = canvas.rgb[y0:y1, x0:x1]
        roi[:] = roi * (1.0 - a) + np.array(s.ink, np.float32) * a


def label(canvas: Canvas, words: str, centre_mm: tuple[float, float], pen: Pen,
          rng: np.random.Generator) -> None:
    """Hand-write ``words`` on the poster paper, centred on ``centre_mm`` (one line, with the
    font's own proportional spacing and a slight slant)."""
    cx, cy = canvas.px(*centre_mm)
    size = max(6, round(pen.size_px))
    font = fonts.load(pen.face, size)
    x0, y0, x1, y1 = font.getbbox(words, anchor="mm")
    pad = size // 2
    tile = Image.new("L", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), 0)
    ImageDraw.Draw(tile).text((pad - x0, pad - y0), words, font=font, fill=255, anchor="mm",
                              stroke_width=max(1, round(size * 0.03)), stroke_fill=255)
    tile = tile.rotate(float(rng.normal(0, 0.8)), resample=Image.Resampling.BILINEAR)
    a = np.asarray(tile, np.float32) / 255.0
    left, top = round(cx - a.shape[1] / 2), round(cy - a.shape[0] / 2)
    rx0, ry0 = max(0, left), max(0, top)
    rx1 = min(canvas.rgb.shape[1], left + a.shape[1])
    ry1 = min(canvas.rgb.shape[0], top + a.shape[0])
    if rx1 <= rx0 or ry1 <= ry0:
        return
    a = (a[ry0 - top: ry1 - top, rx0 - left: rx1 - left] * 0.94)[..., None]
    roi = canvas.rgb[ry0:ry1, rx0:rx1]
    roi[:] = roi * (1.0 - a) + np.array(pen.ink, np.float32) * a


def note_tile(note: NotePlan, scale: float, rng: np.random.Generator) -> F32:
    """The note face, unrotated: paper colour with curl shading and its text (RGB float32)."""
    tw, th = max(4, round(note.w * scale)), max(4, round(note.h * scale))
    img = Image.new("RGB", (tw, th), note.rgb)
    pen = Pen(note.face, note.ink, note.char_mm * scale,
              0.0 if note.face.font_class == "print" else 0.045)
    centre = (tw / 2 + rng.normal(0, 0.02) * tw, th * 0.53 + rng.normal(0, 0.02) * th)
    text.draw_block(img, note.lines, centre, pen, note.vertical, rng)
    tile = np.asarray(img, np.float32)
    y = np.linspace(0.0, 1.0, th, dtype=np.float32)[:, None]
    x = np.linspace(-0.5, 0.5, tw, dtype=np.float32)[None, :]
    curl = float(rng.uniform(-0.07, 0.04))
    shade = 1.0 + float(rng.uniform(-0.03, 0.02)) * y + curl * y**3 + float(
        rng.uniform(-0.03, 0.03)) * x
    return np.asarray(tile * shade[..., None], np.float32)


@dataclass(frozen=True)
class Glare:
    """A specular highlight on one note, in the note's own frame: centre (u, v) and semi-axes
    (a, b) as shares of its width/height, ``angle`` radians, ``peak`` 0-1.3 (≥ 1 clips)."""

    u: float
    v: float
    a: float
    b: float
    angle: float
    peak: float


OVER_WHITE = 255.0 * 1.35
"""What a full specular reflection tends to (the lamp is brighter than white paper)."""


def glare_blob(shape: tuple[int, int], g: Glare) -> F32:
    """Highlight weight 0..peak over an H×W note tile (soft-edged ellipse, flat top)."""
    th, tw = shape
    y, x = np.mgrid[0:th, 0:tw].astype(np.float32)
    x, y = x / max(tw - 1, 1) - g.u, y / max(th - 1, 1) - g.v
    c, s = math.cos(g.angle), math.sin(g.angle)
    r2 = ((x * c + y * s) / g.a) ** 2 + ((y * c - x * s) / g.b) ** 2
    return np.asarray(g.peak * np.exp(-(r2 ** 1.3)), np.float32)


def _curled(tile: F32, note: NotePlan, scale: float) -> tuple[F32, float]:
    """The face of a note whose bottom lifts off: the lifted part (its lower ``lift`` share)
    is foreshortened by ``note.curl_mm`` and turns away from the light. Returns the tile and
    ``lift``."""
    th, tw = tile.shape[:2]
    lift = min(0.45, 0.25 + 2.0 * note.curl_mm / note.h)
    out_h = max(4, round((note.h - note.curl_mm) * scale))
    start, length = (1.0 - lift) * th, lift * th
    delta = note.curl_mm * scale
    # arc length t along the lifted part → projected p(t) = t - delta·(t/L)³ (monotonic)
    t = np.linspace(0.0, length, 256)
    p = t - delta * (t / length) ** 3
    rows = np.arange(out_h, dtype=np.float64) + 0.5
    src = np.where(rows < start, rows, start + np.interp(rows - start, p, t)) - 0.5
    map_y = np.repeat(src.astype(np.float32)[:, None], tw, axis=1)
    map_x = np.repeat(np.arange(tw, dtype=np.float32)[None, :], out_h, axis=0)
    face = np.asarray(cv2.remap(tile, map_x, map_y, cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE), np.float32)
    bend = np.clip((src + 0.5 - start) / length, 0.0, 1.0).astype(np.float32)[:, None]
    face *= (1.0 - (0.06 + 1.6 * note.curl_mm / note.h) * bend**2)[..., None]
    return face, lift


def stick(canvas: Canvas, note: NotePlan, rng: np.random.Generator,
          light: tuple[float, float], glare: Glare | None = None) -> None:
    """Composite one note (rotated, with a soft drop shadow) onto the canvas.

    ``light`` is the shadow offset direction (unit vector in canvas pixels). A curled note
    (``note.curl_mm`` > 0) is drawn foreshortened and casts a wider, darker shadow under its
    lifted bottom edge; ``glare`` adds a specular highlight to its face.
    """
    s = canvas.scale
    tile = note_tile(note, s, rng)
    lift = 0.0
    if note.curl_mm > 0:
        tile, lift = _curled(tile, note, s)
    if glare is not None:
        g = glare_blob(tile.shape[:2], glare)[..., None]
        tile = np.asarray(tile + g * (OVER_WHITE - tile), np.float32)
    th, tw = tile.shape[:2]
    cx, cy = canvas.px(note.cx, note.cy)
    cos, sin = math.cos(math.radians(note.angle)), math.sin(math.radians(note.angle))
    # the drawn outline's centre: a curled note ends curl_mm short of the flat bottom
    cx, cy = cx + sin * note.curl_mm / 2 * s, cy - cos * note.curl_mm / 2 * s
    height = (0.08 + 0.9 * note.curl_mm / note.h) * note.h if lift else 0.0  # mm off the wall
    reach = 0.5 * math.hypot(note.w, note.h) * s + 8.0 * s + height * s
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1 = min(canvas.rgb.shape[1], int(cx + reach) + 1)
    y1 = min(canvas.rgb.shape[0], int(cy + reach) + 1)
    sx, sy = note.w * s / tw, (note.h - note.curl_mm) * s / th  # tile px → canvas px (≈ 1)
    # tile cv2 coords (pixel centres at integers) → ROI cv2 coords: scale, rotate clockwise
    # about the tile centre, move the centre onto the note centre
    m = np.array([[cos * sx, -sin * sy, 0.0], [sin * sx, cos * sy, 0.0]])
    tcx, tcy = (tw - 1) / 2, (th - 1) / 2
    m[0, 2] = (cx - 0.5 - x0) - (m[0, 0] * tcx + m[0, 1] * tcy)
    m[1, 2] = (cy - 0.5 - y0) - (m[1, 0] * tcx + m[1, 1] * tcy)
    size = (x1 - x0, y1 - y0)
    face = cv2.warpAffine(tile, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    mask = cv2.warpAffine(np.ones((th, tw), np.float32), m, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    off = np.array([[1, 0, light[0] * 1.2 * s], [0, 1, light[1] * 1.2 * s + 0.8 * s]],
                   np.float64)
    shadow = cv2.warpAffine(mask, off, size, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    shadow = cv2.GaussianBlur(shadow, (0, 0), 1.6 * s)
    roi = canvas.rgb[y0:y1, x0:x1]
    roi *= (1.0 - float(rng.uniform(0.22, 0.34)) * shadow)[..., None]
    if lift:
        _lift_shadow(roi, m, (th, tw), lift, height * s, light, size)
    roi[:] = roi * (1.0 - mask[..., None]) + face * mask[..., None]


def _lift_shadow(roi: F32, m: NDArray[np.float64], tile_shape: tuple[int, int], lift: float,
                 height_px: float, light: tuple[float, float], size: tuple[int, int]) -> None:
    """The extra shadow a lifted bottom edge casts: its lower part, pushed further from the
    light and blurred by its height above the poster."""
    th, tw = tile_shape
    ramp = np.clip((np.arange(th, dtype=np.float32) - (1.0 - lift) * th) / (lift * th), 0, 1)
    part = np.repeat((ramp**0.7)[:, None], tw, axis=1)
    bottom = cv2.warpAffine(part, m, size, flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    off = np.array([[1, 0, light[0] * height_px * 0.5],
                    [0, 1, light[1] * height_px * 0.5 + height_px * 0.35]], np.float64)
    cast = cv2.warpAffine(bottom, off, size, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    cast = cv2.GaussianBlur(cast, (0, 0), max(0.8, height_px * 0.45))
    roi *= (1.0 - 0.38 * cast)[..., None]


def tape(canvas: Canvas, plan: PosterPlan, rng: np.random.Generator
         ) -> list[list[tuple[float, float]]]:
    """Masking tape over the poster corners, partly on the wall (extends the alpha).

    Returns each piece's outline in poster mm.
    """
    pieces: list[list[tuple[float, float]]] = []
    w_mm, h_mm = plan.size
    color = np.array([236, 226, 196], np.float32) + rng.normal(0, 4, 3).astype(np.float32)
    for x, y in ((0, 0), (w_mm, 0), (w_mm, h_mm), (0, h_mm)):
        if rng.random() < 0.2:
            continue
        ang = math.radians(45 if (x == 0) == (y == 0) else -45) + rng.normal(0, 0.15)
        L, W = rng.uniform(45, 60), rng.uniform(16, 20)
        ux, uy = math.cos(ang), math.sin(ang)
        pts = [(x + sx * ux * L / 2 - sy * uy * W / 2, y + sx * uy * L / 2 + sy * ux * W / 2)
               for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        pieces.append([(float(px), float(py)) for px, py in pts])
        poly = np.array([canvas.px(px, py) for px, py in pts], np.float64) - 0.5
        a, (x0, y0, x1, y1) = coverage(canvas, poly, 1, True)
        rgb, alpha = canvas.rgb[y0:y1, x0:x1], canvas.alpha[y0:y1, x0:x1]
        under = rgb * alpha[..., None]
        rgb[:] = (under * 0.25 + color * 0.75) * a[..., None] + rgb * (1.0 - a[..., None])
        alpha[:] = np.maximum(alpha, a * 0.97)
    return pieces
