"""Boards for the pptx exporter tests: one hand-made swimlane flow and a hypothesis strategy."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from exporters.board import Board, BoardLane, BoardLink, BoardNote


def flow_board() -> Board:
    """A small As-Is flow: three lanes, eight notes of every palette colour, five links.

    Link ``bad`` points at a note that does not exist and ``self`` at its own note.
    """
    lanes = (
        BoardLane("1", "住民", 0, 0, 0, 2000, 400),
        BoardLane("2", "窓口", 1, 0, 400, 2000, 400),
        BoardLane("3", "担当課", 2, 0, 800, 2000, 400),
    )
    notes = (
        BoardNote("1", 250, 100, 200, 200, "yellow", "転入届を記入する"),
        BoardNote("2", 600, 480, 200, 200, "pink", "本人確認", rotation=4.0),
        BoardNote("3", 950, 480, 200, 200, "blue", "住民票システムに入力", rgb=(90, 140, 200)),
        BoardNote("4", 1300, 880, 200, 200, "green", "審査・決裁", z=2),
        BoardNote("5", 1650, 100, 200, 200, "orange", "通知書を受け取る"),
        BoardNote("6", 1300, 480, 220, 160, "purple", "課題\n待ち時間が長い"),
        BoardNote("7", 600, 900, 180, 180, "white", "OK"),
        BoardNote("8", 950, 900, 180, 180, "other", "メモ ABC"),
    )
    links = (
        BoardLink("a", "1", "2"),
        BoardLink("b", "2", "3", "確認後"),
        BoardLink("c", "3", "4"),
        BoardLink("d", "4", "5"),
        BoardLink("bad", "99", "1"),
        BoardLink("self", "3", "3"),
    )
    return Board(
        "転入手続き As-Is 業務フロー",
        2000,
        1200,
        notes,
        lanes,
        links,
        dt.date(2025, 6, 3),
        "BPR推進WG",
    )


_coord = st.floats(min_value=-500, max_value=5000, allow_nan=False)
_size = st.floats(min_value=1, max_value=2000, allow_nan=False)
_text = st.text(alphabet="あいう漢字テストAB 12。、「」\n", max_size=40)


@st.composite
def boards(draw: st.DrawFn) -> Board:
    """Random boards: any aspect, notes anywhere (also off the board), rotated, linked."""
    n = draw(st.integers(min_value=0, max_value=12))
    notes = tuple(
        BoardNote(
            str(i),
            draw(_coord),
            draw(_coord),
            draw(_size),
            draw(_size),
            draw(st.sampled_from(["yellow", "pink", "blue", "other", "mauve"])),
            draw(_text),
            rotation=draw(st.floats(min_value=-360, max_value=360)),
            z=draw(st.integers(-3, 3)),
        )
        for i in range(n)
    )
    ids = [str(i) for i in range(n + 1)]  # one id that does not exist
    links = tuple(
        BoardLink(f"l{k}", draw(st.sampled_from(ids)), draw(st.sampled_from(ids)))
        for k in range(draw(st.integers(0, 8)) if n else 0)
    )
    lanes = (BoardLane("L", "レーン", 0, draw(_coord), draw(_coord), draw(_size), draw(_size)),)
    width = draw(st.floats(min_value=10, max_value=5000))
    height = draw(st.floats(min_value=10, max_value=5000))
    return Board(draw(_text), width, height, notes, lanes, links)
