"""A hand or a marker pen reaching into the photo from a frame edge, between the camera and
the poster: built in **photo pixels** of the upright photo as a :class:`Sprite` with a soft
shadow on the poster, plus its outline for the truth.

Sizes come from the poster's scale (px per mm) times a little more (the hand is nearer the
camera than the wall). Placements that would hide more than a third of any note are tried
again, so the notes stay in the truth (partly covered ones get tagged ``occluded``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen.compose import Sprite
from photogen.props import F32, SKIN_RGB, SLEEVE_RGB, PointList, entry, make_sprite, outline_of

log = logging.getLogger(__name__)

Quad = Sequence[Sequence[float]]
MAX_COVER = 0.33


def _fixed(pts: NDArray[np.float64]) -> NDArray[np.int32]:
    return np.round(pts * 16).astype(np.int32)


def _capsule(mask: NDArray[np.uint8], a: NDArray[np.float64], b: NDArray[np.float64],
             width: float) -> None:
    pa, pb = _fixed(a), _fixed(b)
    cv2.line(mask, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), 255,
             max(1, round(width)), cv2.LINE_AA, 4)


def _hand_masks(frame: tuple[float, float, float], width: float, scale: float,
                rng: np.random.Generator, shape: tuple[int, int], origin: tuple[int, int]
                ) -> tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]]:
    """(skin, sleeve, crease) masks of a hand whose fingertip is at frame[:2] pointing along
    frame[2] (radians), palm ``width`` mm, drawn at ``scale`` px/mm into ``shape``.

    Pointing (index out, the others curled into a fist with knuckle creases) or open
    (four fingers slightly spread); thumb on the index side; usually a sleeve at the wrist.
    """
    tx, ty, ang = frame
    u = np.array([math.cos(ang), math.sin(ang)])
    side = 1.0 if rng.random() < 0.5 else -1.0  # left or right hand
    n = np.array([-u[1], u[0]]) * side
    W = width * scale
    pointing = rng.random() < 0.6
    wrist = np.array([tx, ty]) - u * (1.85 * W if pointing else 1.9 * W) - np.array(origin,
                                                                                     float)
    skin, sleeve, crease = (np.zeros(shape, np.uint8) for _ in range(3))
    far = wrist - u * 4.0 * W
    arm = np.array([wrist + n * 0.34 * W, wrist - n * 0.34 * W, far - n * 0.42 * W,
                    far + n * 0.42 * W])
    cv2.fillPoly(skin, [_fixed(arm)], 255, cv2.LINE_AA, 4)
    _ellipse(skin, wrist + u * 0.5 * W, (0.56 * W, 0.47 * W), ang, 255)
    bases, widths = (-0.33, -0.11, 0.11, 0.31), (0.19, 0.2, 0.19, 0.16)
    lengths, spread = (0.8, 0.88, 0.82, 0.64), (-6.0, -1.5, 3.0, 8.0)
    if pointing:
        fist = wrist + u * 0.9 * W + n * 0.1 * W
        _ellipse(skin, fist, (0.24 * W, 0.4 * W), ang, 255)
        for k in (-0.12, 0.1):  # creases between the curled fingers
            a = fist + n * k * W - u * 0.16 * W
            _capsule(crease, a, a + u * 0.34 * W, max(1.0, 0.012 * W))
        base = wrist + u * 0.9 * W + n * bases[0] * W
        tip = np.array([tx, ty]) - np.array(origin, float)
        _capsule(skin, base, tip - u * 0.09 * W, widths[0] * W)
    else:
        for k in range(4):
            da = math.radians(spread[k]) * side
            d = np.array([math.cos(ang + da), math.sin(ang + da)])
            base = wrist + u * 0.92 * W + n * bases[k] * W
            _capsule(skin, base, base + d * lengths[k] * W * float(rng.uniform(0.94, 1.04)),
                     widths[k] * W)
    thumb_a = ang - side * math.radians(22 if pointing else 42)
    tb = wrist + u * 0.28 * W - n * 0.4 * W
    _capsule(skin, tb, tb + np.array([math.cos(thumb_a), math.sin(thumb_a)]) * 0.52 * W,
             0.23 * W)
    if rng.random() < 0.8:
        cuff = wrist - u * float(rng.uniform(0.4, 1.5)) * W
        sl = np.array([cuff + n * 0.47 * W, cuff - n * 0.47 * W, far - n * 0.6 * W,
                       far + n * 0.6 * W])
        cv2.fillPoly(sleeve, [_fixed(sl)], 255, cv2.LINE_AA, 4)
    return skin, sleeve, crease


def _ellipse(mask: NDArray[np.uint8], c: NDArray[np.float64], axes: tuple[float, float],
             ang: float, value: int) -> None:
    cv2.ellipse(mask, (int(round(c[0] * 16)), int(round(c[1] * 16))),
                (int(axes[0] * 16), int(axes[1] * 16)), math.degrees(ang), 0, 360, value, -1,
                cv2.LINE_AA, 4)


def _cover(alpha: NDArray[np.uint8], x0: int, y0: int, quads: Sequence[Quad]) -> float:
    """Largest share of any note quad hidden by a mask placed at (x0, y0)."""
    worst = 0.0
    h, w = alpha.shape
    for q in quads:
        pts = np.array(q, np.float64) - [x0, y0]
        if pts[:, 0].max() < 0 or pts[:, 1].max() < 0 or pts[:, 0].min() > w or \
                pts[:, 1].min() > h:
            continue
        m = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(m, _fixed(pts), 255, cv2.LINE_8, 4)
        area = abs(cv2.contourArea(pts.astype(np.float32)))
        if area > 0:
            worst = max(worst, float(((m > 0) & (alpha > 127)).sum()) / area)
    return worst


def _window(points: NDArray[np.float64], size: tuple[int, int], margin: float
            ) -> tuple[int, int, int, int]:
    w, h = size
    x0 = int(max(-margin, points[:, 0].min() - margin))
    y0 = int(max(-margin, points[:, 1].min() - margin))
    x1 = int(min(w + margin, points[:, 0].max() + margin))
    y1 = int(min(h + margin, points[:, 1].max() + margin))
    return x0, y0, max(x0 + 8, x1), max(y0 + 8, y1)


def hand(size: tuple[int, int], scale: float, quads: Sequence[Quad],
         rng: np.random.Generator, light: tuple[float, float]) -> tuple[Sprite, PointList]:
    """A hand (and usually a sleeve) reaching in from a frame edge, and its outline.

    Args:
        size: photo (width, height) px.
        scale: photo px per mm at the poster.
        quads: note quads (photo px) the hand should not hide much of.
        rng: the hand's random stream.
        light: shadow offset direction (unit vector, photo px).
    """
    best: tuple[float, Sprite, PointList] | None = None
    for _ in range(8):
        k = scale * float(rng.uniform(1.05, 1.35))
        width = float(rng.uniform(78.0, 92.0))
        ex, ey, ang = entry(size, rng, 2.0 * width * k)
        depth = float(rng.uniform(0.12, 0.3)) * min(size) + 1.9 * width * k * 0.6
        tip = (ex + math.cos(ang) * depth, ey + math.sin(ang) * depth)
        span = np.array([tip, (ex, ey), (ex - math.cos(ang) * width * k * 3,
                                         ey - math.sin(ang) * width * k * 3)])
        x0, y0, x1, y1 = _window(span, size, 1.2 * width * k)
        skin, sleeve, crease = _hand_masks((tip[0], tip[1], ang), width, k, rng,
                                           (y1 - y0, x1 - x0), (x0, y0))
        union = np.maximum(skin, sleeve)
        cover = _cover(union, x0, y0, quads)
        if best is not None and cover >= best[0]:
            continue
        rgb = _hand_rgb(skin, sleeve, crease, width * k, ang, rng)
        off = (light[0] * width * k * 0.25, light[1] * width * k * 0.25)
        sprite = make_sprite(union, rgb, x0, y0, max(0.6, width * k * 0.006), off,
                         width * k * 0.07, float(rng.uniform(0.3, 0.45)))
        best = (cover, sprite, outline_of(union, x0, y0, size))
        if cover <= MAX_COVER:
            break
    assert best is not None
    return best[1], best[2]


def _hand_rgb(skin: NDArray[np.uint8], sleeve: NDArray[np.uint8], crease: NDArray[np.uint8],
              width_px: float, ang: float, rng: np.random.Generator) -> F32:
    """Skin with rounded shading (each finger lit along its middle, darker at its sides),
    light from one side, faint blotches and creases; then the sleeve with folds."""
    tone = np.array(SKIN_RGB[int(rng.integers(len(SKIN_RGB)))], np.float32)
    tone += rng.normal(0, 5, 3).astype(np.float32)
    dist = cv2.distanceTransform((skin > 127).astype(np.uint8), cv2.DIST_L2, 5)
    shade = 0.58 + 0.42 * np.clip(dist / (0.11 * width_px), 0.0, 1.0) ** 0.45
    h, w = skin.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = (xx * -math.sin(ang) + yy * math.cos(ang)) / max(h, w)
    shade *= 1.0 + 0.1 * (side - float(side.mean())) * float(rng.choice([-1.0, 1.0]))
    blotch = cv2.resize(rng.normal(0, 1, (6, 6)).astype(np.float32), (w, h),
                        interpolation=cv2.INTER_CUBIC)
    rgb = (shade * (1.0 + 0.025 * blotch))[..., None] * tone
    rgb *= (1.0 - 0.22 * cv2.GaussianBlur(crease.astype(np.float32) / 255.0, (0, 0),
                                          max(0.7, 0.006 * width_px)))[..., None]
    rgb[..., 0] *= 1.0 + 0.05 * (1.0 - np.clip(dist / (0.05 * width_px), 0, 1))  # redder rims
    cloth = np.array(SLEEVE_RGB[int(rng.integers(len(SLEEVE_RGB)))], np.float32)
    sd = cv2.distanceTransform((sleeve > 127).astype(np.uint8), cv2.DIST_L2, 5)
    along = xx * math.cos(ang) + yy * math.sin(ang)
    folds = 1.0 + 0.07 * np.sin(along / (0.11 * width_px)) * np.sin(along / (0.37 * width_px))
    cshade = (0.62 + 0.38 * np.clip(sd / (0.2 * width_px), 0.0, 1.0) ** 0.5) * folds
    s = (sleeve.astype(np.float32) / 255.0)[..., None]
    return np.asarray(rgb * (1.0 - s) + (cshade[..., None] * cloth) * s, np.float32)


PEN_CAPS: tuple[tuple[int, int, int], ...] = ((25, 25, 30), (200, 35, 40), (30, 60, 170),
                                              (30, 130, 60))


def pen(size: tuple[int, int], scale: float, quads: Sequence[Quad], rng: np.random.Generator,
        light: tuple[float, float]) -> tuple[Sprite, PointList]:
    """A marker pen (barrel, cap, clip or felt tip) reaching in from a frame edge."""
    best: tuple[float, Sprite, PointList] | None = None
    for _ in range(8):
        k = scale * float(rng.uniform(1.05, 1.3))
        length, dia = float(rng.uniform(128.0, 145.0)) * k, float(rng.uniform(11.0, 18.0)) * k
        ex, ey, ang = entry(size, rng, length)
        u = np.array([math.cos(ang), math.sin(ang)])
        inside = float(rng.uniform(0.45, 0.9)) * length
        tip = np.array([ex, ey]) + u * inside
        end = tip - u * length
        x0, y0, x1, y1 = _window(np.array([tip, end]), size, dia * 2)
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        along = (xx - tip[0]) * -u[0] + (yy - tip[1]) * -u[1]  # 0 at the tip, grows outwards
        across = ((xx - tip[0]) * -u[1] + (yy - tip[1]) * u[0]) / (dia / 2)
        capped = rng.random() < 0.5
        radius = np.where(along < 0.07 * length, 0.55 + 0.45 * np.clip(
            along / (0.07 * length), 0, 1), 1.0) if not capped else np.ones_like(along)
        body = (np.abs(across) < radius) & (along >= 0) & (along <= length)
        mask = (body * 255).astype(np.uint8)
        mask = cv2.GaussianBlur(mask, (0, 0), 0.7)
        cover = _cover(mask, x0, y0, quads)
        if best is not None and cover >= best[0]:
            continue
        cap = np.array(PEN_CAPS[int(rng.integers(len(PEN_CAPS)))], np.float32)
        barrel = np.array([238, 238, 234] if rng.random() < 0.6 else PEN_CAPS[0], np.float32)
        is_cap = (along < 0.33 * length) if capped else (along > 0.72 * length)
        felt = (along < 0.05 * length) & ~np.asarray(capped)
        color = np.where(is_cap[..., None], cap, barrel)
        color = np.where(felt[..., None], np.array([30, 30, 34], np.float32), color)
        c = np.clip(across, -1.0, 1.0)
        shade = 0.6 + 0.4 * np.sqrt(1.0 - c**2)
        spec_hl = 0.45 * np.exp(-(((c + 0.45) / 0.14) ** 2))
        rgb = color * shade[..., None] + (255.0 - color * shade[..., None]) * spec_hl[..., None]
        off = (light[0] * dia * 1.5, light[1] * dia * 1.5)
        sprite = make_sprite(mask, np.asarray(rgb, np.float32), x0, y0, 0.0, off, dia * 0.5,
                         float(rng.uniform(0.3, 0.45)))
        outline = [(round(float(p[0]), 1), round(float(p[1]), 1)) for p in (
            tip + np.array([-u[1], u[0]]) * dia / 2, end + np.array([-u[1], u[0]]) * dia / 2,
            end - np.array([-u[1], u[0]]) * dia / 2, tip - np.array([-u[1], u[0]]) * dia / 2)]
        best = (cover, sprite, outline)
        if cover <= MAX_COVER:
            break
    assert best is not None
    return best[1], best[2]
