"""Line breaking, size fitting and drawing of marker text (horizontal and 縦書き).

Fitting works in any unit (mm on the poster); drawing works in pixels of a Pillow image,
origin top-left.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from photogen import fonts
from photogen.fonts import FontFace

log = logging.getLogger(__name__)

_BREAK_AFTER = set("をにでのへとがはもや")
_NO_LINE_START = set("ーゃゅょっャュョッァィゥェォぁぃぅぇぉ、。）」")
_ROTATE_VERTICAL = set("ー～（）「」－→")
"""Characters that turn 90° in vertical writing (fonts without a ``vert`` table)."""
_SMALL_KANA = set("ゃゅょっャュョッァィゥェォぁぃぅぇぉ")
LINE_PITCH = 1.25
"""Distance between lines (or columns) as a multiple of the character size."""


@dataclass(frozen=True)
class TextFit:
    """``lines`` of a text and the character size (same unit as the box) they fit at."""

    lines: tuple[str, ...]
    char_size: float


def break_lines(text: str, n_lines: int) -> tuple[str, ...]:
    """Split ``text`` into ``n_lines`` balanced lines, preferring breaks after particles."""
    n = len(text)
    if n_lines <= 1 or n <= 1:
        return (text,)
    cuts: list[int] = []
    for i in range(1, n_lines):
        target = round(i * n / n_lines)
        options = [c for c in range(target - 2, target + 3) if 0 < c < n and c not in cuts]
        good = [c for c in options if text[c - 1] in _BREAK_AFTER]
        cut = min(good or options or [target], key=lambda c: abs(c - target))
        while cut < n - 1 and text[cut] in _NO_LINE_START:
            cut += 1
        cuts.append(cut)
    bounds = [0, *sorted(set(cuts)), n]
    return tuple(text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a)


def fit(text: str, box_w: float, box_h: float, vertical: bool, max_lines: int = 3) -> TextFit:
    """Choose the line breaks that let ``text`` fill the box with the largest characters.

    Args:
        text: the phrase.
        box_w, box_h: writable area (any unit).
        vertical: 縦書き (lines are columns, read right to left).
        max_lines: at most this many lines.

    Returns:
        The lines and the character size, in the box's unit.
    """
    best = TextFit((text,), 0.0)
    for n_lines in range(1, max_lines + 1):
        lines = break_lines(text, n_lines)
        if len(lines) < n_lines or (n_lines > 1 and min(len(line) for line in lines) < 2):
            continue  # a lone character on a line reads badly; people avoid it
        longest = max(len(line) for line in lines)
        across, along = (box_w, box_h) if vertical else (box_h, box_w)
        size = min(along / longest, across / (len(lines) * LINE_PITCH - (LINE_PITCH - 1.0)))
        if size > best.char_size * 1.12:  # another line only when it buys clearly larger text
            best = TextFit(lines, size)
    return best


@dataclass(frozen=True)
class Pen:
    """How text is drawn: face, ink RGB, character size in px and hand jitter (share of size)."""

    face: FontFace
    ink: tuple[int, int, int]
    size_px: float
    jitter: float = 0.0


def _glyph_face(face: FontFace, ch: str) -> FontFace:
    return face if fonts.has_glyph(face, ch) else fonts.fallback()


def _draw_char(
    img: Image.Image, ch: str, centre: tuple[float, float], pen: Pen, size: int, rotate: bool
) -> None:
    """Draw one character centred on ``centre`` (px), optionally turned 90° clockwise."""
    face = _glyph_face(pen.face, ch)
    font = fonts.load(face, size)
    stroke = max(0, round(size * face.stroke_ratio))
    if not rotate:
        ImageDraw.Draw(img).text(
            centre, ch, font=font, fill=pen.ink, anchor="mm", stroke_width=stroke,
            stroke_fill=pen.ink,
        )
        return
    cell = size * 2
    mask = Image.new("L", (cell, cell), 0)
    ImageDraw.Draw(mask).text(
        (cell / 2, cell / 2), ch, font=font, fill=255, anchor="mm", stroke_width=stroke,
        stroke_fill=255,
    )
    mask = mask.rotate(-90)
    ink = Image.new("RGB", (cell, cell), pen.ink)
    img.paste(ink, (round(centre[0] - cell / 2), round(centre[1] - cell / 2)), mask)


def draw_block(
    img: Image.Image,
    lines: Sequence[str],
    centre: tuple[float, float],
    pen: Pen,
    vertical: bool,
    rng: np.random.Generator,
) -> None:
    """Draw ``lines`` centred on ``centre`` (px of ``img``), horizontally or as 縦書き columns.

    Horizontal lines are centred; 縦書き columns run right to left and start at the top.
    Hand jitter moves each character a little and lets each line drift off straight.
    """
    s = pen.size_px
    n = len(lines)
    longest = max(len(line) for line in lines)
    for i, line in enumerate(lines):
        # offset of this line's axis from the block centre; vertical columns go right to left
        across = (i - (n - 1) / 2) * s * LINE_PITCH
        drift = rng.normal(0.0, pen.jitter) * s * 0.5
        for j, ch in enumerate(line):
            # horizontal lines are centred; vertical columns start at the top (縦書き)
            along = (j - ((longest if vertical else len(line)) - 1) / 2) * s
            jx, jy = rng.normal(0.0, pen.jitter, 2) * s
            size = max(6, round(s * (1.0 + rng.normal(0.0, pen.jitter))))
            wander = drift * (j / max(1, len(line) - 1))
            if vertical:
                x = centre[0] - across + jx + wander
                y = centre[1] + along + jy
                if ch in _SMALL_KANA:
                    x, y = x + s * 0.12, y - s * 0.12
            else:
                x = centre[0] + along + jx
                y = centre[1] + across + jy + wander
            _draw_char(img, ch, (x, y), pen, size, vertical and ch in _ROTATE_VERTICAL)


def glyph_extent(lines: Sequence[str], size: float, vertical: bool) -> tuple[float, float]:
    """(width, height) of a drawn block in the unit of ``size``."""
    along = max(len(line) for line in lines) * size
    across = (len(lines) * LINE_PITCH - (LINE_PITCH - 1.0)) * size
    return (across, along) if vertical else (along, across)

