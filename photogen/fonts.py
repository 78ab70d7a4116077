"""Japanese fonts from Debian packages, grouped into the font classes notes record.

* ``print`` – gothic print faces (fonts-noto-cjk, fonts-ipaexfont-gothic);
* ``hand`` – handwriting faces (fonts-seto, fonts-kiloji);
* ``brush`` – thick marker-like handwriting (kiloji D) drawn with a heavier stroke.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from exporters.textfit import jp_face_index
from photogen.errors import FontUnavailableError
from photogen.spec import FontClass

log = logging.getLogger(__name__)

_NOTO = "/usr/share/fonts/opentype/noto/"
_CANDIDATES: dict[str, tuple[str, ...]] = {
    "print": (
        _NOTO + "NotoSansCJK-Regular.ttc",
        _NOTO + "NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    ),
    "hand": (
        "/usr/share/fonts/truetype/seto/setofont.ttf",
        "/usr/share/fonts/truetype/kiloji/kiloji.ttf",
        "/usr/share/fonts/truetype/kiloji/kiloji_p.ttf",
    ),
    # kiloji B is bolder still, but complex kanji become blots at note sizes: left out
    "brush": ("/usr/share/fonts/truetype/kiloji/kiloji_d.ttf",),
}
_STROKE: dict[str, float] = {"print": 0.0, "hand": 0.025, "brush": 0.05}
"""Extra stroke width as a share of the glyph size (marker pens draw thicker than fonts)."""


@dataclass(frozen=True)
class FontFace:
    """One usable font file: ``index`` selects the Japanese face inside a ``.ttc``."""

    path: str
    index: int
    font_class: FontClass

    @property
    def stroke_ratio(self) -> float:
        """Marker stroke width as a share of the glyph size."""
        return _STROKE[self.font_class]

    @property
    def name(self) -> str:
        """File name, recorded in the truth."""
        return Path(self.path).name


def _fc_list_ja() -> list[str]:
    """Paths of Japanese fonts fontconfig knows about (fallback when no candidate exists)."""
    try:
        out = subprocess.run(
            ["fc-list", ":lang=ja", "file"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


@cache
def faces(font_class: FontClass) -> tuple[FontFace, ...]:
    """Installed faces of ``font_class``; falls back to any Japanese font, then fails.

    Raises:
        FontUnavailableError: when no Japanese font is installed at all.
    """
    paths = [p for p in _CANDIDATES[font_class] if Path(p).is_file()]
    if not paths:
        log.warning("no %s font installed; falling back to any Japanese font", font_class)
        paths = _fc_list_ja()[:1]
    if not paths:
        raise FontUnavailableError(
            "no Japanese font found; install fonts-noto-cjk (and fonts-seto fonts-kiloji)"
        )
    return tuple(FontFace(p, jp_face_index(p), font_class) for p in paths)


@cache
def load(face: FontFace, size_px: int) -> ImageFont.FreeTypeFont:
    """The Pillow font for ``face`` at ``size_px`` pixels (cached)."""
    return ImageFont.truetype(face.path, size_px, index=face.index)


@cache
def _notdef(face: FontFace) -> bytes:
    return bytes(load(face, 32).getmask("\U000f0000"))


@cache
def has_glyph(face: FontFace, ch: str) -> bool:
    """True when ``face`` draws ``ch`` with a real glyph rather than ``.notdef``."""
    return bytes(load(face, 32).getmask(ch)) != _notdef(face)


def fallback() -> FontFace:
    """The face used for characters the chosen face lacks (Noto Sans CJK JP when installed)."""
    return faces("print")[0]
