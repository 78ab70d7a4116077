"""The one orchestrator: upright photo → notes on a board.

Stages, in order (each a pure function in its own module):

1. normalise – a downscaled working copy (detection never needs 48 MP; crops do);
2. paper     – the lighting-aware poster paper colour everywhere (:mod:`vision.paper`);
3. notes     – note quads from colour and edge evidence (:mod:`vision.notes`);
4. poster    – the poster's outline, for board coordinates; notes off the poster are dropped;
5. crop      – each note rectified from the full-resolution photo;
6. colour    – palette names under the photo's light (:mod:`vision.colour`);
7. board     – positions on the rectified poster, in board units;
8. OCR       – the engine reads every crop (:mod:`vision.ocr`), in parallel;
9. assemble  – reading order, ids ``n1``…, photo-quality warnings (:mod:`vision.quality`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from vision import colour, notes, paper, quality
from vision.geometry import (
    FloatArray,
    apply_homography,
    crop_size,
    quad_rotation_deg,
    side_lengths,
    to_quad,
    warp_quad,
)
from vision.types import (
    BOARD_WIDTH,
    BoardBox,
    Image,
    NoteRegion,
    NoteText,
    OcrEngine,
    PhotoResult,
    RecognizedNote,
)

log = logging.getLogger(__name__)

POSTER_ASPECTS = (1091.0 / 788.0, 788.0 / 1091.0, 1.0 / np.sqrt(2), np.sqrt(2))
"""模造紙 (788×1091 mm) and A/B-series sheets, landscape and portrait."""


@dataclass(frozen=True)
class RecognizeParams:
    """All tuning of the pipeline, with defaults (vision tuning is not a setting)."""

    detect: notes.DetectParams = field(default_factory=notes.DetectParams)
    paper: paper.PaperParams = field(default_factory=paper.PaperParams)
    crop_max_side: int = 600


@dataclass(frozen=True)
class _Found:
    quad: FloatArray  # photo pixels
    work_quad: FloatArray  # working pixels
    score: float


def recognize(
    image: Image, engine: OcrEngine | None, params: RecognizeParams | None = None
) -> PhotoResult:
    """Recognise every note on an upright photo (H×W×3 BGR uint8, EXIF already applied).

    Args:
        image: the upright photo at full resolution.
        engine: reads note text; ``None`` skips OCR (notes get empty text, status ``empty``).
        params: tuning; defaults when ``None``.

    Returns:
        The notes in reading order with crops, colours, text and board positions.
    """
    params = params or RecognizeParams()
    height, width = image.shape[:2]
    work, scale = _working_copy(image, params.detect.work_side)  # 1 normalise
    lab = paper.to_lab(work)
    bg = paper.paper_background(lab, params.paper)  # 2 paper
    roi = np.full(lab.shape[:2], 255, np.uint8)
    cands = notes.detect(lab, bg, roi, params.detect)  # 3 notes
    seeds = [c.quad for c in cands if c.source != "pair"]  # the weakest evidence seeds nothing
    poster_work = paper.find_poster(work, seeds, params.paper)  # 4 poster
    if poster_work is not None:
        # A note from its outline alone must lie within the poster: the poster's own edge,
        # with two lane lines and a divider, boxes in a lane label's cell like a note.
        margin = EDGE_NOTE_MARGIN * params.detect.min_side_frac * max(work.shape[:2])
        cands = [
            c
            for c in cands
            if _inside(poster_work, c.quad)
            and (c.source == "colour" or _within(poster_work, c.quad, margin))
        ]
    found = [_Found(c.quad / scale, c.quad, c.score) for c in cands]
    crops = [_crop(image, f.quad, params.crop_max_side) for f in found]  # 5 crop
    labs = [colour.note_lab(lab, bg, f.work_quad) for f in found]  # 6 colour
    poster_quad = None if poster_work is None else poster_work / scale
    board_w, board_h, to_board = _board_frame(poster_quad, width, height)  # 7 board
    boxes = [_board_box(to_board, f.quad) for f in found]
    texts = _read(engine, crops)  # 8 OCR
    order = _reading_order(boxes)  # 9 assemble
    recognised = tuple(
        RecognizedNote(
            id=f"n{rank + 1}",
            region=NoteRegion(
                quad=to_quad(found[i].quad),
                color=colour.name_colour(labs[i]),
                rgb=colour.lab_to_rgb(labs[i]),
                score=found[i].score,
            ),
            text=texts[i],
            box=boxes[i],
            crop=crops[i],
        )
        for rank, i in enumerate(order)
    )
    warnings = quality.assess(work, lab, [f.work_quad for f in found], poster_work, scale)
    return PhotoResult(
        width=width,
        height=height,
        poster_quad=None if poster_quad is None else to_quad(poster_quad),
        board_width=board_w,
        board_height=board_h,
        notes=recognised,
        warnings=tuple(warnings),
    )


def _working_copy(image: Image, work_side: int) -> tuple[Image, float]:
    h, w = image.shape[:2]
    scale = min(1.0, work_side / max(h, w))
    if scale == 1.0:
        return image, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA)), scale


EDGE_NOTE_MARGIN = 0.15
"""Share of the smallest note side by which an edge-found note stays inside the poster."""


def _within(poster: FloatArray, quad: FloatArray, margin: float) -> bool:
    """Every corner of ``quad`` at least ``margin`` px inside ``poster``."""
    contour = poster.astype(np.float32).reshape(-1, 1, 2)
    return all(cv2.pointPolygonTest(contour, (float(x), float(y)), True) >= margin for x, y in quad)


def _inside(poster: FloatArray, quad: FloatArray) -> bool:
    contour = poster.astype(np.float32).reshape(-1, 1, 2)
    cx, cy = quad.mean(axis=0)
    return cv2.pointPolygonTest(contour, (float(cx), float(cy)), False) >= 0


def _crop(image: Image, quad: FloatArray, max_side: int) -> Image:
    return warp_quad(image, quad, crop_size(quad, max_side=max_side))


def _board_frame(
    poster: FloatArray | None, width: int, height: int
) -> tuple[float, float, FloatArray]:
    """Board size (units) and the homography from photo pixels to board units.

    With a poster: the poster rectified to ``BOARD_WIDTH`` wide, its aspect ratio snapped to a
    standard sheet when close (perspective makes the measured one uncertain). Without: the
    photo itself, scaled.
    """
    if poster is None:
        s = BOARD_WIDTH / width
        return BOARD_WIDTH, height * s, np.diag([s, s, 1.0])
    w, h = side_lengths(poster)
    aspect = w / max(h, 1.0)
    nearest = min(POSTER_ASPECTS, key=lambda a: abs(np.log(a / aspect)))
    if abs(np.log(nearest / aspect)) < 0.15:
        aspect = nearest
    board_h = BOARD_WIDTH / aspect
    dst = np.array([[0, 0], [BOARD_WIDTH, 0], [BOARD_WIDTH, board_h], [0, board_h]], np.float32)
    m = cv2.getPerspectiveTransform(poster.astype(np.float32), dst)
    return BOARD_WIDTH, float(board_h), np.asarray(m, dtype=np.float64)


def _board_box(to_board: FloatArray, quad: FloatArray) -> BoardBox:
    q = apply_homography(to_board, quad)
    w, h = side_lengths(q)
    cx, cy = q.mean(axis=0)
    return BoardBox(
        x=round(float(cx - w / 2), 1),
        y=round(float(cy - h / 2), 1),
        w=round(w, 1),
        h=round(h, 1),
        rotation=round(quad_rotation_deg(q), 1),
    )


def _read(engine: OcrEngine | None, crops: list[Image]) -> list[NoteText]:
    if engine is None or not crops:
        return [NoteText(text="", confidence=0.0, status="empty", reason="ocr off") for _ in crops]
    return engine.read_many(crops)


def _reading_order(boxes: list[BoardBox]) -> list[int]:
    """Rows top to bottom (a new row where the gap exceeds half a note), left to right."""
    if not boxes:
        return []
    heights = sorted(b.h for b in boxes)
    gap = heights[len(heights) // 2] * 0.5
    by_y = sorted(range(len(boxes)), key=lambda i: boxes[i].y + boxes[i].h / 2)
    rows: list[list[int]] = [[by_y[0]]]
    for i in by_y[1:]:
        prev = rows[-1][-1]
        if boxes[i].y + boxes[i].h / 2 - (boxes[prev].y + boxes[prev].h / 2) > gap:
            rows.append([])
        rows[-1].append(i)
    return [i for row in rows for i in sorted(row, key=lambda j: boxes[j].x)]
