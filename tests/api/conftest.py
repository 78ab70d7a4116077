"""API fixtures: the ASGI app through TestClient (lifespan runs: migrations, OCR, worker)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

from ..factories import new_meeting
from ..pg_server import PgServer, pg_bin


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (make test installs it)")
    server = PgServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database the test runs on; modules parametrize it indirectly."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def settings(data_dir: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    url = ""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_server").new_database()
    return Settings(data_dir=data_dir, database_url=url, ocr_workers=1)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def meeting(client: TestClient) -> dict[str, Any]:
    return new_meeting(client)


def wait_photo(client: TestClient, photo_id: int, timeout: float = 120.0) -> dict[str, Any]:
    """Poll the photo until the worker has finished with it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/api/photos/{photo_id}").json()
        if body["status"] in ("done", "failed"):
            return dict(body)
        time.sleep(0.1)
    raise AssertionError(f"photo {photo_id} still {body['status']} after {timeout}s")
