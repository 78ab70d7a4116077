"""Database rows (SQLAlchemy 2). Wire schemas live in ``schemas.py``; conversions in ``convert.py``.

Board positions are in board units (see ``vision.types.BOARD_WIDTH``); quads in upright-photo
pixels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Timezone-aware now, for defaults computed in Python (same on every database)."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Base of every table."""


class Workgroup(Base):
    """A working group (ワーキンググループ)."""

    __tablename__ = "workgroups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meetings: Mapped[list[Meeting]] = relationship(back_populates="workgroup")


class Meeting(Base):
    """A meeting (会議) and its board."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workgroup_id: Mapped[int] = mapped_column(ForeignKey("workgroups.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[dt.date] = mapped_column(Date)
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    board_width: Mapped[float] = mapped_column(Float, default=2000.0)
    board_height: Mapped[float] = mapped_column(Float, default=1400.0)
    board_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    workgroup: Mapped[Workgroup] = relationship(back_populates="meetings")
    photos: Mapped[list[Photo]] = relationship(back_populates="meeting", order_by="Photo.id")


class Photo(Base):
    """An uploaded photo. The original is stored byte-for-byte before this row exists."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(300))
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exif_orientation: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Recognition starts so far: a photo that brings the process down (out of memory) is
    given up after ``MAX_ATTEMPTS`` instead of being retried at every restart."""
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    poster_quad: Mapped[list[list[float]] | None] = mapped_column(JSON, nullable=True)
    board_offset_x: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    meeting: Mapped[Meeting] = relationship(back_populates="photos")


class Lane(Base):
    """A swimlane band (レーン) on a meeting's board."""

    __tablename__ = "lanes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    order: Mapped[int] = mapped_column("sort_order", Integer, default=0)
    x: Mapped[float] = mapped_column(Float, default=0.0)
    y: Mapped[float] = mapped_column(Float, default=0.0)
    w: Mapped[float] = mapped_column(Float, default=2000.0)
    h: Mapped[float] = mapped_column(Float, default=300.0)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Note(Base):
    """A sticky note (付せん) on a meeting's board."""

    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_meeting_deleted", "meeting_id", "deleted"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"), nullable=True)
    lane_id: Mapped[int | None] = mapped_column(
        ForeignKey("lanes.id", ondelete="SET NULL"), nullable=True
    )
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    w: Mapped[float] = mapped_column(Float)
    h: Mapped[float] = mapped_column(Float)
    rotation: Mapped[float] = mapped_column(Float, default=0.0)
    color: Mapped[str] = mapped_column(String(20), default="yellow")
    rgb: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    ocr_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    writing: Mapped[str] = mapped_column(String(12), default="horizontal")
    ocr_status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    quad: Mapped[list[list[float]] | None] = mapped_column(JSON, nullable=True)
    image_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    z: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Soft delete: an undo restores the same row, and nothing a person wrote is ever lost.
    deleted: Mapped[bool] = mapped_column(default=False)
    # A person has checked the OCR text (the editor's 要確認 review, issue 5).
    reviewed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Link(Base):
    """An arrow (矢印) from one note to another."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("notes.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200), default="")


class AuditEvent(Base):
    """Append-only record of every change: who, when, what, before and after."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    meeting_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
