"""Reads and writes of rows. Keyword-only functions; every change writes an AuditEvent.

Functions flush but do not commit: the caller's session scope decides.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import models, schemas
from .convert import lane_public, snapshot
from .errors import ConflictError, InvalidRequestError, NotFoundError


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    row: models.Base,
    meeting_id: int | None,
    before: dict[str, Any] | None,
) -> None:
    """Append one audit event describing a change to ``row``."""
    after = None if action == "delete" else snapshot(row)
    session.add(
        models.AuditEvent(
            actor=actor,
            action=action,
            entity=row.__tablename__,
            entity_id=getattr(row, "id", None),
            meeting_id=meeting_id,
            before=before,
            after=after,
        )
    )


def bump_board(session: Session, *, meeting_id: int) -> None:
    """Advance a meeting's board version (one counter for every board change)."""
    session.execute(
        update(models.Meeting)
        .where(models.Meeting.id == meeting_id)
        .values(board_version=models.Meeting.board_version + 1)
    )


# --- workgroups and meetings -------------------------------------------------------------


def create_workgroup(
    session: Session, *, body: schemas.WorkgroupCreate, actor: str
) -> models.Workgroup:
    name = body.name.strip()
    if session.scalar(select(models.Workgroup).where(models.Workgroup.name == name)):
        raise ConflictError(f"ワーキンググループ「{name}」は既にあります。", code="duplicate_name")
    row = models.Workgroup(name=name)
    session.add(row)
    session.flush()
    audit(session, actor=actor, action="create", row=row, meeting_id=None, before=None)
    return row


def list_workgroups(session: Session) -> list[models.Workgroup]:
    return list(session.scalars(select(models.Workgroup).order_by(models.Workgroup.name)))


def get_workgroup(session: Session, *, workgroup_id: int) -> models.Workgroup:
    row = session.get(models.Workgroup, workgroup_id)
    if row is None:
        raise NotFoundError(f"ワーキンググループ（ID {workgroup_id}）が見つかりません。")
    return row


def create_meeting(session: Session, *, body: schemas.MeetingCreate, actor: str) -> models.Meeting:
    get_workgroup(session, workgroup_id=body.workgroup_id)
    row = models.Meeting(
        workgroup_id=body.workgroup_id,
        title=body.title.strip(),
        held_on=body.held_on,
        facilitator=body.facilitator.strip(),
        place=body.place.strip(),
    )
    session.add(row)
    session.flush()
    audit(session, actor=actor, action="create", row=row, meeting_id=row.id, before=None)
    return row


def list_meetings(session: Session, *, workgroup_id: int | None) -> list[models.Meeting]:
    stmt = select(models.Meeting).order_by(models.Meeting.held_on.desc(), models.Meeting.id.desc())
    if workgroup_id is not None:
        stmt = stmt.where(models.Meeting.workgroup_id == workgroup_id)
    return list(session.scalars(stmt))


def get_meeting(session: Session, *, meeting_id: int) -> models.Meeting:
    row = session.get(models.Meeting, meeting_id)
    if row is None:
        raise NotFoundError(f"会議（ID {meeting_id}）が見つかりません。")
    return row


# --- photos ----------------------------------------------------------------------------


def get_photo(session: Session, *, photo_id: int) -> models.Photo:
    row = session.get(models.Photo, photo_id)
    if row is None:
        raise NotFoundError(f"写真（ID {photo_id}）が見つかりません。")
    return row


def note_counts(session: Session, *, photo_ids: list[int]) -> dict[int, int]:
    """Live notes per photo."""
    if not photo_ids:
        return {}
    rows = session.execute(
        select(models.Note.photo_id, func.count())
        .where(models.Note.photo_id.in_(photo_ids), models.Note.deleted.is_(False))
        .group_by(models.Note.photo_id)
    )
    return {int(pid): int(n) for pid, n in rows if pid is not None}


# --- notes -----------------------------------------------------------------------------


def get_note(session: Session, *, note_id: int) -> models.Note:
    row = session.get(models.Note, note_id)
    if row is None or row.deleted:
        raise NotFoundError(f"付せん（ID {note_id}）が見つかりません。")
    return row


def live_notes(session: Session, *, meeting_id: int) -> list[models.Note]:
    return list(
        session.scalars(
            select(models.Note)
            .where(models.Note.meeting_id == meeting_id, models.Note.deleted.is_(False))
            .order_by(models.Note.z, models.Note.id)
        )
    )


def _check_lane(session: Session, *, lane_id: int | None, meeting_id: int) -> None:
    if lane_id is None:
        return
    lane = session.get(models.Lane, lane_id)
    if lane is None or lane.meeting_id != meeting_id:
        raise InvalidRequestError(f"レーン（ID {lane_id}）はこの会議にありません。")


def create_note(
    session: Session, *, meeting_id: int, body: schemas.NoteCreate, actor: str
) -> models.Note:
    get_meeting(session, meeting_id=meeting_id)
    _check_lane(session, lane_id=body.lane_id, meeting_id=meeting_id)
    top = session.scalar(
        select(func.max(models.Note.z)).where(models.Note.meeting_id == meeting_id)
    )
    fields = body.model_dump()
    if "lane_id" not in body.model_fields_set:
        fields["lane_id"] = lane_at(list_lanes(session, meeting_id=meeting_id), fields)
    row = models.Note(meeting_id=meeting_id, **fields, z=(top or 0) + 1)
    session.add(row)
    session.flush()
    audit(session, actor=actor, action="create", row=row, meeting_id=meeting_id, before=None)
    bump_board(session, meeting_id=meeting_id)
    return row


_NULLABLE_NOTE_FIELDS = {"lane_id"}
_GEOMETRY = {"x", "y", "w", "h"}


def update_note(
    session: Session, *, note_id: int, body: schemas.NoteUpdate, actor: str
) -> models.Note:
    """Apply a partial update if ``body.version`` is still current.

    Raises:
        ConflictError: the note changed since the client read it; ``current`` holds it now.
    """
    row = get_note(session, note_id=note_id)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    for key, value in changes.items():
        if value is None and key not in _NULLABLE_NOTE_FIELDS:
            raise InvalidRequestError(f"「{key}」を空にすることはできません。")
    if "lane_id" in changes:
        _check_lane(session, lane_id=changes["lane_id"], meeting_id=row.meeting_id)
    elif _GEOMETRY & changes.keys():
        # The lane follows from where the note sits (issue 5), unless the client names one.
        box = {k: changes.get(k, getattr(row, k)) for k in _GEOMETRY}
        lane_id = lane_at(list_lanes(session, meeting_id=row.meeting_id), box)
        if lane_id != row.lane_id:
            changes["lane_id"] = lane_id
    before = snapshot(row)
    # Compare-and-set in SQL so two writers cannot both win, on SQLite and PostgreSQL alike.
    result = session.execute(
        update(models.Note)
        .where(models.Note.id == note_id, models.Note.version == body.version)
        .values(**changes, version=models.Note.version + 1, updated_at=models.utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(row)
        from .convert import note_public

        raise ConflictError(
            "この付せんは他の人が先に変更しました。最新の内容を確認してからもう一度保存してください。",
            current=note_public(row).model_dump(mode="json"),
        )
    session.refresh(row)
    audit(session, actor=actor, action="update", row=row, meeting_id=row.meeting_id, before=before)
    bump_board(session, meeting_id=row.meeting_id)
    return row


def delete_note(session: Session, *, note_id: int, actor: str) -> None:
    """Soft-delete a note (it stays in the database and the audit log) and drop its links."""
    row = get_note(session, note_id=note_id)
    before = snapshot(row)
    row.deleted = True
    row.version += 1
    for link in session.scalars(
        select(models.Link).where(
            (models.Link.source_id == note_id) | (models.Link.target_id == note_id)
        )
    ):
        delete_link(session, link_id=link.id, actor=actor)
    session.flush()
    audit(session, actor=actor, action="delete", row=row, meeting_id=row.meeting_id, before=before)
    bump_board(session, meeting_id=row.meeting_id)


def restore_note(session: Session, *, note_id: int, actor: str) -> models.Note:
    """Undo a soft delete: the same row (same id, text and crop) comes back on the board.

    Restoring a note that is not deleted changes nothing. Its links were deleted with it;
    the client that undoes the delete creates them again.
    """
    row = session.get(models.Note, note_id)
    if row is None:
        raise NotFoundError(f"付せん（ID {note_id}）が見つかりません。")
    if not row.deleted:
        return row
    before = snapshot(row)
    row.deleted = False
    row.version += 1
    row.lane_id = lane_at(list_lanes(session, meeting_id=row.meeting_id), snapshot(row))
    session.flush()
    audit(session, actor=actor, action="restore", row=row, meeting_id=row.meeting_id, before=before)
    bump_board(session, meeting_id=row.meeting_id)
    return row


# --- lanes -----------------------------------------------------------------------------


def lane_at(lanes: list[models.Lane], box: dict[str, Any]) -> int | None:
    """The lane holding the centre of ``box`` (board units): the first by order, or ``None``.

    This is the one rule for a note's lane (issue 5): the server applies it whenever a note
    or a lane moves, so every client and the exporters agree.
    """
    cx, cy = box["x"] + box["w"] / 2, box["y"] + box["h"] / 2
    for lane in lanes:
        if lane.x <= cx < lane.x + lane.w and lane.y <= cy < lane.y + lane.h:
            return lane.id
    return None


def reassign_lanes(session: Session, *, meeting_id: int) -> None:
    """Recompute every live note's lane after a lane was added, moved, resized or deleted.

    The lane is derived from the geometry, so this does not bump the notes' versions: an
    edit someone is making to a note's text must not turn into a conflict because a lane
    band moved under it.
    """
    session.flush()
    lanes = list_lanes(session, meeting_id=meeting_id)
    for note in live_notes(session, meeting_id=meeting_id):
        lane_id = lane_at(lanes, {"x": note.x, "y": note.y, "w": note.w, "h": note.h})
        if lane_id != note.lane_id:
            note.lane_id = lane_id
    session.flush()


def get_lane(session: Session, *, lane_id: int) -> models.Lane:
    row = session.get(models.Lane, lane_id)
    if row is None:
        raise NotFoundError(f"レーン（ID {lane_id}）が見つかりません。")
    return row


def list_lanes(session: Session, *, meeting_id: int) -> list[models.Lane]:
    return list(
        session.scalars(
            select(models.Lane)
            .where(models.Lane.meeting_id == meeting_id)
            .order_by(models.Lane.order, models.Lane.id)
        )
    )


def create_lane(
    session: Session, *, meeting_id: int, body: schemas.LaneCreate, actor: str
) -> models.Lane:
    meeting = get_meeting(session, meeting_id=meeting_id)
    order = body.order
    if order is None:
        top = session.scalar(
            select(func.max(models.Lane.order)).where(models.Lane.meeting_id == meeting_id)
        )
        order = (top if top is not None else -1) + 1
    row = models.Lane(
        meeting_id=meeting_id,
        label=body.label.strip(),
        order=order,
        x=body.x,
        y=body.y,
        w=body.w if body.w is not None else meeting.board_width,
        h=body.h,
    )
    session.add(row)
    session.flush()
    audit(session, actor=actor, action="create", row=row, meeting_id=meeting_id, before=None)
    reassign_lanes(session, meeting_id=meeting_id)
    bump_board(session, meeting_id=meeting_id)
    return row


def update_lane(
    session: Session, *, lane_id: int, body: schemas.LaneUpdate, actor: str
) -> models.Lane:
    row = get_lane(session, lane_id=lane_id)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    if any(v is None for v in changes.values()):
        raise InvalidRequestError("空にできない項目が空になっています。")
    before = snapshot(row)
    result = session.execute(
        update(models.Lane)
        .where(models.Lane.id == lane_id, models.Lane.version == body.version)
        .values(**changes, version=models.Lane.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError(
            "このレーンは他の人が先に変更しました。最新の内容を確認してください。",
            current=lane_public(row).model_dump(mode="json"),
        )
    audit(session, actor=actor, action="update", row=row, meeting_id=row.meeting_id, before=before)
    if changes.keys() - {"label"}:
        reassign_lanes(session, meeting_id=row.meeting_id)
    bump_board(session, meeting_id=row.meeting_id)
    return row


def delete_lane(session: Session, *, lane_id: int, actor: str) -> None:
    """Delete a lane; its notes stay on the board without a lane."""
    row = get_lane(session, lane_id=lane_id)
    before = snapshot(row)
    session.execute(update(models.Note).where(models.Note.lane_id == lane_id).values(lane_id=None))
    session.delete(row)
    session.flush()
    audit(session, actor=actor, action="delete", row=row, meeting_id=row.meeting_id, before=before)
    reassign_lanes(session, meeting_id=row.meeting_id)
    bump_board(session, meeting_id=row.meeting_id)


# --- links -----------------------------------------------------------------------------


def list_links(session: Session, *, meeting_id: int) -> list[models.Link]:
    return list(
        session.scalars(
            select(models.Link).where(models.Link.meeting_id == meeting_id).order_by(models.Link.id)
        )
    )


def create_link(
    session: Session, *, meeting_id: int, body: schemas.LinkCreate, actor: str
) -> models.Link:
    get_meeting(session, meeting_id=meeting_id)
    if body.source_id == body.target_id:
        raise InvalidRequestError("矢印の始点と終点に同じ付せんは指定できません。")
    for note_id in (body.source_id, body.target_id):
        note = get_note(session, note_id=note_id)
        if note.meeting_id != meeting_id:
            raise InvalidRequestError(f"付せん（ID {note_id}）はこの会議にありません。")
    row = models.Link(meeting_id=meeting_id, **body.model_dump())
    session.add(row)
    session.flush()
    audit(session, actor=actor, action="create", row=row, meeting_id=meeting_id, before=None)
    bump_board(session, meeting_id=meeting_id)
    return row


def delete_link(session: Session, *, link_id: int, actor: str) -> None:
    row = session.get(models.Link, link_id)
    if row is None:
        raise NotFoundError(f"矢印（ID {link_id}）が見つかりません。")
    before = snapshot(row)
    session.delete(row)
    session.flush()
    audit(session, actor=actor, action="delete", row=row, meeting_id=row.meeting_id, before=before)
    bump_board(session, meeting_id=row.meeting_id)
