"""The app's error tree and the one place that turns errors into RFC 9457 problem JSON.

Every error a user can see carries a stable ``code`` and a Japanese ``detail`` that says what
to do. Vision and exporter errors are mapped here too, so routes never build responses for them.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from exporters.errors import ExportError
from vision.errors import VisionError

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """Base of errors the API reports. Subclasses fix ``status``, ``code`` and ``title``."""

    status: int = 500
    code: str = "internal_error"
    title: str = "Internal Server Error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra
        if code is not None:
            self.code = code


class NotFoundError(AppError):
    """An id that does not exist (or was deleted)."""

    status, code, title = 404, "not_found", "Not Found"


class ConflictError(AppError):
    """A stale version: someone else changed the object first."""

    status, code, title = 409, "version_conflict", "Conflict"


class UnsupportedMediaError(AppError):
    """An upload that is not a JPEG or PNG image."""

    status, code, title = 415, "unsupported_media_type", "Unsupported Media Type"


class PayloadTooLargeError(AppError):
    """An upload over ``FUSEN_MAX_UPLOAD_MB``."""

    status, code, title = 413, "payload_too_large", "Content Too Large"


class InvalidRequestError(AppError):
    """A request that is well-formed JSON but makes no sense (e.g. a link to itself)."""

    status, code, title = 422, "invalid_request", "Unprocessable Content"


def problem(status: int, code: str, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem-JSON response."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


_HTTP_DETAIL_JA = {
    404: "ページまたはデータが見つかりません。",
    405: "この操作は許可されていません。",
}


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path"))


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping from every error class to problem JSON."""

    @app.exception_handler(AppError)
    async def _app_error(_req: Request, exc: AppError) -> JSONResponse:
        return problem(exc.status, exc.code, exc.title, exc.detail, **exc.extra)

    @app.exception_handler(VisionError)
    async def _vision_error(_req: Request, exc: VisionError) -> JSONResponse:
        return problem(422, exc.code, "Unprocessable Content", exc.message)

    @app.exception_handler(ExportError)
    async def _export_error(_req: Request, exc: ExportError) -> JSONResponse:
        log.warning("export failed: %s", exc.code)
        return problem(500, exc.code, "Export Failed", exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_path(e.get("loc", ())), "message": e.get("msg", ""), "type": e["type"]}
            for e in exc.errors()
        ]
        fields = "、".join(sorted({e["field"] for e in errors if e["field"]})) or "リクエスト"
        detail = f"入力内容に誤りがあります（{fields}）。内容を確認してください。"
        return problem(422, "validation_error", "Unprocessable Content", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = _HTTP_DETAIL_JA.get(exc.status_code, "リクエストを処理できませんでした。")
        if isinstance(exc.detail, str) and any(ord(c) > 0x3000 for c in exc.detail):
            detail = exc.detail
        return problem(exc.status_code, f"http_{exc.status_code}", str(exc.detail), detail)

    @app.exception_handler(Exception)
    async def _unexpected(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return problem(
            500,
            "internal_error",
            "Internal Server Error",
            "サーバーで予期しないエラーが発生しました。しばらくしてからもう一度お試しください。",
        )
