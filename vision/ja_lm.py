"""A Japanese language model for OCR decoding: MeCab path costs over the IPAdic dictionary.

Why (issue 4): on the tuning crops (seeds 4, 7, 9) about half of PP-OCRv5's wrong characters
are its second or third choice at that position (44 of 111 substitutions second, 53 in the
top 3): 郵送て/郵送で, 富査/審査, 作り直寸/作り直す, 確本認人/本人確認. The recogniser has no
notion of Japanese words; MeCab's lattice does. The cost of the cheapest segmentation of a
string (word costs plus connection costs, IPAdic's own units) is low for Japanese text
(本人確認 6,609) and high for what is not (確本認人 22,058).

:func:`rescore` is pure: a beam search over the recogniser's alternatives of the doubtful
characters that minimises ``cost(text) + weight · Σ −log p``; it takes the cost as a callable
so that it is tested without MeCab. :func:`load_lm` loads MeCab with the dictionary of the
``ipadic`` wheel (its own ``mecabrc``, so ``/etc/mecabrc`` is not read; nothing is written and
nothing is downloaded); when either package is missing OCR runs without it (logged).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence

from vision.types import Writing

log = logging.getLogger(__name__)

Reading = tuple[str, float, float, Writing]
"""One reading of a note: text, confidence, −log probability of its characters, writing."""

Alternatives = Sequence[tuple[str, float]]
"""A character position's candidates, best first: (character, recogniser probability)."""


class JapaneseLm:
    """MeCab with IPAdic: :meth:`cost` of a string (lower is more Japanese-like)."""

    def __init__(self) -> None:
        import ipadic
        import MeCab

        self._tagger = MeCab.Tagger(ipadic.MECAB_ARGS)
        self._cache: dict[str, float] = {}

    def cost(self, text: str) -> float:
        """Cost of the cheapest path through MeCab's lattice for ``text`` (0 when empty)."""
        if not text:
            return 0.0
        if text not in self._cache:
            if len(self._cache) > 4096:
                self._cache.clear()
            node = self._tagger.parseToNode(text)
            last = node
            while node is not None:
                last = node
                node = node.next
            self._cache[text] = float(last.cost)
        return self._cache[text]


def load_lm() -> JapaneseLm | None:
    """The language model, or ``None`` (logged) when ``mecab-python3``/``ipadic`` are missing."""
    try:
        return JapaneseLm()
    except (ImportError, RuntimeError) as exc:
        log.warning("[ja_lm] no Japanese language model (%s): OCR reads without it", exc)
        return None


def rescore(positions: Sequence[Alternatives], cost: Callable[[str], float], weight: float,
            beam: int = 10) -> list[int]:
    """Choose one candidate per position: the index into each position's alternatives.

    Minimises ``cost(text) + weight · Σ −log p`` by a left-to-right beam search (prefixes
    ranked by the same score on the prefix). Positions with one candidate cost nothing.

    Args:
        positions: every character position of the note, in reading order.
        cost: language-model cost of a string.
        weight: cost units per nat of recogniser probability.
        beam: prefixes kept at each step.

    Returns:
        The chosen index at each position (all 0 when nothing is in doubt).
    """
    if all(len(a) <= 1 for a in positions):
        return [0] * len(positions)
    states: list[tuple[str, float, tuple[int, ...]]] = [("", 0.0, ())]
    for alts in positions:
        grown = [(text + ch, nll - math.log(max(p, 1e-6)), picks + (k,))
                 for text, nll, picks in states for k, (ch, p) in enumerate(alts)]
        if len(grown) > beam:
            grown.sort(key=lambda s: cost(s[0]) + weight * s[1])
            grown = grown[:beam]
        states = grown
    best = min(states, key=lambda s: cost(s[0]) + weight * s[1])
    return list(best[2])


def unlike_japanese(text: str, cost: Callable[[str], float], odd_cost: float) -> bool:
    """``text`` (4 characters or more, whitespace ignored) costs more than ``odd_cost`` per
    character (IPAdic units: 本人確認 1,652, 確本認人 5,515)."""
    flat = "".join(text.split())
    return len(flat) >= 4 and cost(flat) > odd_cost * len(flat)


def most_plausible(reads: Sequence[Reading], cost: Callable[[str], float], weight: float,
                   odd_cost: float) -> Reading:
    """The reading with the lowest ``cost(text) + weight · −log p``, where a reading pays
    ``odd_cost`` for each character it has fewer than the longest (a reading that dropped a
    line must not win by being short) — scaled by how confident the longest reading is next
    to it (a confident 照合 must not lose to 昭八△□ read across its column at 0.25); an empty
    reading never wins over a non-empty one."""
    lengths = [len("".join(r[0].split())) for r in reads]
    longest = max(lengths)
    longest_conf = max(r[1] for r, n in zip(reads, lengths, strict=True) if n == longest)

    def score(k: int) -> float:
        if not lengths[k]:
            return math.inf
        trust = min(1.0, longest_conf / max(reads[k][1], 1e-6))
        return (cost("".join(reads[k][0].split())) + weight * reads[k][2]
                + odd_cost * trust * (longest - lengths[k]))

    return reads[min(range(len(reads)), key=score)]
