"""Choose a font size so that a note's Japanese text wraps inside its box.

python-pptx's ``fit_text()`` cannot wrap Japanese (it breaks only at spaces), so the exporter
measures text itself with Pillow and a CJK font with the metrics of what will render it: Noto
Sans CJK JP, which LibreOffice substitutes for the deck's Meiryo UI on Linux. Full-width glyphs
are 1 em in both, so the measurement holds for PowerPoint on Windows too; a width slack and a
generous line height (Meiryo's lines are ~1.5 em) cover the remaining differences.

Units: points (1/72 in) throughout.
"""

from __future__ import annotations

import logging
import re
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

LINE_HEIGHT = 1.5
"""Line pitch as a multiple of the font size (Meiryo ≈ 1.50, Noto Sans CJK ≈ 1.45)."""
WIDTH_SLACK = 0.97
"""Share of the box width the measured text may use (renderers wrap a little differently).

Close to 1 on purpose: a narrower measure than the renderer's makes it wrap *later* than we
did, which turns a balanced "本人 / 確認" into an orphan "本人確 / 認"."""

_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
_REF_SIZE = 100
"""Pixel size fonts are loaded at; widths are scaled from it (glyph advances are linear)."""

# Tokens: a Latin word (kept together, as renderers do) or any other single character.
# Closing punctuation sticks to what precedes it and opening brackets to what follows
# (禁則処理), which is how PowerPoint avoids lines starting with "、" or ending with "「".
_CLOSING = (
    "、。，．,.）)」』】〕〉》］]｝}！!？?ー～"  # punctuation, brackets, long vowel
    "ゃゅょっャュョッぁぃぅぇぉァィゥェォ々・：:；;…"  # small kana and the like
)
_OPENING = "（(「『【〔〈《［[｛{"
_TOKEN = re.compile(
    rf"[{re.escape(_OPENING)}]*(?:[A-Za-z0-9@#%&'\-_/+=$*]+|\s|.)[{re.escape(_CLOSING)}]*"
)


@dataclass(frozen=True)
class FittedText:
    """A font size and the lines the text wraps into at that size."""

    size_pt: float
    lines: tuple[str, ...]
    fits: bool
    """False when even the smallest size overflows the box."""


@cache
def _font() -> ImageFont.FreeTypeFont | None:
    """The CJK font used for measuring, or ``None`` (then widths are estimated)."""
    for path in _FONT_CANDIDATES + _fc_match_ja():
        if Path(path).is_file():
            try:
                font = ImageFont.truetype(path, _REF_SIZE, index=jp_face_index(path))
            except OSError:
                continue
            log.debug("measuring note text with %s", font.getname())
            return font
    log.warning("no Japanese font found; install fonts-noto-cjk for accurate text sizes")
    return None


def _fc_match_ja() -> tuple[str, ...]:
    """Fontconfig's best Japanese font file, if fontconfig is there."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", ":lang=ja"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    return (out.stdout.strip(),) if out.stdout.strip() else ()


def jp_face_index(path: str) -> int:
    """Index of the Japanese (" JP") face inside a ``.ttc``; 0 for a plain font file."""
    if not path.endswith(".ttc"):
        return 0
    for i in range(16):
        try:
            family, _ = ImageFont.truetype(path, 12, index=i).getname()
        except OSError:
            break
        if family is not None and family.endswith(" JP") and "Mono" not in family:
            return i
    return 0


@lru_cache(maxsize=8192)
def em_width(text: str) -> float:
    """Advance width of ``text`` in em (multiply by the size in points to get points)."""
    font = _font()
    if font is None:
        return sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in text)
    return float(font.getlength(text)) / _REF_SIZE


def tokens(text: str) -> list[str]:
    """Break a paragraph into the units a renderer may wrap between."""
    return _TOKEN.findall(text)


def wrap(text: str, width_em: float) -> list[str]:
    """Greedy line breaking of ``text`` into lines at most ``width_em`` em wide.

    Hard line breaks (``\\n``) are kept; a token wider than a whole line is split by character.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width_em))
    return lines


def _wrap_paragraph(paragraph: str, width_em: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in tokens(paragraph):
        if em_width(line + token) <= width_em or not line.strip():
            line += token
        else:
            lines.append(line.rstrip())
            line = token.lstrip()
        while len(line) > 1 and em_width(line) > width_em:
            cut = _longest_prefix(line, width_em)
            lines.append(line[:cut])
            line = line[cut:]
    lines.append(line.rstrip())
    return lines


def _longest_prefix(text: str, width_em: float) -> int:
    """Length (≥ 1) of the longest prefix of ``text`` that is at most ``width_em`` wide."""
    cut = 1
    while cut < len(text) and em_width(text[: cut + 1]) <= width_em:
        cut += 1
    return cut


def _layout_at(text: str, size_pt: float, width_pt: float, height_pt: float) -> FittedText:
    lines = wrap(text, width_pt * WIDTH_SLACK / size_pt)
    widest = max((em_width(line) for line in lines), default=0.0) * size_pt
    fits = widest <= width_pt and len(lines) * size_pt * LINE_HEIGHT <= height_pt
    return FittedText(size_pt, tuple(lines), fits)


def _has_orphan(text: str, fitted: FittedText, width_pt: float) -> bool:
    """A wrap that leaves one lone glyph on a line ("本人確 / 認").

    Checked both as measured and at the full width, since a renderer may fit a little more on
    a line than our slack allows.
    """
    paragraphs = len(text.split("\n"))
    full = wrap(text, width_pt / fitted.size_pt)
    return any(
        len(lines) > paragraphs and any(len(line.strip()) == 1 for line in lines[1:])
        for lines in (fitted.lines, full)
    )


def fit_text(
    text: str,
    width_pt: float,
    height_pt: float,
    *,
    max_pt: float = 24.0,
    min_pt: float = 6.0,
) -> FittedText:
    """The largest size (in half points) at which ``text`` wraps inside the box.

    Sizes whose wrapping leaves a single glyph alone on a line are passed over when a smaller
    size avoids it, as a typesetter would.

    Args:
        text: the text; ``\\n`` starts a new paragraph.
        width_pt: usable width of the text area, after insets.
        height_pt: usable height of the text area, after insets.
        max_pt: size used when everything fits at it (short texts do not become huge).
        min_pt: smallest size tried; if the text overflows even then, ``fits`` is False.

    Returns:
        The chosen size and the lines as measured.
    """
    if not text.strip() or width_pt <= 0 or height_pt <= 0:
        return FittedText(max_pt, (text,), not text.strip())
    first_fit: FittedText | None = None
    for half_points in range(int(max_pt * 2), int(min_pt * 2) - 1, -1):
        trial = _layout_at(text, half_points / 2, width_pt, height_pt)
        if not trial.fits:
            continue
        if not _has_orphan(text, trial, width_pt):
            return trial
        first_fit = first_fit or trial
        if trial.size_pt < first_fit.size_pt * 0.7:  # do not shrink much just for looks
            break
    if first_fit is not None:
        return first_fit
    log.warning("text of %d characters overflows its note even at %.1f pt", len(text), min_pt)
    return _layout_at(text, min_pt, width_pt, height_pt)
