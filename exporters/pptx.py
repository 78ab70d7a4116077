"""Editable PowerPoint export of a board: one 16:9 slide, every note a real shape.

Two layers, as in python-pptx itself:

* :func:`layout` (in :mod:`exporters.pptx_layout`, re-exported here) is pure: ``Board`` →
  :class:`SlideLayout` (boxes and connectors in EMU, font sizes chosen). It builds no deck and
  is tested as plain data.
* :func:`render_pptx` turns a layout into ``.pptx`` bytes with the python-pptx API. The only XML
  access (East Asian font, arrowheads) is in :func:`_oxml_tweak_run` and
  :func:`_oxml_tweak_connector`.

Decisions (see also the README's design notes):

* **Fonts** – ``Meiryo UI`` for both ``a:latin`` and ``a:ea`` on every run, with ``lang=ja-JP``.
  It ships with Japanese Windows and Office; LibreOffice on Linux substitutes Noto Sans CJK JP,
  which is also the font text is measured with (:mod:`exporters.textfit`).
* **Colours** – the clean palette colour of the note's ``color`` name, not the measured ``rgb``:
  measured colours carry the photo's lighting (grey, yellowish casts) and look dirty on a slide.
  Unknown names fall back to ``other`` (light grey).
* **Links** – elbow connectors glued to the notes' connection sites, with a triangle arrowhead.
  A link whose source or target is not on the board, or that points at its own note, is skipped
  with a warning and listed in :attr:`SlideLayout.skipped_links`; an export never fails for one
  dangling arrow. A board that cannot be drawn at all raises
  :class:`~exporters.errors.InvalidBoardError`.
* **Names** – shapes are named ``title``, ``lane-<id>``, ``lane-label-<id>``, ``note-<id>``,
  ``link-<id>`` and ``link-label-<id>`` so that tools and tests can find them.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Length, Pt

from exporters.board import Board
from exporters.errors import PptxRenderError
from exporters.pptx_layout import (
    FONT_FACE,
    LINK_COLOUR,
    MUTED_TEXT,
    NOTE_FILL,
    RGB,
    TEXT_COLOUR,
    SlideBox,
    SlideConnector,
    SlideLayout,
    layout,
    note_fill,
)

__all__ = [
    "NOTE_FILL",
    "SlideBox",
    "SlideConnector",
    "SlideLayout",
    "layout",
    "note_fill",
    "render_pptx",
]

log = logging.getLogger(__name__)

# ------------------------------------------------------------------- rendering (python-pptx)


def render_pptx(board: Board) -> bytes:
    """An editable ``.pptx`` of the board: one slide, notes as shapes, links as connectors.

    Args:
        board: the board to export.

    Returns:
        The bytes of the ``.pptx`` file.

    Raises:
        InvalidBoardError: see :func:`layout`.
        PptxRenderError: python-pptx failed (a bug; the message asks to contact the admin).
    """
    plan = layout(board)
    try:
        return _render(plan, board)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.exception("building the deck failed")
        raise PptxRenderError() from exc


def _render(plan: SlideLayout, board: Board) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = plan.width, plan.height
    prs.core_properties.title = board.title
    prs.core_properties.author = board.workgroup or "Fusen"
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank layout
    shapes: dict[str, Any] = {}
    for box in plan.boxes:
        if box.kind != "link-label":
            shapes[box.name] = _add_box(slide, box)
    for conn in plan.connectors:
        _add_connector(slide, conn, shapes)
    for box in plan.boxes:  # link labels go above the arrows they label
        if box.kind == "link-label":
            shapes[box.name] = _add_box(slide, box)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _add_box(slide: Any, box: SlideBox) -> Any:
    if box.kind in ("note", "lane"):
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, box.left, box.top, box.width, box.height
        )
        shape.shadow.inherit = False
    else:
        shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
    shape.name = box.name
    shape.rotation = box.rotation
    if box.fill is None:
        shape.fill.background()
    else:
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(box.fill)
    if box.line is None:
        shape.line.fill.background()
    else:
        shape.line.color.rgb = _rgb(box.line)
        shape.line.width = Pt(0.75)
    if box.text or box.subtitle:
        _set_text(shape.text_frame, box)
    return shape


def _set_text(frame: Any, box: SlideBox) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = box.inset
    frame.margin_top = frame.margin_bottom = box.inset
    paragraphs = box.text.split("\n")
    for i, text in enumerate(paragraphs):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = PP_ALIGN.LEFT if box.align == "left" else PP_ALIGN.CENTER
        _add_run(para, text, box.font_size, TEXT_COLOUR, box.bold)
    if box.subtitle:
        size = Pt(max(8.0, box.font_size.pt * 0.6))
        _add_run(frame.paragraphs[-1], "　" + box.subtitle, size, MUTED_TEXT, False)


def _add_run(para: Any, text: str, size: Length, colour: RGB, bold: bool) -> None:
    run = para.add_run()
    run.text = text
    run.font.size = size
    run.font.bold = bold
    run.font.color.rgb = _rgb(colour)
    run.font.name = FONT_FACE
    _oxml_tweak_run(run)


def _add_connector(slide: Any, conn: SlideConnector, shapes: dict[str, Any]) -> None:
    (bx, by), (ex, ey) = conn.begin, conn.end
    connector = slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, bx, by, ex, ey)
    connector.begin_connect(shapes[conn.begin_name], conn.begin_idx)
    connector.end_connect(shapes[conn.end_name], conn.end_idx)
    connector.name = conn.name
    connector.line.color.rgb = _rgb(LINK_COLOUR)
    connector.line.width = Pt(1.5)
    _oxml_tweak_connector(connector)


def _rgb(colour: RGB) -> RGBColor:
    return RGBColor(*colour)  # type: ignore[no-untyped-call]


# --------------------------------------------------------------------------------- oxml
# The only XML-level access in the exporter. python-pptx has no API for these two things:
# * it writes only `a:latin`, so Japanese text would fall back to whatever font the viewer
#   picks (boxes in LibreOffice without a CJK default); `a:ea` must follow `a:latin` in
#   `a:rPr` (schema order latin, ea, cs, sym);
# * `a:ln` of a connector has no arrowhead property; `a:tailEnd` marks the end that touches
#   the target note (`a:headEnd` would be the begin).


def _oxml_tweak_run(run: Any) -> None:
    """Add ``<a:ea typeface=FONT_FACE/>`` after ``a:latin`` and mark the run as Japanese."""
    rPr = run._r.get_or_add_rPr()  # noqa: SLF001
    rPr.set("lang", "ja-JP")
    rPr.set("altLang", "en-US")
    latin = rPr.get_or_add_latin()
    for old in rPr.findall(qn("a:ea")):
        rPr.remove(old)
    ea = rPr.makeelement(qn("a:ea"), {"typeface": FONT_FACE})
    latin.addnext(ea)


def _oxml_tweak_connector(connector: Any) -> None:
    """Put a triangle arrowhead on the connector's end (the target side)."""
    ln = connector.line._get_or_add_ln()  # noqa: SLF001
    tail = ln.makeelement(qn("a:tailEnd"), {"type": "triangle", "w": "med", "len": "med"})
    ln.append(tail)
