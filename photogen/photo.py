"""Turn a warped poster into a phone photo: background, poster shadow, uneven light, white
balance, blur and sensor noise. Images here are H×W×3 **RGB** float32 0-255 in **photo
pixels** (upright), origin top-left."""

from __future__ import annotations

import logging
import math

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


def background(kind: Background, w: int, h: int, rng: np.random.Generator) -> F32:
    """A wall, whiteboard or wooden table filling the whole photo."""
    img = np.empty((h, w, 3), np.float32)
    if kind == "table":
        qw, qh = max(8, w // 4), max(8, h // 4)
        yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float32)
        warp = _smooth(qw, qh, (5, 4), rng) * 6.0
        grain = np.sin((yy + warp + 0.05 * xx) * (2 * math.pi / rng.uniform(6, 11)))
        grain = cv2.resize(grain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        base = np.array([150, 105, 70], np.float32) + rng.normal(0, 8, 3).astype(np.float32)
        img[:] = base
        img *= (1.0 + 0.08 * grain + 0.05 * _smooth(w, h, (6, 4), rng))[..., None]
    elif kind == "whiteboard":
        img[:] = np.array([222, 226, 228], np.float32) + rng.normal(0, 3, 3).astype(np.float32)
        glare = _smooth(w, h, (3, 2), rng)
        img *= (1.0 + 0.04 * glare)[..., None]
    else:
        base = np.array([205, 198, 185], np.float32) + rng.normal(0, 10, 3).astype(np.float32)
        img[:] = base
        img *= (1.0 + 0.025 * _smooth(w, h, (12, 9), rng))[..., None]
    img += rng.normal(0.0, 2.0, (h, w, 1)).astype(np.float32)
    return img


def composite(bg: F32, poster: F32, alpha: F32, kind: Background) -> F32:
    """Lay the warped poster (RGB, alpha) over the background with a soft contact shadow."""
    lift = 4.0 if kind == "table" else 7.0
    shadow = cv2.GaussianBlur(alpha, (0, 0), lift)
    shadow = np.roll(shadow, (int(lift * 0.6), int(lift * 0.3)), axis=(0, 1))
    out = bg * (1.0 - 0.22 * shadow)[..., None]
    a = alpha[..., None]
    return np.asarray(out * (1.0 - a) + poster * a, np.float32)


def illumination(spec: SceneSpec, rng: np.random.Generator) -> F32:
    """Brightness field: exposure × linear fall-off × vignetting (H×W float32)."""
    w, h = spec.size
    qw, qh = max(8, w // 8), max(8, h // 8)
    yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float32)
    u, v = xx / (qw - 1) - 0.5, yy / (qh - 1) - 0.5
    ang = rng.uniform(0, 2 * math.pi)
    ramp = (u * math.cos(ang) + v * math.sin(ang)) / 0.71  # -1..1 across the frame
    grad = 1.0 - spec.light_gradient * rng.uniform(0.6, 1.0) * (ramp + 1.0) / 2
    vig = 1.0 - spec.vignette * np.clip((u**2 + v**2) / 0.5, 0, 1) ** 1.5
    field = (spec.exposure * grad * vig).astype(np.float32)
    return np.asarray(cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def white_balance(spec: SceneSpec, rng: np.random.Generator) -> F32:
    """Per-channel (R, G, B) gains: the spec's warmth plus a small random cast."""
    t = spec.warmth + rng.normal(0.0, 0.025)
    tint = rng.normal(0.0, 0.012)
    return np.array([1.0 + t, 1.0 + tint, 1.0 - 1.2 * t], np.float32)


def sensor(img: F32, spec: SceneSpec, rng: np.random.Generator) -> NDArray[np.uint8]:
    """Optical blur, then signal-dependent noise (mostly luminance), then quantisation."""
    if spec.blur_sigma > 0:
        img = np.asarray(cv2.GaussianBlur(img, (0, 0), spec.blur_sigma), np.float32)
    if spec.noise_sigma > 0:
        h, w = img.shape[:2]
        luma = img.mean(axis=2, keepdims=True)
        sigma = spec.noise_sigma * np.sqrt(np.clip(luma, 8.0, 255.0) / 128.0)
        noise = rng.standard_normal((h, w, 1), np.float32) * 0.9
        noise = noise + rng.standard_normal((h, w, 3), np.float32) * 0.45
        img = img + noise * sigma
    return np.asarray(np.clip(img + 0.5, 0, 255), np.uint8)
