"""Render a scene: plan the poster in mm, paint it flat, warp it with one homography onto a
background, light it, add sensor effects, and build the ground truth in the
``fusen extract`` JSON format (photo pixels of the upright photo)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from photogen import camera, compose, hands, light, paint, photo, props
from photogen.layout import PosterPlan
from photogen.plans import dress, plan_poster
from photogen.spec import SceneSpec, effect_rng
from photogen.text import Pen
from photogen.truth import GENERATOR, Extras, build_truth

log = logging.getLogger(__name__)

MAX_CANVAS_PX = 6.0e6
"""Cap on the flat canvas size (pixels) so rendering stays fast ..."""
MAX_CANVAS_PX_LARGE = 16.0e6
"""... raised for large photos up to this (1.2 canvas px per photo px), so a 12-48 MP
photo is not just an upscaled 6 MP poster."""
WALL_PAD_MM = 90.0
"""Room drawn around the sheet when magnets may sit on the board next to it."""
__all__ = ["GENERATOR", "Rendered", "build_truth", "render", "scene_cases"]


@dataclass(frozen=True, eq=False)
class Rendered:
    """A generated photo and its truth.

    Attributes:
        image: the upright photo, H×W×3 **BGR** uint8, origin top-left.
        truth: ``fusen extract`` JSON (plus extra keys), coordinates in upright photo pixels.
        exif_orientation: the EXIF Orientation :func:`photogen.io.write` stores.
        jpeg_quality: quality to write JPEGs with.
    """

    image: np.ndarray[Any, np.dtype[np.uint8]]
    truth: dict[str, Any]
    exif_orientation: int = 1
    jpeg_quality: int = 88


def _streams(seed: int) -> list[np.random.Generator]:
    """The plan, camera, paint and photo streams of the base scene."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]


def render(spec: SceneSpec) -> Rendered:
    """Render the photo ``spec`` describes (deterministic for a given spec).

    Args:
        spec: the scene.

    Returns:
        The upright BGR photo and its ground truth.
    """
    r_plan, r_cam, r_paint, r_photo = _streams(spec.seed)
    plan, h, extras = _scene(spec, r_plan, r_cam)  # 1-2. what goes where, camera, effects
    pad = WALL_PAD_MM if spec.magnets else paint.PAD_MM
    scale = _canvas_scale(h, plan, pad, spec.size)
    canvas, corners = _paint(spec, plan, scale, pad, r_paint, extras)  # 3. the flat poster
    extras = replace(extras, tape_corners=corners)
    warp = camera.canvas_to_photo(h, scale, canvas.pad)  # 4. one homography onto the photo
    kind = photo.pick_background(spec, r_photo)  # 5. the room, light and sensor, band-wise
    band_grid = light.shadow_band_grid(extras.band, spec, h) if extras.band else None
    motion = None
    if spec.motion_blur_px > 0:
        ang = float(effect_rng(spec.seed, "motion").uniform(0, math.pi))
        motion = photo.motion_kernel(spec.motion_blur_px, ang)
    rgb = compose.photograph(spec, canvas, warp, kind, r_photo, shadow_band=band_grid,
                             sprites=[s for _, s, _ in extras.intruders], motion=motion)
    truth = build_truth(spec, plan, h, kind, extras)
    log.debug("rendered seed %d: %d notes, canvas scale %.2f px/mm", spec.seed,
              len(truth["notes"]), scale)
    return Rendered(np.ascontiguousarray(rgb[..., ::-1]), truth, spec.exif_orientation,
                    spec.jpeg_quality)


def scene_cases(spec: SceneSpec) -> list[str]:
    """The ``cases`` tags :func:`render` would record for ``spec``, without painting."""
    r_plan, r_cam, _, r_photo = _streams(spec.seed)
    plan, h, extras = _scene(spec, r_plan, r_cam)
    kind = photo.pick_background(spec, r_photo)
    return list(build_truth(spec, plan, h, kind, extras)["cases"])


def _scene(spec: SceneSpec, r_plan: np.random.Generator, r_cam: np.random.Generator
           ) -> tuple[PosterPlan, camera.Mat, Extras]:
    """The poster plan (mm), the poster → photo homography and the optional effects' plans."""
    plan = dress(plan_poster(spec, r_plan), spec)
    h = camera.poster_to_photo(spec, r_cam)
    extras = Extras(props=_props(spec, plan, WALL_PAD_MM if spec.magnets else paint.PAD_MM))
    if spec.glare > 0 or spec.laminated:
        lamp, glare = light.plan_glare(plan, spec, effect_rng(spec.seed, "glare"))
        extras = replace(extras, lamp=lamp if spec.laminated else None,
                         glare=glare if spec.glare > 0 else {})
    if spec.shadow_band:
        extras = replace(extras, band=light.plan_shadow_band(
            plan, effect_rng(spec.seed, "shadow_band")))
    return plan, h, replace(extras, intruders=_intruders(spec, plan, h))


def _canvas_scale(h: camera.Mat, plan: PosterPlan, pad: float, size: tuple[int, int]
                  ) -> float:
    """Canvas px/mm: a little finer than the photo's finest part of the poster."""
    w_mm, h_mm = plan.size
    scale = camera.max_scale(h, plan.size) * 1.1
    area = (w_mm + 2 * pad) * (h_mm + 2 * pad)
    cap = min(MAX_CANVAS_PX_LARGE, max(MAX_CANVAS_PX, 1.2 * size[0] * size[1]))
    return min(scale, math.sqrt(cap / area))


def _paint(spec: SceneSpec, plan: PosterPlan, scale: float, pad: float,
           rng: np.random.Generator, extras: Extras
           ) -> tuple[paint.Canvas, list[list[tuple[float, float]]]]:
    """Paint the flat poster with the planned effects; returns it and the corner tapes."""
    canvas = paint.blank(plan, scale, rng, pad)
    paint.strokes(canvas, plan.strokes)
    for lab in plan.labels:
        pen = Pen(lab.face, lab.ink, lab.char_mm * scale, 0.025)
        paint.label(canvas, lab.text, (lab.cx, lab.cy), pen, rng)
    ang = rng.uniform(0, 2 * math.pi)
    shadow_dir = (math.cos(ang) * 0.6, abs(math.sin(ang)) * 0.6 + 0.4)
    if extras.lamp is not None:
        light.laminated_glare(canvas, extras.lamp)
    for i, note in enumerate(plan.notes):
        paint.stick(canvas, note, rng, shadow_dir, extras.glare.get(i))
    corners = paint.tape(canvas, plan, rng)
    props.draw(canvas, extras.props, shadow_dir)
    return canvas, corners


def _props(spec: SceneSpec, plan: PosterPlan, pad: float) -> list[props.Prop]:
    """Tape strips and magnets on the wall plane (poster mm), from their own streams."""
    found: list[props.Prop] = []
    if spec.tape_strips:
        found += props.plan_tape_strips(plan, spec.tape_strips, effect_rng(spec.seed, "tape"))
    if spec.magnets:
        found += props.plan_magnets(plan, spec.magnets, effect_rng(spec.seed, "magnets"), pad)
    return found


def _intruders(spec: SceneSpec, plan: PosterPlan, h: camera.Mat
               ) -> list[tuple[str, compose.Sprite, props.PointList]]:
    """A hand and/or a pen reaching in from the frame edge (photo px)."""
    out: list[tuple[str, compose.Sprite, props.PointList]] = []
    if not (spec.hand or spec.pen):
        return out
    pw, ph = plan.size
    scale = camera.local_scale(h, pw / 2, ph / 2)
    quads = [camera.apply(h, n.corners()).tolist() for n in plan.notes]
    rng = effect_rng(spec.seed, "intruders")
    ang = rng.uniform(0, 2 * math.pi)
    shadow_dir = (math.cos(ang) * 0.7, abs(math.sin(ang)) * 0.5 + 0.5)
    if spec.hand:
        sprite, outline = hands.hand(spec.size, scale, quads, rng, shadow_dir)
        out.append(("hand", sprite, outline))
    if spec.pen:
        sprite, outline = hands.pen(spec.size, scale, quads, rng, shadow_dir)
        out.append(("pen", sprite, outline))
    return out
