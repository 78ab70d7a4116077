"""What to render: the frozen scene description and the named presets.

All lengths on the poster are in **millimetres** on the flat poster (origin top-left of the
poster sheet, x right, y down); photo sizes are in **pixels of the upright photo**.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

log = logging.getLogger(__name__)

Layout = Literal["flow", "kpt"]
FontClass = Literal["print", "hand", "brush"]
Background = Literal["wall", "whiteboard", "table", "random"]
Packing = Literal["grid", "shelf"]
PaperTone = Literal["standard", "cream", "bright"]

POSTER_MM: tuple[float, float] = (1091.0, 788.0)
"""模造紙 (B1-ish) size, landscape (width, height) in mm."""

COLORS: tuple[str, ...] = ("yellow", "pink", "blue", "green", "orange", "purple", "white")
"""Note colours the generator uses (``vision.types.PALETTE`` minus ``other``)."""

EXIF_ORIENTATIONS: tuple[int, ...] = (1, 3, 6, 8)
"""EXIF orientations :func:`photogen.io.write` can store (rotations only, no mirroring)."""


@dataclass(frozen=True)
class SceneSpec:
    """Everything that decides one generated photo; the same spec always gives the same photo.

    The fields from ``packing`` on model the harder cases of issue 3 and are all off by
    default. Each effect draws its random choices from its own stream, so switching one on
    leaves the rest of the photo as it was (layout effects re-plan the poster, of course).

    Attributes:
        seed: random seed; every random choice derives from it.
        size: upright photo size (width, height) in pixels.
        layout: ``flow`` (swimlanes, arrows) or ``kpt`` (Keep/Problem/Try columns).
        poster_portrait: hang the 模造紙 portrait (788 wide × 1091 tall mm) instead of landscape.
        note_count: notes to place (clamped to what fits on the poster).
        note_sizes_mm: (width, height) choices in mm; each note picks one.
        colors: palette names the notes are drawn from.
        lane_count: swimlanes for ``flow``.
        link_ratio: share of neighbouring note pairs in a lane joined by an arrow.
        vertical_ratio: share of notes written vertically (縦書き).
        font_classes: font classes the notes are drawn from (repeat one to weight it).
        note_rotation_deg: maximum in-plane rotation of a note, degrees.
        tilt_deg: how far off-axis the camera looks at the poster, degrees (0 = front-on).
        roll_deg: maximum camera roll, degrees.
        fill: poster size relative to the frame (1.0 = poster just fits).
        poster_cut_off: let the poster run over the frame edge; notes not fully visible are
            left out of the truth.
        background: what is behind the poster.
        exposure: overall brightness factor.
        light_gradient: strongest brightness fall-off across the photo (0-1).
        vignette: corner darkening (0-1).
        warmth: white-balance shift, positive = warm (tungsten), negative = cool.
        noise_sigma: sensor noise standard deviation at mid grey, 0-255 units.
        blur_sigma: optical blur, pixels.
        exif_orientation: EXIF Orientation the written file carries (1, 3, 6 or 8).
        jpeg_quality: JPEG quality used by :func:`photogen.io.write`.
        packing: ``grid`` (cells of the largest note size) or ``shelf`` (notes of mixed
            sizes packed row by row at their own size; needed for touching/overlap groups).
        gap_mm: (min, max) gap between notes for ``shelf`` packing, mm (shrunk when the
            notes would not fit otherwise).
        touching: share of notes placed in same-colour groups of 2-3 that touch edge to
            edge (gaps 0-2 mm).
        overlap: share of notes in same-colour pairs where the second (on top, fully
            visible) covers 5-25 % of the first.
        curl: share of notes whose bottom edge lifts off the poster (shading, a wider and
            darker shadow under it, the bottom edge foreshortened by 2-6 %).
        neon: share of yellow/pink/green/orange notes made of fluorescent paper.
        pastel: share of coloured notes in pale pastel paper.
        paper_tone: 模造紙 tone: ``standard`` off-white, ``cream`` or ``bright`` white.
        glare: share of notes with a specular highlight from a lamp (a cluster of notes
            near one reflection spot; soft elliptical blobs towards white, partly clipped).
        laminated: the poster itself is glossy: the lamp's reflection shows on the paper too.
        shadow_band: a soft-edged shadow band across the wall and poster (person or
            partition): 10-30 % of the poster wide, 0.55-0.8 brightness, any angle.
        tape_strips: masking/clear tape strips on the poster face (holding notes or torn
            bits on the paper).
        magnets: round magnets (20-35 mm, red/blue/black/white) on the poster margin and
            the board around it.
        hand: a hand (with forearm/sleeve) entering from a frame edge, with its shadow.
        pen: a marker pen (body and cap) entering from a frame edge, with its shadow.
        motion_blur_px: camera-shake blur length in pixels (random direction), 0 = none.
    """

    seed: int = 0
    size: tuple[int, int] = (2000, 1500)
    layout: Layout = "flow"
    poster_portrait: bool = False
    note_count: int = 18
    note_sizes_mm: tuple[tuple[float, float], ...] = ((75.0, 75.0),)
    colors: tuple[str, ...] = COLORS
    lane_count: int = 3
    link_ratio: float = 0.6
    vertical_ratio: float = 0.2
    font_classes: tuple[FontClass, ...] = ("hand", "hand", "print", "brush")
    note_rotation_deg: float = 6.0
    tilt_deg: float = 10.0
    roll_deg: float = 3.0
    fill: float = 0.9
    poster_cut_off: bool = False
    background: Background = "random"
    exposure: float = 1.0
    light_gradient: float = 0.2
    vignette: float = 0.25
    warmth: float = 0.0
    noise_sigma: float = 2.5
    blur_sigma: float = 0.6
    exif_orientation: int = 1
    jpeg_quality: int = 88
    packing: Packing = "grid"
    gap_mm: tuple[float, float] = (10.0, 30.0)
    touching: float = 0.0
    overlap: float = 0.0
    curl: float = 0.0
    neon: float = 0.0
    pastel: float = 0.0
    paper_tone: PaperTone = "standard"
    glare: float = 0.0
    laminated: bool = False
    shadow_band: bool = False
    tape_strips: int = 0
    magnets: int = 0
    hand: bool = False
    pen: bool = False
    motion_blur_px: float = 0.0

    def __post_init__(self) -> None:
        """Reject specs that cannot be rendered."""
        if self.size[0] < 320 or self.size[1] < 240:
            raise ValueError(f"photo size {self.size} is too small (min 320×240)")
        if self.exif_orientation not in EXIF_ORIENTATIONS:
            raise ValueError(f"exif_orientation must be one of {EXIF_ORIENTATIONS}")
        if unknown := set(self.colors) - set(COLORS):
            raise ValueError(f"unknown colours {sorted(unknown)}")
        if not self.font_classes or not self.note_sizes_mm or not self.colors:
            raise ValueError("font_classes, note_sizes_mm and colors must not be empty")
        if not 0.0 <= self.tilt_deg <= 45.0:
            raise ValueError("tilt_deg must be within 0-45")
        shares = {"touching": self.touching, "overlap": self.overlap, "curl": self.curl,
                  "neon": self.neon, "pastel": self.pastel, "glare": self.glare}
        if bad := [k for k, v in shares.items() if not 0.0 <= v <= 1.0]:
            raise ValueError(f"{', '.join(bad)} must be shares within 0-1")
        if (self.touching or self.overlap) and self.packing != "shelf":
            raise ValueError("touching/overlap groups need packing='shelf'")
        if not 0.0 <= self.gap_mm[0] <= self.gap_mm[1]:
            raise ValueError("gap_mm must be (min, max) with 0 <= min <= max")

    @property
    def poster_mm(self) -> tuple[float, float]:
        """Poster (width, height) in mm as hung."""
        w, h = POSTER_MM
        return (h, w) if self.poster_portrait else (w, h)


PRESETS: dict[str, SceneSpec] = {
    "front": SceneSpec(tilt_deg=2.0, roll_deg=1.0, light_gradient=0.1, vignette=0.15),
    "tilted": SceneSpec(tilt_deg=28.0, fill=0.92, light_gradient=0.25),
    "dim_warm": SceneSpec(
        exposure=0.62, warmth=0.16, noise_sigma=5.5, light_gradient=0.35, vignette=0.4
    ),
    "small_notes": SceneSpec(
        note_count=30,
        note_sizes_mm=((50.0, 50.0), (50.0, 50.0), (75.0, 75.0)),
        lane_count=4,
        fill=0.95,
        size=(2160, 1440),
    ),
    "vertical": SceneSpec(vertical_ratio=0.75, note_sizes_mm=((75.0, 75.0), (75.0, 127.0))),
    "kpt": SceneSpec(layout="kpt", note_count=24, link_ratio=0.0, tilt_deg=8.0),
    "exif_rotated": SceneSpec(
        size=(1500, 2000), poster_portrait=True, exif_orientation=6, note_count=14, lane_count=4
    ),
    "cut_off": SceneSpec(poster_cut_off=True, fill=1.12, tilt_deg=12.0, note_count=20),
}
"""Named scene variations; the CLI cycles through them in this order."""


def preset(name: str, seed: int) -> SceneSpec:
    """Return the preset ``name`` with ``seed`` filled in.

    Raises:
        KeyError: when ``name`` is not a preset (the message lists the valid names).
    """
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    return replace(PRESETS[name], seed=seed)


def effect_rng(seed: int, effect: str) -> np.random.Generator:
    """The random stream of one optional effect of the photo with ``seed``.

    Independent of the four streams the base scene uses, so an effect switched on does not
    move any other random choice.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(
        1000 + zlib.crc32(effect.encode()) % 100000,)))
