"""The ground truth of a rendered photo in the ``fusen extract`` JSON format, with case tags.

Every coordinate is in pixels of the **upright** photo (continuous, image spans
``[0, W] × [0, H]``); quads are clockwise from the note's own top-left corner.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from photogen import camera
from photogen.compose import Sprite
from photogen.layout import NotePlan, PosterPlan, Stroke
from photogen.light import Lamp, ShadowBand
from photogen.paint import Glare
from photogen.plans import kpt_columns
from photogen.props import PointList, Prop
from photogen.spec import SceneSpec

log = logging.getLogger(__name__)

GENERATOR = "photogen 1"
_PX_PER_MM = 3.0
"""Raster resolution for visible fractions of overlapping notes."""


@dataclass(frozen=True)
class Extras:
    """What the optional effects put into a photo, for the truth.

    ``props`` are on the wall plane (outlines in poster mm); ``intruders`` are hands/pens in
    front of it (kind, sprite, outline in photo px); ``lamp`` is set when the poster is
    laminated (its reflection shows on the paper).
    """

    glare: dict[int, Glare] = field(default_factory=dict)
    band: ShadowBand | None = None
    props: Sequence[Prop] = ()
    intruders: Sequence[tuple[str, Sprite, PointList]] = ()
    tape_corners: Sequence[PointList] = ()
    lamp: Lamp | None = None


def _quad(h: camera.Mat, corners: Any) -> list[list[float]]:
    return [[round(float(x), 1), round(float(y), 1)] for x, y in camera.apply(h, corners)]


def _inside(quad: list[list[float]], w: int, hh: int) -> bool:
    return all(1.0 <= x <= w - 1.0 and 1.0 <= y <= hh - 1.0 for x, y in quad)


def _overlaps(quad: list[list[float]], w: int, hh: int) -> bool:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return max(xs) > 0 and min(xs) < w and max(ys) > 0 and min(ys) < hh


def _hidden_by_notes(plan: PosterPlan, i: int) -> float:
    """Share of note ``i`` covered by notes stuck after it (poster mm raster)."""
    mine = np.array(plan.notes[i].corners(), np.float64)
    later = [np.array(n.corners(), np.float64) for n in plan.notes[i + 1:]
             if n.group == plan.notes[i].group and n.group >= 0]
    if not later:
        return 0.0
    lo = mine.min(axis=0)
    size = np.ceil((mine.max(axis=0) - lo) * _PX_PER_MM).astype(int) + 2
    m = np.zeros((size[1], size[0]), np.uint8)
    cv2.fillConvexPoly(m, np.round((mine - lo) * _PX_PER_MM * 16).astype(np.int32), 1,
                       cv2.LINE_8, 4)
    cover = np.zeros_like(m)
    for q in later:
        cv2.fillConvexPoly(cover, np.round((q - lo) * _PX_PER_MM * 16).astype(np.int32), 1,
                           cv2.LINE_8, 4)
    return float((m & cover).sum()) / max(1, int(m.sum()))


def _hidden_by(intruders: Sequence[tuple[str, Sprite, PointList]], quad: list[list[float]]
               ) -> float:
    """Share of a note quad (photo px) hidden by hands/pens."""
    q = np.array(quad, np.float64)
    total = 0.0
    area = abs(float(cv2.contourArea(q.astype(np.float32))))
    for _, s, _ in intruders:
        h, w = s.alpha.shape
        pts = q - [s.x0, s.y0]
        if pts[:, 0].max() < 0 or pts[:, 1].max() < 0 or pts[:, 0].min() > w or \
                pts[:, 1].min() > h:
            continue
        m = np.zeros((h, w), np.uint8)
        cv2.fillConvexPoly(m, np.round(pts * 16).astype(np.int32), 1, cv2.LINE_8, 4)
        total += float(((m > 0) & (s.alpha > 0.5)).sum()) / max(area, 1.0)
    return min(1.0, total)


def _note_truth(note: NotePlan, nid: str, quad: list[list[float]], px_per_mm: float,
                tags: list[str], visible: float) -> dict[str, Any]:
    cases = [note.face.font_class, "vertical" if note.vertical else "horizontal",
             f"ink:{note.ink_name}", f"size:{note.w:g}x{note.h:g}"]
    if len(note.lines) > 1:
        cases.append("multiline")
    cases += tags
    out: dict[str, Any] = {
        "id": nid, "quad": quad, "color": note.color, "text": note.text, "confidence": 1.0,
        "writing": "vertical" if note.vertical else "horizontal",
        "font_class": note.face.font_class, "font": note.face.name, "lines": list(note.lines),
        "ink": note.ink_name, "rgb": list(note.rgb), "size_mm": [note.w, note.h],
        "rotation_deg": round(note.angle, 2), "char_px": round(note.char_mm * px_per_mm, 1),
        "case": cases,
    }
    if visible < 1.0 or tags:
        out["visible_fraction"] = round(visible, 3)
    if note.group >= 0:
        out["group"] = f"g{note.group + 1}"
    return out


def _note_tags(plan: PosterPlan, i: int, extras: Extras, taped: set[int], hidden: float
               ) -> list[str]:
    """Per-note case tags of the optional effects (empty for a plain note)."""
    n = plan.notes[i]
    tags = [n.role] if n.role else []
    if hidden > 0.02 and "occluded" not in tags:
        tags.append("occluded")
    if abs(n.angle) >= 7.0:
        tags.append("rotated")
    if n.curl_mm > 0:
        tags.append("curled")
    if i in extras.glare:
        tags.append("glare")
    if n.paper != "standard":
        tags.append(n.paper)
    if max(abs(a - b) for a, b in zip(n.rgb, plan.paper, strict=True)) <= 16:
        tags.append("pale")
    if i in taped:
        tags.append("taped")
    if extras.band is not None and abs(float(extras.band.distance(
            np.array([n.cx]), np.array([n.cy]))[0])) < extras.band.width / 2:
        tags.append("shadow_band")
    return tags


def _distractors(plan: PosterPlan, h: camera.Mat, extras: Extras, ids: dict[int, str]
                 ) -> list[dict[str, Any]]:
    """Things in the photo that are not notes, with outlines in photo px."""
    out: list[dict[str, Any]] = []
    for piece in extras.tape_corners:
        out.append({"kind": "tape_corner", "polygon": _quad(h, piece)})
    for p in extras.props:
        kind, _, detail = p.kind.partition(":")
        item: dict[str, Any] = {"kind": kind, "polygon": _quad(h, p.outline)}
        if detail:
            item["color"] = detail
        if p.note is not None and p.note in ids:
            item["on_note"] = ids[p.note]
        out.append(item)
    for kind, _, outline in extras.intruders:
        out.append({"kind": kind, "polygon": [[x, y] for x, y in outline]})
    out.extend({"kind": "marker_line", "polyline": _quad(h, s.points)}
               for s in plan.strokes if isinstance(s, Stroke))
    return out


def build_truth(spec: SceneSpec, plan: PosterPlan, h: camera.Mat, background: str,
                extras: Extras | None = None) -> dict[str, Any]:
    """The ``fusen extract`` document for the rendered photo (upright photo pixels).

    Notes are numbered in reading order on the poster (row, then left to right). Notes not
    fully inside the photo (cut-off posters) are left out of ``notes`` and ``links``; those
    partly visible are listed under ``partial_notes`` (quads reach outside the image) so an
    evaluator can ignore detections of them. Lane and poster quads may reach outside too.
    A note partly under another note or a hand keeps its full quad and gets
    ``visible_fraction`` and the ``occluded`` tag.
    """
    extras = extras or Extras()
    w, hh = spec.size
    order = sorted(range(len(plan.notes)), key=lambda i: (plan.notes[i].row, plan.notes[i].cx))
    taped = {p.note for p in extras.props if p.note is not None}
    ids: dict[int, str] = {}
    notes: list[dict[str, Any]] = []
    partial: list[dict[str, Any]] = []
    for i in order:
        quad = _quad(h, plan.notes[i].corners())
        if _inside(quad, w, hh):
            ids[i] = f"n{len(ids) + 1}"
            n = plan.notes[i]
            by_hand = _hidden_by(extras.intruders, quad) if extras.intruders else 0.0
            visible = 1.0 - min(1.0, _hidden_by_notes(plan, i) + by_hand)
            tags = _note_tags(plan, i, extras, taped, by_hand)
            notes.append(_note_truth(n, ids[i], quad, camera.local_scale(h, n.cx, n.cy),
                                     tags, visible))
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
        "exif_orientation": spec.exif_orientation,
        "cases": _cases(spec, len(plan.notes), notes, background, extras),
        "seed": spec.seed, "generator": GENERATOR,
        "labels": [{"kind": lab.kind, "text": lab.text,
                    "center": [round(float(v), 1) for v in camera.apply(h, [(lab.cx, lab.cy)])[0]]}
                   for lab in plan.labels],
    }
    if spec.layout == "kpt":
        truth["columns"] = [{"label": name, "quad": _quad(h, [(x0, y0), (x1, y0), (x1, y1),
                                                              (x0, y1)])}
                            for name, (x0, y0, x1, y1) in kpt_columns(plan.size)]
    truth["distractors"] = _distractors(plan, h, extras, ids)
    if extras.band is not None:
        b = extras.band
        truth["shadow_band"] = {"quad": _quad(h, b.quad(2.0 * max(pw, ph))),
                                "brightness": round(b.brightness, 3)}
    return truth


def _cases(spec: SceneSpec, planned: int, notes: list[dict[str, Any]], background: str,
           extras: Extras) -> list[str]:
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
    if len(notes) < planned:
        cases.append("notes_cut_off")
    cases += _more_cases(spec, notes, background, extras)
    return cases


def _more_cases(spec: SceneSpec, notes: list[dict[str, Any]], background: str, extras: Extras
                ) -> list[str]:
    """Case tags added for issue 3 (photo format, light, notes, distractors)."""
    w, h = spec.size
    mp = w * h / 1e6
    tags = ["portrait" if h > w else "landscape"]
    if spec.poster_portrait:
        tags.append("poster_portrait")
    tags += [t for t, on in (("small_1.5mp", mp <= 2.1), ("mp12", 10.0 <= mp < 20.0),
                             ("large_48mp", mp >= 40.0)) if on]
    if background == "whiteboard":
        tags.append("whiteboard")
    if not spec.poster_cut_off:
        tags.append("poster_visible")
    note_tags = {t for n in notes for t in n["case"]}
    tags += [t for t in ("touching", "curled", "neon", "pastel", "glare", "shadow_band")
             if t in note_tags]
    if "overlapped" in note_tags:
        tags.append("overlap")
    flags = (("shadow_band", extras.band is not None), ("gradient", spec.light_gradient >= 0.35),
             ("vignette", spec.vignette >= 0.4), ("laminated", spec.laminated),
             ("rotated", spec.note_rotation_deg >= 8.0),
             ("far_small", spec.fill <= 0.65),
             ("cream_paper", spec.paper_tone == "cream"),
             ("bright_paper", spec.paper_tone == "bright"),
             ("distractor_tape", spec.tape_strips > 0),
             ("distractor_magnet", any(p.kind.startswith("magnet") for p in extras.props)),
             ("distractor_hand", any(k == "hand" for k, _, _ in extras.intruders)),
             ("distractor_pen", any(k == "pen" for k, _, _ in extras.intruders)),
             ("blur", spec.blur_sigma >= 1.5 or spec.motion_blur_px >= 3.0),
             ("motion_blur", spec.motion_blur_px >= 3.0))
    tags += [t for t, on in flags if on and t not in tags]
    if notes and sum(n["color"] == "white" or "pale" in n["case"] for n in notes) >= 0.3 * len(
            notes):
        tags.append("white_notes")
    if len({tuple(n["size_mm"]) for n in notes}) >= 3:
        tags.append("mixed_sizes")
    if sum(n["char_px"] < 16 for n in notes) >= 0.5 * max(1, len(notes)):
        tags.append("small_text")
    return tags
