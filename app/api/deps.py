"""Typed dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from vision.types import OcrEngine

from ..config import Settings
from ..jobs import JobQueue
from ..storage import FileStore


@dataclass
class AppState:
    """What the app builds once at start-up (in ``lifespan``)."""

    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    store: FileStore
    jobs: JobQueue
    ocr: OcrEngine | None


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.fusen
    return state


def get_session(state: Annotated[AppState, Depends(get_state)]) -> Iterator[Session]:
    """One session per request, committed when the route returns without error."""
    session = state.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_actor(x_fusen_user: Annotated[str | None, Header()] = None) -> str:
    # Attribution only, until authentication lands (a later issue): the audit log records
    # who the client says it is, or "anonymous".
    return (x_fusen_user or "anonymous")[:200]


StateDep = Annotated[AppState, Depends(get_state)]
# scope="function": commit when the route returns, *before* the response is sent. With the
# default ("request") FastAPI sends the response first, so a client could read its own write
# back before it was committed (seen as a 404 for a workgroup just created).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ActorDep = Annotated[str, Depends(get_actor)]
