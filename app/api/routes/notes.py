"""Notes (付せん), links (矢印) and lanes (レーン) on a board."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from fastapi.responses import FileResponse

from ... import crud, schemas
from ...convert import lane_public, link_public, note_public
from ...errors import NotFoundError
from ..deps import ActorDep, SessionDep, StateDep

router = APIRouter(prefix="/api", tags=["board"])


@router.post("/meetings/{meeting_id}/notes", status_code=status.HTTP_201_CREATED)
def create_note(
    meeting_id: int, body: schemas.NoteCreate, session: SessionDep, actor: ActorDep
) -> schemas.NotePublic:
    return note_public(crud.create_note(session, meeting_id=meeting_id, body=body, actor=actor))


@router.get("/notes/{note_id}")
def get_note(note_id: int, session: SessionDep) -> schemas.NotePublic:
    return note_public(crud.get_note(session, note_id=note_id))


@router.patch("/notes/{note_id}", responses={409: {"description": "stale version"}})
def update_note(
    note_id: int, body: schemas.NoteUpdate, session: SessionDep, actor: ActorDep
) -> schemas.NotePublic:
    return note_public(crud.update_note(session, note_id=note_id, body=body, actor=actor))


@router.delete("/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_note(note_id: int, session: SessionDep, actor: ActorDep) -> Response:
    crud.delete_note(session, note_id=note_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/notes/{note_id}/restore")
def restore_note(note_id: int, session: SessionDep, actor: ActorDep) -> schemas.NotePublic:
    """Bring back a deleted note (the editor's undo of a delete)."""
    return note_public(crud.restore_note(session, note_id=note_id, actor=actor))


@router.get("/notes/{note_id}/image", response_class=FileResponse)
def note_image(note_id: int, session: SessionDep, state: StateDep) -> FileResponse:
    """The note's rectified crop from its photo (JPEG)."""
    note = crud.get_note(session, note_id=note_id)
    if note.image_key is None:
        raise NotFoundError(
            "この付せんには写真の切り抜きがありません（手で追加された付せんです）。"
        )
    return FileResponse(state.store.path(note.image_key), media_type="image/jpeg")


@router.post("/meetings/{meeting_id}/links", status_code=status.HTTP_201_CREATED)
def create_link(
    meeting_id: int, body: schemas.LinkCreate, session: SessionDep, actor: ActorDep
) -> schemas.LinkPublic:
    return link_public(crud.create_link(session, meeting_id=meeting_id, body=body, actor=actor))


@router.delete("/links/{link_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_link(link_id: int, session: SessionDep, actor: ActorDep) -> Response:
    crud.delete_link(session, link_id=link_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/meetings/{meeting_id}/lanes", status_code=status.HTTP_201_CREATED)
def create_lane(
    meeting_id: int, body: schemas.LaneCreate, session: SessionDep, actor: ActorDep
) -> schemas.LanePublic:
    return lane_public(crud.create_lane(session, meeting_id=meeting_id, body=body, actor=actor))


@router.patch("/lanes/{lane_id}", responses={409: {"description": "stale version"}})
def update_lane(
    lane_id: int, body: schemas.LaneUpdate, session: SessionDep, actor: ActorDep
) -> schemas.LanePublic:
    return lane_public(crud.update_lane(session, lane_id=lane_id, body=body, actor=actor))


@router.delete("/lanes/{lane_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_lane(lane_id: int, session: SessionDep, actor: ActorDep) -> Response:
    crud.delete_lane(session, lane_id=lane_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
