// Fusen web v1: hash routing and the two views (workgroup list, meeting board).
//
// Hash URLs (#/meetings/12) because the server's StaticFiles only knows index.html at "/":
// a reload or a shared link still loads the page, and the hash picks the view.

import * as api from "./api.js";
import { setReviewBelow } from "./board.js";
import { h } from "./dom.js";
import { Editor } from "./editor.js";

const STATUS_LABELS = {
  waiting: "アップロード待ち",
  uploading: "アップロード中",
  queued: "待機中",
  processing: "認識中",
  done: "完了",
  failed: "失敗",
};
const POLL_MS = 1000;
const POLL_RETRY_MS = 3000; // after a network error: slower, without alarming anyone

const viewRoot = document.getElementById("view");
let current = null; // the live view's context

// ---------- routing ----------

const routes = [
  [/^#\/meetings\/(\d+)\/?$/, (ctx, m) => meetingView(ctx, Number(m[1]))],
  [/^(#\/?)?$/, (ctx) => homeView(ctx)],
];

/** What a view owns: `alive` turns false when the user leaves, cleanups stop its timers. */
class ViewContext {
  constructor() {
    this.alive = true;
    this.cleanups = [];
  }
  onCleanup(fn) {
    this.cleanups.push(fn);
  }
  dispose() {
    this.alive = false;
    for (const fn of this.cleanups) fn();
  }
}

function route() {
  current?.dispose();
  current = new ViewContext();
  viewRoot.replaceChildren();
  const hash = location.hash;
  for (const [pattern, show] of routes) {
    const match = hash.match(pattern);
    if (match) return show(current, match);
  }
  location.replace("#/"); // unknown address: back to the list rather than a blank page
}

window.addEventListener("hashchange", route);
// The review threshold depends on the server's OCR engine; ask before the first board shows
// (a server that cannot answer leaves the default, and the page still starts).
fetch("/api/health")
  .then((r) => (r.ok ? r.json() : null))
  .then((health) => setReviewBelow(health?.ocr_review_below))
  .catch(() => {})
  .finally(route);

// ---------- the list of workgroups and their meetings ----------

async function homeView(ctx) {
  document.title = "ワーキンググループ一覧 – Fusen";
  const list = h("div", { class: "workgroups", "data-testid": "workgroup-list" });
  const loadError = h("p", { class: "error", role: "alert", hidden: true });
  viewRoot.append(
    h("section", { class: "panel intro" },
      heading("h1", "ワーキンググループと会議"),
      h("p", { class: "hint" },
        "会議を開くと、模造紙の写真をアップロードして付せんをボードに取り込めます。"),
      workgroupForm(list)),
    loadError,
    list,
  );
  focusHeading();
  try {
    const [groups, meetings] = await Promise.all([
      api.get("/api/workgroups"),
      api.get("/api/meetings"),
    ]);
    if (!ctx.alive) return;
    if (!groups.items.length) list.append(emptyGroups());
    for (const wg of groups.items) {
      list.append(workgroupSection(wg, meetings.items.filter((m) => m.workgroup_id === wg.id)));
    }
  } catch (err) {
    showError(loadError, err);
  }
}

const emptyGroups = () =>
  h("p", { class: "empty", "data-testid": "no-workgroups" },
    "まだワーキンググループがありません。上の欄から最初のワーキンググループを作成してください。");

function workgroupForm(list) {
  const form = h("form", { class: "inline-form", "data-testid": "workgroup-form" },
    field("ワーキンググループ名", { name: "name", required: true, maxlength: 200,
      placeholder: "例：BPR推進WG", "data-testid": "workgroup-name" }),
    h("button", { type: "submit", class: "button primary", "data-testid": "workgroup-submit" },
      "作成"));
  bindForm(form, async ({ name }) => {
    const wg = await api.post("/api/workgroups", { name: name.trim() });
    list.querySelector("[data-testid=no-workgroups]")?.remove();
    const section = workgroupSection(wg, []);
    list.append(section);
    section.scrollIntoView({ block: "nearest" });
    return `ワーキンググループ「${wg.name}」を作成しました。続けて会議を追加できます。`;
  });
  return form;
}

function workgroupSection(wg, meetings) {
  const items = h("ul", { class: "meetings", "data-testid": "meeting-list" });
  const empty = h("p", { class: "empty" }, "まだ会議がありません。");
  const sorted = [...meetings].sort((a, b) => b.held_on.localeCompare(a.held_on));
  for (const m of sorted) items.append(meetingItem(m));
  if (!meetings.length) items.hidden = true;
  else empty.hidden = true;

  const form = meetingForm(wg, (m) => {
    items.prepend(meetingItem(m));
    items.hidden = false;
    empty.hidden = true;
  });
  // A new workgroup opens its form: adding a meeting is the obvious next step.
  const details = h("details", { class: "meeting-create", open: !meetings.length },
    h("summary", {}, "会議を追加"), form);
  return h("section", { class: "panel workgroup", "data-testid": "workgroup",
    "data-workgroup-id": wg.id },
    h("h2", { "data-testid": "workgroup-title" }, wg.name), items, empty, details);
}

function meetingItem(m) {
  return h("li", { class: "meeting", "data-testid": "meeting", "data-meeting-id": m.id },
    h("a", { href: `#/meetings/${m.id}`, "data-testid": "meeting-link" }, m.title),
    h("span", { class: "meta" }, meetingMeta(m)));
}

function meetingForm(wg, onCreated) {
  const form = h("form", { class: "grid-form", "data-testid": "meeting-form" },
    field("会議名", { name: "title", required: true, maxlength: 300,
      placeholder: "例：窓口業務フロー検討", "data-testid": "meeting-title-input" }),
    field("開催日", { name: "held_on", type: "date", required: true, value: today(),
      "data-testid": "meeting-date-input" }),
    field("ファシリテーター", { name: "facilitator", maxlength: 200, placeholder: "例：事務局 佐藤",
      "data-testid": "meeting-facilitator-input" }),
    field("場所", { name: "place", maxlength: 200, placeholder: "例：第3会議室",
      "data-testid": "meeting-place-input" }),
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "button primary", "data-testid": "meeting-submit" },
        "会議を作成")));
  bindForm(form, async (values) => {
    const m = await api.post("/api/meetings", {
      workgroup_id: wg.id,
      title: values.title.trim(),
      held_on: values.held_on,
      facilitator: values.facilitator.trim(),
      place: values.place.trim(),
    });
    onCreated(m);
    form.elements.held_on.value = today();
    return `会議「${m.title}」を作成しました。会議名を選ぶとボードが開きます。`;
  });
  return form;
}

// ---------- one meeting: upload, photo status, board ----------

async function meetingView(ctx, meetingId) {
  document.title = "会議 – Fusen";
  const pageError = h("p", { class: "error", role: "alert", hidden: true });
  viewRoot.append(pageError);
  let meeting, groups;
  try {
    [meeting, groups] = await Promise.all([
      api.get(`/api/meetings/${meetingId}`),
      api.get("/api/workgroups"),
    ]);
  } catch (err) {
    if (!ctx.alive) return;
    showError(pageError, err);
    pageError.append(" ", h("a", { href: "#/" }, "ワーキンググループ一覧に戻る"));
    return;
  }
  if (!ctx.alive) return;
  document.title = `${meeting.title} – Fusen`;
  const wg = groups.items.find((g) => g.id === meeting.workgroup_id);
  const { photoList, boardHost, parts } = meetingLayout(meeting, wg);
  focusHeading();

  const editor = new Editor(boardHost, meetingId, parts);
  ctx.onCleanup(() => editor.destroy());
  const refresh = boardRefresher(ctx, editor, parts);
  refresh();

  const photos = new Map(); // photo id -> its list item
  const watch = (photo) => {
    const item = photoItem(photo.filename);
    photos.set(photo.id, item);
    photoList.prepend(item);
    showPhoto(item, photo);
    if (!isFinished(photo.status)) pollPhoto(ctx, photo.id, item, refresh);
  };
  for (const p of meeting.photos) watch(p);

  // Uploads go one after another: gentler on a phone's connection, and the order is kept.
  let queue = Promise.resolve();
  viewRoot.querySelectorAll("input[type=file]").forEach((input) =>
    input.addEventListener("change", () => {
      for (const file of input.files) {
        const item = photoItem(file.name);
        photoList.prepend(item);
        queue = queue.then(() => uploadOne(ctx, meetingId, file, item, photos, refresh));
      }
      input.value = ""; // so choosing the same photo again still fires "change"
    }));

  // Live changes: another device (say, the facilitator's phone) uploads or someone edits.
  const events = new EventSource(`/api/meetings/${meetingId}/events`);
  ctx.onCleanup(() => events.close());
  events.addEventListener("change", (e) => {
    const change = JSON.parse(e.data);
    if (change.entity === "photos" && !photos.has(change.entity_id)) {
      // Wait for our own uploads to settle first: the event may be about one of them.
      queue
        .then(() => (photos.has(change.entity_id) ? null : api.get(`/api/photos/${change.entity_id}`)))
        .then((p) => p && ctx.alive && !photos.has(p.id) && watch(p), () => {});
    }
    editor.applyEvent(change);
  });
}

/** The meeting page's markup; returns the parts the view keeps updating. */
function meetingLayout(meeting, wg) {
  const photoList = h("ul", { class: "photos", "data-testid": "photo-list" });
  const boardHost = h("div", { class: "board-host", "data-testid": "board-host" });
  const parts = {
    boardEmpty: h("p", { class: "empty board-empty", "data-testid": "board-empty", hidden: true },
      "まだ付せんがありません。模造紙の写真をアップロードすると、ここに付せんが並びます。"),
    boardError: h("p", { class: "error", role: "alert", hidden: true }),
    summary: h("span", { class: "board-summary", "data-testid": "board-summary" }),
  };
  viewRoot.append(
    h("nav", { class: "breadcrumb", "aria-label": "現在地" },
      h("a", { href: "#/", "data-testid": "back-to-list" }, "ワーキンググループ一覧"),
      h("span", { "aria-hidden": "true" }, " › "),
      h("span", {}, wg?.name ?? "")),
    h("header", { class: "panel meeting-head" },
      h("div", {},
        heading("h1", meeting.title, { "data-testid": "meeting-title" }),
        h("p", { class: "meta" }, meetingMeta(meeting))),
      h("a", { class: "button", href: `/api/meetings/${meeting.id}/export.pptx`, download: "",
        "data-testid": "download-pptx" }, "PowerPoint をダウンロード")),
    h("section", { class: "panel upload", "aria-labelledby": "upload-heading" },
      h("h2", { id: "upload-heading" }, "写真のアップロード"),
      h("p", { class: "hint" },
        "模造紙の全体が入るように、なるべく正面から撮影してください（JPEG または PNG）。"),
      h("div", { class: "upload-buttons" },
        fileButton("撮影する", { capture: "environment", "data-testid": "camera-input" }, true),
        fileButton("写真を選ぶ", { multiple: true, "data-testid": "file-input" }, false)),
      photoList),
    h("section", { class: "panel board-section", "aria-labelledby": "board-heading" },
      h("div", { class: "board-head" }, h("h2", { id: "board-heading" }, "ボード"), parts.summary,
        h("span", { class: "hint" }, "付せんはドラッグで移動、ダブルクリックで編集。変更はすぐに保存されます（？でショートカット一覧）。")),
      parts.boardError, parts.boardEmpty, boardHost),
  );
  return { photoList, boardHost, parts };
}

function fileButton(text, attrs, primary) {
  const input = h("input", { type: "file", accept: "image/*", class: "file-input", ...attrs });
  return h("label", { class: primary ? "button primary file-button" : "button file-button" },
    input, text);
}

/** Reload the board; calls that arrive while one is running merge into one more reload. */
function boardRefresher(ctx, editor, { boardError }) {
  let running = null;
  let again = false;
  const load = async () => {
    try {
      await editor.load();
      if (!ctx.alive) return;
      boardError.hidden = true;
    } catch (err) {
      if (ctx.alive) showError(boardError, err, "ボードを読み込めませんでした。");
    }
  };
  return function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = load().finally(() => {
      running = null;
      if (again) {
        again = false;
        refresh();
      }
    });
    return running;
  };
}

let uploading = 0;
// Closing the tab mid-upload would lose the photo: let the browser ask first.
window.addEventListener("beforeunload", (e) => {
  if (uploading) e.preventDefault();
});

async function uploadOne(ctx, meetingId, file, item, photos, refresh) {
  const bar = item.querySelector("progress");
  bar.hidden = false;
  uploading += 1;
  showPhoto(item, { status: "uploading", warnings: [] });
  try {
    const accepted = await api.uploadPhoto(meetingId, file, (f) => {
      bar.value = Math.round(f * 100);
    });
    photos.set(accepted.id, item);
    showPhoto(item, { ...accepted, note_count: 0, warnings: [], error: null });
    pollPhoto(ctx, accepted.id, item, refresh);
  } catch (err) {
    showPhoto(item, { status: "failed", error: err.detail, warnings: [] });
  } finally {
    uploading -= 1;
    bar.hidden = true;
  }
}

async function pollPhoto(ctx, photoId, item, refresh) {
  while (ctx.alive) {
    let delay = POLL_MS;
    try {
      const photo = await api.get(`/api/photos/${photoId}`);
      if (!ctx.alive) return;
      showPhoto(item, photo);
      if (photo.status === "done") refresh();
      if (isFinished(photo.status)) return;
    } catch {
      delay = POLL_RETRY_MS;
    }
    await sleep(delay);
  }
}

const isFinished = (status) => status === "done" || status === "failed";

function photoItem(filename) {
  return h("li", { class: "photo", "data-testid": "photo", "data-status": "waiting" },
    h("div", { class: "photo-head" },
      h("span", { class: "photo-name" }, filename || "写真"),
      h("span", { class: "status", "data-testid": "photo-status" }, STATUS_LABELS.waiting)),
    h("progress", { max: 100, value: 0, "aria-label": `${filename} のアップロード`,
      "data-testid": "upload-progress", hidden: true }),
    h("p", { class: "photo-count", "data-testid": "photo-note-count", hidden: true }),
    h("p", { class: "photo-error", role: "alert", "data-testid": "photo-error", hidden: true }),
    h("ul", { class: "photo-warnings", "data-testid": "photo-warnings", hidden: true }));
}

function showPhoto(item, photo) {
  item.dataset.status = photo.status;
  if (photo.id) item.dataset.photoId = photo.id;
  item.querySelector("[data-testid=photo-status]").textContent = STATUS_LABELS[photo.status];
  const count = item.querySelector("[data-testid=photo-note-count]");
  count.hidden = photo.status !== "done";
  count.textContent = `付せん ${photo.note_count} 枚を読み取りました`;
  const error = item.querySelector("[data-testid=photo-error]");
  error.hidden = !photo.error;
  error.textContent = photo.error ?? "";
  const warnings = item.querySelector("[data-testid=photo-warnings]");
  warnings.replaceChildren(...(photo.warnings ?? []).map((w) => h("li", {}, w)));
  warnings.hidden = !warnings.children.length;
}

// ---------- small helpers ----------

/** Submit `form` through `action(values)`; on an error keep every input and show the detail. */
function bindForm(form, action) {
  const status = h("p", { class: "form-status", role: "status", "data-testid": "form-status" });
  const error = h("p", { class: "error", role: "alert", "data-testid": "form-error", hidden: true });
  form.append(error, status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    error.hidden = true;
    status.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    try {
      const message = await action(Object.fromEntries(new FormData(form)));
      for (const input of form.querySelectorAll("input:not([type=date])")) input.value = "";
      status.textContent = message;
    } catch (err) {
      showError(error, err);
      for (const { field } of err.problem?.errors ?? []) {
        const input = form.elements[field];
        if (!input) continue;
        input.setAttribute("aria-invalid", "true");
        // The server names fields as in the API ("title"); say the label the user sees.
        const label = input.closest("label")?.querySelector(".field-label")?.textContent;
        if (label) error.textContent = error.textContent.replace(field, label);
      }
    } finally {
      button.disabled = false;
    }
  });
}

function showError(node, err, prefix = "") {
  if (!(err instanceof api.ApiError)) console.error(err);
  const detail = err instanceof api.ApiError ? err.detail : "予期しないエラーが発生しました。";
  node.textContent = prefix ? `${prefix}${detail}` : detail;
  node.hidden = false;
}

function field(label, attrs) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label),
    h("input", { type: "text", ...attrs }));
}

function heading(tag, text, attrs = {}) {
  // tabindex -1: focus moves here on navigation, so screen readers announce the new page.
  return h(tag, { tabindex: "-1", ...attrs }, text);
}

function focusHeading() {
  viewRoot.querySelector("h1")?.focus({ preventScroll: true });
}

function meetingMeta(m) {
  const parts = [formatDate(m.held_on)];
  if (m.facilitator) parts.push(`ファシリテーター：${m.facilitator}`);
  if (m.place) parts.push(`場所：${m.place}`);
  return parts.join("　");
}

const WEEKDAYS = "日月火水木金土";

function formatDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const weekday = WEEKDAYS[new Date(y, m - 1, d).getDay()];
  return `${y}年${m}月${d}日（${weekday}）`;
}

function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
