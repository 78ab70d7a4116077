"""Board units → slide EMU, and the other number-only geometry of the pptx exporter.

Frames:

* **board units** – origin top-left of the board, x right, y down (see :mod:`exporters.board`).
* **EMU** – English Metric Units on the slide (914,400 per inch), origin top-left of the slide.
  EMU values leave this module as :class:`pptx.util.Emu` so their unit is in the type.

Everything here is plain arithmetic, property-tested in ``tests/exporters``.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from pptx.util import Emu, Inches

log = logging.getLogger(__name__)

SLIDE_WIDTH = Emu(12_192_000)
"""16:9 slide, 13.333 in wide (PowerPoint's default widescreen size)."""
SLIDE_HEIGHT = Emu(6_858_000)
"""16:9 slide, 7.5 in high."""
MARGIN = Emu(Inches(0.3))
"""Blank border on every side of the slide."""
TITLE_HEIGHT = Emu(Inches(0.7))
"""Strip under the top margin that holds the meeting title and date."""

# Connection-point indices of a rectangle in DrawingML (the order of its `a:cxn` sites).
TOP, LEFT, BOTTOM, RIGHT = 0, 1, 2, 3


@dataclass(frozen=True)
class Extent:
    """An axis-aligned rectangle by its edges, in whatever frame the caller says."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        """Right minus left."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Bottom minus top."""
        return self.bottom - self.top

    def union(self, other: Extent) -> Extent:
        """The smallest extent holding both."""
        return Extent(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True)
class EmuBox:
    """A rectangle on the slide in EMU: top-left corner and size."""

    left: Emu
    top: Emu
    width: Emu
    height: Emu

    @property
    def right(self) -> int:
        """Left plus width."""
        return int(self.left + self.width)

    @property
    def bottom(self) -> int:
        """Top plus height."""
        return int(self.top + self.height)

    @property
    def centre(self) -> tuple[float, float]:
        """Centre point (x, y) in EMU."""
        return (self.left + self.width / 2, self.top + self.height / 2)


def content_area(
    slide_width: int = SLIDE_WIDTH,
    slide_height: int = SLIDE_HEIGHT,
    margin: int = MARGIN,
    title_height: int = TITLE_HEIGHT,
) -> Extent:
    """Where the board goes on the slide, in EMU: inside the margins, under the title strip."""
    return Extent(margin, margin + title_height, slide_width - margin, slide_height - margin)


def box_extent(x: float, y: float, w: float, h: float, rotation: float = 0.0) -> Extent:
    """Extent (board units) covered by a box, rotated or not, about its centre.

    Both the unrotated box and the rotated box's bounding box are included: the shape's frame
    (what PowerPoint stores) must stay on the slide as well as what is drawn.
    """
    plain = Extent(x, y, x + w, y + h)
    rad = math.radians(rotation % 360.0)
    if rad == 0.0:
        return plain
    cx, cy = x + w / 2, y + h / 2
    half_w = (abs(w * math.cos(rad)) + abs(h * math.sin(rad))) / 2
    half_h = (abs(w * math.sin(rad)) + abs(h * math.cos(rad))) / 2
    return plain.union(Extent(cx - half_w, cy - half_h, cx + half_w, cy + half_h))


@dataclass(frozen=True)
class BoardToSlide:
    """Uniform scale plus offset from board units to EMU: ``emu = offset + scale * board``.

    One scale for both axes, so the board's aspect ratio is kept.
    """

    scale: float
    """EMU per board unit."""
    offset_x: float
    offset_y: float

    def x(self, board_x: float) -> int:
        """Board x → slide x in EMU (rounded)."""
        return round(self.offset_x + self.scale * board_x)

    def y(self, board_y: float) -> int:
        """Board y → slide y in EMU (rounded)."""
        return round(self.offset_y + self.scale * board_y)

    def box(self, x: float, y: float, w: float, h: float) -> EmuBox:
        """A board box → slide box; edges are rounded, so touching boxes stay touching."""
        left, top = self.x(x), self.y(y)
        right, bottom = self.x(x + w), self.y(y + h)
        return EmuBox(Emu(left), Emu(top), Emu(max(right - left, 1)), Emu(max(bottom - top, 1)))


def fit_board(extent: Extent, area: Extent) -> BoardToSlide:
    """The transform that fits ``extent`` (board units) into ``area`` (EMU), centred.

    Args:
        extent: what must be visible, in board units; width and height must be > 0.
        area: where it goes on the slide, in EMU.

    Returns:
        The transform; the scale is the largest that keeps the whole extent inside the area.
    """
    scale = min(area.width / extent.width, area.height / extent.height)
    # Shave a hair off so that rounding to whole EMU can never step outside the area.
    scale *= 1.0 - 1e-9
    used_w, used_h = extent.width * scale, extent.height * scale
    offset_x = area.left + (area.width - used_w) / 2 - extent.left * scale
    offset_y = area.top + (area.height - used_h) / 2 - extent.top * scale
    return BoardToSlide(scale, offset_x, offset_y)


def connection_sides(source: tuple[float, float], target: tuple[float, float]) -> tuple[int, int]:
    """Which rectangle sides an arrow from ``source`` centre to ``target`` centre should use.

    Mostly-horizontal neighbours (the usual left-to-right flow in a lane) connect right → left;
    mostly-vertical ones (a hand-off to another lane) connect bottom → top or top → bottom.

    Returns:
        ``(begin_idx, end_idx)`` as DrawingML connection-point indices (0 top, 1 left,
        2 bottom, 3 right).
    """
    dx, dy = target[0] - source[0], target[1] - source[1]
    if abs(dx) >= abs(dy):
        return (RIGHT, LEFT) if dx >= 0 else (LEFT, RIGHT)
    return (BOTTOM, TOP) if dy > 0 else (TOP, BOTTOM)


def connection_point(box: EmuBox, idx: int) -> tuple[Emu, Emu]:
    """The EMU point of a rectangle's connection site, computed exactly as python-pptx does.

    ``Connector.begin_connect`` moves the end to this point, so a layout can predict it.
    """
    x, y, cx, cy = box.left, box.top, box.width, box.height
    points = {
        TOP: (int(x + cx / 2), y),
        LEFT: (x, int(y + cy / 2)),
        BOTTOM: (int(x + cx / 2), y + cy),
        RIGHT: (x + cx, int(y + cy / 2)),
    }
    px, py = points[idx]
    return Emu(px), Emu(py)
