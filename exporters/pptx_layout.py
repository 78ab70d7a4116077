"""The pure layer of the pptx exporter: ``Board`` → :class:`SlideLayout` in EMU.

Nothing here builds a deck, so the layout is tested as plain data (positions, colours, font
sizes, which connection sites an arrow uses). :mod:`exporters.pptx` draws the result. See that
module for the design decisions (fonts, colours, links, shape names).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, replace
from typing import Any, Literal

from pptx.util import Emu, Inches, Length, Pt

from exporters.board import Board, BoardLane, BoardLink, BoardNote
from exporters.errors import InvalidBoardError
from exporters.geometry import (
    MARGIN,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TITLE_HEIGHT,
    BoardToSlide,
    EmuBox,
    Extent,
    box_extent,
    connection_point,
    connection_sides,
    content_area,
    fit_board,
)
from exporters.textfit import LINE_HEIGHT, WIDTH_SLACK, em_width, fit_text

log = logging.getLogger(__name__)

RGB = tuple[int, int, int]

FONT_FACE = "Meiryo UI"
"""Latin and East Asian typeface of every run (PowerPoint has it; LibreOffice substitutes)."""

NOTE_FILL: dict[str, RGB] = {
    "yellow": (255, 241, 118),
    "pink": (255, 183, 206),
    "blue": (160, 212, 246),
    "green": (186, 230, 148),
    "orange": (255, 196, 120),
    "purple": (210, 182, 240),
    "white": (252, 252, 250),
    "other": (216, 216, 210),
}
"""Sticky-note colours per palette name (close to common 75 mm note pads)."""
TEXT_COLOUR: RGB = (34, 34, 34)
MUTED_TEXT: RGB = (96, 96, 96)
LANE_FILLS: tuple[RGB, RGB] = ((242, 245, 249), (232, 237, 244))
LANE_LINE: RGB = (200, 207, 216)
LINK_COLOUR: RGB = (70, 70, 70)
LANE_LABEL_WIDTH = Emu(Inches(1.1))
LINK_LABEL_PT = 9.0

Kind = Literal["title", "lane", "lane-label", "note", "link-label"]


@dataclass(frozen=True)
class SlideBox:
    """One rectangle to draw, in EMU on the slide, with its text already sized."""

    name: str
    kind: Kind
    left: Emu
    top: Emu
    width: Emu
    height: Emu
    text: str = ""
    font_size: Length = Pt(12)
    rotation: float = 0.0
    """Degrees clockwise about the centre."""
    fill: RGB | None = None
    line: RGB | None = None
    bold: bool = False
    align: Literal["left", "center"] = "center"
    inset: Emu = Emu(0)
    subtitle: str = ""
    """A second, smaller grey run after ``text`` (the title's date and WG)."""

    @property
    def emu_box(self) -> EmuBox:
        """Position and size as an :class:`EmuBox`."""
        return EmuBox(self.left, self.top, self.width, self.height)


@dataclass(frozen=True)
class SlideConnector:
    """An arrow glued to two boxes; ``*_idx`` are connection sites (0 top 1 left 2 bottom 3 right).

    ``begin``/``end`` are the EMU points the connector's ends land on: the sites' edge midpoints.
    """

    name: str
    begin_name: str
    begin_idx: int
    end_name: str
    end_idx: int
    begin: tuple[Emu, Emu]
    end: tuple[Emu, Emu]


@dataclass(frozen=True)
class SlideLayout:
    """Everything :func:`render_pptx` draws, in drawing order (later is on top)."""

    width: Emu
    height: Emu
    boxes: tuple[SlideBox, ...]
    connectors: tuple[SlideConnector, ...]
    skipped_links: tuple[str, ...] = ()
    """Ids of links that were not drawn (unknown note or a link to itself)."""


# ---------------------------------------------------------------------------- layout (pure)


def layout(board: Board) -> SlideLayout:
    """Place a board on one 16:9 slide.

    Args:
        board: the board; positions in board units.

    Returns:
        Boxes (title, lanes, lane labels, notes by ``z``, link labels) and connectors in EMU.

    Raises:
        InvalidBoardError: the board has no size, a non-finite coordinate, a note or lane
            without area, or two notes with the same id.
    """
    _check_board(board)
    to_slide = fit_board(_board_extent(board), content_area())
    lanes = sorted(board.lanes, key=lambda la: (la.order, la.y))
    notes = sorted(board.notes, key=lambda n: n.z)  # stable: equal z keeps board order
    boxes = [_title_box(board)]
    for i, lane in enumerate(lanes):
        boxes.extend(_lane_boxes(lane, i, to_slide))
    note_boxes = {n.id: _note_box(n, to_slide) for n in notes}
    boxes.extend(note_boxes.values())
    connectors, labels, skipped = _links(board.links, note_boxes)
    return SlideLayout(
        SLIDE_WIDTH, SLIDE_HEIGHT, tuple(boxes + labels), tuple(connectors), tuple(skipped)
    )


def _check_board(board: Board) -> None:
    if not (_finite(board.width, board.height) and board.width > 0 and board.height > 0):
        raise InvalidBoardError(
            "ボードの大きさが不正なため書き出せません。写真を読み込み直してください。"
        )
    boxes = [(n.x, n.y, n.w, n.h) for n in board.notes] + [
        (la.x, la.y, la.w, la.h) for la in board.lanes
    ]
    for x, y, w, h in boxes:
        if not (_finite(x, y, w, h) and w > 0 and h > 0):
            raise InvalidBoardError()
    if not _finite(*(n.rotation for n in board.notes)):
        raise InvalidBoardError()
    if len({n.id for n in board.notes}) != len(board.notes):
        raise InvalidBoardError("同じ ID の付せんが重複しています。ボードを保存し直してください。")


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _board_extent(board: Board) -> Extent:
    """Board area plus anything sticking out of it, so that every shape lands on the slide."""
    extent = Extent(0.0, 0.0, board.width, board.height)
    for lane in board.lanes:
        extent = extent.union(box_extent(lane.x, lane.y, lane.w, lane.h))
    for note in board.notes:
        extent = extent.union(box_extent(note.x, note.y, note.w, note.h, note.rotation))
    return extent


def _fitted_box(
    name: str, kind: Kind, box: EmuBox, text: str, max_pt: float, **kw: Any
) -> SlideBox:
    """A box whose font size makes ``text`` wrap inside it (after the insets)."""
    inset = Emu(int(min(max(min(box.width, box.height) * 0.06, Inches(0.02)), Inches(0.08))))
    fitted = fit_text(
        text,
        (box.width - 2 * inset) / 12700,
        (box.height - 2 * inset) / 12700,
        max_pt=max_pt,
    )
    return SlideBox(
        name,
        kind,
        box.left,
        box.top,
        box.width,
        box.height,
        text=text,
        font_size=Pt(fitted.size_pt),
        inset=inset,
        **kw,
    )


def _title_box(board: Board) -> SlideBox:
    meta = []
    if board.held_on is not None:
        d = board.held_on
        meta.append(f"{d.year}年{d.month}月{d.day}日")
    if board.workgroup:
        meta.append(board.workgroup)
    subtitle = "　".join(meta)
    box = EmuBox(MARGIN, MARGIN, Emu(SLIDE_WIDTH - 2 * MARGIN), TITLE_HEIGHT)
    # Measured as one string at full size: the smaller subtitle run then fits for sure.
    measured = f"{board.title}　{subtitle}" if subtitle else board.title
    fitted = _fitted_box("title", "title", box, measured, 24.0, bold=True, align="left")
    return replace(fitted, text=board.title, subtitle=subtitle)


def _lane_boxes(lane: BoardLane, index: int, to_slide: BoardToSlide) -> list[SlideBox]:
    band = to_slide.box(lane.x, lane.y, lane.w, lane.h)
    fill, line = LANE_FILLS[index % 2], LANE_LINE
    label_box = EmuBox(band.left, band.top, Emu(min(band.width, LANE_LABEL_WIDTH)), band.height)
    return [
        SlideBox(
            f"lane-{lane.id}",
            "lane",
            band.left,
            band.top,
            band.width,
            band.height,
            fill=fill,
            line=line,
        ),
        _fitted_box(
            f"lane-label-{lane.id}",
            "lane-label",
            label_box,
            lane.label,
            16.0,
            bold=True,
            align="left",
        ),
    ]


def note_fill(note: BoardNote) -> RGB:
    """The slide colour of a note: its palette colour (``other`` for unknown names)."""
    return NOTE_FILL.get(note.color, NOTE_FILL["other"])


def _note_box(note: BoardNote, to_slide: BoardToSlide) -> SlideBox:
    box = to_slide.box(note.x, note.y, note.w, note.h)
    fill = note_fill(note)
    line = tuple(int(c * 0.78) for c in fill)
    return _fitted_box(
        f"note-{note.id}",
        "note",
        box,
        note.text,
        24.0,
        rotation=note.rotation,
        fill=fill,
        line=(line[0], line[1], line[2]),
    )


def _links(
    links: tuple[BoardLink, ...], notes: dict[str, SlideBox]
) -> tuple[list[SlideConnector], list[SlideBox], list[str]]:
    connectors: list[SlideConnector] = []
    labels: list[SlideBox] = []
    skipped: list[str] = []
    for link in links:
        source, target = notes.get(link.source), notes.get(link.target)
        if source is None or target is None or source is target:
            log.warning(
                "link %s (%s → %s) skipped: no such note or a self-link",
                link.id,
                link.source,
                link.target,
            )
            skipped.append(link.id)
            continue
        connector = _connector(link, source, target)
        connectors.append(connector)
        if link.label:
            labels.append(_link_label(link, connector))
    return connectors, labels, skipped


def _connector(link: BoardLink, source: SlideBox, target: SlideBox) -> SlideConnector:
    begin_idx, end_idx = connection_sides(source.emu_box.centre, target.emu_box.centre)
    return SlideConnector(
        f"link-{link.id}",
        source.name,
        begin_idx,
        target.name,
        end_idx,
        connection_point(source.emu_box, begin_idx),
        connection_point(target.emu_box, end_idx),
    )


def _link_label(link: BoardLink, connector: SlideConnector) -> SlideBox:
    """A small white tag at the middle of the arrow, as wide as its (one-line) text."""
    size_pt, pad = LINK_LABEL_PT, Inches(0.06)
    text_w = int(em_width(link.label) * size_pt * 12700 / WIDTH_SLACK)
    width = Emu(min(max(text_w + 2 * pad, Inches(0.3)), Inches(1.6)))
    height = Emu(int(size_pt * LINE_HEIGHT * 12700 + 2 * pad))
    cx = (connector.begin[0] + connector.end[0]) // 2
    cy = (connector.begin[1] + connector.end[1]) // 2
    left = min(max(cx - width // 2, 0), SLIDE_WIDTH - width)
    top = min(max(cy - height // 2, 0), SLIDE_HEIGHT - height)
    box = EmuBox(Emu(left), Emu(top), width, height)
    return _fitted_box(
        f"link-label-{link.id}", "link-label", box, link.label, size_pt, fill=(255, 255, 255)
    )
