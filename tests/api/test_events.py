"""Server-sent events: a change made by one client reaches another, through a real server."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import httpx

from app.config import Settings
from app.loopback import serve


def _read_events(url: str, want: int, out: list[dict[str, Any]], ready: threading.Event) -> None:
    with httpx.stream("GET", url, timeout=20) as r:
        event = ""
        for line in r.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
                if event == "hello":
                    ready.set()
            elif line.startswith("data: ") and event == "change":
                out.append(json.loads(line[6:]))
                if len(out) >= want:
                    return


def test_changes_stream_to_other_clients(data_dir: Path) -> None:
    with serve(Settings(data_dir=data_dir, ocr_engine="none")) as base:
        api = httpx.Client(base_url=base, timeout=10)
        wg = api.post("/api/workgroups", json={"name": "WG"}).json()
        m = api.post(
            "/api/meetings", json={"workgroup_id": wg["id"], "title": "t", "held_on": "2026-11-20"}
        ).json()
        got: list[dict[str, Any]] = []
        ready = threading.Event()
        reader = threading.Thread(
            target=_read_events, args=(f"{base}/api/meetings/{m['id']}/events", 3, got, ready)
        )
        reader.start()
        assert ready.wait(10)
        note = api.post(
            f"/api/meetings/{m['id']}/notes", json={"x": 1, "y": 2, "text": "受付"}
        ).json()
        api.patch(
            f"/api/notes/{note['id']}",
            json={"version": 1, "x": 50},
            headers={"X-Fusen-User": "tanaka"},
        )
        api.delete(f"/api/notes/{note['id']}")
        reader.join(15)
        assert [e["action"] for e in got] == ["create", "update", "delete"]
        moved = got[1]
        assert moved["entity"] == "notes" and moved["actor"] == "tanaka"
        assert moved["data"]["x"] == 50 and moved["data"]["version"] == 2
        assert got[2]["board_version"] >= 3
        # Resuming from an event id replays only what came after it.
        with httpx.stream(
            "GET",
            f"{base}/api/meetings/{m['id']}/events",
            headers={"Last-Event-ID": str(got[0]["id"])},
            timeout=10,
        ) as r:
            ids = []
            for line in r.iter_lines():
                if line.startswith("id: "):
                    ids.append(int(line[4:]))
                    if len(ids) == 2:
                        break
        assert ids == [got[1]["id"], got[2]["id"]]
