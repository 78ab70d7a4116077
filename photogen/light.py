"""Light that is not uniform in a way that matters to detection: a lamp's specular
reflection (glare) on glossy notes and laminated paper, and a soft shadow band across the
wall (a person or a partition between the lamp and the poster).

Plans are in **poster mm** (the wall plane, origin at the poster's top-left); the shadow band's
brightness field is evaluated on the coarse photo light grid of :func:`photogen.photo.light_grid`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from photogen import camera, photo
from photogen.layout import PosterPlan
from photogen.paint import OVER_WHITE, Canvas, Glare
from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

F32 = NDArray[np.float32]


@dataclass(frozen=True)
class Lamp:
    """Where a ceiling lamp's reflection falls on the wall (poster mm): centre, semi-axes,
    angle (radians) and peak strength (≥ 1 saturates on a glossy surface)."""

    x: float
    y: float
    rx: float
    ry: float
    angle: float
    peak: float

    def weight(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Reflection strength (0..peak) at poster points (mm)."""
        c, s = math.cos(self.angle), math.sin(self.angle)
        dx, dy = x - self.x, y - self.y
        r2 = ((dx * c + dy * s) / self.rx) ** 2 + ((dy * c - dx * s) / self.ry) ** 2
        return np.asarray(self.peak * np.exp(-(r2**1.2)), np.float64)


def plan_glare(plan: PosterPlan, spec: SceneSpec, rng: np.random.Generator
               ) -> tuple[Lamp, dict[int, Glare]]:
    """The lamp reflection and the highlight on each glossy note it catches.

    The notes nearest the reflection spot (``spec.glare`` of them) get a highlight whose
    position on the note leans towards the spot and whose strength falls off with distance;
    each note is a little differently bent, so the blobs differ in size and angle.
    """
    w, h = plan.size
    rx = float(rng.uniform(90.0, 200.0))
    lamp = Lamp(float(rng.uniform(0.15, 0.85)) * w, float(rng.uniform(0.15, 0.8)) * h, rx,
                rx * float(rng.uniform(0.5, 1.0)), float(rng.uniform(0, math.pi)),
                float(rng.uniform(1.0, 1.3)))
    k = max(1, round(spec.glare * len(plan.notes))) if plan.notes else 0
    cx = np.array([n.cx for n in plan.notes], float)
    cy = np.array([n.cy for n in plan.notes], float)
    strength = lamp.weight(cx, cy) if plan.notes else np.zeros(0)
    glares: dict[int, Glare] = {}
    for i in np.argsort(-strength)[:k]:
        n = plan.notes[int(i)]
        c, s = math.cos(math.radians(n.angle)), math.sin(math.radians(n.angle))
        dx, dy = lamp.x - n.cx, lamp.y - n.cy  # towards the spot, in the note's own frame
        u = 0.5 + float(np.clip((dx * c + dy * s) / n.w, -0.3, 0.3))
        v = 0.5 + float(np.clip((dy * c - dx * s) / n.h, -0.3, 0.3))
        a = float(rng.uniform(0.18, 0.42))
        peak = max(0.45, min(1.3, float(strength[int(i)]) * float(rng.uniform(0.8, 1.2))))
        glares[int(i)] = Glare(u, v, a, a * float(rng.uniform(0.4, 0.9)),
                               float(rng.uniform(0, math.pi)), peak)
    return lamp, glares


def laminated_glare(canvas: Canvas, lamp: Lamp, gloss: float = 0.6) -> None:
    """The lamp's reflection on a laminated (glossy) poster, before notes are stuck on."""
    s, pad = canvas.scale, canvas.pad
    reach = 2.2 * max(lamp.rx, lamp.ry)
    h, w = canvas.alpha.shape
    x0, x1 = max(0, int((lamp.x - reach + pad) * s)), min(w, int((lamp.x + reach + pad) * s))
    y0, y1 = max(0, int((lamp.y - reach + pad) * s)), min(h, int((lamp.y + reach + pad) * s))
    if x1 <= x0 or y1 <= y0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    g = (gloss * lamp.weight((xx + 0.5) / s - pad, (yy + 0.5) / s - pad)).astype(np.float32)
    g *= canvas.alpha[y0:y1, x0:x1]
    roi = canvas.rgb[y0:y1, x0:x1]
    roi += g[..., None] * (OVER_WHITE - roi)


@dataclass(frozen=True)
class ShadowBand:
    """A shadow band on the wall (poster mm): a point on its centre line, the direction of
    that line (radians), its full width, penumbra width and brightness inside (0-1)."""

    x: float
    y: float
    angle: float
    width: float
    soft: float
    brightness: float

    def distance(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Signed distance (mm) of poster points from the centre line."""
        return np.asarray((x - self.x) * -math.sin(self.angle) + (y - self.y) * math.cos(
            self.angle), np.float64)

    def factor(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Brightness factor (brightness..1) at poster points."""
        d = np.abs(self.distance(x, y))
        t = np.clip((self.width / 2 + self.soft / 2 - d) / self.soft, 0.0, 1.0)
        t = t * t * (3 - 2 * t)
        return np.asarray(1.0 - (1.0 - self.brightness) * t, np.float64)

    def quad(self, length: float) -> list[tuple[float, float]]:
        """The band's core (full shadow, without penumbra) as a long quad (poster mm)."""
        ux, uy = math.cos(self.angle), math.sin(self.angle)
        nx, ny = -uy, ux
        hw = self.width / 2
        return [(self.x + sx * ux * length + sn * nx * hw, self.y + sx * uy * length + sn * ny * hw)
                for sx, sn in ((-1, -1), (1, -1), (1, 1), (-1, 1))]


def plan_shadow_band(plan: PosterPlan, rng: np.random.Generator) -> ShadowBand:
    """A band crossing the poster at any angle, 10-30 % of the poster wide."""
    w, h = plan.size
    width = float(rng.uniform(0.10, 0.30)) * w
    return ShadowBand(float(rng.uniform(0.2, 0.8)) * w, float(rng.uniform(0.25, 0.75)) * h,
                      float(rng.uniform(0, math.pi)), width,
                      width * float(rng.uniform(0.15, 0.6)), float(rng.uniform(0.55, 0.8)))


def shadow_band_grid(band: ShadowBand, spec: SceneSpec, h: camera.Mat) -> F32:
    """The band's brightness factor on the coarse light grid of the photo."""
    w, hh = spec.size
    qw, qh = photo.light_grid(spec)
    yy, xx = np.mgrid[0:qh, 0:qw].astype(np.float64)
    pts = np.stack([(xx + 0.5) * w / qw, (yy + 0.5) * hh / qh], axis=-1).reshape(-1, 1, 2)
    mm = np.asarray(cv2.perspectiveTransform(pts, np.linalg.inv(h)), np.float64).reshape(-1, 2)
    return band.factor(mm[:, 0], mm[:, 1]).reshape(qh, qw).astype(np.float32)
