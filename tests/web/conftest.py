"""Browser fixtures: the real app on a real Uvicorn server, driven by Debian's Chromium.

One server and one browser per module (launching is the slow part); each test gets a fresh
browser context so cookies, storage and open event streams never leak between tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.config import Settings
from app.loopback import CHROMIUM, CHROMIUM_ARGS, serve

from ..factories import new_meeting

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def web_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's data dir (its SQLite database is ``fusen.db`` in it)."""
    return tmp_path_factory.mktemp("web") / "data"


@pytest.fixture(scope="module")
def base_url(web_data_dir: Path) -> Iterator[str]:
    with serve(Settings(data_dir=web_data_dir, ocr_workers=1)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url, locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()  # closes the board's event stream before the server stops
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


@pytest.fixture
def meeting(api: httpx.Client, request: pytest.FixtureRequest) -> dict[str, Any]:
    """A fresh meeting (its own workgroup) created through the API."""
    return new_meeting(api, f"BPR推進WG {request.node.name}")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
