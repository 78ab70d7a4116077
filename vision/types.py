"""Typed results that flow between the vision stages and out to the app and exporters.

Coordinate frames (every field says which one it uses):

* **photo pixels** – the *upright* photo (EXIF orientation already applied), full resolution,
  origin top-left, x to the right, y down. This is what ``fusen extract`` prints.
* **board units** – the rectified poster, scaled so that its width is ``BOARD_WIDTH`` units
  (height follows the poster's aspect ratio). When no poster edge is visible the upright photo
  itself is the board.

Images are ``H×W×3`` **BGR** ``uint8`` arrays (OpenCV's layout), origin top-left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

BOARD_WIDTH = 2000.0
"""Width of a board in board units; a photo's poster is scaled to this width."""

PALETTE: tuple[str, ...] = ("yellow", "pink", "blue", "green", "orange", "purple", "white", "other")
"""Colour names a note can have, in the order the UI lists them."""

Writing = Literal["horizontal", "vertical"]
OcrStatus = Literal["ok", "empty", "timeout", "error"]

Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]
"""Four corners clockwise from top-left."""

Image = NDArray[np.uint8]


@dataclass(frozen=True)
class NoteRegion:
    """A sticky note found in a photo.

    Attributes:
        quad: corners in photo pixels, clockwise from top-left.
        color: palette name (see ``PALETTE``).
        rgb: measured paper colour (R, G, B), 0-255, after white balance.
        score: detector confidence 0-1.
    """

    quad: Quad
    color: str
    rgb: tuple[int, int, int]
    score: float = 1.0


@dataclass(frozen=True)
class NoteText:
    """What the OCR engine read on one note crop.

    ``status`` is ``ok`` when text was read, ``empty`` when the crop holds no ink,
    ``timeout``/``error`` when the engine failed on this note (``reason`` says why);
    a failure on one note never fails the photo.
    """

    text: str
    confidence: float
    writing: Writing = "horizontal"
    status: OcrStatus = "ok"
    reason: str = ""


@dataclass(frozen=True)
class BoardBox:
    """A note's place on the board, in board units (top-left corner, size, rotation in degrees
    clockwise)."""

    x: float
    y: float
    w: float
    h: float
    rotation: float = 0.0


@dataclass(frozen=True, eq=False)
class RecognizedNote:
    """One note after the whole pipeline.

    Attributes:
        id: ``n1``, ``n2``… in reading order (top-to-bottom, left-to-right on the board).
        region: where the note is in the photo.
        text: what OCR read.
        box: where the note sits on the board.
        crop: rectified crop of the note, H×W×3 BGR uint8 (upright note, not the whole photo).
    """

    id: str
    region: NoteRegion
    text: NoteText
    box: BoardBox
    crop: Image


@dataclass(frozen=True)
class LaneRegion:
    """A swimlane band. ``quad`` in photo pixels."""

    id: str
    label: str
    quad: Quad


@dataclass(frozen=True)
class LinkRegion:
    """An arrow from one note to another (ids of ``RecognizedNote``)."""

    source: str
    target: str


@dataclass(frozen=True, eq=False)
class PhotoResult:
    """Everything recognised on one photo.

    Attributes:
        width, height: upright photo size in pixels.
        poster_quad: the poster's corners in photo pixels, or ``None`` when its edges were not
            visible (then the photo itself is the board).
        board_width, board_height: the board's size in board units.
        notes, links, lanes, notes_lane: the recognised structure.
        warnings: photo-quality advice for the facilitator (Japanese).
    """

    width: int
    height: int
    poster_quad: Quad | None
    board_width: float
    board_height: float
    notes: tuple[RecognizedNote, ...]
    links: tuple[LinkRegion, ...] = ()
    lanes: tuple[LaneRegion, ...] = ()
    notes_lane: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


class OcrEngine(Protocol):
    """Reads the text of note crops. Built once at start-up and reused for every photo.

    Implementations live in :mod:`vision.ocr` (all Tesseract use is there). A failure on one
    crop must come back as a ``NoteText`` with ``status`` ``error``/``timeout`` and a ``reason``,
    never as an exception.
    """

    name: str
    review_below: float
    """Notes read with a lower ``confidence`` should be flagged for review (each engine's
    confidence has its own scale; the value is measured, see the README)."""

    def read(self, crop: Image) -> NoteText:
        """Read one rectified note crop (H×W×3 BGR uint8)."""
        ...

    def read_many(self, crops: Sequence[Image]) -> list[NoteText]:
        """Read several crops (may use several cores); results in the same order."""
        ...

    def close(self) -> None:
        """Release worker processes and loaded models (called once at shutdown)."""
        ...
