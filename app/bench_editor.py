"""Speed of the board editor (issue 5): load + render, drag frame rate, note PATCH round trip.

``run()`` serves the real app on a loopback port with a throwaway SQLite database, fills one
meeting with a 300-note board, then measures:

* the median round trip of ``PATCH /api/notes/{id}`` through HTTP (target ≤ 30 ms);
* in headless Chromium, the time from navigation start to the frame after all 300 notes
  are on the board (target ≤ 1 s);
* the frame rate during a scripted pointer drag of a note with links, from
  ``requestAnimationFrame`` timestamps (target ≥ 50 fps).

It needs Playwright and ``/usr/bin/chromium`` (``make test`` installs both); without them the
browser lines say so and the API figure is still measured.
"""

from __future__ import annotations

import logging
import socket
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from .config import Settings
from .loopback import CHROMIUM, CHROMIUM_ARGS, serve

log = logging.getLogger(__name__)

NOTES = 300
LINKS = 60
PATCHES = 200
DRAG_SECONDS = 2.0
COLORS = ["yellow", "pink", "blue", "green", "orange", "purple"]
TEXTS = ["申請書を受付", "本人確認", "手数料を収納", "住民票に記載", "台帳に登録", "決裁"]


def _fill_board(api: httpx.Client) -> tuple[int, list[dict[str, Any]]]:
    """A meeting with 4 lanes, NOTES notes in a grid and LINKS arrows between neighbours."""
    wg = api.post("/api/workgroups", json={"name": "ベンチマークWG"}).json()
    meeting = api.post(
        "/api/meetings",
        json={"workgroup_id": wg["id"], "title": "300枚のボード", "held_on": "2026-12-01"},
    ).json()
    mid = int(meeting["id"])
    for i, label in enumerate(["住民", "窓口", "担当課", "システム"]):
        api.post(f"/api/meetings/{mid}/lanes", json={"label": label, "y": i * 700, "h": 700})
    notes = []
    for i in range(NOTES):
        row, col = divmod(i, 20)
        body = {
            "x": 40 + col * 180,
            "y": 40 + row * 180,
            "w": 150,
            "h": 150,
            "color": COLORS[i % len(COLORS)],
            "text": f"{TEXTS[i % len(TEXTS)]}（{i + 1}）",
        }
        notes.append(api.post(f"/api/meetings/{mid}/notes", json=body).json())
    for i in range(LINKS):
        a, b = notes[i * 3], notes[i * 3 + 1]
        api.post(f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": b["id"]})
    return mid, notes


def _patch_round_trip(api: httpx.Client, note: dict[str, Any]) -> list[float]:
    times = []
    version = note["version"]
    for i in range(PATCHES):
        t0 = time.perf_counter()
        r = api.patch(f"/api/notes/{note['id']}", json={"version": version, "x": 40 + i % 50})
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        version = r.json()["version"]
    return times


_FRAME_AFTER = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
_FETCH_PATCHES = """async (id) => {
  let version = (await (await fetch(`/api/notes/${id}`)).json()).version;
  const times = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const r = await fetch(`/api/notes/${id}`, { method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ version, y: 40 + (i % 20) }) });
    version = (await r.json()).version;
    times.push(performance.now() - t0);
  }
  return times; }"""
_RECORD_FRAMES = """() => { window.__frames = []; window.__recording = true;
  const tick = (t) => { if (!window.__recording) return; window.__frames.push(t);
    requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""


def _browser_figures(base: str, mid: int, note_id: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
            loads = []
            for _ in range(4):
                # Via about:blank so that each is a full navigation (performance.now() counts
                # from its start), not a same-document hash change.
                page.goto("about:blank")
                page.goto(f"{base}/#/meetings/{mid}")
                page.wait_for_function(f"document.querySelectorAll('.note').length === {NOTES}")
                page.evaluate(_FRAME_AFTER)
                loads.append(page.evaluate("performance.now()"))
            fetch_ms = page.evaluate(_FETCH_PATCHES, note_id)
            note = page.locator(f"[data-note-id='{note_id}']")
            note.scroll_into_view_if_needed()
            box = note.bounding_box()
            assert box is not None
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.evaluate(_RECORD_FRAMES)
            start = time.monotonic()
            i = 0
            while time.monotonic() - start < DRAG_SECONDS:
                i += 1
                page.mouse.move(x + (i % 200), y + (i % 100) / 2)
            frames = page.evaluate("window.__recording = false, window.__frames")
            page.mouse.up()
        finally:
            browser.close()
    gaps = [b - a for a, b in zip(frames, frames[1:], strict=False)]
    fps = 1000 * len(gaps) / sum(gaps) if gaps else 0.0
    worst = max(gaps) if gaps else 0.0
    return [
        f"note PATCH from the page:  median {statistics.median(fetch_ms):.1f} ms over "
        f"{len(fetch_ms)} (fetch in headless Chromium, with the board's event stream open)",
        f"load + render {NOTES} notes:   first {loads[0]:.0f} ms in a fresh browser, then median "
        f"{statistics.median(loads[1:]):.0f} ms of {len(loads) - 1} (navigation start to the "
        "frame after the last note; target ≤ 1000 ms)",
        f"drag:                      {fps:.1f} fps over {len(frames)} frames, {i} pointer moves,"
        f" longest frame {worst:.1f} ms (target ≥ 50 fps)",
    ]


def run() -> list[str]:
    """Measure the editor's speed; returns the lines to print."""
    lines = ["board editor (issue 5), headless Chromium and the real app on SQLite"]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", ocr_engine="none")
        # TCP_NODELAY on the client too, as browsers set it.
        nodelay = httpx.HTTPTransport(
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        with (
            serve(settings) as base,
            httpx.Client(base_url=base, timeout=30, transport=nodelay) as api,
        ):
            mid, notes = _fill_board(api)
            times = _patch_round_trip(api, notes[-1])
            lines.append(
                f"note PATCH round trip:     median {statistics.median(times):.1f} ms, "
                f"p95 {sorted(times)[int(len(times) * 0.95)]:.1f} ms over {PATCHES} "
                "(HTTP on loopback; target ≤ 30 ms)"
            )
            if not CHROMIUM.exists():
                lines.append("browser figures skipped: /usr/bin/chromium is not installed")
                return lines
            try:
                lines += _browser_figures(base, mid, notes[3]["id"])
            except ImportError:
                lines.append("browser figures skipped: Playwright is not installed")
    return lines


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    for line in run():
        print(line)  # noqa: T201
