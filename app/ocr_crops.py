"""A labelled, seeded set of note crops for measuring OCR alone (issue 4).

Each crop is what the recognition stage hands the OCR engine: one rectified note, a few
pixels of poster paper and shadow at its edges, with its ground-truth text. The set is
balanced over font class (print / hand / brush) × writing (horizontal / 縦書き) and varies
the font, note colour (every colour, in turn), ink (black / blue / red), character size,
stroke width, slant, line count (1–3), lighting, blur and noise. The same ``seed`` always
gives the same crops.

Fonts come from Debian packages (``fonts-noto-cjk fonts-ipaexfont-gothic`` print,
``fonts-seto fonts-kiloji`` handwriting-style, ``fonts-aoyagi-soseki fonts-kouzan-mouhitsu``
brush); a face that is not installed is skipped, and a class with no face at all is left out
(logged).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage

from exporters.textfit import jp_face_index
from photogen import text
from photogen.fonts import FontFace, has_glyph
from photogen.layout import INKS, NOTE_RGB
from photogen.spec import COLORS, FontClass
from photogen.text import Pen
from photogen.vocab import FLOW_PHRASES, KPT_PHRASES, SHORT_PHRASES
from vision.ocr_eval import EvalItem
from vision.types import Image, Writing

log = logging.getLogger(__name__)

_NOTO = "/usr/share/fonts/opentype/noto/"
_TT = "/usr/share/fonts/truetype/"
FONT_FILES: dict[str, tuple[str, ...]] = {
    "print": (_NOTO + "NotoSansCJK-Regular.ttc", _NOTO + "NotoSansCJK-Bold.ttc",
              "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    "hand": (_TT + "seto/setofont.ttf", _TT + "kiloji/kiloji.ttf", _TT + "kiloji/kiloji_p.ttf"),
    # KouzanBrushFontSousyo is 草書 (cursive), unreadable on a note: left out
    "brush": (_TT + "aoyagi-soseki/aoyagi-soseki.ttf", _TT + "kouzan-mouhitsu/kouzan-mouhitsu.ttf",
              _TT + "kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf", _TT + "kiloji/kiloji_d.ttf"),
}
"""Font files per class, by Debian package path."""

STROKES: dict[str, tuple[float, float]] = {"print": (0.0, 0.03), "hand": (0.01, 0.045),
                                           "brush": (0.02, 0.06)}
"""Range of the extra marker stroke, as a share of the character size."""

CLASSES: tuple[FontClass, ...] = ("print", "hand", "brush")
WRITINGS: tuple[Writing, ...] = ("horizontal", "vertical")
PHRASES: tuple[str, ...] = (*FLOW_PHRASES, *SHORT_PHRASES,
                            *(p for ps in KPT_PHRASES.values() for p in ps))


@dataclass(frozen=True)
class StrokedFace(FontFace):
    """A font face drawn with a chosen marker stroke (share of the character size)."""

    stroke: float = 0.0

    @property
    def stroke_ratio(self) -> float:
        """Marker stroke width as a share of the glyph size."""
        return self.stroke


@cache
def class_faces(font_class: FontClass) -> tuple[FontFace, ...]:
    """Installed faces of ``font_class`` (empty when none of its packages is installed)."""
    found = [p for p in FONT_FILES[font_class] if Path(p).is_file()]
    if not found:
        log.warning("no %s font installed (%s)", font_class, ", ".join(FONT_FILES[font_class]))
    return tuple(FontFace(p, jp_face_index(p), font_class) for p in found)


@dataclass(frozen=True)
class CropInfo:
    """How one crop was made (recorded for reports and for debugging a bad read)."""

    font: str
    color: str
    ink: str
    lines: int
    size_px: int


def _phrase(face: FontFace, rng: np.random.Generator) -> str:
    """A phrase that ``face`` draws entirely with its own glyphs (no fallback font)."""
    for _ in range(50):
        phrase = PHRASES[int(rng.integers(len(PHRASES)))]
        if all(has_glyph(face, ch) for ch in phrase):
            return phrase
    return "受付"


def _note(face: StrokedFace, phrase: str, writing: Writing, color: str, ink: tuple[int, int, int],
          rng: np.random.Generator) -> tuple[Image, int]:
    """Draw the note face (RGB uint8) with ``phrase``; returns it and its line count."""
    side = int(rng.integers(150, 330))
    w, h = (side, side) if rng.random() < 0.75 else (
        (side, int(side * 1.6)) if writing == "vertical" else (int(side * 1.6), side))
    margin = 0.12
    # people break long phrases rather than write them tiny: fit picks 1-3 lines (≤ max_lines)
    max_lines = int(rng.integers(2, 4))
    fit = text.fit(phrase, w * (1 - 2 * margin), h * (1 - 2 * margin),
                   writing == "vertical", max_lines)
    size = fit.char_size * float(rng.uniform(0.75, 0.95))
    rgb = NOTE_RGB[color][int(rng.integers(len(NOTE_RGB[color])))]
    img = PILImage.new("RGB", (w, h), rgb)
    jitter = 0.0 if face.font_class == "print" else float(rng.uniform(0.02, 0.05))
    pen = Pen(face, ink, size, jitter)
    centre = (w / 2 + rng.normal(0, 0.02) * w, h / 2 + rng.normal(0, 0.02) * h)
    text.draw_block(img, fit.lines, centre, pen, writing == "vertical", rng)
    return np.asarray(img, np.uint8), len(fit.lines)


def _slant(note: Image, rng: np.random.Generator) -> Image:
    """Shear the writing a little (hand slant) and turn the note slightly, paper-filled."""
    h, w = note.shape[:2]
    shear = float(rng.uniform(-0.12, 0.12))
    angle = math.radians(float(rng.normal(0, 1.2)))
    c, s = math.cos(angle), math.sin(angle)
    m = np.array([[c, -s + shear, 0.0], [s, c, 0.0]])
    m[:, 2] = [w / 2, h / 2] - m[:, :2] @ [w / 2, h / 2]
    return np.asarray(cv2.warpAffine(note, m, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE), np.uint8)


def _photograph(note: Image, rng: np.random.Generator) -> Image:
    """Put the note on poster paper with a shadow, light it unevenly, blur, add noise and
    cut it out the way the detector does (a few pixels off), as BGR uint8."""
    h, w = note.shape[:2]
    pad = max(4, round(0.05 * max(h, w)))
    paper = np.array([232, 228, 214], np.float32) + rng.normal(0, 4, 3).astype(np.float32)
    canvas = np.empty((h + 2 * pad, w + 2 * pad, 3), np.float32)
    canvas[:] = paper
    shadow = np.zeros(canvas.shape[:2], np.float32)
    dx, dy = int(rng.integers(1, 5)), int(rng.integers(2, 6))
    shadow[pad + dy:pad + dy + h, pad + dx:pad + dx + w] = 1.0
    shadow = cv2.GaussianBlur(shadow, (0, 0), 3.0)
    canvas *= (1.0 - 0.3 * shadow)[..., None]
    canvas[pad:pad + h, pad:pad + w] = note
    yy, xx = np.mgrid[0:canvas.shape[0], 0:canvas.shape[1]].astype(np.float32)
    gx, gy = rng.normal(0, 1, 2)
    light = 1.0 + float(rng.uniform(0.05, 0.25)) * (gx * (xx / canvas.shape[1] - 0.5)
                                                    + gy * (yy / canvas.shape[0] - 0.5))
    canvas *= (float(rng.uniform(0.7, 1.05)) * light)[..., None]
    warm = float(rng.normal(0, 0.05))
    canvas *= np.array([1 + warm, 1.0, 1 - warm], np.float32)
    canvas = cv2.GaussianBlur(canvas, (0, 0), float(rng.uniform(0.4, 1.0)))
    canvas += rng.normal(0, float(rng.uniform(1.5, 5.0)), canvas.shape).astype(np.float32)
    off = rng.integers(-round(0.02 * w), round(0.02 * w) + 1, 4)
    y0, y1 = max(0, pad + off[0]), min(canvas.shape[0], pad + h + off[1])
    x0, x1 = max(0, pad + off[2]), min(canvas.shape[1], pad + w + off[3])
    crop = np.clip(canvas[y0:y1, x0:x1], 0, 255).astype(np.uint8)
    return np.ascontiguousarray(crop[:, :, ::-1])


def make_item(font_class: FontClass, writing: Writing, k: int, rng: np.random.Generator
              ) -> tuple[EvalItem, CropInfo] | None:
    """The ``k``-th crop of one class (colours and inks taken in turn, the rest at random)."""
    faces = class_faces(font_class)
    if not faces:
        return None
    base = faces[k % len(faces)]
    lo, hi = STROKES[font_class]
    face = StrokedFace(base.path, base.index, base.font_class, float(rng.uniform(lo, hi)))
    color = COLORS[k % len(COLORS)]
    ink_name, ink, _ = INKS[(k // len(COLORS)) % len(INKS)]
    phrase = _phrase(base, rng)
    note, n_lines = _note(face, phrase, writing, color, ink, rng)
    crop = _photograph(_slant(note, rng), rng)
    info = CropInfo(base.name, color, ink_name, n_lines, int(max(note.shape[:2])))
    return EvalItem(crop, phrase, font_class, writing), info


def render_note(phrase: str, font_class: FontClass, writing: Writing, color: str, ink_name: str,
                seed: int = 0) -> Image:
    """One crop with chosen text, font class, writing, note colour and ink (tests use it);
    the font (first installed face of the class), size, stroke and light follow ``seed``.

    Raises:
        ValueError: no font of ``font_class`` is installed, or an unknown colour/ink.
    """
    faces = class_faces(font_class)
    inks = {name: rgb for name, rgb, _ in INKS}
    if not faces or color not in NOTE_RGB or ink_name not in inks:
        raise ValueError(f"cannot draw {font_class}/{color}/{ink_name}")
    rng = np.random.default_rng(seed)
    lo, hi = STROKES[font_class]
    face = StrokedFace(faces[0].path, faces[0].index, font_class, float(rng.uniform(lo, hi)))
    note, _ = _note(face, phrase, writing, color, inks[ink_name], rng)
    return _photograph(_slant(note, rng), rng)


def make_crops(per_class: int = 20, seed: int = 4) -> list[tuple[EvalItem, CropInfo]]:
    """The labelled set: ``per_class`` crops for each font class × writing.

    Args:
        per_class: crops per (font class, writing) pair.
        seed: the set's seed; the same seed gives the same crops.

    Returns:
        (item, how it was made) pairs, grouped by class.
    """
    out: list[tuple[EvalItem, CropInfo]] = []
    for ci, font_class in enumerate(CLASSES):
        for wi, writing in enumerate(WRITINGS):
            rng = np.random.default_rng([seed, ci, wi])
            for k in range(per_class):
                made = make_item(font_class, writing, k, rng)
                if made is not None:
                    out.append(made)
    return out
