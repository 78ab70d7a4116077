"""Round trip: render the deck, reopen it with python-pptx and check what a user would edit."""

from __future__ import annotations

import io
import itertools
import zipfile
from typing import Any

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from exporters.board import Board, BoardNote
from exporters.errors import InvalidBoardError
from exporters.pptx import NOTE_FILL, layout, render_pptx
from exporters.pptx_layout import FONT_FACE

from .pptx_boards import flow_board

NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}


@pytest.fixture(scope="module")
def board() -> Board:
    return flow_board()


@pytest.fixture(scope="module")
def deck(board: Board) -> bytes:
    return render_pptx(board)


@pytest.fixture(scope="module")
def shapes(deck: bytes) -> dict[str, Any]:
    prs = Presentation(io.BytesIO(deck))
    assert len(prs.slides) == 1
    assert (prs.slide_width, prs.slide_height) == (Emu(12_192_000), Emu(6_858_000))
    return {shape.name: shape for shape in prs.slides[0].shapes}


def test_one_editable_shape_per_note(board: Board, shapes: dict[str, Any]) -> None:
    notes = [s for name, s in shapes.items() if name.startswith("note-")]
    assert len(notes) == len(board.notes)
    for note in board.notes:
        shape = shapes[f"note-{note.id}"]
        assert shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE  # a rectangle, not a picture
        assert shape.text_frame.text == note.text
        assert tuple(shape.fill.fore_color.rgb) == NOTE_FILL[note.color]
        assert shape.rotation == pytest.approx(note.rotation)
        assert shape.text_frame.word_wrap is True


def test_positions_keep_order_and_stay_on_slide(board: Board, shapes: dict[str, Any]) -> None:
    for note in board.notes:
        s = shapes[f"note-{note.id}"]
        assert s.left >= 0 and s.left + s.width <= 12_192_000
        assert s.top >= 0 and s.top + s.height <= 6_858_000
    for a, b in itertools.combinations(board.notes, 2):
        sa, sb = shapes[f"note-{a.id}"], shapes[f"note-{b.id}"]
        assert (a.x < b.x) == (sa.left < sb.left) or a.x == b.x
        assert (a.y < b.y) == (sa.top < sb.top) or a.y == b.y
    lane_tops = [shapes[f"lane-{i}"].top for i in ("1", "2", "3")]
    assert lane_tops == sorted(lane_tops)


def test_stacking_order(shapes: dict[str, Any]) -> None:
    names = list(shapes)
    notes = [n for n in names if n.startswith("note-")]
    assert max(names.index(n) for n in names if n.startswith("lane")) < names.index(notes[0])
    assert notes[-1] == "note-4"  # the highest z is drawn last
    first_link = min(names.index(n) for n in names if n.startswith("link-"))
    assert first_link > names.index(notes[-1])
    assert names[-1] == "link-label-b"


def test_title(shapes: dict[str, Any]) -> None:
    assert shapes["title"].text_frame.text == "転入手続き As-Is 業務フロー　2025年6月3日　BPR推進WG"


def test_every_run_has_an_east_asian_font(deck: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(deck)) as z:
        root = etree.fromstring(z.read("ppt/slides/slide1.xml"))
    runs = root.findall(".//a:r", NS)
    assert len(runs) > 10
    for run in runs:
        rpr = run.find("a:rPr", NS)
        assert rpr is not None and rpr.get("lang") == "ja-JP"
        tags = [etree.QName(child).localname for child in rpr]
        assert tags.index("ea") == tags.index("latin") + 1  # schema order: latin, ea
        assert rpr.find("a:ea", NS).get("typeface") == FONT_FACE  # type: ignore[union-attr]


def _site(shape: Any, idx: int) -> tuple[int, int]:
    x, y, w, h = shape.left, shape.top, shape.width, shape.height
    return {0: (x + w // 2, y), 1: (x, y + h // 2), 2: (x + w // 2, y + h), 3: (x + w, y + h // 2)}[
        idx
    ]


def test_connectors_are_glued_to_the_right_notes(board: Board, shapes: dict[str, Any]) -> None:
    links = {
        name: s for name, s in shapes.items() if name.startswith("link-") and "label" not in name
    }
    assert set(links) == {"link-a", "link-b", "link-c", "link-d"}  # "bad" and "self" skipped
    by_id = {s.shape_id: s for s in shapes.values()}
    for link in board.links:
        if f"link-{link.id}" not in links:
            continue
        cxn = links[f"link-{link.id}"]
        nv = cxn._element.nvCxnSpPr.cNvCxnSpPr
        st, end = nv.find("a:stCxn", NS), nv.find("a:endCxn", NS)
        source, target = by_id[int(st.get("id"))], by_id[int(end.get("id"))]
        assert (source.name, target.name) == (f"note-{link.source}", f"note-{link.target}")
        assert abs(cxn.begin_x - _site(source, int(st.get("idx")))[0]) <= 1
        assert abs(cxn.begin_y - _site(source, int(st.get("idx")))[1]) <= 1
        assert abs(cxn.end_x - _site(target, int(end.get("idx")))[0]) <= 1
        assert abs(cxn.end_y - _site(target, int(end.get("idx")))[1]) <= 1
        tail = cxn._element.spPr.find("a:ln/a:tailEnd", NS)
        assert tail is not None and tail.get("type") == "triangle"


def test_connector_ends_match_the_layout(board: Board, shapes: dict[str, Any]) -> None:
    for conn in layout(board).connectors:
        shape = shapes[conn.name]
        assert (shape.begin_x, shape.begin_y) == conn.begin
        assert (shape.end_x, shape.end_y) == conn.end


def test_empty_board_renders_title_only() -> None:
    prs = Presentation(io.BytesIO(render_pptx(Board("空のボード", 2000, 1000, ()))))
    assert [s.name for s in prs.slides[0].shapes] == ["title"]


def test_invalid_board_is_an_export_error() -> None:
    note = BoardNote("1", 0, 0, 10, 10, "yellow", "")
    with pytest.raises(InvalidBoardError):
        render_pptx(Board("t", 100, 100, (note, note)))
