"""Turn a warped poster into a phone photo: background, poster shadow, uneven light, white
balance, blur and sensor noise. Images here are H×W×3 **RGB** float32 0-255 in **photo
pixels** (upright), origin top-left.

Full-size single-channel fields (background shade, contact shadow, light) are computed once;
the three-channel work runs per band of rows (:mod:`photogen.compose`) so that a 48 MP photo
never holds more than a few full-size float32 planes. Every per-pixel step is elementwise or
a small filter, so the result does not depend on the band height.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen.spec import Background, SceneSpec

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]
_BACKGROUNDS: tuple[Background, ...] = ("wall", "whiteboard", "table")


def _smooth(w: int, h: int, cells: tuple[int, int], rng: np.random.Generator) -> F32:
    coarse = rng.normal(0.0, 1.0, (cells[1], cells[0])).astype(np.float32)
    return np.asarray(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)


def pick_background(spec: SceneSpec, rng: np.random.Generator) -> Background:
    """The background kind (``random`` resolved with ``rng``)."""
    if spec.background != "random":
        return spec.background
    return _BACKGROUNDS[int(rng.choice(3, p=[0.45, 0.35, 0.2]))]


@dataclass(frozen=True)
class BackgroundField:
    """A wall, whiteboard or wooden table: base RGB (3,) times a shade field (H×W)."""

    base: F32
    shade: F32

    def rows(self, y0: int, y1: int, noise: F32) -> F32:
        """Rows ``y0:y1`` of the background, with ``noise`` (rows×W×1) added."""
        out = np.empty((y1 - y0, self.shade.shape[1], 3), np.float32)
        out[:] = self.base
        out *= self.shade[y0:y1, :, None]
        out += noise
        return out


def background(kind: Background, w: int, h: int, rng: np.random.Generator) -> BackgroundField:
    """The background filling the whole photo (noise drawn separately, see ``compose``)."""
    if kind == "table":
        qw, qh = max(8, w // 4), max(8, h // 4)
        yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float32)
        warp = _smooth(qw, qh, (5, 4), rng) * 6.0
        grain = np.sin((yy + warp + 0.05 * xx) * (2 * math.pi / rng.uniform(6, 11)))
        shade = cv2.resize(grain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        base = np.array([150, 105, 70], np.float32) + rng.normal(0, 8, 3).astype(np.float32)
        shade *= 0.08
        shade += 1.0
        extra = _smooth(w, h, (6, 4), rng)
        extra *= 0.05
        shade += extra
        del extra
    elif kind == "whiteboard":
        base = np.array([222, 226, 228], np.float32) + rng.normal(0, 3, 3).astype(np.float32)
        shade = _smooth(w, h, (3, 2), rng)
        shade *= 0.04
        shade += 1.0
    else:
        base = np.array([205, 198, 185], np.float32) + rng.normal(0, 10, 3).astype(np.float32)
        shade = _smooth(w, h, (12, 9), rng)
        shade *= 0.025
        shade += 1.0
    return BackgroundField(np.asarray(base, np.float32), np.asarray(shade, np.float32))


def contact_shadow(alpha: F32, kind: Background) -> F32:
    """Factor (H×W) by which the poster's soft contact shadow darkens the background."""
    lift = 4.0 if kind == "table" else 7.0
    shadow = cv2.GaussianBlur(alpha, (0, 0), lift)
    shadow = np.roll(shadow, (int(lift * 0.6), int(lift * 0.3)), axis=(0, 1))
    shadow *= -0.22
    shadow += 1.0
    return np.asarray(shadow, np.float32)


def composite(bg: F32, poster: F32, alpha: F32, shadow: F32) -> F32:
    """Lay the warped poster (RGB, alpha) over the background darkened by ``shadow``.

    All arguments are the same rows of the photo; ``bg`` is modified in place and returned.
    """
    bg *= shadow[..., None]
    a = alpha[..., None]
    bg *= 1.0 - a
    poster = poster * a
    bg += poster
    return bg


def illumination(spec: SceneSpec, rng: np.random.Generator, extra: F32 | None = None) -> F32:
    """Brightness field: exposure × linear fall-off × vignetting (H×W float32).

    ``extra`` is a further factor on the same coarse grid as :func:`light_grid` returns
    (the shadow band), multiplied in before the field is scaled up to the photo.
    """
    w, h = spec.size
    qw, qh = light_grid(spec)
    yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float32)
    u, v = xx / (qw - 1) - 0.5, yy / (qh - 1) - 0.5
    ang = rng.uniform(0, 2 * math.pi)
    ramp = (u * math.cos(ang) + v * math.sin(ang)) / 0.71  # -1..1 across the frame
    grad = 1.0 - spec.light_gradient * rng.uniform(0.6, 1.0) * (ramp + 1.0) / 2
    vig = 1.0 - spec.vignette * np.clip((u**2 + v**2) / 0.5, 0, 1) ** 1.5
    field = (spec.exposure * grad * vig).astype(np.float32)
    if extra is not None:
        field = field * extra
    return np.asarray(cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def light_grid(spec: SceneSpec) -> tuple[int, int]:
    """(columns, rows) of the coarse grid the light field is computed on; coarse pixel
    ``(i, j)`` stands for photo point ``((j + 0.5)·W/cols, (i + 0.5)·H/rows)``."""
    w, h = spec.size
    return max(8, w // 8), max(8, h // 8)


def white_balance(spec: SceneSpec, rng: np.random.Generator) -> F32:
    """Per-channel (R, G, B) gains: the spec's warmth plus a small random cast."""
    t = spec.warmth + rng.normal(0.0, 0.025)
    tint = rng.normal(0.0, 0.012)
    return np.array([1.0 + t, 1.0 + tint, 1.0 - 1.2 * t], np.float32)


def blur_margin(spec: SceneSpec) -> int:
    """Rows a band needs above and below it so that blurring it matches the whole photo."""
    margin = math.ceil(4 * spec.blur_sigma) + 2 if spec.blur_sigma > 0 else 0
    if spec.motion_blur_px > 0:
        margin += math.ceil(spec.motion_blur_px / 2) + 2
    return margin


def motion_kernel(length: float, angle: float) -> F32:
    """Normalised line kernel of ``length`` px at ``angle`` radians (camera shake)."""
    size = max(3, math.ceil(length) | 1)
    k = np.zeros((size * 4, size * 4), np.uint8)
    c = size * 2
    dx, dy = math.cos(angle) * length * 2, math.sin(angle) * length * 2
    p0 = (round((c - dx) * 16), round((c - dy) * 16))
    p1 = (round((c + dx) * 16), round((c + dy) * 16))
    cv2.line(k, p0, p1, 255, 4, cv2.LINE_AA, 4)
    small = cv2.resize(k.astype(np.float32), (size, size), interpolation=cv2.INTER_AREA)
    return np.asarray(small / max(float(small.sum()), 1e-6), np.float32)


def optics(img: F32, spec: SceneSpec, motion: F32 | None) -> F32:
    """Optical (Gaussian) blur, then camera-shake blur with kernel ``motion``."""
    if spec.blur_sigma > 0:
        img = np.asarray(cv2.GaussianBlur(img, (0, 0), spec.blur_sigma), np.float32)
    if motion is not None:
        img = np.asarray(cv2.filter2D(img, -1, motion, borderType=cv2.BORDER_REFLECT_101),
                         np.float32)
    return img


def sensor_noise(img: F32, spec: SceneSpec, luma_noise: F32 | None, chroma_noise: F32 | None
                 ) -> NDArray[np.uint8]:
    """Signal-dependent noise (mostly luminance), then quantisation.

    ``luma_noise`` (rows×W×1) and ``chroma_noise`` (rows×W×3) are standard normal draws
    (None when ``spec.noise_sigma`` is 0).
    """
    if spec.noise_sigma > 0 and luma_noise is not None and chroma_noise is not None:
        luma = img.mean(axis=2, keepdims=True)
        sigma = spec.noise_sigma * np.sqrt(np.clip(luma, 8.0, 255.0) / 128.0)
        noise = luma_noise * 0.9
        noise = noise + chroma_noise * 0.45
        img = img + noise * sigma
    return np.asarray(np.clip(img + 0.5, 0, 255), np.uint8)
