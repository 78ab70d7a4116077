"""The pure layer: board units → EMU, and the slide layout as plain data (no deck built)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporters.board import Board, BoardNote
from exporters.errors import ExportError, InvalidBoardError
from exporters.geometry import (
    BOTTOM,
    LEFT,
    RIGHT,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TOP,
    EmuBox,
    Extent,
    box_extent,
    connection_point,
    connection_sides,
    content_area,
    fit_board,
)
from exporters.pptx import NOTE_FILL, SlideBox, layout

from .pptx_boards import boards, flow_board

_pos = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)
_len = st.floats(min_value=1e-2, max_value=1e4, allow_nan=False)


def _inside_slide(box: SlideBox) -> bool:
    return (
        box.left >= 0
        and box.top >= 0
        and box.left + box.width <= SLIDE_WIDTH
        and (box.top + box.height <= SLIDE_HEIGHT)
    )


@given(_pos, _pos, _len, _len)
def test_fit_board_keeps_extent_inside_area_and_centred(
    x: float, y: float, w: float, h: float
) -> None:
    area = content_area()
    to_slide = fit_board(Extent(x, y, x + w, y + h), area)
    box = to_slide.box(x, y, w, h)
    assert area.left <= box.left and box.right <= area.right
    assert area.top <= box.top and box.bottom <= area.bottom
    # It fills the area in one direction (largest scale) and is centred in the other.
    assert max(box.width / area.width, box.height / area.height) > 0.999
    assert abs((box.left - area.left) - (area.right - box.right)) <= 2
    assert abs((box.top - area.top) - (area.bottom - box.bottom)) <= 2


@given(_pos, _pos, _len, _len, st.floats(min_value=-720, max_value=720))
def test_box_extent_holds_box_and_its_rotation(
    x: float, y: float, w: float, h: float, rotation: float
) -> None:
    ext = box_extent(x, y, w, h, rotation)
    assert ext.left <= x and ext.top <= y and ext.right >= x + w and ext.bottom >= y + h
    diagonal = math.hypot(w, h)
    assert ext.width <= max(w, diagonal) + 1e-6 and ext.height <= max(h, diagonal) + 1e-6


@given(_pos, _pos, _pos, _pos)
def test_connection_sides_face_each_other(ax: float, ay: float, bx: float, by: float) -> None:
    begin, end = connection_sides((ax, ay), (bx, by))
    assert {begin, end} in ({LEFT, RIGHT}, {TOP, BOTTOM})
    if (ax, ay) != (bx, by) and abs(bx - ax) != abs(by - ay):
        assert connection_sides((bx, by), (ax, ay)) == (end, begin)


def test_connection_points_are_edge_midpoints() -> None:
    box = EmuBox(100, 200, 50, 30)  # type: ignore[arg-type]
    assert connection_point(box, TOP) == (125, 200)
    assert connection_point(box, LEFT) == (100, 215)
    assert connection_point(box, BOTTOM) == (125, 230)
    assert connection_point(box, RIGHT) == (150, 215)


@settings(max_examples=60, deadline=None)
@given(boards())
def test_every_box_is_on_the_slide_and_aspect_is_kept(board: Board) -> None:
    plan = layout(board)
    assert all(_inside_slide(b) for b in plan.boxes)
    notes = {b.name: b for b in plan.boxes if b.kind == "note"}
    assert len(notes) == len(board.notes)
    scales = []
    for note in board.notes:
        box = notes[f"note-{note.id}"]
        # Aspect kept: each edge is rounded to a whole EMU, so the sizes are off by at most 1.
        assert abs(box.width * note.h - box.height * note.w) <= note.w + note.h
        scales.append((box.width / note.w, 1 / note.w))
    for sa, ea in scales:  # and the same scale for every note
        assert all(abs(sa - sb) <= ea + eb for sb, eb in scales)
    drawn = {c.name for c in plan.connectors}
    assert len(drawn) + len(plan.skipped_links) == len(board.links)


def test_flow_board_layout() -> None:
    plan = layout(flow_board())
    names = [b.name for b in plan.boxes]
    assert names[0] == "title"
    assert names.index("lane-1") < names.index("lane-label-1") < names.index("note-1")
    note_names = [n for n in names if n.startswith("note-")]
    assert note_names[-1] == "note-4"  # highest z last (on top)
    boxes = {b.name: b for b in plan.boxes}
    assert boxes["note-3"].fill == NOTE_FILL["blue"]  # palette colour, not the measured rgb
    assert boxes["note-2"].rotation == 4.0
    assert boxes["title"].subtitle == "2025年6月3日　BPR推進WG"
    assert plan.skipped_links == ("bad", "self")
    conns = {c.name: c for c in plan.connectors}
    assert (conns["link-a"].begin_idx, conns["link-a"].end_idx) == (BOTTOM, TOP)
    assert (conns["link-b"].begin_idx, conns["link-b"].end_idx) == (RIGHT, LEFT)
    assert (conns["link-c"].begin_idx, conns["link-c"].end_idx) == (BOTTOM, TOP)
    assert (conns["link-d"].begin_idx, conns["link-d"].end_idx) == (TOP, BOTTOM)
    assert "link-label-b" in boxes


def test_unknown_colour_is_other() -> None:
    board = Board("t", 100, 100, (BoardNote("1", 0, 0, 10, 10, "mauve", "x"),))
    (note,) = [b for b in layout(board).boxes if b.kind == "note"]
    assert note.fill == NOTE_FILL["other"]


@pytest.mark.parametrize(
    "board",
    [
        Board("t", 0, 100, ()),
        Board("t", math.nan, 100, ()),
        Board("t", 100, 100, (BoardNote("1", math.inf, 0, 10, 10, "yellow", ""),)),
        Board("t", 100, 100, (BoardNote("1", 0, 0, 0, 10, "yellow", ""),)),
        Board("t", 100, 100, (BoardNote("1", 0, 0, 10, 10, "yellow", "", rotation=math.nan),)),
        Board("t", 100, 100, (BoardNote("1", 0, 0, 9, 9, "pink", ""),) * 2),
    ],
)
def test_impossible_board_raises(board: Board) -> None:
    with pytest.raises(InvalidBoardError) as info:
        layout(board)
    assert isinstance(info.value, ExportError)
    assert info.value.code == "export_invalid_board"
    assert any(ord(c) > 0x3000 for c in info.value.message)  # a Japanese message for the user
