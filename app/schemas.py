"""Wire schemas (pydantic). Separate Create / Update / Public variants per resource."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ColorName = Literal["yellow", "pink", "blue", "green", "orange", "purple", "white", "other"]
PhotoStatus = Literal["queued", "processing", "done", "failed"]
WritingName = Literal["horizontal", "vertical"]
Coord = float
QuadPublic = list[list[float]]


class Strict(BaseModel):
    """Request bodies refuse unknown fields, so a typo is a 422 and not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    ocr_engine: str
    ocr_review_below: float | None = Field(
        description="notes whose confidence is below this should be flagged for review "
        "(depends on the engine; null without OCR)")
    database: str


class WorkgroupCreate(Strict):
    name: str = Field(min_length=1, max_length=200)


class WorkgroupPublic(BaseModel):
    id: int
    name: str
    created_at: dt.datetime


class WorkgroupsPublic(BaseModel):
    items: list[WorkgroupPublic]
    count: int


class MeetingCreate(Strict):
    workgroup_id: int
    title: str = Field(min_length=1, max_length=300)
    held_on: dt.date
    facilitator: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=200)


class MeetingPublic(BaseModel):
    id: int
    workgroup_id: int
    title: str
    held_on: dt.date
    facilitator: str
    place: str
    created_at: dt.datetime


class MeetingsPublic(BaseModel):
    items: list[MeetingPublic]
    count: int


class PhotoAccepted(BaseModel):
    id: int
    status: PhotoStatus


class PhotoPublic(BaseModel):
    id: int
    meeting_id: int
    filename: str
    content_type: str
    sha256: str
    size_bytes: int
    width: int | None
    height: int | None
    exif_orientation: int | None
    status: PhotoStatus
    error: str | None
    error_code: str | None
    note_count: int
    warnings: list[str]
    created_at: dt.datetime
    processed_at: dt.datetime | None


class MeetingDetail(MeetingPublic):
    photos: list[PhotoPublic]


class NoteCreate(Strict):
    x: Coord
    y: Coord
    w: Coord = Field(default=150.0, gt=0)
    h: Coord = Field(default=150.0, gt=0)
    rotation: float = 0.0
    color: ColorName = "yellow"
    text: str = Field(default="", max_length=2000)
    lane_id: int | None = None
    writing: WritingName = "horizontal"


class NoteUpdate(Strict):
    """A partial update. ``version`` must be the version the client last saw."""

    version: int
    x: Coord | None = None
    y: Coord | None = None
    w: Coord | None = Field(default=None, gt=0)
    h: Coord | None = Field(default=None, gt=0)
    rotation: float | None = None
    color: ColorName | None = None
    text: str | None = Field(default=None, max_length=2000)
    lane_id: int | None = None
    z: int | None = None
    writing: WritingName | None = None
    reviewed: bool | None = None


class NotePublic(BaseModel):
    id: int
    meeting_id: int
    photo_id: int | None
    x: float
    y: float
    w: float
    h: float
    rotation: float
    color: str
    rgb: list[int] | None
    text: str
    ocr_text: str | None
    confidence: float | None
    writing: str
    quad: QuadPublic | None
    lane_id: int | None
    z: int
    version: int
    has_image: bool
    reviewed: bool


class LaneCreate(Strict):
    label: str = Field(default="", max_length=200)
    order: int | None = None
    x: Coord = 0.0
    y: Coord
    w: Coord | None = Field(default=None, gt=0)
    h: Coord = Field(default=300.0, gt=0)


class LaneUpdate(Strict):
    version: int
    label: str | None = Field(default=None, max_length=200)
    order: int | None = None
    x: Coord | None = None
    y: Coord | None = None
    w: Coord | None = Field(default=None, gt=0)
    h: Coord | None = Field(default=None, gt=0)


class LanePublic(BaseModel):
    id: int
    meeting_id: int
    label: str
    order: int
    x: float
    y: float
    w: float
    h: float
    version: int


class LinkCreate(Strict):
    source_id: int
    target_id: int
    label: str = Field(default="", max_length=200)


class LinkPublic(BaseModel):
    id: int
    meeting_id: int
    source_id: int
    target_id: int
    label: str


class BoardPhoto(BaseModel):
    """A recognised photo of the board, for the editor's overlay (quads are in its pixels)."""

    id: int
    filename: str
    width: int | None
    height: int | None
    status: PhotoStatus


class BoardPublic(BaseModel):
    meeting_id: int
    version: int
    width: float
    height: float
    notes: list[NotePublic]
    lanes: list[LanePublic]
    links: list[LinkPublic]
    photos: list[BoardPhoto] = []
