"""Readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from ... import __version__, schemas
from ..deps import SessionDep, StateDep

router = APIRouter(prefix="/api", tags=["health"])


@router.get("/health")
def health(state: StateDep, session: SessionDep) -> schemas.Health:
    """Answers once the database is migrated and the worker is running."""
    session.execute(text("SELECT 1"))
    return schemas.Health(
        status="ok",
        version=__version__,
        ocr_engine=state.ocr.name if state.ocr else "none",
        ocr_review_below=state.ocr.review_below if state.ocr else None,
        database=state.db.dialect.name,
    )
