"""Records the tests create through the real API (TestClient or httpx: the same calls)."""

from __future__ import annotations

from typing import Any


def new_meeting(client: Any, workgroup: str = "BPR推進WG") -> dict[str, Any]:
    """A meeting in a workgroup of its own, created with ``POST`` as the UI does."""
    wg = client.post("/api/workgroups", json={"name": workgroup}).json()
    r = client.post(
        "/api/meetings",
        json={
            "workgroup_id": wg["id"],
            "title": "窓口業務フロー検討",
            "held_on": "2026-11-20",
            "facilitator": "事務局 佐藤",
            "place": "第3会議室",
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())
