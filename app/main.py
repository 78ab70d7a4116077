"""The FastAPI application: routers, error mapping, the web editor and the worker."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .api.deps import AppState
from .api.routes import events, exports, health, meetings, notes, photos, workgroups
from .config import Settings, get_settings
from .db import make_engine, make_sessionmaker
from .errors import install_error_handlers, problem
from .jobs import InProcessWorker
from .migrate import upgrade
from .ocr_setup import build_ocr_engine
from .recognition import Recognizer
from .storage import FileStore

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
MULTIPART_SLACK = 1024 * 1024


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class _BodyTooLarge(Exception):
    """The request body passed the upload limit while it was being read."""


class UploadLimit:
    """Refuse an oversized upload: from its Content-Length before reading the body, and by
    counting the bytes as they arrive when there is none (chunked transfer), so an endless
    body is never spooled to disk."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        cap = self.limit + MULTIPART_SLACK
        length = dict(scope["headers"]).get(b"content-length")
        if length and length.isdigit() and int(length) > cap:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        over = started = False

        async def counting_receive() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    over = True
                    raise _BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            # The route may turn the interrupted read into its own error (FastAPI answers a
            # form it could not parse with 400): that answer is replaced by the 413.
            nonlocal started
            if over and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except _BodyTooLarge:
            if started:
                raise
        if over and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from .api.routes.photos import too_large_detail

        mb = self.limit // (1024 * 1024)
        response = problem(413, "payload_too_large", "Content Too Large", too_large_detail(mb))
        await response(scope, receive, send)


def build_state(settings: Settings) -> tuple[AppState, InProcessWorker]:
    """Migrate the database and build everything the app holds for its lifetime."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    sessions = make_sessionmaker(engine)
    store = FileStore(settings.data_dir)
    ocr = build_ocr_engine(settings)
    worker = InProcessWorker(Recognizer(sessions, store, ocr), threads=settings.worker_threads)
    state = AppState(
        settings=settings, db=engine, sessions=sessions, store=store, jobs=worker, ocr=ocr
    )
    return state, worker


def _resume_pending(state: AppState) -> None:
    from sqlalchemy import select

    from .models import Photo

    with state.sessions() as s:
        pending = s.scalars(select(Photo.id).where(Photo.status.in_(("queued", "processing"))))
        for photo_id in pending:
            log.info("resuming recognition of photo %s", photo_id)
            state.jobs.submit(photo_id)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Migrations, the OCR engine and the worker start in its lifespan."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state, worker = build_state(settings)
        app.state.fusen = state
        worker.start()
        _resume_pending(state)
        log.info("Fusen ready (data dir %s, database %s)", settings.data_dir, state.db.dialect.name)
        try:
            yield
        finally:
            worker.stop()
            if state.ocr is not None:
                state.ocr.close()
            state.db.dispose()

    app = FastAPI(
        title="Fusen",
        version=__version__,
        summary="付せんの写真を編集できるデータに",
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    install_error_handlers(app)
    for router in (health, workgroups, meetings, photos, notes, exports, events):
        app.include_router(router.router)
    if WEB_DIR.is_dir():
        # Registered after the API so /api/* never falls through to static files.
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    app.add_middleware(UploadLimit, limit=settings.max_upload_bytes)
    return app
