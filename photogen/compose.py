"""The photo stage, band by band: warp the flat poster onto the background, add hands/pens,
light it, blur it and add sensor noise, writing the finished rows into one uint8 photo.

Bands of rows keep the peak memory of a 48 MP photo near a gigabyte: only single-channel
fields are held at full size. Random noise comes from forked copies of the photo stream
(:class:`RowNoise`), so a banded render draws exactly the numbers one full-frame pass would
and the result does not depend on the band height. Photos up to ~4 MP are one band.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen import photo
from photogen.paint import Canvas
from photogen.spec import Background, SceneSpec

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]
BAND_PX = 4.2e6
"""Pixels per band of rows (one band for photos up to this size)."""
_SKIP_CHUNK = 1 << 22


def _fork(rng: np.random.Generator) -> np.random.Generator:
    """An independent generator starting from ``rng``'s current state."""
    bits = type(rng.bit_generator)()
    bits.state = rng.bit_generator.state
    return np.random.Generator(bits)


FloatType = type[np.float32] | type[np.float64]


def _skip(rng: np.random.Generator, n: int, dtype: FloatType) -> None:
    """Advance ``rng`` past ``n`` standard normal draws of ``dtype`` (in chunks)."""
    while n > 0:
        k = min(n, _SKIP_CHUNK)
        rng.standard_normal(k, dtype=dtype)
        n -= k


class RowNoise:
    """Standard normal noise of an H×W×C image, handed out by rows in increasing order.

    The values equal one ``rng.standard_normal((H, W, C))`` draw (times ``scale``) made when
    the stream was created; ``rng`` itself is moved past that draw (as if it had been made).
    With ``whole`` the draw is simply made at once (one band: no need to fork and skip); with
    ``last`` nothing else will draw from ``rng``, so the stream uses it directly.
    """

    def __init__(self, rng: np.random.Generator, w: int, h: int, channels: int,
                 dtype: FloatType, scale: float = 1.0, whole: bool = False,
                 last: bool = False) -> None:
        self._rng, self._w, self._c = rng, w, channels
        self._dtype, self._scale = dtype, scale
        self._start, self._buf = 0, np.zeros((0, w, channels), np.float32)
        if whole:
            self._buf = self._draw(h)
        elif not last:
            self._rng = _fork(rng)
            _skip(rng, w * h * channels, dtype)

    def _draw(self, rows: int) -> F32:
        shape = (rows, self._w, self._c)
        if self._scale == 1.0:
            return self._rng.standard_normal(shape, self._dtype).astype(np.float32, copy=False)
        return self._rng.normal(0.0, self._scale, shape).astype(np.float32)

    def rows(self, y0: int, y1: int) -> F32:
        """Noise rows ``y0:y1`` (``y0`` never below an earlier call's ``y0``), float32."""
        end = self._start + len(self._buf)
        if y1 > end:
            self._buf = np.concatenate([self._buf, self._draw(y1 - end)])
        self._buf = self._buf[y0 - self._start:]
        self._start = y0
        return self._buf[: y1 - y0]


@dataclass(frozen=True)
class Sprite:
    """Something between camera and poster drawn in photo pixels (a hand, a pen).

    ``rgb`` (h×w×3 RGB float32) and ``alpha`` (h×w) sit with their top-left pixel at
    ``(x0, y0)``; ``shadow`` (same frame, offset by ``shadow_xy`` px) darkens what is below
    by up to ``shadow_strength``.
    """

    x0: int
    y0: int
    rgb: F32
    alpha: F32
    shadow: F32
    shadow_xy: tuple[int, int]
    shadow_strength: float


def _paste(band: F32, e0: int, layer: F32, x0: int, y0: int) -> tuple[F32, F32] | None:
    """The overlapping views (band part, layer part) of a layer placed at (x0, y0)."""
    h, w = band.shape[:2]
    lh, lw = layer.shape[:2]
    top, bottom = max(y0, e0), min(y0 + lh, e0 + h)
    left, right = max(x0, 0), min(x0 + lw, w)
    if bottom <= top or right <= left:
        return None
    return (band[top - e0:bottom - e0, left:right],
            layer[top - y0:bottom - y0, left - x0:right - x0])


def _sprites(band: F32, e0: int, sprites: Sequence[Sprite]) -> None:
    for s in sprites:
        sx, sy = s.shadow_xy
        if (views := _paste(band, e0, s.shadow, s.x0 + sx, s.y0 + sy)) is not None:
            dst, sh = views
            dst *= (1.0 - s.shadow_strength * sh)[..., None]
        if (views := _paste(band, e0, s.alpha, s.x0, s.y0)) is not None:
            dst, a = views
            rgb = _paste(band, e0, s.rgb, s.x0, s.y0)
            assert rgb is not None
            dst[:] = dst * (1.0 - a[..., None]) + rgb[1] * a[..., None]


def _band_step(spec: SceneSpec) -> int:
    w, h = spec.size
    return h if w * h <= BAND_PX else max(64, int(BAND_PX // w))


def photograph(spec: SceneSpec, canvas: Canvas, warp: NDArray[np.float64], kind: Background,
               rng: np.random.Generator, *, shadow_band: F32 | None = None,
               sprites: Sequence[Sprite] = (), motion: F32 | None = None
               ) -> NDArray[np.uint8]:
    """The finished upright photo, H×W×3 **RGB** uint8.

    Args:
        spec: the scene (size, light, sensor settings).
        canvas: the flat poster.
        warp: canvas → photo homography in cv2 pixel-centre coordinates.
        kind: the background kind (already picked with ``rng``).
        rng: the photo stream, positioned after the background pick.
        shadow_band: brightness factor on the coarse light grid, or None.
        sprites: hands/pens in front of the poster.
        motion: camera-shake kernel, or None.
    """
    w, h = spec.size
    alpha = np.asarray(cv2.warpPerspective(canvas.alpha, warp, (w, h), flags=cv2.INTER_LINEAR),
                       np.float32)
    step, margin = _band_step(spec), photo.blur_margin(spec)
    whole = step >= h
    bg = photo.background(kind, w, h, rng)
    bg_noise = RowNoise(rng, w, h, 1, np.float64, scale=2.0, whole=whole)
    shadow = photo.contact_shadow(alpha, kind)
    light = photo.illumination(spec, rng, shadow_band)
    gains = photo.white_balance(spec, rng)
    noisy = spec.noise_sigma > 0
    luma = RowNoise(rng, w, h, 1, np.float32, whole=whole) if noisy else None
    chroma = RowNoise(rng, w, h, 3, np.float32, whole=whole, last=True) if noisy else None
    out = np.empty((h, w, 3), np.uint8)
    for y0 in range(0, h, step):
        y1 = min(h, y0 + step)
        e0, e1 = max(0, y0 - margin), min(h, y1 + margin)
        shift = np.array([[1, 0, 0], [0, 1, -e0], [0, 0, 1]], np.float64)
        poster = np.asarray(cv2.warpPerspective(canvas.rgb, shift @ warp, (w, e1 - e0),
                                                flags=cv2.INTER_LINEAR), np.float32)
        img = photo.composite(bg.rows(e0, e1, bg_noise.rows(e0, e1)), poster,
                              alpha[e0:e1], shadow[e0:e1])
        del poster
        _sprites(img, e0, sprites)
        img *= light[e0:e1, :, None] * gains
        img = photo.optics(img, spec, motion)[y0 - e0: y1 - e0]
        out[y0:y1] = photo.sensor_noise(img, spec, luma.rows(y0, y1) if luma else None,
                                        chroma.rows(y0, y1) if chroma else None)
    log.debug("photographed %d×%d in %d bands", w, h, math.ceil(h / step))
    return out
