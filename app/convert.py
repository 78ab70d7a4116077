"""Conversions between the three kinds of type: DB rows, wire schemas, domain dataclasses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect as sa_inspect

from exporters.board import Board, BoardLane, BoardLink, BoardNote
from vision.types import Quad

from . import models, schemas


def quad_to_json(quad: Quad | None) -> list[list[float]] | None:
    """A quad as JSON lists, rounded to 0.1 px."""
    if quad is None:
        return None
    return [[round(float(x), 1), round(float(y), 1)] for x, y in quad]


def workgroup_public(row: models.Workgroup) -> schemas.WorkgroupPublic:
    return schemas.WorkgroupPublic(id=row.id, name=row.name, created_at=row.created_at)


def meeting_public(row: models.Meeting) -> schemas.MeetingPublic:
    return schemas.MeetingPublic(
        id=row.id,
        workgroup_id=row.workgroup_id,
        title=row.title,
        held_on=row.held_on,
        facilitator=row.facilitator,
        place=row.place,
        created_at=row.created_at,
    )


def photo_public(row: models.Photo, note_count: int) -> schemas.PhotoPublic:
    return schemas.PhotoPublic(
        id=row.id,
        meeting_id=row.meeting_id,
        filename=row.filename,
        content_type=row.content_type,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        width=row.width,
        height=row.height,
        exif_orientation=row.exif_orientation,
        status=row.status,  # type: ignore[arg-type]
        error=row.error,
        error_code=row.error_code,
        note_count=note_count,
        warnings=list(row.warnings or []),
        created_at=row.created_at,
        processed_at=row.processed_at,
    )


def note_public(row: models.Note) -> schemas.NotePublic:
    return schemas.NotePublic(
        id=row.id,
        meeting_id=row.meeting_id,
        photo_id=row.photo_id,
        x=row.x,
        y=row.y,
        w=row.w,
        h=row.h,
        rotation=row.rotation,
        color=row.color,
        rgb=row.rgb,
        text=row.text,
        ocr_text=row.ocr_text,
        confidence=row.confidence,
        writing=row.writing,
        quad=row.quad,
        lane_id=row.lane_id,
        z=row.z,
        version=row.version,
        has_image=row.image_key is not None,
        reviewed=row.reviewed,
    )


def lane_public(row: models.Lane) -> schemas.LanePublic:
    return schemas.LanePublic(
        id=row.id,
        meeting_id=row.meeting_id,
        label=row.label,
        order=row.order,
        x=row.x,
        y=row.y,
        w=row.w,
        h=row.h,
        version=row.version,
    )


def link_public(row: models.Link) -> schemas.LinkPublic:
    return schemas.LinkPublic(
        id=row.id,
        meeting_id=row.meeting_id,
        source_id=row.source_id,
        target_id=row.target_id,
        label=row.label,
    )


def snapshot(row: models.Base) -> dict[str, Any]:
    """A row's column values as JSON-safe data, for the audit log."""
    out: dict[str, Any] = {}
    for attr in sa_inspect(row).mapper.column_attrs:
        value = getattr(row, attr.key)
        out[attr.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def board_domain(
    meeting: models.Meeting,
    workgroup: models.Workgroup,
    notes: list[models.Note],
    lanes: list[models.Lane],
    links: list[models.Link],
) -> Board:
    """The exporters' view of a meeting's board."""
    return Board(
        title=meeting.title,
        width=meeting.board_width,
        height=meeting.board_height,
        held_on=meeting.held_on,
        workgroup=workgroup.name,
        notes=tuple(
            BoardNote(
                id=str(n.id),
                x=n.x,
                y=n.y,
                w=n.w,
                h=n.h,
                rotation=n.rotation,
                color=n.color,
                rgb=(n.rgb[0], n.rgb[1], n.rgb[2]) if n.rgb else None,
                text=n.text,
                lane_id=str(n.lane_id) if n.lane_id is not None else None,
                z=n.z,
            )
            for n in notes
        ),
        lanes=tuple(
            BoardLane(id=str(la.id), label=la.label, order=la.order, x=la.x, y=la.y, w=la.w, h=la.h)
            for la in lanes
        ),
        links=tuple(
            BoardLink(
                id=str(li.id), source=str(li.source_id), target=str(li.target_id), label=li.label
            )
            for li in links
        ),
    )


def public_from_snapshot(entity: str, snap: dict[str, Any]) -> dict[str, Any]:
    """The public JSON of a row from its audit snapshot (what live clients apply)."""
    if entity == "notes":
        data = {k: snap.get(k) for k in schemas.NotePublic.model_fields if k != "has_image"}
        data["has_image"] = snap.get("image_key") is not None
        data["deleted"] = bool(snap.get("deleted"))
        return data
    if entity == "lanes":
        return {k: snap.get(k) for k in schemas.LanePublic.model_fields}
    if entity == "links":
        return {k: snap.get(k) for k in schemas.LinkPublic.model_fields}
    if entity == "photos":
        keep = ("id", "meeting_id", "status", "error", "filename")
        return {k: snap.get(k) for k in keep}
    return {}
