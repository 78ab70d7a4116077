"""Measuring OCR on labelled note crops: CER per class, exact matches, speed, review flags.

Pure functions over in-memory items (no file I/O); ``fusen eval``/``make bench`` feed them.
CER is the Levenshtein distance between truth and read text after NFKC and with all
whitespace removed, divided by the truth's length (issue 4).
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from vision.types import Image, NoteText, OcrEngine, Writing

log = logging.getLogger(__name__)

DEFAULT_FLAG_THRESHOLD = 0.6
"""Notes whose confidence is below this are flagged for review."""


@dataclass(frozen=True)
class EvalItem:
    """One labelled note crop.

    Attributes:
        crop: H×W×3 BGR uint8 note crop, upright.
        truth: the note's text (line breaks or not; whitespace is ignored).
        font_class: ``print``, ``hand`` or ``brush``.
        writing: horizontal or vertical.
    """

    crop: Image
    truth: str
    font_class: str
    writing: Writing


@dataclass(frozen=True)
class OcrReport:
    """What :func:`evaluate` measured.

    Attributes:
        cer: CER per ``"font_class/writing"`` and per font class, plus ``"all"`` (pooled:
            total edits / total truth characters).
        counts: notes per key of ``cer``.
        exact: share of notes read exactly (after normalisation).
        ms_per_note: wall time of ``read_many`` divided by the notes.
        flagged_share: share of notes below the confidence threshold.
        flagged_error_share: share of all character errors that fall in flagged notes.
        writing_accuracy: share of notes whose writing direction was decided right.
    """

    cer: dict[str, float]
    counts: dict[str, int]
    exact: float
    ms_per_note: float
    flagged_share: float
    flagged_error_share: float
    writing_accuracy: float


def clean(text: str) -> str:
    """NFKC with every whitespace character removed (what CER compares)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(truth: str, read: str) -> float:
    """Character error rate of ``read`` against ``truth`` (NFKC, whitespace removed).

    An empty truth gives 0.0 when nothing was read and 1.0 otherwise.
    """
    t, r = clean(truth), clean(read)
    if not t:
        return 0.0 if not r else 1.0
    return levenshtein(t, r) / len(t)


def evaluate(items: Sequence[EvalItem], engine: OcrEngine,
             flag_threshold: float = DEFAULT_FLAG_THRESHOLD) -> OcrReport:
    """Read every item with ``engine`` and measure it.

    Args:
        items: labelled crops.
        engine: the engine under test (its ``read_many`` is timed as a whole).
        flag_threshold: confidence below which a note is flagged for review.

    Returns:
        The report; empty ``items`` give zeros.
    """
    start = time.perf_counter()
    results = engine.read_many([i.crop for i in items])
    elapsed = time.perf_counter() - start
    return score(items, results, elapsed, flag_threshold)


def score(items: Sequence[EvalItem], results: Sequence[NoteText], elapsed_s: float,
          flag_threshold: float = DEFAULT_FLAG_THRESHOLD) -> OcrReport:
    """Measure ``results`` (same order as ``items``) read in ``elapsed_s`` seconds."""
    edits: dict[str, int] = {}
    chars: dict[str, int] = {}
    counts: dict[str, int] = {}
    exact = flagged = flagged_edits = total_edits = right_writing = 0
    for item, res in zip(items, results, strict=True):
        t, r = clean(item.truth), clean(res.text)
        e = levenshtein(t, r)
        for key in (f"{item.font_class}/{item.writing}", item.font_class, "all"):
            edits[key] = edits.get(key, 0) + e
            chars[key] = chars.get(key, 0) + len(t)
            counts[key] = counts.get(key, 0) + 1
        exact += t == r
        total_edits += e
        right_writing += res.writing == item.writing
        if res.confidence < flag_threshold:
            flagged += 1
            flagged_edits += e
    n = max(1, len(items))
    return OcrReport(
        cer={k: edits[k] / max(1, chars[k]) for k in sorted(edits)},
        counts=dict(sorted(counts.items())),
        exact=exact / n,
        ms_per_note=1000 * elapsed_s / n,
        flagged_share=flagged / n,
        flagged_error_share=flagged_edits / total_edits if total_edits else 0.0,
        writing_accuracy=right_writing / n,
    )
