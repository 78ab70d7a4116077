"""What the board editor (issue 5) needs from the API: derived lanes, restore, review flag."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def _note(client: TestClient, meeting_id: int, **kw: Any) -> dict[str, Any]:
    r = client.post(f"/api/meetings/{meeting_id}/notes", json={"x": 100, "y": 50, **kw})
    assert r.status_code == 201, r.text
    return dict(r.json())


def _lane(client: TestClient, meeting_id: int, **kw: Any) -> dict[str, Any]:
    r = client.post(f"/api/meetings/{meeting_id}/lanes", json=kw)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _get(client: TestClient, note_id: int) -> dict[str, Any]:
    return dict(client.get(f"/api/notes/{note_id}").json())


def test_lane_follows_where_the_note_sits(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    a = _lane(client, mid, label="住民", y=0, h=300)
    b = _lane(client, mid, label="窓口", y=300, h=300)
    # Centre (175, 125) is in 住民; created without a lane, the server derives it.
    note = _note(client, mid)
    assert note["lane_id"] == a["id"]
    moved = client.patch(f"/api/notes/{note['id']}", json={"version": 1, "y": 400}).json()
    assert moved["lane_id"] == b["id"]
    off = client.patch(f"/api/notes/{note['id']}", json={"version": 2, "y": 900}).json()
    assert off["lane_id"] is None and off["version"] == 3
    # A lane growing under a note takes it in, without bumping the note's version.
    r = client.patch(f"/api/lanes/{b['id']}", json={"version": 1, "h": 800})
    assert r.status_code == 200
    now = _get(client, note["id"])
    assert now["lane_id"] == b["id"] and now["version"] == 3
    # Deleting the lane leaves the note without one; a new band over it adopts it.
    assert client.delete(f"/api/lanes/{b['id']}").status_code == 204
    assert _get(client, note["id"])["lane_id"] is None
    c = _lane(client, mid, label="担当課", y=850, h=300)
    assert _get(client, note["id"])["lane_id"] == c["id"]


def test_stale_lane_update_returns_current(client: TestClient, meeting: dict[str, Any]) -> None:
    lane = _lane(client, meeting["id"], label="住民", y=0)
    client.patch(f"/api/lanes/{lane['id']}", json={"version": 1, "label": "住民・事業者"})
    r = client.patch(f"/api/lanes/{lane['id']}", json={"version": 1, "label": "窓口"})
    assert r.status_code == 409
    assert r.json()["current"]["label"] == "住民・事業者"
    assert "他の人が先に変更しました" in r.json()["detail"]


def test_deleted_note_can_be_restored(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    note = _note(client, mid, text="申請書を受付")
    assert client.delete(f"/api/notes/{note['id']}").status_code == 204
    assert client.get(f"/api/notes/{note['id']}").status_code == 404
    r = client.post(f"/api/notes/{note['id']}/restore")
    assert r.status_code == 200
    back = r.json()
    assert back["id"] == note["id"] and back["text"] == "申請書を受付" and back["version"] == 3
    assert [n["id"] for n in client.get(f"/api/meetings/{mid}/board").json()["notes"]] == [
        note["id"]
    ]
    # Restoring a live note changes nothing; an unknown one is 404.
    assert client.post(f"/api/notes/{note['id']}/restore").json()["version"] == 3
    assert client.post("/api/notes/999/restore").status_code == 404


def test_reviewed_flag_and_board_photos(client: TestClient, meeting: dict[str, Any]) -> None:
    note = _note(client, meeting["id"])
    assert note["reviewed"] is False
    r = client.patch(f"/api/notes/{note['id']}", json={"version": 1, "reviewed": True})
    assert r.status_code == 200 and r.json()["reviewed"] is True
    board = client.get(f"/api/meetings/{meeting['id']}/board").json()
    assert board["notes"][0]["reviewed"] is True
    assert board["photos"] == []
