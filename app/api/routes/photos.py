"""Photo upload and status. The original is stored durably before the 202 answer."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status
from fastapi.responses import FileResponse

from ... import crud, models, schemas
from ...convert import photo_public
from ...errors import PayloadTooLargeError, UnsupportedMediaError
from ...storage import TooLargeError
from ..deps import ActorDep, SessionDep, StateDep

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["photos"])

_SIGNATURES = {b"\xff\xd8\xff": ("image/jpeg", ".jpg"), b"\x89PNG\r\n\x1a\n": ("image/png", ".png")}

NOT_AN_IMAGE = "JPEG または PNG の写真を選んでください（このファイルは画像として扱えません）。"


def too_large_detail(limit_mb: int) -> str:
    return f"ファイルが大きすぎます（上限 {limit_mb} MB）。写真のサイズを小さくしてください。"


def sniff(head: bytes) -> tuple[str, str] | None:
    """Content type and suffix from the file's first bytes (the client's type is not trusted)."""
    for magic, kind in _SIGNATURES.items():
        if head.startswith(magic):
            return kind
    return None


@router.post(
    "/meetings/{meeting_id}/photos",
    status_code=status.HTTP_202_ACCEPTED,
    responses={413: {"description": "too large"}, 415: {"description": "not an image"}},
)
def upload(
    meeting_id: int,
    file: Annotated[UploadFile, File(description="JPEG or PNG photo of the poster")],
    session: SessionDep,
    state: StateDep,
    actor: ActorDep,
) -> schemas.PhotoAccepted:
    """Store the photo byte-for-byte, then queue it for recognition."""
    crud.get_meeting(session, meeting_id=meeting_id)
    kind = sniff(file.file.read(16))
    file.file.seek(0)
    if kind is None:
        raise UnsupportedMediaError(NOT_AN_IMAGE)
    limit = state.settings.max_upload_bytes
    try:
        stored = state.store.save_original(file.file, limit=limit, suffix=kind[1])
    except TooLargeError:
        raise PayloadTooLargeError(too_large_detail(state.settings.max_upload_mb)) from None
    photo = models.Photo(
        meeting_id=meeting_id,
        filename=(file.filename or "")[:300],
        content_type=kind[0],
        sha256=stored.sha256,
        size_bytes=stored.size,
        storage_key=stored.key,
        status="queued",
        warnings=[],
    )
    session.add(photo)
    session.flush()
    crud.audit(session, actor=actor, action="upload", row=photo, meeting_id=meeting_id, before=None)
    session.commit()
    state.jobs.submit(photo.id)
    return schemas.PhotoAccepted(id=photo.id, status="queued")


@router.get("/photos/{photo_id}")
def get(photo_id: int, session: SessionDep) -> schemas.PhotoPublic:
    row = crud.get_photo(session, photo_id=photo_id)
    return photo_public(row, crud.note_counts(session, photo_ids=[row.id]).get(row.id, 0))


@router.get("/photos/{photo_id}/original", response_class=FileResponse)
def original(photo_id: int, session: SessionDep, state: StateDep) -> FileResponse:
    """The original file exactly as uploaded."""
    row = crud.get_photo(session, photo_id=photo_id)
    return FileResponse(
        state.store.path(row.storage_key),
        media_type=row.content_type,
        filename=row.filename or None,
    )
