"""Exports of a meeting's board (書き出し)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Response

from exporters.pptx import render_pptx

from ... import crud
from ...convert import board_domain
from ..deps import SessionDep

router = APIRouter(prefix="/api/meetings", tags=["exports"])

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@router.get(
    "/{meeting_id}/export.pptx",
    response_class=Response,
    responses={200: {"content": {PPTX_TYPE: {}}, "description": "An editable PowerPoint deck"}},
)
def export_pptx(meeting_id: int, session: SessionDep) -> Response:
    """One slide with every note as an editable shape and links as attached connectors."""
    meeting = crud.get_meeting(session, meeting_id=meeting_id)
    board = board_domain(
        meeting,
        meeting.workgroup,
        crud.live_notes(session, meeting_id=meeting_id),
        crud.list_lanes(session, meeting_id=meeting_id),
        crud.list_links(session, meeting_id=meeting_id),
    )
    data = render_pptx(board)
    name = f"{meeting.held_on.isoformat()}_{meeting.title}.pptx"
    disposition = (
        f"attachment; filename=\"meeting-{meeting.id}.pptx\"; filename*=UTF-8''{quote(name)}"
    )
    return Response(data, media_type=PPTX_TYPE, headers={"Content-Disposition": disposition})
