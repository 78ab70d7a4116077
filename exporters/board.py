"""The board domain model that every exporter reads.

The app converts its database rows into these frozen dataclasses; exporters never see a DB
session or a request. Positions are in **board units** (see ``vision.types.BOARD_WIDTH``):
origin top-left of the board, x right, y down.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class BoardNote:
    """A note on the board.

    Attributes:
        id: stable id (string form of the database id).
        x, y, w, h: top-left corner and size in board units.
        rotation: degrees clockwise.
        color: palette name (``yellow pink blue green orange purple white other``).
        rgb: measured colour (R, G, B) or ``None`` when the note was added by hand.
        text: the text as edited (what people agreed on).
        lane_id: id of the lane the note belongs to, if any.
        z: stacking order, higher on top.
    """

    id: str
    x: float
    y: float
    w: float
    h: float
    color: str
    text: str
    rotation: float = 0.0
    rgb: tuple[int, int, int] | None = None
    lane_id: str | None = None
    z: int = 0


@dataclass(frozen=True)
class BoardLane:
    """A swimlane band (one per actor: 住民, 窓口, 担当課 …), a rectangle in board units."""

    id: str
    label: str
    order: int
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class BoardLink:
    """An arrow from one note to another."""

    id: str
    source: str
    target: str
    label: str = ""


@dataclass(frozen=True)
class Board:
    """One meeting's board: what is exported to PowerPoint and the other formats."""

    title: str
    width: float
    height: float
    notes: tuple[BoardNote, ...]
    lanes: tuple[BoardLane, ...] = ()
    links: tuple[BoardLink, ...] = ()
    held_on: dt.date | None = None
    workgroup: str = ""
