"""Live board changes as server-sent events, so everyone with a board open sees edits.

The audit log is the event source: each change already writes an ``AuditEvent`` in the same
transaction, so streaming the log (``id > Last-Event-ID``) is exact, survives reconnects and
works across several server processes on PostgreSQL as on SQLite.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ... import crud, models
from ...convert import public_from_snapshot
from ..deps import StateDep

router = APIRouter(prefix="/api/meetings", tags=["events"])

POLL_SECONDS = 0.25
KEEPALIVE_SECONDS = 15.0
BOARD_ENTITIES = ("notes", "links", "lanes", "photos")


def _fetch(state: Any, meeting_id: int, after: int) -> tuple[list[dict[str, Any]], int]:
    with state.sessions() as s:
        rows = s.scalars(
            select(models.AuditEvent)
            .where(models.AuditEvent.meeting_id == meeting_id, models.AuditEvent.id > after)
            .where(models.AuditEvent.entity.in_(BOARD_ENTITIES))
            .order_by(models.AuditEvent.id)
            .limit(500)
        ).all()
        version = s.get(models.Meeting, meeting_id)
        board_version = version.board_version if version else 0
        return [_event(r) for r in rows], board_version


def _event(row: models.AuditEvent) -> dict[str, Any]:
    snap = row.after if row.after is not None else row.before
    return {
        "id": row.id,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "actor": row.actor,
        "data": public_from_snapshot(row.entity, snap) if snap else None,
    }


def _latest_id(state: Any, meeting_id: int) -> int:
    with state.sessions() as s:
        crud.get_meeting(s, meeting_id=meeting_id)
        last = s.scalar(
            select(models.AuditEvent.id)
            .where(models.AuditEvent.meeting_id == meeting_id)
            .order_by(models.AuditEvent.id.desc())
            .limit(1)
        )
        return int(last or 0)


@router.get("/{meeting_id}/events", response_class=StreamingResponse)
async def events(
    meeting_id: int,
    request: Request,
    state: StateDep,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """``text/event-stream`` of ``change`` events (one per audited change) for this board."""
    latest = await run_in_threadpool(_latest_id, state, meeting_id)
    start = int(last_event_id) if last_event_id and last_event_id.isdigit() else latest

    async def stream() -> AsyncIterator[str]:
        after, idle = start, 0.0
        yield f"retry: 2000\nevent: hello\ndata: {json.dumps({'last_id': after})}\n\n"
        while not await request.is_disconnected():
            batch, board_version = await run_in_threadpool(_fetch, state, meeting_id, after)
            for ev in batch:
                after = ev["id"]
                ev["board_version"] = board_version
                yield f"id: {after}\nevent: change\ndata: {json.dumps(ev, ensure_ascii=False)}\n\n"
            idle = 0.0 if batch else idle + POLL_SECONDS
            if idle >= KEEPALIVE_SECONDS:
                idle = 0.0
                yield ": keepalive\n\n"
            await asyncio.sleep(POLL_SECONDS)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)
