"""Render a scene: plan the poster in mm, paint it flat, warp it with one homography onto a
background, light it, add sensor effects, and build the ground truth in the
``fusen extract`` JSON format (photo pixels of the upright photo)."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from photogen import camera, paint, photo
from photogen.layout import NotePlan, PosterPlan
from photogen.plans import kpt_columns, plan_poster
from photogen.spec import SceneSpec
from photogen.text import Pen

log = logging.getLogger(__name__)

GENERATOR = "photogen 1"
MAX_CANVAS_PX = 6.0e6
"""Cap on the flat canvas size (pixels) so rendering stays fast."""


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


def render(spec: SceneSpec) -> Rendered:
    """Render the photo ``spec`` describes (deterministic for a given spec).

    Args:
        spec: the scene.

    Returns:
        The upright BGR photo and its ground truth.
    """
    r_plan, r_cam, r_paint, r_photo = (
        np.random.default_rng(s) for s in np.random.SeedSequence(spec.seed).spawn(4)
    )
    plan = plan_poster(spec, r_plan)  # 1. what goes where, in poster mm
    h = camera.poster_to_photo(spec, r_cam)  # 2. where the sheet lands in the photo
    scale = _canvas_scale(h, plan)
    canvas = _paint(plan, scale, r_paint)  # 3. the flat poster
    w, hh = spec.size
    warp = camera.canvas_to_photo(h, scale, canvas.pad)  # 4. one homography onto the photo
    poster_rgb = np.asarray(cv2.warpPerspective(canvas.rgb, warp, (w, hh),
                                                flags=cv2.INTER_LINEAR), np.float32)
    alpha = np.asarray(cv2.warpPerspective(canvas.alpha, warp, (w, hh),
                                           flags=cv2.INTER_LINEAR), np.float32)
    kind = photo.pick_background(spec, r_photo)  # 5. the room, light and sensor
    img = photo.composite(photo.background(kind, w, hh, r_photo), poster_rgb, alpha, kind)
    img *= photo.illumination(spec, r_photo)[..., None] * photo.white_balance(spec, r_photo)
    rgb = photo.sensor(img, spec, r_photo)
    truth = build_truth(spec, plan, h, kind)
    log.debug("rendered seed %d: %d notes, canvas scale %.2f px/mm", spec.seed,
              len(truth["notes"]), scale)
    return Rendered(np.ascontiguousarray(rgb[..., ::-1]), truth, spec.exif_orientation,
                    spec.jpeg_quality)


def _canvas_scale(h: camera.Mat, plan: PosterPlan) -> float:
    """Canvas px/mm: a little finer than the photo's finest part of the poster."""
    w_mm, h_mm = plan.size
    scale = camera.max_scale(h, plan.size) * 1.1
    area = (w_mm + 2 * paint.PAD_MM) * (h_mm + 2 * paint.PAD_MM)
    return min(scale, math.sqrt(MAX_CANVAS_PX / area))


def _paint(plan: PosterPlan, scale: float, rng: np.random.Generator) -> paint.Canvas:
    canvas = paint.blank(plan, scale, rng)
    paint.strokes(canvas, plan.strokes)
    for lab in plan.labels:
        pen = Pen(lab.face, lab.ink, lab.char_mm * scale, 0.025)
        paint.label(canvas, lab.text, (lab.cx, lab.cy), pen, rng)
    ang = rng.uniform(0, 2 * math.pi)
    light = (math.cos(ang) * 0.6, abs(math.sin(ang)) * 0.6 + 0.4)
    for note in plan.notes:
        paint.stick(canvas, note, rng, light)
    paint.tape(canvas, plan, rng)
    return canvas


def _quad(h: camera.Mat, corners: Any) -> list[list[float]]:
    return [[round(float(x), 1), round(float(y), 1)] for x, y in camera.apply(h, corners)]


def _inside(quad: list[list[float]], w: int, hh: int) -> bool:
    return all(1.0 <= x <= w - 1.0 and 1.0 <= y <= hh - 1.0 for x, y in quad)


def _overlaps(quad: list[list[float]], w: int, hh: int) -> bool:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return max(xs) > 0 and min(xs) < w and max(ys) > 0 and min(ys) < hh


def _note_truth(note: NotePlan, nid: str, quad: list[list[float]], px_per_mm: float
                ) -> dict[str, Any]:
    cases = [note.face.font_class, "vertical" if note.vertical else "horizontal",
             f"ink:{note.ink_name}", f"size:{note.w:g}x{note.h:g}"]
    if len(note.lines) > 1:
        cases.append("multiline")
    return {
        "id": nid, "quad": quad, "color": note.color, "text": note.text, "confidence": 1.0,
        "writing": "vertical" if note.vertical else "horizontal",
        "font_class": note.face.font_class, "font": note.face.name, "lines": list(note.lines),
        "ink": note.ink_name, "rgb": list(note.rgb), "size_mm": [note.w, note.h],
        "rotation_deg": round(note.angle, 2), "char_px": round(note.char_mm * px_per_mm, 1),
        "case": cases,
    }


def build_truth(spec: SceneSpec, plan: PosterPlan, h: camera.Mat, background: str
                ) -> dict[str, Any]:
    """The ``fusen extract`` document for the rendered photo (upright photo pixels).

    Notes are numbered in reading order on the poster (row, then left to right). Notes not
    fully inside the photo (cut-off posters) are left out of ``notes`` and ``links``; those
    partly visible are listed under ``partial_notes`` (quads reach outside the image) so an
    evaluator can ignore detections of them. Lane and poster quads may reach outside too.
    """
    w, hh = spec.size
    order = sorted(range(len(plan.notes)), key=lambda i: (plan.notes[i].row, plan.notes[i].cx))
    ids: dict[int, str] = {}
    notes: list[dict[str, Any]] = []
    partial: list[dict[str, Any]] = []
    for i in order:
        quad = _quad(h, plan.notes[i].corners())
        if _inside(quad, w, hh):
            ids[i] = f"n{len(ids) + 1}"
            n = plan.notes[i]
            notes.append(_note_truth(n, ids[i], quad, camera.local_scale(h, n.cx, n.cy)))
        elif _overlaps(quad, w, hh):
            partial.append({"quad": quad, "color": plan.notes[i].color,
                            "text": plan.notes[i].text})
    links = [{"source": ids[a], "target": ids[b]} for a, b in plan.links if a in ids and b in ids]
    lanes = []
    for k, lane in enumerate(plan.lanes):
        x0, y0, x1, y1 = lane.rect
        lanes.append({"id": f"l{k + 1}", "label": lane.label,
                      "quad": _quad(h, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])})
    notes_lane = {ids[i]: f"l{n.lane + 1}" for i, n in enumerate(plan.notes)
                  if i in ids and n.lane is not None}
    pw, ph = plan.size
    truth: dict[str, Any] = {
        "width": w, "height": hh, "notes": notes, "links": links, "lanes": lanes,
        "notes_lane": notes_lane,
        "partial_notes": partial,
        "poster_quad": _quad(h, [(0, 0), (pw, 0), (pw, ph), (0, ph)]),
        "poster_mm": [pw, ph], "layout": spec.layout, "background": background,
        "exif_orientation": spec.exif_orientation, "cases": _cases(spec, len(plan.notes),
                                                                   len(notes)),
        "seed": spec.seed, "generator": GENERATOR,
        "labels": [{"kind": lab.kind, "text": lab.text,
                    "center": [round(float(v), 1) for v in camera.apply(h, [(lab.cx, lab.cy)])[0]]}
                   for lab in plan.labels],
    }
    if spec.layout == "kpt":
        truth["columns"] = [{"label": name, "quad": _quad(h, [(x0, y0), (x1, y0), (x1, y1),
                                                              (x0, y1)])}
                            for name, (x0, y0, x1, y1) in kpt_columns(plan.size)]
    return truth


def _cases(spec: SceneSpec, planned: int, visible: int) -> list[str]:
    cases: list[str] = [spec.layout]
    if spec.tilt_deg >= 20:
        cases.append("tilted")
    if spec.exposure < 0.8:
        cases.append("dim")
    if abs(spec.warmth) >= 0.1:
        cases.append("warm" if spec.warmth > 0 else "cool")
    if spec.vertical_ratio >= 0.5:
        cases.append("vertical_heavy")
    if min(min(s) for s in spec.note_sizes_mm) < 60:
        cases.append("small_notes")
    if spec.exif_orientation != 1:
        cases.append(f"exif_{spec.exif_orientation}")
    if spec.poster_cut_off:
        cases.append("poster_cut_off")
    if visible < planned:
        cases.append("notes_cut_off")
    return cases
