"""The board editor (issue 5) in a real Chromium against the real app."""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "sample_photos" / "01_front_s101.jpg"


def add_note(api: httpx.Client, meeting: dict[str, Any], **kw: Any) -> dict[str, Any]:
    body = {"x": 200, "y": 200, "w": 200, "h": 160, "text": "申請書を受付", **kw}
    r = api.post(f"/api/meetings/{meeting['id']}/notes", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def open_board(page: Any, meeting: dict[str, Any], notes: int) -> None:
    page.goto(f"/#/meetings/{meeting['id']}")
    expect(page.get_by_test_id("board-note")).to_have_count(notes)


def note_el(page: Any, note_id: int) -> Any:
    return page.locator(f"li.note[data-note-id='{note_id}']")


def saved(page: Any) -> None:
    """Wait until every change made on the page has been answered by the server."""
    expect(page.get_by_test_id("board-host")).to_have_attribute("data-saving", "0")


def centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=8)
    page.mouse.up()


def viewport_box(page: Any) -> dict[str, float]:
    """The board viewport's box, scrolled into the window (mouse coordinates are the window's)."""
    vp = page.get_by_test_id("board-viewport")
    vp.scroll_into_view_if_needed()
    box = vp.bounding_box()
    assert box is not None
    return dict(box)


def board(api: httpx.Client, meeting: dict[str, Any]) -> dict[str, Any]:
    return dict(api.get(f"/api/meetings/{meeting['id']}/board").json())


def test_drag_note_then_reload_keeps_position(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    note = add_note(api, meeting)
    open_board(page, meeting, 1)
    el = note_el(page, note["id"])
    scale = float(page.get_by_test_id("board-host").get_attribute("data-scale"))
    x, y = centre(el)
    drag(page, (x, y), (x + 150, y + 60))
    saved(page)
    moved = api.get(f"/api/notes/{note['id']}").json()
    assert moved["x"] == pytest.approx(200 + 150 / scale, abs=1)
    assert moved["y"] == pytest.approx(200 + 60 / scale, abs=1)
    assert moved["version"] == 2
    page.reload()
    expect(note_el(page, note["id"])).to_have_css("left", f"{moved['x']}px")
    expect(note_el(page, note["id"])).to_have_css("top", f"{moved['y']}px")


def test_group_move_with_shift_click_and_arrow_keys(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    a = add_note(api, meeting, x=100)
    b = add_note(api, meeting, x=500)
    open_board(page, meeting, 2)
    note_el(page, a["id"]).click()
    note_el(page, b["id"]).click(modifiers=["Shift"])
    expect(page.get_by_test_id("board-host")).to_have_attribute("data-selected", "2")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    saved(page)
    got = {n["id"]: (n["x"], n["y"]) for n in board(api, meeting)["notes"]}
    assert got == {a["id"]: (110, 250), b["id"]: (510, 250)}
    # Rubber band over empty board selects both again; a drag moves the group.
    page.keyboard.press("Escape")
    vp = viewport_box(page)
    drag(page, (vp["x"] + 5, vp["y"] + 5), (vp["x"] + vp["width"] - 5, vp["y"] + vp["height"] - 5))
    expect(page.get_by_test_id("board-host")).to_have_attribute("data-selected", "2")


def test_edit_text_with_japanese_input_and_ime_composition(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    note = add_note(api, meeting, text="")
    open_board(page, meeting, 1)
    note_el(page, note["id"]).dblclick()
    editor = page.get_by_test_id("note-editor")
    expect(editor).to_be_focused()
    page.keyboard.insert_text("申請書を")
    # An IME composition (as a Japanese keyboard makes it): Ctrl+Enter and the Enter that
    # confirms a conversion must not commit the note while the composition is open.
    cdp = page.context.new_cdp_session(page)
    composition = {"text": "うけつけ", "selectionStart": 4, "selectionEnd": 4}
    cdp.send("Input.imeSetComposition", composition)
    page.keyboard.press("Control+Enter")
    expect(editor).to_be_visible()
    assert api.get(f"/api/notes/{note['id']}").json()["text"] == ""
    cdp.send("Input.insertText", {"text": "受付"})  # the conversion is confirmed
    expect(editor).to_have_value("申請書を受付")
    page.keyboard.press("Control+Enter")
    expect(editor).to_have_count(0)
    saved(page)
    got = api.get(f"/api/notes/{note['id']}").json()
    assert got["text"] == "申請書を受付" and got["reviewed"] is True
    expect(note_el(page, note["id"]).locator(".note-text")).to_have_text("申請書を受付")


def test_add_delete_and_undo_redo(page: Any, api: httpx.Client, meeting: dict[str, Any]) -> None:
    open_board(page, meeting, 0)
    vp = viewport_box(page)
    page.mouse.dblclick(vp["x"] + vp["width"] / 2, vp["y"] + vp["height"] / 2)
    editor = page.get_by_test_id("note-editor")
    expect(editor).to_be_focused()
    page.keyboard.insert_text("台帳に登録")
    page.keyboard.press("Control+Enter")
    saved(page)
    notes = board(api, meeting)["notes"]
    assert [n["text"] for n in notes] == ["台帳に登録"]
    nid = notes[0]["id"]
    note_el(page, nid).click()
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("board-note")).to_have_count(0)
    saved(page)
    assert board(api, meeting)["notes"] == []
    page.keyboard.press("Control+z")  # the delete
    expect(note_el(page, nid).locator(".note-text")).to_have_text("台帳に登録")
    page.keyboard.press("Control+z")  # the text
    expect(note_el(page, nid).locator(".note-text")).to_have_text("")
    page.keyboard.press("Control+z")  # the add
    expect(page.get_by_test_id("board-note")).to_have_count(0)
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    expect(note_el(page, nid).locator(".note-text")).to_have_text("台帳に登録")
    saved(page)
    assert [(n["id"], n["text"]) for n in board(api, meeting)["notes"]] == [(nid, "台帳に登録")]
    # Duplicate and recolour, both undoable.
    note_el(page, nid).click()
    page.keyboard.press("Control+d")
    expect(page.get_by_test_id("board-note")).to_have_count(2)
    page.get_by_test_id("color-pink").click()
    saved(page)
    colours = sorted(n["color"] for n in board(api, meeting)["notes"])
    assert colours == ["pink", "yellow"]
    page.get_by_test_id("undo").click()
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("board-note")).to_have_count(1)


def test_draw_link_follow_and_delete(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    a = add_note(api, meeting, x=100, y=300, text="受付")
    b = add_note(api, meeting, x=700, y=300, text="審査")
    open_board(page, meeting, 2)
    note_el(page, a["id"]).click()
    handle = note_el(page, a["id"]).get_by_test_id("link-handle")
    drag(page, centre(handle), centre(note_el(page, b["id"])))
    link = page.get_by_test_id("board-link")
    expect(link).to_have_count(1)
    saved(page)
    links = board(api, meeting)["links"]
    assert [(li["source_id"], li["target_id"]) for li in links] == [(a["id"], b["id"])]
    # The arrow follows its note while it is dragged.
    line = link.locator(".link-line")
    y2 = float(line.get_attribute("y2"))
    x, y = centre(note_el(page, b["id"]))
    drag(page, (x, y), (x, y + 120))
    assert float(line.get_attribute("y2")) > y2 + 50
    saved(page)
    # Click the arrow, delete it, undo brings it back.
    page.keyboard.press("Escape")
    box = link.locator(".link-hit").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.press("Delete")
    expect(link).to_have_count(0)
    saved(page)
    assert board(api, meeting)["links"] == []
    page.keyboard.press("Control+z")
    expect(link).to_have_count(1)
    saved(page)
    assert len(board(api, meeting)["links"]) == 1


def test_lanes_add_rename_resize_and_membership(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    note = add_note(api, meeting, x=300, y=350, text="本人確認")
    open_board(page, meeting, 1)
    page.get_by_test_id("add-lane").click()
    rename = page.get_by_test_id("lane-rename")
    expect(rename).to_be_focused()
    rename.fill("窓口")
    rename.press("Enter")
    expect(page.get_by_test_id("lane-label")).to_have_text("窓口")
    saved(page)
    lanes = board(api, meeting)["lanes"]
    assert [(la["label"], la["y"], la["h"]) for la in lanes] == [("窓口", 0, 300)]
    # The note (centre y = 430) is below the band; growing the band takes it in.
    assert api.get(f"/api/notes/{note['id']}").json()["lane_id"] is None
    grip = page.get_by_test_id("lane-resize")
    x, y = centre(grip)
    scale = float(page.get_by_test_id("board-host").get_attribute("data-scale"))
    drag(page, (x, y), (x, y + 250 * scale))
    saved(page)
    lane = board(api, meeting)["lanes"][0]
    assert lane["h"] == pytest.approx(550, abs=2)
    assert api.get(f"/api/notes/{note['id']}").json()["lane_id"] == lane["id"]
    page.keyboard.press("Control+z")
    saved(page)
    assert board(api, meeting)["lanes"][0]["h"] == 300


@pytest.fixture
def second_page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, locale="ja-JP",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_two_browsers_see_each_others_changes(
    page: Any, second_page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    note = add_note(api, meeting, text="受付")
    open_board(page, meeting, 1)
    open_board(second_page, meeting, 1)
    # A edits the text; B sees it without reloading.
    note_el(page, note["id"]).dblclick()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("窓口で受付")
    page.keyboard.press("Control+Enter")
    expect(note_el(second_page, note["id"]).locator(".note-text")).to_have_text("窓口で受付")
    # B moves it and adds a note; A sees both.
    x, y = centre(note_el(second_page, note["id"]))
    drag(second_page, (x, y), (x + 100, y))
    saved(second_page)
    moved = api.get(f"/api/notes/{note['id']}").json()
    expect(note_el(page, note["id"])).to_have_css("left", f"{moved['x']}px")
    vp = viewport_box(second_page)
    second_page.mouse.dblclick(vp["x"] + 40, vp["y"] + vp["height"] - 40)
    expect(second_page.get_by_test_id("note-editor")).to_be_focused()
    second_page.keyboard.insert_text("追加")
    second_page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("board-note")).to_have_count(2)
    expect(page.get_by_test_id("board-note").filter(has_text="追加")).to_have_count(1)


@pytest.mark.parametrize("live", [True, False], ids=["live-event-first", "409-from-server"])
def test_stale_edit_shows_both_texts(
    page: Any, api: httpx.Client, meeting: dict[str, Any], artifacts: Path, live: bool
) -> None:
    if not live:
        # Without the event stream the page learns of the other save only from the 409.
        page.route("**/events", lambda route: route.abort())
    note = add_note(api, meeting, text="受付")
    open_board(page, meeting, 1)
    note_el(page, note["id"]).dblclick()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text("窓口で受付")
    # Meanwhile someone else saves the same note.
    r = api.patch(f"/api/notes/{note['id']}", json={"version": 1, "text": "電子申請で受付"})
    assert r.status_code == 200
    if live:  # their text reaches this page (under the open editor) before we save
        expect(note_el(page, note["id"]).locator(".note-text")).to_have_text("電子申請で受付")
    page.keyboard.press("Control+Enter")
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_test_id("conflict-theirs")).to_have_text("電子申請で受付")
    expect(conflict.get_by_test_id("conflict-mine")).to_have_text("窓口で受付")
    saved(page)
    assert api.get(f"/api/notes/{note['id']}").json()["text"] == "電子申請で受付"
    page.screenshot(path=str(artifacts / f"editor-conflict-{live}.png"))
    conflict.get_by_test_id("conflict-keep-both").click()
    expect(conflict).to_be_hidden()
    saved(page)
    assert api.get(f"/api/notes/{note['id']}").json()["text"] == "電子申請で受付\n窓口で受付"


def test_help_panel_and_board_screenshot(
    page: Any, api: httpx.Client, meeting: dict[str, Any], artifacts: Path
) -> None:
    mid = meeting["id"]
    api.post(f"/api/meetings/{mid}/lanes", json={"label": "住民", "y": 0, "h": 420})
    api.post(f"/api/meetings/{mid}/lanes", json={"label": "窓口", "y": 420, "h": 420})
    api.post(f"/api/meetings/{mid}/lanes", json={"label": "担当課", "y": 840, "h": 420})
    spec = [
        (120, 120, "pink", "転入届を\n記入"), (600, 120, "pink", "窓口へ来庁"),
        (120, 540, "yellow", "申請書を受付"), (600, 540, "yellow", "本人確認"),
        (1080, 540, "orange", "手数料を\n収納"), (1080, 960, "blue", "住民票に記載"),
        (1560, 960, "green", "台帳に登録"),
    ]
    made = [add_note(api, meeting, x=x, y=y, w=260, h=220, color=c, text=t)
            for x, y, c, t in spec]
    for a, b in zip(made, made[1:], strict=False):
        api.post(f"/api/meetings/{mid}/links", json={"source_id": a["id"], "target_id": b["id"]})
    open_board(page, meeting, len(spec))
    expect(page.get_by_test_id("board-link")).to_have_count(len(spec) - 1)
    page.keyboard.press("?")
    help_panel = page.get_by_test_id("help-panel")
    expect(help_panel).to_be_visible()
    expect(help_panel).to_contain_text("元に戻す")
    page.keyboard.press("Escape")
    expect(help_panel).to_be_hidden()
    note_el(page, made[3]["id"]).click()
    page.get_by_test_id("board-host").screenshot(path=str(artifacts / "editor.png"))


def test_review_mode_steps_through_low_confidence_notes(
    page: Any, api: httpx.Client, meeting: dict[str, Any], web_data_dir: Path
) -> None:
    low1 = add_note(api, meeting, x=100, text="申請書を受付")
    low2 = add_note(api, meeting, x=500, text="本人確言忍")
    sure = add_note(api, meeting, x=900, text="決裁")
    # What recognition writes (the API cannot set OCR fields): two doubtful reads, one sure.
    with sqlite3.connect(web_data_dir / "fusen.db") as db:
        for note, conf in ((low1, 0.41), (low2, 0.55), (sure, 0.93)):
            db.execute(
                "UPDATE notes SET ocr_text = text, confidence = ? WHERE id = ?", (conf, note["id"])
            )
    open_board(page, meeting, 3)
    expect(page.locator(".note--review")).to_have_count(2)
    expect(note_el(page, sure["id"])).not_to_have_class(re.compile("note--review"))
    page.get_by_test_id("review").click()
    panel = page.get_by_test_id("review-panel")
    expect(panel.get_by_test_id("review-count")).to_have_text("1 / 2 件")
    expect(note_el(page, low1["id"])).to_have_class(re.compile("note--selected"))
    panel.get_by_test_id("review-next").click()
    expect(panel.get_by_test_id("review-count")).to_have_text("2 / 2 件")
    expect(panel).to_contain_text("本人確言忍")
    panel.get_by_test_id("review-ok").click()
    expect(panel.get_by_test_id("review-count")).to_have_text("1 / 1 件")
    saved(page)
    assert api.get(f"/api/notes/{low2['id']}").json()["reviewed"] is True
    expect(page.locator(".note--review")).to_have_count(1)
    expect(page.get_by_test_id("review")).to_have_text("要確認 1 件")


def test_review_threshold_is_the_servers_ocr_engine_threshold(
    page: Any, api: httpx.Client, meeting: dict[str, Any], web_data_dir: Path
) -> None:
    """The editor flags by the threshold measured for the engine the server runs."""
    threshold = api.get("/api/health").json()["ocr_review_below"]
    assert threshold is not None and threshold > 0.6  # the test server runs PP-OCRv5 (0.8)
    between = add_note(api, meeting, x=100, text="受付")
    with sqlite3.connect(web_data_dir / "fusen.db") as db:
        db.execute(
            "UPDATE notes SET ocr_text = text, confidence = ? WHERE id = ?",
            ((0.6 + threshold) / 2, between["id"]),
        )
    open_board(page, meeting, 1)
    assert page.evaluate("import('/js/board.js').then((m) => m.REVIEW_BELOW)") == threshold
    expect(note_el(page, between["id"])).to_have_class(re.compile("note--review"))


def test_photo_overlay_shows_detected_quads(
    page: Any, api: httpx.Client, meeting: dict[str, Any], artifacts: Path
) -> None:
    with SAMPLE.open("rb") as f:
        r = api.post(
            f"/api/meetings/{meeting['id']}/photos", files={"file": (SAMPLE.name, f, "image/jpeg")}
        )
    assert r.status_code == 202
    photo_id = r.json()["id"]
    deadline = time.monotonic() + 90
    while api.get(f"/api/photos/{photo_id}").json()["status"] != "done":
        assert time.monotonic() < deadline, "recognition did not finish"
        time.sleep(0.2)
    notes = board(api, meeting)["notes"]
    assert notes and all(n["quad"] for n in notes)
    open_board(page, meeting, len(notes))
    page.get_by_test_id("overlay-toggle").click()
    overlay = page.get_by_test_id("photo-overlay")
    expect(overlay.get_by_test_id("overlay-photo")).to_be_visible()
    expect(overlay.get_by_test_id("overlay-quad")).to_have_count(len(notes))
    assert overlay.get_by_test_id("overlay-photo").evaluate("img => img.naturalWidth") > 0
    quad = overlay.get_by_test_id("overlay-quad").first
    quad.click()
    nid = int(quad.get_attribute("data-note-id"))
    expect(note_el(page, nid)).to_have_class(re.compile("note--selected"))
    expect(quad).to_have_class(re.compile("selected"))
    # The photo crop appears beside a recognised note while its text is edited.
    note_el(page, nid).dblclick()
    expect(page.get_by_test_id("note-crop")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("note-crop")).to_have_count(0)
    overlay.screenshot(path=str(artifacts / "editor-overlay.png"))


def test_dropped_note_snaps_into_its_lane(
    page: Any, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    mid = meeting["id"]
    lane = api.post(f"/api/meetings/{mid}/lanes", json={"label": "窓口", "y": 0, "h": 300}).json()
    api.post(f"/api/meetings/{mid}/lanes", json={"label": "担当課", "y": 300, "h": 300})
    note = add_note(api, meeting, x=300, y=50, h=160)
    open_board(page, meeting, 1)
    scale = float(page.get_by_test_id("board-host").get_attribute("data-scale"))
    x, y = centre(note_el(page, note["id"]))
    # Down by 150 units: the centre (y 280) stays in 窓口 but the note would stick out below.
    drag(page, (x, y), (x, y + 150 * scale))
    saved(page)
    got = api.get(f"/api/notes/{note['id']}").json()
    assert got["y"] == pytest.approx(300 - 8 - 160, abs=0.5)
    assert got["lane_id"] == lane["id"]


def test_tablet_touch_drag_and_pinch(
    browser: Any, base_url: str, api: httpx.Client, meeting: dict[str, Any]
) -> None:
    note = add_note(api, meeting)
    context = browser.new_context(base_url=base_url, locale="ja-JP", has_touch=True,
                                  viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        open_board(page, meeting, 1)
        page.get_by_test_id("board-viewport").scroll_into_view_if_needed()
        cdp = page.context.new_cdp_session(page)

        def touch(kind: str, *points: tuple[float, float]) -> None:
            pts = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": pts})

        scale = float(page.get_by_test_id("board-host").get_attribute("data-scale"))
        x, y = centre(note_el(page, note["id"]))
        touch("touchStart", (x, y))
        for i in range(1, 9):
            touch("touchMove", (x + i * 10, y + i * 5))
        touch("touchEnd")
        saved(page)
        moved = api.get(f"/api/notes/{note['id']}").json()
        assert moved["x"] == pytest.approx(200 + 80 / scale, abs=1.5)
        assert moved["y"] == pytest.approx(200 + 40 / scale, abs=1.5)
        # Two fingers moving apart zoom in.
        vp = viewport_box(page)
        cx, cy = vp["x"] + vp["width"] / 2, vp["y"] + vp["height"] - 60
        touch("touchStart", (cx - 40, cy), (cx + 40, cy))
        for i in range(1, 9):
            touch("touchMove", (cx - 40 - i * 15, cy), (cx + 40 + i * 15, cy))
        touch("touchEnd")
        zoomed = float(page.get_by_test_id("board-host").get_attribute("data-scale"))
        assert zoomed > scale * 1.8
    finally:
        context.close()
