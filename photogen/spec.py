"""What to render: the frozen scene description and the named presets.

All lengths on the poster are in **millimetres** on the flat poster (origin top-left of the
poster sheet, x right, y down); photo sizes are in **pixels of the upright photo**.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Literal

log = logging.getLogger(__name__)

Layout = Literal["flow", "kpt"]
FontClass = Literal["print", "hand", "brush"]
Background = Literal["wall", "whiteboard", "table", "random"]

POSTER_MM: tuple[float, float] = (1091.0, 788.0)
"""模造紙 (B1-ish) size, landscape (width, height) in mm."""

COLORS: tuple[str, ...] = ("yellow", "pink", "blue", "green", "orange", "purple", "white")
"""Note colours the generator uses (``vision.types.PALETTE`` minus ``other``)."""

EXIF_ORIENTATIONS: tuple[int, ...] = (1, 3, 6, 8)
"""EXIF orientations :func:`photogen.io.write` can store (rotations only, no mirroring)."""


@dataclass(frozen=True)
class SceneSpec:
    """Everything that decides one generated photo; the same spec always gives the same photo.

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
