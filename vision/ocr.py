"""All Tesseract use in Fusen: the probe, the engine behind ``OcrEngine``, text clean-up.

Design (issue 4): the ``tesserocr`` binding keeps ``jpn`` and ``jpn_vert`` loaded (one
``PyTessBaseAPI`` per language per process, built once), which is an order of magnitude faster
than one ``tesseract`` process per note. Each crop is prepared by :mod:`vision.ocr_prep`, whose
ink profiles decide the writing: horizontal → ``jpn`` with PSM 6, 縦書き → ``jpn_vert`` with
PSM 5 (``jpn+jpn_vert`` would read vertical text as horizontal). ``read_many`` spreads the notes
of a photo over ``workers`` processes started with ``forkserver`` (:mod:`vision.ocr_pool`, shared
with PP-OCRv5; the app runs threads, so it never forks itself); each process initialises its
own APIs once. Tesseract's OpenMP threads are limited to one per process, which is faster on
two cores.

Frames: crops are H×W×3 **BGR** uint8, upright. Failures on one note come back as
``NoteText(status="error"|"timeout")`` and never raise.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vision.errors import OcrUnavailableError
from vision.ocr_pool import NotePool
from vision.ocr_prep import Prepared, PrepParams, prepare
from vision.text_norm import normalize_note_text
from vision.types import Image, NoteText, OcrEngine, Writing

# Must be set before libtesseract loads its OpenMP runtime; the Makefile exports it as well.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

log = logging.getLogger(__name__)

LANG: dict[Writing, str] = {"horizontal": "jpn", "vertical": "jpn_vert"}
PSM: dict[Writing, int] = {"horizontal": 6, "vertical": 5}  # uniform block / vertical block
LINE_PSM: dict[Writing, int] = {"horizontal": 7, "vertical": 5}  # one line / vertical block
REMEDY = "apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert"
DEFAULT_TIMEOUT_S = 5.0
REVIEW_BELOW = 0.6
"""Notes read with a lower confidence are flagged for review (measured: see the README)."""

Word = tuple[str, float]
"""A recognised word and its Tesseract confidence (0-100)."""

def normalize_text(raw: str) -> str:
    """Clean Tesseract's output with the workgroup's rules (:mod:`vision.text_norm`).

    Half-width kana become full-width and full-width ASCII letters/digits ASCII; Tesseract's
    spaces between CJK glyphs go, a space survives only between two ASCII letters/digits
    ("Web 申請" → "Web申請", "ID card" stays). Empty lines are dropped; nothing else is.

    Args:
        raw: text as Tesseract returned it.

    Returns:
        The cleaned text, lines joined by ``\n``.
    """
    return normalize_note_text(raw)


def probe_tesseract(tessdata: Path) -> str:
    """Check that libtesseract (through tesserocr) and the ``jpn``/``jpn_vert`` data are there.

    Args:
        tessdata: directory holding ``jpn.traineddata`` and ``jpn_vert.traineddata``.

    Returns:
        A one-line description such as ``"tesseract 5.5.4 (tesserocr 2.13.0), jpn+jpn_vert
        in /usr/share/tesseract-ocr/5/tessdata"``.

    Raises:
        OcrUnavailableError: tesserocr cannot load, or a language file is missing; the
            message names the ``apt-get install`` remedy.
    """
    try:
        import tesserocr
    except ImportError as exc:  # the wheel ships libtesseract; missing means a broken venv
        raise OcrUnavailableError(
            f"文字認識ライブラリ tesserocr を読み込めません（{exc}）。"
            f"`pip install tesserocr` と {REMEDY} を実行してください。"
        ) from exc
    missing = [lang for lang in LANG.values() if not (tessdata / f"{lang}.traineddata").is_file()]
    if missing:
        raise OcrUnavailableError(
            f"Tesseract の日本語データ（{', '.join(missing)}）が {tessdata} にありません。"
            f"管理者が {REMEDY} を実行してください。"
        )
    version = str(tesserocr.tesseract_version()).splitlines()[0]
    return f"{version} (tesserocr {tesserocr.__version__}), jpn+jpn_vert in {tessdata}"


class _Apis:
    """The loaded ``PyTessBaseAPI`` per language of one process, created on first use."""

    def __init__(self, tessdata: Path) -> None:
        self.tessdata = tessdata
        self._apis: dict[str, Any] = {}

    def get(self, writing: Writing) -> Any:
        """The loaded API for ``writing``'s language."""
        lang = LANG[writing]
        if lang not in self._apis:
            import tesserocr

            api = tesserocr.PyTessBaseAPI(path=str(self.tessdata), lang=lang)
            log.debug("[tesseract] loaded %s from %s", lang, self.tessdata)
            self._apis[lang] = api
        return self._apis[lang]

    def close(self) -> None:
        """Free every loaded model."""
        for api in self._apis.values():
            api.End()
        self._apis.clear()


def _words(api: Any) -> list[Word]:
    """(text, confidence 0-100) of each word Tesseract recognised."""
    import tesserocr

    words: list[Word] = []
    it = api.GetIterator()
    level = tesserocr.RIL.WORD
    if it is None:
        return words
    for word in tesserocr.iterate_level(it, level):
        try:
            text = word.GetUTF8Text(level) or ""
        except RuntimeError:  # "No text returned" for an empty word
            continue
        if text.strip():
            words.append((text, float(word.Confidence(level))))
    return words


def char_weighted_confidence(words: Sequence[tuple[str, float]]) -> float:
    """Mean word confidence weighted by characters, as 0-1 (0 when nothing was read).

    Args:
        words: (text, confidence 0-100) per word.
    """
    total = sum(len(t.strip()) for t, _ in words)
    if total == 0:
        return 0.0
    mean = sum(len(t.strip()) * c for t, c in words) / total
    return max(0.0, min(1.0, mean / 100.0))


class _Timeout(Exception):
    """Tesseract did not finish one image within its time limit."""


def _read_image(api: Any, img: Image, psm: int, timeout_s: float) -> tuple[str, list[Word]]:
    """Tesseract's normalised text and (word, confidence) list for one grey uint8 image.

    Raises:
        _Timeout: recognition was cancelled at ``timeout_s``.
    """
    api.SetPageSegMode(psm)
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1, img.shape[1])
    if not api.Recognize(timeout=round(timeout_s * 1000)):
        raise _Timeout
    try:
        raw = api.GetUTF8Text()
    except RuntimeError:  # tesserocr raises "No text returned" when nothing was recognised
        raw = ""
    words = _words(api)
    log.debug("[tesseract] psm %d %s: %r %s", psm, img.shape, raw, [round(c) for _, c in words])
    return normalize_text(raw), words


def _read_lines(api: Any, prepared: Prepared, timeout_s: float) -> tuple[str, list[Word]]:
    """Read each line image on its own (horizontal: PSM 7, 縦書き: PSM 5), joined by ``\n``."""
    psm = LINE_PSM[prepared.writing]
    texts: list[str] = []
    words: list[Word] = []
    for img in prepared.lines:
        text, found = _read_image(api, img, psm, timeout_s)
        texts.append(text.replace("\n", ""))
        words += found
    return "\n".join(t for t in texts if t), words


def _recognize(api: Any, prepared: Prepared, timeout_s: float) -> NoteText:
    """Read the prepared block; when Tesseract drops lines, read line by line instead.

    PSM 6 sometimes drops a short centred last line (measured on print notes); when the block
    yields fewer lines than the ink profile shows, the per-line reading is kept if it holds
    more characters.
    """
    try:
        text, words = _read_image(api, prepared.image, PSM[prepared.writing], timeout_s)
        if len(text.splitlines()) < len(prepared.lines):
            by_line, line_words = _read_lines(api, prepared, timeout_s)
            if len(by_line.replace("\n", "")) > len(text.replace("\n", "")):
                text, words = by_line, line_words
    except _Timeout:
        log.debug("[tesseract] recognition cancelled after %.1f s", timeout_s)
        return NoteText("", 0.0, prepared.writing, "timeout",
                        f"文字認識が {timeout_s:g} 秒以内に終わりませんでした")
    return NoteText(text, char_weighted_confidence(words) if text else 0.0, prepared.writing)


class TesseractEngine:
    """``OcrEngine`` on Tesseract through tesserocr, models kept loaded.

    Args:
        tessdata: directory with ``jpn``/``jpn_vert`` traineddata.
        workers: processes for ``read_many``; 1 reads in this process.
        timeout_s: Tesseract time limit per note.
        params: preprocessing tuning.
    """

    name = "tesseract"
    review_below = REVIEW_BELOW

    def __init__(self, tessdata: Path, *, workers: int = 1, timeout_s: float = DEFAULT_TIMEOUT_S,
                 params: PrepParams | None = None) -> None:
        self.tessdata = Path(tessdata)
        self.workers = max(1, workers)
        self.timeout_s = timeout_s
        self.params = params or PrepParams()
        self._apis = _Apis(self.tessdata)
        self._lock = threading.Lock()  # a PyTessBaseAPI must not be used by two threads at once
        self._pool = NotePool(
            functools.partial(_worker_engine, self.tessdata, timeout_s, self.params),
            self.workers, self.read, timeout_s * 4 + 30, "[tesseract]")

    def read(self, crop: Image) -> NoteText:
        """Read one note crop (H×W×3 BGR uint8); never raises."""
        try:
            prepared = prepare(crop, self.params)
            if prepared.empty:
                return NoteText("", 0.0, prepared.writing, "empty", "付せんに文字が見つかりません")
            with self._lock:
                return self._recognize(prepared)
        except Exception as exc:  # one bad note must not fail the photo (STYLE §8)
            log.warning("[tesseract] note failed: %r", exc)
            return NoteText("", 0.0, "horizontal", "error", f"文字認識に失敗しました: {exc}")

    def _recognize(self, prepared: Prepared) -> NoteText:
        """The Tesseract call for one prepared crop (the seam tests swap to inject failures)."""
        return _recognize(self._apis.get(prepared.writing), prepared, self.timeout_s)

    def read_many(self, crops: Sequence[Image]) -> list[NoteText]:
        """Read several crops, on ``workers`` processes when more than one; same order."""
        if self.workers == 1 or len(crops) < 2:
            return [self.read(c) for c in crops]
        return self._pool.read_many(crops)

    def close(self) -> None:
        """Stop the worker processes and free the loaded models."""
        self._pool.close()
        with self._lock:
            self._apis.close()


def _worker_engine(tessdata: Path, timeout_s: float, params: PrepParams) -> TesseractEngine:
    """The engine of one worker process (its models load on its first note)."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    return TesseractEngine(tessdata, workers=1, timeout_s=timeout_s, params=params)


def make_engine(name: str, *, workers: int, tessdata: Path) -> OcrEngine:
    """Build the OCR engine named in the settings.

    Args:
        name: ``"tesseract"`` or ``"ppocr"`` (PP-OCRv5 on ONNX Runtime, :mod:`vision.ocr_ppocr`).
        workers: processes ``read_many`` uses.
        tessdata: Tesseract language data directory (Tesseract only).

    Raises:
        ValueError: unknown engine name.
    """
    if name == "tesseract":
        return TesseractEngine(tessdata, workers=workers)
    if name == "ppocr":
        from vision.ocr_ppocr import PpOcrEngine  # onnxruntime loads only when chosen

        return PpOcrEngine(workers=workers)
    raise ValueError(f"unknown OCR engine {name!r}; choose 'tesseract' or 'ppocr'")
