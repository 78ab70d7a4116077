"""Meetings (会議) and their boards."""

from __future__ import annotations

from fastapi import APIRouter, status

from ... import crud, schemas
from ...convert import lane_public, link_public, meeting_public, note_public, photo_public
from ..deps import ActorDep, SessionDep

router = APIRouter(prefix="/api/meetings", tags=["meetings"])


@router.post("", status_code=status.HTTP_201_CREATED)
def create(
    body: schemas.MeetingCreate, session: SessionDep, actor: ActorDep
) -> schemas.MeetingPublic:
    return meeting_public(crud.create_meeting(session, body=body, actor=actor))


@router.get("")
def list_all(session: SessionDep, workgroup_id: int | None = None) -> schemas.MeetingsPublic:
    if workgroup_id is not None:
        crud.get_workgroup(session, workgroup_id=workgroup_id)
    rows = crud.list_meetings(session, workgroup_id=workgroup_id)
    return schemas.MeetingsPublic(items=[meeting_public(r) for r in rows], count=len(rows))


@router.get("/{meeting_id}")
def get(meeting_id: int, session: SessionDep) -> schemas.MeetingDetail:
    row = crud.get_meeting(session, meeting_id=meeting_id)
    counts = crud.note_counts(session, photo_ids=[p.id for p in row.photos])
    return schemas.MeetingDetail(
        **meeting_public(row).model_dump(),
        photos=[photo_public(p, counts.get(p.id, 0)) for p in row.photos],
    )


@router.get("/{meeting_id}/board")
def board(meeting_id: int, session: SessionDep) -> schemas.BoardPublic:
    row = crud.get_meeting(session, meeting_id=meeting_id)
    return schemas.BoardPublic(
        meeting_id=row.id,
        version=row.board_version,
        width=row.board_width,
        height=row.board_height,
        notes=[note_public(n) for n in crud.live_notes(session, meeting_id=meeting_id)],
        lanes=[lane_public(la) for la in crud.list_lanes(session, meeting_id=meeting_id)],
        links=[link_public(li) for li in crud.list_links(session, meeting_id=meeting_id)],
        photos=[
            schemas.BoardPhoto(
                id=p.id, filename=p.filename, width=p.width, height=p.height, status=p.status  # type: ignore[arg-type]
            )
            for p in row.photos
        ],
    )
