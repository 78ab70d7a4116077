"""Workgroups, meetings, notes, links, lanes and errors through the real ASGI app + SQLite."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.models import AuditEvent

# The same code on both databases the product supports.
pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


def _note(client: TestClient, meeting_id: int, **kw: Any) -> dict[str, Any]:
    body = {"x": 100, "y": 200, "text": "申請書を受付", **kw}
    r = client.post(f"/api/meetings/{meeting_id}/notes", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_health_reports_engine_and_database(client: TestClient, backend: str) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == backend
    assert body["ocr_engine"] != "none"
    assert 0.0 < body["ocr_review_below"] < 1.0


def test_workgroups_create_list_and_duplicate(client: TestClient) -> None:
    assert client.post("/api/workgroups", json={"name": "ミライズWG"}).status_code == 201
    r = client.post("/api/workgroups", json={"name": "ミライズWG"})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "既にあります" in r.json()["detail"]
    listed = client.get("/api/workgroups").json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "ミライズWG"


def test_invalid_body_is_problem_json_in_japanese(client: TestClient) -> None:
    r = client.post("/api/workgroups", json={"name": ""})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_error" and body["status"] == 422
    assert "入力内容に誤りがあります" in body["detail"] and "name" in body["detail"]
    r = client.post(
        "/api/meetings", json={"workgroup_id": 1, "title": "x", "held_on": "not-a-date"}
    )
    assert r.status_code == 422 and "held_on" in r.json()["detail"]
    assert client.post("/api/workgroups", json={"name": "a", "typo": 1}).status_code == 422


def test_meetings_create_get_list(client: TestClient, meeting: dict[str, Any]) -> None:
    assert meeting["held_on"] == "2026-11-20" and meeting["place"] == "第3会議室"
    got = client.get(f"/api/meetings/{meeting['id']}").json()
    assert got["title"] == "窓口業務フロー検討" and got["photos"] == []
    listed = client.get("/api/meetings", params={"workgroup_id": meeting["workgroup_id"]}).json()
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    assert client.get("/api/meetings", params={"workgroup_id": 999}).status_code == 404
    r = client.post(
        "/api/meetings", json={"workgroup_id": 999, "title": "x", "held_on": "2026-01-01"}
    )
    assert r.status_code == 404 and "見つかりません" in r.json()["detail"]


def test_unknown_ids_are_404(client: TestClient) -> None:
    for path in (
        "/api/meetings/999",
        "/api/meetings/999/board",
        "/api/photos/999",
        "/api/photos/999/original",
        "/api/notes/999/image",
        "/api/meetings/999/export.pptx",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json()["detail"]
    assert client.delete("/api/notes/999").status_code == 404
    assert client.delete("/api/links/999").status_code == 404


def test_note_edit_with_versions_and_conflict(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    note = _note(client, mid)
    assert note["version"] == 1 and note["has_image"] is False and note["color"] == "yellow"
    r = client.patch(f"/api/notes/{note['id']}", json={"version": 1, "x": 300, "text": "本人確認"})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert (moved["x"], moved["y"], moved["text"], moved["version"]) == (300, 200, "本人確認", 2)
    stale = client.patch(f"/api/notes/{note['id']}", json={"version": 1, "text": "上書き"})
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "本人確認"
    assert client.get(f"/api/notes/{note['id']}").json()["text"] == "本人確認"
    assert (
        client.patch(f"/api/notes/{note['id']}", json={"version": 2, "color": "teal"}).status_code
        == 422
    )
    assert (
        client.patch(f"/api/notes/{note['id']}", json={"version": 2, "x": None}).status_code == 422
    )


def test_board_version_advances_and_delete_is_soft(
    client: TestClient, meeting: dict[str, Any]
) -> None:
    mid = meeting["id"]
    v0 = client.get(f"/api/meetings/{mid}/board").json()["version"]
    a, b = _note(client, mid), _note(client, mid, x=400, text="決裁")
    link = client.post(
        f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": b["id"]}
    )
    assert link.status_code == 201
    board = client.get(f"/api/meetings/{mid}/board").json()
    assert board["version"] == v0 + 3
    assert {n["id"] for n in board["notes"]} == {a["id"], b["id"]}
    assert board["links"][0]["source_id"] == a["id"]
    assert b["z"] > a["z"]
    assert client.delete(f"/api/notes/{a['id']}").status_code == 204
    board = client.get(f"/api/meetings/{mid}/board").json()
    assert [n["id"] for n in board["notes"]] == [b["id"]] and board["links"] == []
    assert client.get(f"/api/notes/{a['id']}").status_code == 404


def test_links_validate_their_notes(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    a = _note(client, mid)
    r = client.post(f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": a["id"]})
    assert r.status_code == 422 and "同じ付せん" in r.json()["detail"]
    r = client.post(f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": 999})
    assert r.status_code == 404
    b = _note(client, mid)
    link = client.post(
        f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": b["id"]}
    )
    assert client.delete(f"/api/links/{link.json()['id']}").status_code == 204
    assert client.get(f"/api/meetings/{mid}/board").json()["links"] == []


def test_lanes_crud_and_note_assignment(client: TestClient, meeting: dict[str, Any]) -> None:
    mid = meeting["id"]
    r1 = client.post(f"/api/meetings/{mid}/lanes", json={"label": "住民", "y": 0, "h": 300})
    r2 = client.post(f"/api/meetings/{mid}/lanes", json={"label": "窓口", "y": 300, "h": 300})
    assert r1.status_code == r2.status_code == 201
    l1, l2 = r1.json(), r2.json()
    assert (l1["order"], l2["order"]) == (0, 1) and l1["w"] > 0
    note = _note(client, mid, y=350, lane_id=l2["id"])
    assert note["lane_id"] == l2["id"]
    r = client.patch(f"/api/lanes/{l1['id']}", json={"version": 1, "label": "住民・事業者"})
    assert r.status_code == 200 and r.json()["label"] == "住民・事業者"
    assert (
        client.patch(f"/api/lanes/{l1['id']}", json={"version": 1, "label": "x"}).status_code == 409
    )
    assert client.delete(f"/api/lanes/{l2['id']}").status_code == 204
    assert client.get(f"/api/notes/{note['id']}").json()["lane_id"] is None
    r = client.patch(f"/api/notes/{note['id']}", json={"version": note["version"], "lane_id": 999})
    assert r.status_code == 422


def test_every_change_is_audited(client: TestClient, meeting: dict[str, Any]) -> None:
    note = _note(client, meeting["id"])
    client.patch(
        f"/api/notes/{note['id']}",
        json={"version": 1, "text": "修正後"},
        headers={"X-Fusen-User": "sato"},
    )
    client.delete(f"/api/notes/{note['id']}", headers={"X-Fusen-User": "sato"})
    state = client.app.state.fusen  # type: ignore[attr-defined]
    with state.sessions() as s:
        events = list(
            s.scalars(
                select(AuditEvent).where(AuditEvent.entity == "notes").order_by(AuditEvent.id)
            )
        )
    assert [e.action for e in events] == ["create", "update", "delete"]
    update = events[1]
    assert update.actor == "sato"
    assert update.before["text"] == "申請書を受付" and update.after["text"] == "修正後"
    assert events[2].before["text"] == "修正後"


def test_openapi_has_stable_operation_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ops = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"photos-upload", "board-update_note", "meetings-board", "exports-export_pptx"} <= ops
    assert client.get("/docs").status_code == 200
