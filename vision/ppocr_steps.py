"""The pure steps of PP-OCRv5 note reading (issue 4): numpy/OpenCV only, no ONNX Runtime.

:mod:`vision.ocr_ppocr` runs the two models; this module prepares their inputs and turns
their outputs into the note's text: the detector's input and DB box post-processing, the
writing vote, the reading order (縦書き columns right to left), line cutting, the ink-profile
helpers used for the second reading. The recogniser's batch, CTC decoding and the note's
text and confidence are in :mod:`vision.ppocr_decode`.

Frames: crops are H×W×3 **BGR** uint8, upright, origin top-left; boxes are 4×2 float32 corner
arrays in crop pixels, clockwise from top-left; the detector's map is H×W float32 in input
pixels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.ocr_prep import (
    PrepParams,
    bands,
    drop_border,
    flatten,
    ink_box,
    ink_mask,
    line_cuts,
)
from vision.ppocr_kernels import room, split_merged
from vision.types import Image, Writing

log = logging.getLogger(__name__)

Box = NDArray[np.float32]
"""4×2 corners in crop pixels, clockwise from top-left."""

_MEAN = np.array([0.485, 0.456, 0.406], np.float32) * 255.0
_STD = np.array([0.229, 0.224, 0.225], np.float32) * 255.0


@dataclass(frozen=True)
class PpParams:
    """Tuning of detection and recognition; defaults measured on generated note crops.

    Attributes:
        det_limit_side_len: the detector sees the crop with its long side at most this.
        det_thresh: probability above which a detector pixel is text.
        box_thresh: a line is kept when its mean detector probability is above this.
            With the language model, 0.35 and ``det_thresh`` 0.25 (from 0.5 and 0.3, the
            reference's) keep faint columns: CER on seeds 2, 4, 5, 7, 9 0.0263 → 0.0246
            (better on 4 of the 5 seeds); ``det_thresh`` 0.2 hurt handwriting 縦書き.
        unclip_ratio: how far a line box is grown beyond the text kernel.
        min_line_score: lines recognised with a lower mean probability are dropped.
        rec_height: the recogniser's input height in pixels.
        rec_min_width: lines are padded to at least this width (padding less: worse).
        upright_below: a 縦書き column read with a lower mean probability is read again
            re-laid as upright characters (0: never). With the language model the candidates
            of both views are pooled (CER 0.0324 → 0.0247 on the tuning seeds 4, 7, 9 and
            0.0315 → 0.0287 on seeds 2, 5); without it the more confident reading is kept,
            which helped on seeds 4, 7, 9 only.
        japanese_only: restrict output to the cp932 repertoire.
        lm_weight: the doubtful characters of a note are chosen among the recogniser's
            ``lm_top`` candidates by MeCab cost + ``lm_weight`` · Σ −log p
            (:mod:`vision.ja_lm`); 0 turns the language model off. 500–2000 gave the same
            CER on the tuning seeds (0.050, from 0.075 without).
        lm_top: candidates per doubtful character for the language model.
        choon_gap: in a 縦書き column, a katakana followed by blank frames this many
            character pitches long gets a candidate ー for the language model (0: off).
        second_view_below: with the language model, a line read with a lower mean
            probability is read again padded by ``second_view_pad`` of its height, and the
            candidates of both views go to the language model (0: off). Tuning seeds: CER
            0.0352 → 0.0324, consistent on each seed; a view squeezed to 85 % width or with
            thinner strokes did as well, sharpened worse; padded plus thinner
            strokes as two extra views 0.0315 (2 characters, not worth a second batch).
        second_view_pad: padding of the second view, as a share of the line's height.
        odd_cost: a reading of 4 characters or more whose language-model cost per character
            is above this is unlike Japanese (本人確認 1,652, 確本認人 5,515): the note is read
            again from its ink lines in both writings, and the more plausible reading kept.
        det_upscale: enlarge crops smaller than ``det_limit_side_len`` (measured: worse).
        reread_below: a note read with lower confidence is read again from the lines its ink
            profile shows, and the more confident reading is kept.
        min_coverage: when less of the note's ink than this lies inside the detected lines,
            the confidence is scaled down by the shortfall.
        ink_side: the ink profile (writing vote, coverage) is taken at this long side.
        split_below: a text kernel filling less of its rectangle than this is cut in two
            where its profile has a valley (:func:`split_merged`; 0: never).
        share_gap: a line box grows towards a kernel beside it by at most this share of
            the gap between them (0: the full margin, as the reference).
    """

    det_limit_side_len: int = 320
    det_thresh: float = 0.25
    box_thresh: float = 0.35
    unclip_ratio: float = 1.6
    min_line_score: float = 0.3
    rec_height: int = 48
    rec_min_width: int = 320
    upright_below: float = 0.9
    japanese_only: bool = True
    lm_weight: float = 1000.0
    lm_top: int = 5
    odd_cost: float = 5000.0
    choon_gap: float = 1.8
    second_view_below: float = 0.9
    second_view_pad: float = 0.15
    det_upscale: bool = False
    reread_below: float = 0.6
    min_coverage: float = 0.95
    ink_side: int = 160
    split_below: float = 0.65
    share_gap: float = 0.7


# --- detection -----------------------------------------------------------------------------

def det_input(crop: Image, limit: int, upscale: bool = False
              ) -> tuple[NDArray[np.float32], float, float]:
    """The detector's 1×3×H×W input (sides multiples of 32, long side ≤ ``limit``, or = when
    ``upscale``) and the (y, x) scale factors from crop pixels to input pixels."""
    h, w = crop.shape[:2]
    ratio = limit / max(h, w) if upscale else min(1.0, limit / max(h, w))
    rh = max(32, round(h * ratio / 32) * 32)
    rw = max(32, round(w * ratio / 32) * 32)
    img = cv2.resize(crop, (rw, rh)).astype(np.float32)
    img = (img - _MEAN) / _STD
    return np.ascontiguousarray(img.transpose(2, 0, 1)[None]), rh / h, rw / w


def mini_box(points: NDArray[Any]) -> tuple[Box, float]:
    """Minimum-area rectangle of ``points`` as corners clockwise from top-left, and its
    shorter side."""
    rect = cv2.minAreaRect(points.reshape(-1, 1, 2).astype(np.float32))
    pts = sorted(cv2.boxPoints(rect).tolist(), key=lambda p: p[0])
    left = sorted(pts[:2], key=lambda p: p[1])
    right = sorted(pts[2:], key=lambda p: p[1])
    box = np.array([left[0], right[0], right[1], left[1]], np.float32)
    return box, float(min(rect[1]))


def box_score(prob: NDArray[np.float32], box: Box) -> float:
    """Mean detector probability inside ``box`` (map pixels)."""
    h, w = prob.shape
    x0 = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(mask, [(box - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(prob[y0:y1 + 1, x0:x1 + 1], mask)[0])


def db_boxes(prob: NDArray[np.float32], params: PpParams, scale_y: float, scale_x: float
             ) -> list[Box]:
    """Line boxes (crop pixels) from the detector's probability map (DB post-processing).

    Each text kernel's minimum-area rectangle is grown by ``area · unclip_ratio / perimeter``
    on every side (what the reference's polygon offset gives for a rectangle), but towards a
    kernel beside it by at most ``share_gap`` of the gap between them (:func:`room`).
    """
    bitmap = (prob > params.det_thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    if params.split_below > 0:
        contours = [part for c in contours[:1000] for part in split_merged(c, params.split_below)]
    kernels = []
    for contour in contours[:1000]:
        box, short = mini_box(contour)
        if short >= 3 and box_score(prob, box) >= params.box_thresh:
            kernels.append(box)
    boxes: list[Box] = []
    for i, kernel in enumerate(kernels):
        rect = cv2.minAreaRect(kernel.reshape(-1, 1, 2))
        (cx, cy), (bw, bh), angle = rect
        grow = bw * bh * params.unclip_ratio / max(1e-6, 2 * (bw + bh))
        gu, gv = grow, grow
        if params.share_gap > 0:
            ru, rv = room(rect, [k for j, k in enumerate(kernels) if j != i], COLUMN)
            gu, gv = min(grow, params.share_gap * ru), min(grow, params.share_gap * rv)
        grown = cv2.boxPoints(((cx, cy), (bw + 2 * gu, bh + 2 * gv), angle))
        box, short = mini_box(grown)
        if short < 5:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] / scale_x), 0, prob.shape[1] / scale_x)
        box[:, 1] = np.clip(np.round(box[:, 1] / scale_y), 0, prob.shape[0] / scale_y)
        if np.linalg.norm(box[0] - box[1]) > 3 and np.linalg.norm(box[0] - box[3]) > 3:
            boxes.append(box)
    return boxes


# --- line order and cutting ----------------------------------------------------------------

def elongation(box: Box) -> float:
    """Height over width of a box (> 1: taller than wide)."""
    w = max(float(np.linalg.norm(box[0] - box[1])), float(np.linalg.norm(box[3] - box[2])))
    h = max(float(np.linalg.norm(box[0] - box[3])), float(np.linalg.norm(box[1] - box[2])))
    return h / max(w, 1.0)


COLUMN = 1.25
"""A box this much taller than wide is a 縦書き column. Two characters grown by the detector's
margin come out about 1.5 times taller than wide, so the reference's 1.5 misses them."""


def box_writing(boxes: Sequence[Box]) -> Writing | None:
    """The writing the line boxes show (area-weighted vote), or ``None`` when they are all
    about square (single characters, or one box over the whole block)."""
    vert = horiz = 0.0
    for b in boxes:
        r, area = elongation(b), float(cv2.contourArea(b))
        if r >= COLUMN:
            vert += area
        elif r <= 1 / COLUMN:
            horiz += area
    if vert == horiz:
        return None
    return "vertical" if vert > horiz else "horizontal"


def reading_order(boxes: Sequence[Box], writing: Writing) -> list[list[int]]:
    """The note's lines as groups of box indices in reading order.

    縦書き: columns right to left, each top to bottom; horizontal: lines top to bottom, each
    left to right. Boxes whose centres fall within half a line of each other across the
    writing direction are one line.
    """
    across = 0 if writing == "vertical" else 1  # x for columns, y for rows
    along = 1 - across
    centres = [b.mean(axis=0) for b in boxes]
    thick = [float(b[:, across].max() - b[:, across].min()) for b in boxes]
    order = sorted(range(len(boxes)), key=lambda i: centres[i][across],
                   reverse=writing == "vertical")
    lines: list[list[int]] = []
    for i in order:
        if lines:
            j = lines[-1][-1]
            if abs(centres[i][across] - centres[j][across]) < 0.5 * min(thick[i], thick[j]):
                lines[-1].append(i)
                continue
        lines.append([i])
    return [sorted(line, key=lambda i: centres[i][along]) for line in lines]


def cut_line(crop: Image, box: Box, writing: Writing) -> Image:
    """The line under ``box``, rectified; in 縦書き a column is turned 90° counter-clockwise
    so that it reads left to right as the recogniser expects (a lone character is not)."""
    w = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    h = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(box.astype(np.float32), dst)
    line = cv2.warpPerspective(crop, m, (max(1, w), max(1, h)), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)
    if h >= (COLUMN if writing == "vertical" else 1.5) * w:
        line = np.rot90(line)
    return np.ascontiguousarray(line, dtype=np.uint8)


def upright_column(crop: Image, box: Box) -> Image | None:
    """A 縦書き column re-laid as a horizontal line of upright characters: the column is cut
    between characters where its ink profile has gaps (parts thinner than half a character,
    such as the strokes of 二, stay with a neighbour; runs longer than a character are split
    evenly) and the pieces are put side by side. ``None`` when the column holds no ink.

    Reading this as well as the column turned on its side (when that reading is doubtful) and
    keeping the more confident reading of each column lowered CER on the tuning seeds 4, 7, 9
    from 0.069/0.085/0.071 to 0.062/0.072/0.063 (brush 縦書き most) for ~5 ms a note, but not
    on the held-out seed 11 (0.097 → 0.098) nor end to end on sample_photos (0.036 → 0.039).
    Pooling the candidates of both views for the language model instead helps on other seeds
    too (``PpParams.upright_below``).
    """
    w = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
    h = int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))
    if min(w, h) < 16:
        return None
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(box.astype(np.float32), dst)
    col = cv2.warpPerspective(crop, m, (w, h), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
    mask = ink_mask_of(np.asarray(col, np.uint8))
    if not mask.any():
        return None
    xs = np.flatnonzero(mask.any(axis=0))
    size = int(xs[-1] - xs[0] + 1)  # a character is about as tall as the column's ink is wide
    cells: list[tuple[int, int]] = []
    for a, b in bands(mask.sum(axis=1).astype(np.float64), min_gap=max(1, round(0.04 * size))):
        if cells and ((b - a) < 0.45 * size or cells[-1][1] - cells[-1][0] < 0.45 * size
                      ) and b - cells[-1][0] <= 1.25 * size:
            cells[-1] = (cells[-1][0], b)
        else:
            cells.append((a, b))
    pieces = []
    for a, b in cells:
        n = max(1, round((b - a) / size))
        for k in range(n):
            ya, yb = a + (b - a) * k // n, a + (b - a) * (k + 1) // n
            pieces.append(col[max(0, ya - 2):min(h, yb + 2)])
    tall = max(pc.shape[0] for pc in pieces)
    pieces = [cv2.copyMakeBorder(pc, 0, tall - pc.shape[0], 0, 0, cv2.BORDER_REPLICATE)
              for pc in pieces]
    return np.ascontiguousarray(np.hstack(pieces), dtype=np.uint8)


def ink_mask_of(crop: Image) -> NDArray[np.bool_]:
    """The note's ink (:mod:`vision.ocr_prep`: paper colour and light removed, edges blanked)."""
    return ink_mask(drop_border(flatten(crop), PrepParams()), PrepParams())


def small_ink(crop: Image, side: int) -> tuple[NDArray[np.bool_], float]:
    """The note's ink on a copy whose long side is at most ``side`` px, and that scale (a few
    ms, against ~20 ms at full size)."""
    f = min(1.0, side / max(crop.shape[:2]))
    if f >= 1.0:
        return ink_mask_of(crop), 1.0
    size = (max(8, round(crop.shape[1] * f)), max(8, round(crop.shape[0] * f)))
    small = np.asarray(cv2.resize(crop, size, interpolation=cv2.INTER_AREA), np.uint8)
    return ink_mask_of(small), f


def ink_coverage(mask: NDArray[np.bool_], scale: float, boxes: Sequence[Box]) -> float:
    """Share of the ink ``mask`` (crop scaled by ``scale``) inside the line boxes (crop
    pixels); 1.0 when there is no ink. Ink outside every box is text the detector missed."""
    total = int(mask.sum())
    if total == 0:
        return 1.0
    inside = np.zeros(mask.shape, np.uint8)
    for b in boxes:
        cv2.fillPoly(inside, [np.round(b * scale).astype(np.int32)], 1)
    return float((mask & inside.astype(bool)).sum() / total)


def ink_line_count(mask: NDArray[np.bool_], writing: Writing) -> int:
    """How many lines (or 縦書き columns) the ink profile of ``mask`` shows (0: no ink)."""
    if not mask.any():
        return 0
    y0, y1, x0, x1 = ink_box(mask, margin=0)
    return len(line_cuts(mask[y0:y1, x0:x1], writing)) + 1


def ink_lines(crop: Image, mask: NDArray[np.bool_], writing: Writing) -> list[Image]:
    """The colour crop cut into lines (or 縦書き columns, right to left, turned to read left to
    right) where the ink profile has gaps: the second reading when the detector merged lines.
    """
    if not mask.any():
        return []
    y0, y1, x0, x1 = ink_box(mask, margin=0)
    mask = mask[y0:y1, x0:x1]
    edges = [0, *line_cuts(mask, writing), mask.shape[0 if writing == "horizontal" else 1]]
    pad = max(2, round(0.15 * min(y1 - y0, x1 - x0) / max(1, len(edges) - 1)))
    out = []
    for a, b in zip(edges, edges[1:], strict=False):
        part = mask[a:b, :] if writing == "horizontal" else mask[:, a:b]
        if not part.any():
            continue
        py0, py1, px0, px1 = ink_box(part, margin=0)
        if writing == "horizontal":
            box = (y0 + a + py0, y0 + a + py1, x0 + px0, x0 + px1)
        else:
            box = (y0 + py0, y0 + py1, x0 + a + px0, x0 + a + px1)
        ty0, ty1 = max(0, box[0] - pad), min(crop.shape[0], box[1] + pad)
        tx0, tx1 = max(0, box[2] - pad), min(crop.shape[1], box[3] + pad)
        strip = crop[ty0:ty1, tx0:tx1]
        out.append(np.ascontiguousarray(np.rot90(strip) if writing == "vertical" else strip))
    return out[::-1] if writing == "vertical" else out
