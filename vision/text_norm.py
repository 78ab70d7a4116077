"""The workgroup's text rules for note text, shared by every OCR engine (issue 4).

* half-width kana → full-width (ｶﾞｲﾄﾞ → ガイド, voiced marks composed);
* full-width ASCII letters and digits → ASCII (１２３ → 123, ＡＢＣ → ABC);
* full-width and repeated spaces → one space, kept only between two ASCII letters/digits
  ("Web 申請" → "Web申請", "ID card" stays); a recognizer's spaces between CJK glyphs go;
* line breaks kept as written; empty lines dropped; no other character is changed or dropped
  (Japanese punctuation such as （）「」！？ stays full-width).

This is NFKC applied only where it is wanted: full NFKC would also turn （ into (, ～ into ~
and ① into 1, which Japanese note text keeps.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

log = logging.getLogger(__name__)

_SPACE = re.compile(r"[ \t\u3000]+")
_HALF_KANA = re.compile(r"[\uff61-\uff9f]+")
_FULL_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_KATA = "\u30a1-\u30fa"
_HIRA = "\u3041-\u3096"
_KANJI = "\u3005\u4e00-\u9fff"
_DASH_AFTER_KATA = re.compile(f"(?<=[{_KATA}])[一－—―‐](?![{_KANJI}])")
_STROKE_AFTER_KATA = re.compile(f"(?<=[{_KATA}])[1|lI](?![{_KANJI}0-9])")
_CHOON_AS_ONE = re.compile(f"(?:(?<=^)|(?<=[{_KANJI}]))ー|(?<=[{_HIRA}])ー(?=[{_KANJI}])", re.M)


def normalize_note_text(raw: str) -> str:
    """Apply the rules above to recognised text.

    Args:
        raw: text as an engine returned it, lines separated by ``\\n``.

    Returns:
        The cleaned text, lines joined by ``\\n``.
    """
    text = _HALF_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), raw)
    text = _FULL_ALNUM.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = (strip_cjk_spaces(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def fix_long_vowel(text: str, vertical: bool) -> str:
    """Tell the long-vowel mark ー from the kanji 一 (and dashes) by their neighbours.

    Recognisers mix them up, and in 縦書き read ー as 1 or |. ー follows katakana and is not
    followed by a kanji (データ一覧 keeps its 一); 一 starts a line or follows a kanji, or sits
    between a hiragana and a kanji (担当が一人).

    Args:
        text: recognised text.
        vertical: the note is 縦書き (then 1, |, l and I after katakana are ー as well).
    """
    text = _DASH_AFTER_KATA.sub("ー", text)
    if vertical:
        text = _STROKE_AFTER_KATA.sub("ー", text)
    return _CHOON_AS_ONE.sub("一", text)


def strip_cjk_spaces(line: str) -> str:
    """Remove runs of spaces unless both neighbours are ASCII alphanumerics."""
    parts = _SPACE.split(line.strip())
    out = parts[0]
    for part in parts[1:]:
        if out and part and out[-1].isascii() and out[-1].isalnum() and part[0].isascii():
            out += " "
        out += part
    return out


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
