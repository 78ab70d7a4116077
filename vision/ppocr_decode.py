"""Recognition steps of PP-OCRv5 note reading (issue 4): numpy/OpenCV only, no ONNX Runtime.

The recogniser's input batch, greedy CTC decoding restricted to the allowed characters (with
the other candidates of a doubtful character, which :mod:`vision.ja_lm` chooses among), and
the note's text and 0–1 confidence from the lines' readings.

Frames: line images are H×W×3 **BGR** uint8, upright and reading left to right; the batch is
N×3×H×W float32; the recogniser's output is N×T×C probabilities (T time steps, C classes,
class 0 the CTC blank).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.ja_lm import rescore
from vision.text_norm import normalize_note_text
from vision.types import Image

log = logging.getLogger(__name__)


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
    """One recognised line: its text, each character's probability and, for a doubtful
    character, the recogniser's other candidates at that position (best first, with the
    character read; a sure character has just itself)."""

    text: str
    probs: tuple[float, ...]
    alts: tuple[tuple[tuple[str, float], ...], ...] = ()
    frames: tuple[int, ...] = ()

    @property
    def score(self) -> float:
        """Mean probability of the characters as the recogniser read them (0 for an empty
        line): a line the language model corrected keeps the score it was read with."""
        read = [a[0][1] for a in self.alts if a[0][0]]
        if read:
            return float(np.mean(read))
        return float(np.mean(self.probs)) if self.probs else 0.0


_PAIRS: tuple[tuple[str, str], ...] = (("カ", "力"), ("ロ", "口"), ("ニ", "二"), ("エ", "工"),
                                      ("ハ", "八"), ("タ", "夕"), ("ト", "卜"), ("ヘ", "へ"),
                                      ("ー", "一"))
_SAME_SHARE = 0.5
"""Katakana and kanji drawn alike: the twin is offered at half the read character's
probability (only the words can tell them apart)."""
_STROKE_PAIRS: tuple[tuple[str, str], ...] = (("す", "寸"),)
_STROKE_SHARE = 0.003
"""Glyphs a heavy marker or brush stroke makes alike (す's loop filled is 寸: 押寸, 作り直寸);
offered at a small share so that only a large gain in the words (押す over 押寸: 9,105
IPAdic units) picks the twin, not a word the dictionary merely likes better (寸来る庁 over
す来る庁, 3,872)."""


def _look_alike(*groups: tuple[Sequence[tuple[str, str]], float]
                ) -> dict[str, tuple[tuple[str, float], ...]]:
    """Each character of the ``(pairs, share)`` groups with its twins, both ways round."""
    table: dict[str, list[tuple[str, float]]] = {}
    for pairs, share in groups:
        for a, b in pairs:
            table.setdefault(a, []).append((b, share))
            table.setdefault(b, []).append((a, share))
    return {k: tuple(v) for k, v in table.items()}


LOOK_ALIKE: dict[str, tuple[tuple[str, float], ...]] = _look_alike(
    (_PAIRS, _SAME_SHARE), (_STROKE_PAIRS, _STROKE_SHARE))
"""Each character's look-alikes with the share of its probability they are offered at,
even when it was read with certainty; the language model picks (入カ → 入力, ロ座 → 口座,
押寸 → 押す)."""


def ctc_decode(preds: NDArray[Any], chars: Sequence[str], allowed: NDArray[np.bool_],
               top: int = 1, sure: float = 0.95, floor: float = 0.02) -> list[LineRead]:
    """Greedy CTC decoding of N×T×C probabilities, restricted to ``allowed`` classes.

    With ``top`` > 1, a character read with probability below ``sure`` also keeps up to
    ``top`` candidates of its frame that have at least ``floor``, and one of
    :data:`LOOK_ALIKE` its twin (for :mod:`vision.ja_lm`).
    """
    # The argmax over every class is the allowed one at almost every frame: only the others
    # (and the frames whose candidates are wanted) are masked, not the whole N×T×C array.
    idx = preds.argmax(axis=2)
    odd = np.nonzero(~allowed[idx])
    if odd[0].size:
        idx[odd] = np.where(allowed[None, :], preds[odd], -1.0).argmax(axis=1)
    prob = np.take_along_axis(preds, idx[..., None], axis=2)[..., 0]
    out: list[LineRead] = []
    for seq, p, frame_probs in zip(idx, prob, preds, strict=True):
        keep = np.ones(len(seq), dtype=bool)
        keep[1:] = seq[1:] != seq[:-1]
        keep &= seq != 0
        alts = []
        for t in np.flatnonzero(keep):
            cands = [int(seq[t])]
            row = frame_probs[t]
            if top > 1 and p[t] < sure:
                row = np.where(allowed, row, -1.0)
                best = np.argpartition(-row, top)[:top]
                cands += [int(c) for c in best[np.argsort(-row[best])]
                          if c != seq[t] and c != 0 and row[c] >= floor]
            cand = [(chars[c], float(row[c])) for c in cands]
            for twin, share in LOOK_ALIKE.get(cand[0][0], ()) if top > 1 else ():
                if all(ch != twin for ch, _ in cand):
                    cand.append((twin, share * cand[0][1]))
            alts.append(tuple(cand))
        out.append(LineRead("".join(chars[i] for i in seq[keep]),
                            tuple(float(x) for x in p[keep]), tuple(alts),
                            tuple(int(t) for t in np.flatnonzero(keep))))
    return out


_KATAKANA = frozenset(chr(c) for c in range(0x30A1, 0x30FB)) | {"ー"}
CHOON_GAP = 1.8
"""A gap this many character pitches wide after a katakana in a 縦書き column is a candidate ー."""


def choon_candidates(read: LineRead, gap: float = CHOON_GAP) -> LineRead:
    """A 縦書き column's reading with a candidate ー (or nothing) wherever a katakana is
    followed by a run of blank frames ``gap`` times the column's character pitch or longer.

    Turned on its side with the column, the vertical stroke of ー is often read as nothing
    (マイナンバを, デタ) but leaves a gap where a character was; :mod:`vision.ja_lm` decides
    whether it was ー. Positions whose first candidate is ``""`` were read as nothing.
    """
    if len(read.frames) < 2 or len(read.alts) != len(read.frames):
        return read
    pitch = float(np.min(np.diff(read.frames)))  # median: 3 characters, one gap, miss it
    alts: list[tuple[tuple[str, float], ...]] = []
    frames: list[int] = []
    for k, (a, t) in enumerate(zip(read.alts, read.frames, strict=True)):
        alts.append(a)
        frames.append(t)
        nxt = read.frames[k + 1] if k + 1 < len(read.frames) else None
        if nxt is not None and a[0][0] in _KATAKANA and nxt - t >= gap * pitch:
            alts.append((("", 0.5), ("ー", 0.5)))
            frames.append((t + nxt) // 2)
    if len(alts) == len(read.alts):
        return read
    return LineRead(read.text, read.probs, tuple(alts), tuple(frames))


FIT_SURE = 0.95
"""An upright view read at least this confidently may replace a doubtful column reading."""
FIT_DOUBT = 0.8
"""Column readings below this are doubtful enough to be replaced."""


def upright_fits(upright: LineRead, read: LineRead, expected: int) -> bool:
    """The upright view of a 縦書き column replaces the column's doubtful reading when only
    it has as many characters as the column is long and it is read confidently (出力 read
    出男力 at 0.75 turned on its side, 出力 at 0.999 upright). A box barely longer than wide
    (several columns merged, or one character) says nothing about its length, and a column
    read fairly well is kept: upright, a 縦書き ー is often lost (バ1を確認 at 0.86 is
    バーを確認, upright バを確認 at 1.0)."""
    return (expected >= 2 and len(upright.alts) == expected != len(read.alts)
            and upright.score >= FIT_SURE and read.score < FIT_DOUBT)


def pad_line(line: Image, share: float) -> Image:
    """``line`` with ``share`` of its height added on every side (edge pixels repeated): the
    second view of a doubtful line."""
    pad = max(1, round(share * line.shape[0]))
    return np.ascontiguousarray(cv2.copyMakeBorder(np.ascontiguousarray(line), pad, pad, pad,
                                                   pad, cv2.BORDER_REPLICATE), dtype=np.uint8)


def merge_views(first: LineRead, second: LineRead, top: int) -> LineRead:
    """One reading from two views of a line that were read with the same length: at each
    position the candidates of both (each with its higher probability), the more probable
    of the two readings first, at most ``top``. Readings of different lengths: ``first``."""
    if len(first.alts) != len(second.alts) or not first.alts:
        return first
    alts = []
    for a, b in zip(first.alts, second.alts, strict=True):
        best: dict[str, float] = {}
        for ch, p in (*a, *b):
            best[ch] = max(best.get(ch, 0.0), p)
        lead = a[0][0] if a[0][1] >= b[0][1] else b[0][0]
        rest = sorted((c for c in best if c != lead), key=lambda c: -best[c])
        alts.append(tuple((c, best[c]) for c in [lead, *rest][:top]))
    return LineRead("".join(a[0][0] for a in alts), tuple(a[0][1] for a in alts), tuple(alts),
                    first.frames)


def with_choices(read: LineRead, picks: Sequence[int]) -> LineRead:
    """``read`` with the candidate ``picks[i]`` at each position (0 = as read)."""
    chosen = [a[k] for a, k in zip(read.alts, picks, strict=True)]
    return LineRead("".join(c for c, _ in chosen), tuple(p for c, p in chosen if c), read.alts,
                    read.frames)


def choose_characters(reads: Sequence[LineRead], lines: Sequence[Sequence[int]],
                      min_score: float, cost: Callable[[str], float], weight: float
                      ) -> list[LineRead]:
    """The doubtful characters of the lines :func:`assemble` keeps, chosen by the language
    model (:func:`vision.ja_lm.rescore`) over the whole note in reading order: a note's
    phrase runs across its line breaks."""
    kept = [i for line in lines for i in line
            if reads[i].score >= min_score and reads[i].text.strip()]
    picks = rescore([a for i in kept for a in reads[i].alts], cost, weight)
    out, k = list(reads), 0
    for i in kept:
        n = len(reads[i].alts)
        out[i] = with_choices(reads[i], picks[k:k + n])
        k += n
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
