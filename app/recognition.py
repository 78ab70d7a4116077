"""The recognition job: original photo -> vision pipeline -> note rows and crops.

Runs in the background worker; every outcome is written to the photo row, and a failure
never touches what was stored before (the original and earlier notes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from vision.errors import VisionError
from vision.io import decode_image
from vision.pipeline import recognize
from vision.types import OcrEngine, PhotoResult

from . import crud, models
from .convert import quad_to_json
from .db import session_scope
from .storage import FileStore

log = logging.getLogger(__name__)

PHOTO_GAP = 100.0
"""Board units between the boards of two photos of the same meeting, side by side."""

MAX_ATTEMPTS = 2
"""Recognition starts after which a photo still unfinished is marked failed (the process
died while on it twice: retrying at every restart would take the service down again)."""

GAVE_UP = (
    "この写真の認識を2回試みましたが、処理が完了しませんでした。写真は保存されています。"
    "解像度を下げた写真で撮り直すか、管理者に連絡してください。"
)

UNEXPECTED_FAILURE = (
    "写真の認識中に予期しないエラーが発生しました。写真は保存されています。"
    "時間をおいて再度お試しいただくか、管理者に連絡してください。"
)


@dataclass
class Recognizer:
    """Everything a recognition job needs, built once at start-up."""

    sessions: sessionmaker[Session]
    store: FileStore
    engine: OcrEngine | None

    def __call__(self, photo_id: int) -> None:
        """Recognise one photo and record the outcome on its row."""
        with session_scope(self.sessions) as s:
            photo = crud.get_photo(s, photo_id=photo_id)
            if photo.status in ("done", "failed"):
                return
            if photo.attempts >= MAX_ATTEMPTS:
                gave_up = True
            else:
                gave_up = False
                photo.attempts += 1
                photo.status = "processing"
            key = photo.storage_key
            if not gave_up:
                # Audited so that open boards (server-sent events) see 認識中 without polling.
                _audit_photo(s, photo, "process")
        if gave_up:
            log.error("photo %s: recognition did not finish in %d tries", photo_id, MAX_ATTEMPTS)
            self._fail(photo_id, GAVE_UP, "recognition_abandoned")
            return
        try:
            data = self.store.path(key).read_bytes()
            decoded = decode_image(data)
            self._record_size(photo_id, decoded.width, decoded.height, decoded.orientation)
            result = recognize(decoded.image, self.engine)
            self._store_result(photo_id, result)
        except VisionError as exc:
            log.info("photo %s failed: %s", photo_id, exc.code)
            self._fail(photo_id, exc.message, exc.code)
        except Exception:
            log.exception("photo %s: unexpected recognition failure", photo_id)
            self._fail(photo_id, UNEXPECTED_FAILURE, "internal_error")

    def _record_size(self, photo_id: int, width: int, height: int, orientation: int) -> None:
        with session_scope(self.sessions) as s:
            photo = crud.get_photo(s, photo_id=photo_id)
            photo.width, photo.height, photo.exif_orientation = width, height, orientation

    def _fail(self, photo_id: int, message: str, code: str) -> None:
        with session_scope(self.sessions) as s:
            photo = crud.get_photo(s, photo_id=photo_id)
            photo.status, photo.error, photo.error_code = "failed", message, code
            photo.processed_at = models.utcnow()
            s.flush()
            _audit_photo(s, photo, "fail")

    def _store_result(self, photo_id: int, result: PhotoResult) -> None:
        crop_keys = self._write_crops(photo_id, result)
        with session_scope(self.sessions) as s:
            photo = crud.get_photo(s, photo_id=photo_id)
            meeting = crud.get_meeting(s, meeting_id=photo.meeting_id)
            offset = _place_on_board(s, meeting, photo, result)
            ids = _insert_notes(s, photo, result, crop_keys, offset)
            _insert_links(s, photo.meeting_id, result, ids)
            photo.status, photo.error, photo.error_code = "done", None, None
            photo.warnings = list(result.warnings)
            photo.poster_quad = quad_to_json(result.poster_quad)
            photo.processed_at = models.utcnow()
            _audit_photo(s, photo, "recognize")
            crud.bump_board(s, meeting_id=photo.meeting_id)

    def _write_crops(self, photo_id: int, result: PhotoResult) -> dict[str, str]:
        keys: dict[str, str] = {}
        for note in result.notes:
            ok, buf = cv2.imencode(".jpg", note.crop, [cv2.IMWRITE_JPEG_QUALITY, 90])
            if not ok:
                continue
            key = f"crops/{photo_id}/{note.id}.jpg"
            self.store.write_bytes(key, buf.tobytes())
            keys[note.id] = key
        return keys


def _audit_photo(s: Session, photo: models.Photo, action: str) -> None:
    """Photo status changes are audited: open boards receive them as live events."""
    crud.audit(
        s, actor="system", action=action, row=photo, meeting_id=photo.meeting_id, before=None
    )


def _place_on_board(
    s: Session, meeting: models.Meeting, photo: models.Photo, result: PhotoResult
) -> float:
    """Put this photo's board right of the notes already on the meeting's board."""
    others = s.scalar(
        select(func.count())
        .select_from(models.Note)
        .where(models.Note.meeting_id == meeting.id, models.Note.deleted.is_(False))
    )
    if not others:
        meeting.board_width, meeting.board_height = result.board_width, result.board_height
        offset = 0.0
    else:
        offset = meeting.board_width + PHOTO_GAP
        meeting.board_width = offset + result.board_width
        meeting.board_height = max(meeting.board_height, result.board_height)
    photo.board_offset_x = offset
    return offset


def _insert_notes(
    s: Session,
    photo: models.Photo,
    result: PhotoResult,
    crop_keys: dict[str, str],
    offset: float,
) -> dict[str, int]:
    top = s.scalar(
        select(func.max(models.Note.z)).where(models.Note.meeting_id == photo.meeting_id)
    )
    z = top or 0
    ids: dict[str, int] = {}
    for note in result.notes:
        z += 1
        row = models.Note(
            meeting_id=photo.meeting_id,
            photo_id=photo.id,
            x=note.box.x + offset,
            y=note.box.y,
            w=note.box.w,
            h=note.box.h,
            rotation=note.box.rotation,
            color=note.region.color,
            rgb=list(note.region.rgb),
            text=note.text.text,
            ocr_text=note.text.text,
            confidence=note.text.confidence if note.text.status == "ok" else None,
            ocr_status=note.text.status,
            writing=note.text.writing,
            quad=quad_to_json(note.region.quad),
            image_key=crop_keys.get(note.id),
            z=z,
        )
        s.add(row)
        s.flush()
        ids[note.id] = row.id
    return ids


def _insert_links(s: Session, meeting_id: int, result: PhotoResult, ids: dict[str, int]) -> None:
    for link in result.links:
        if link.source in ids and link.target in ids:
            s.add(
                models.Link(
                    meeting_id=meeting_id, source_id=ids[link.source], target_id=ids[link.target]
                )
            )
