"""Uploading photos: durable storage first, background recognition, and every bad input."""

from __future__ import annotations

import hashlib
import io
import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pptx import Presentation
from sqlalchemy import select

from app.config import Settings
from app.loopback import serve
from app.main import create_app
from app.models import AuditEvent

from .conftest import wait_photo

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_photos").glob("*.jpg"))


def _sample() -> tuple[bytes, dict[str, Any]]:
    if not SAMPLES:
        pytest.fail("sample_photos/ holds no photo")
    photo = SAMPLES[0]
    return photo.read_bytes(), json.loads(photo.with_suffix(".json").read_text("utf-8"))


def _upload(
    client: TestClient,
    meeting_id: int,
    data: bytes,
    name: str = "poster.jpg",
    ctype: str = "image/jpeg",
) -> Any:
    return client.post(f"/api/meetings/{meeting_id}/photos", files={"file": (name, data, ctype)})


def test_upload_recognises_notes_onto_the_board(
    client: TestClient, meeting: dict[str, Any]
) -> None:
    data, truth = _sample()
    r = _upload(client, meeting["id"], data)
    assert r.status_code == 202, r.text
    assert r.json()["status"] in ("queued", "processing", "done")
    photo = wait_photo(client, r.json()["id"])
    assert photo["status"] == "done", photo
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
    assert (photo["width"], photo["height"]) == (truth["width"], truth["height"])
    expected = len(truth["notes"])
    assert abs(photo["note_count"] - expected) <= max(1, expected // 10)
    board = client.get(f"/api/meetings/{meeting['id']}/board").json()
    assert len(board["notes"]) == photo["note_count"]
    assert board["width"] > 0 and board["height"] > 0
    for note in board["notes"]:
        assert 0 <= note["x"] <= board["width"] and 0 <= note["y"] <= board["height"]
        assert note["color"] in {
            "yellow",
            "pink",
            "blue",
            "green",
            "orange",
            "purple",
            "white",
            "other",
        }
        assert len(note["quad"]) == 4 and note["has_image"]
    read = [n for n in board["notes"] if n["text"]]
    assert len(read) >= len(board["notes"]) // 2, "OCR read almost nothing"
    img = client.get(f"/api/notes/{board['notes'][0]['id']}/image")
    assert img.status_code == 200 and img.content[:3] == b"\xff\xd8\xff"
    original = client.get(f"/api/photos/{photo['id']}/original")
    assert original.content == data


def test_pptx_export_has_one_shape_per_note(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    a = client.post(
        f"/api/meetings/{mid}/notes", json={"x": 100, "y": 100, "text": "申請書を受付"}
    ).json()
    b = client.post(
        f"/api/meetings/{mid}/notes", json={"x": 600, "y": 100, "text": "本人確認", "color": "pink"}
    ).json()
    client.post(f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": b["id"]})
    r = client.get(f"/api/meetings/{mid}/export.pptx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    deck = Presentation(io.BytesIO(r.content))
    texts = [s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame]
    assert "申請書を受付" in texts and "本人確認" in texts
    connectors = [s for s in deck.slides[0].shapes if s.shape_type == 9 or "link" in s.name]
    assert connectors, "the link should be a connector"


def test_not_an_image_is_415_and_nothing_stored(
    client: TestClient, meeting: dict[str, Any], data_dir: Path
) -> None:
    r = _upload(client, meeting["id"], b"%PDF-1.4 not a photo", "minutes.pdf", "application/pdf")
    assert r.status_code == 415
    assert "JPEG または PNG" in r.json()["detail"]
    assert list((data_dir / "originals").iterdir()) == []
    # a text file that lies about its type is refused too
    assert _upload(client, meeting["id"], b"hello", "x.jpg", "image/jpeg").status_code == 415


def test_over_the_limit_is_413_and_earlier_photos_stay(data_dir: Path) -> None:
    settings = Settings(data_dir=data_dir, max_upload_mb=1, ocr_engine="none")
    with TestClient(create_app(settings)) as client:
        wg = client.post("/api/workgroups", json={"name": "WG"}).json()
        m = client.post(
            "/api/meetings", json={"workgroup_id": wg["id"], "title": "t", "held_on": "2026-11-20"}
        ).json()
        small = b"\x89PNG\r\n\x1a\n" + b"0" * 1000
        first = _upload(client, m["id"], small, "a.png", "image/png").json()
        big = b"\xff\xd8\xff" + b"0" * (3 * 1024 * 1024)
        r = _upload(client, m["id"], big)
        assert r.status_code == 413
        assert "上限 1 MB" in r.json()["detail"]
        # Just over the limit but under the header slack: refused while streaming.
        r = _upload(client, m["id"], b"\xff\xd8\xff" + b"1" * (1024 * 1024 + 10))
        assert r.status_code == 413
        assert client.get(f"/api/photos/{first['id']}/original").content == small
        assert len(list((data_dir / "originals").iterdir())) == 1
        assert list((data_dir / "tmp").iterdir()) == []


def test_chunked_upload_without_length_is_cut_off_at_the_limit(data_dir: Path) -> None:
    """No Content-Length (chunked transfer) on a real server: the bytes are counted as they
    arrive and the upload is answered 413 once past the limit, long before 64 MB are sent."""
    settings = Settings(data_dir=data_dir, max_upload_mb=1, ocr_engine="none")
    with serve(settings) as base:
        wg = httpx.post(f"{base}/api/workgroups", json={"name": "WG"}).json()
        m = httpx.post(
            f"{base}/api/meetings",
            json={"workgroup_id": wg["id"], "title": "t", "held_on": "2026-11-20"},
        ).json()
        port = int(base.rsplit(":", 1)[1])
        head = (
            f"POST /api/meetings/{m['id']}/photos HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=b0undary\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        part = (b"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; "
                b"filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff")
        chunk = b"0" * (256 * 1024)
        sent_mb = 0.0
        reply = b""
        with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
            sock.sendall(head + f"{len(part):x}\r\n".encode() + part + b"\r\n")
            for _ in range(256):  # 64 MB if it were all read
                try:
                    sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                except OSError:
                    break  # the server answered and stopped reading, or closed
                sent_mb += 0.25
                sock.setblocking(False)
                try:
                    if sock.recv(1, socket.MSG_PEEK):
                        break
                except BlockingIOError:
                    pass  # nothing to read yet
                finally:
                    sock.settimeout(3)
            sock.settimeout(10)
            while b"\r\n\r\n" not in reply:
                data = sock.recv(65536)
                if not data:
                    break
                reply += data
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert sent_mb < 16, f"{sent_mb} MB were sent before the refusal"
        assert list((data_dir / "originals").iterdir()) == []


def test_photo_that_keeps_killing_recognition_is_given_up_not_retried_forever(
    data_dir: Path,
) -> None:
    """A process that dies on a photo (out of memory, say) leaves it ``processing``; at each
    start-up it is resumed. After two starts it is marked failed with the reason instead."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.models import Photo
    from app.recognition import GAVE_UP, MAX_ATTEMPTS

    settings = Settings(data_dir=data_dir, ocr_engine="none")
    sample = Path(__file__).resolve().parents[2] / "sample_photos" / "01_front_s101.jpg"
    with TestClient(create_app(settings)) as client:
        wg = client.post("/api/workgroups", json={"name": "WG"}).json()
        m = client.post(
            "/api/meetings", json={"workgroup_id": wg["id"], "title": "t", "held_on": "2026-11-20"}
        ).json()
        ok = _upload(client, m["id"], sample.read_bytes()).json()
        assert wait_photo(client, ok["id"])["status"] == "done"
        doomed = _upload(client, m["id"], sample.read_bytes()).json()
        wait_photo(client, doomed["id"])
    engine = create_engine(settings.db_url)
    with Session(engine) as s:
        first = s.get(Photo, ok["id"])
        assert first is not None and first.attempts == 1
        photo = s.get(Photo, doomed["id"])
        assert photo is not None
        # as the row looks after the process died twice while recognising it
        photo.status, photo.attempts = "processing", MAX_ATTEMPTS
        s.commit()
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        after = wait_photo(client, doomed["id"])
        assert after["status"] == "failed"
        assert after["error"] == GAVE_UP
        original = client.get(f"/api/photos/{doomed['id']}/original").content
        assert original == sample.read_bytes()  # nothing lost


def test_corrupt_image_is_kept_and_marked_failed(
    client: TestClient, meeting: dict[str, Any]
) -> None:
    data = b"\xff\xd8\xff\xe0" + b"\x00garbage" * 500
    r = _upload(client, meeting["id"], data)
    assert r.status_code == 202
    photo = wait_photo(client, r.json()["id"])
    assert photo["status"] == "failed"
    assert photo["error"] and any(ord(c) > 0x3000 for c in photo["error"])
    assert client.get(f"/api/photos/{photo['id']}/original").content == data
    listed = client.get(f"/api/meetings/{meeting['id']}").json()["photos"]
    assert [p["status"] for p in listed] == ["failed"]
    # The failure is in the audit log, which is what open boards receive as live events.
    state = client.app.state.fusen  # type: ignore[attr-defined]
    with state.sessions() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(
                AuditEvent.entity == "photos", AuditEvent.entity_id == photo["id"]
            ).order_by(AuditEvent.id)
        ).all()
    assert list(actions) == ["upload", "process", "fail"]


def test_queued_photo_survives_a_restart(data_dir: Path) -> None:
    """A photo stored but not yet recognised when the server stops is recognised on restart."""
    data, _ = _sample()
    settings = Settings(data_dir=data_dir, ocr_engine="none")
    app = create_app(settings)
    with TestClient(app) as client:
        wg = client.post("/api/workgroups", json={"name": "WG"}).json()
        m = client.post(
            "/api/meetings", json={"workgroup_id": wg["id"], "title": "t", "held_on": "2026-11-20"}
        ).json()
        state = app.state.fusen
        state.jobs.stop()  # the worker is gone: the upload is stored but waits
        pid = _upload(client, m["id"], data).json()["id"]
        assert client.get(f"/api/photos/{pid}").json()["status"] == "queued"
    with TestClient(create_app(settings)) as client:
        assert wait_photo(client, pid)["status"] == "done"
        assert client.get(f"/api/photos/{pid}").json()["note_count"] > 0
