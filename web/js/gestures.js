// Pointer gestures on the board (pointer events: mouse, touch and pen alike).
//
// One gesture at a time: drag notes, draw a link, resize a lane, rubber-band select, pan,
// or pinch-zoom with two fingers. Moves are coalesced to one update per animation frame,
// and nothing is saved until the pointer is released.

import { snapIntoLanes } from "./lanes.js";

const DRAG_THRESHOLD = 4; // client px before a press on a note becomes a drag
const WHEEL_ZOOM = 0.0015;

export function installGestures(editor) {
  const { view } = editor;
  const vp = view.viewport;
  const touches = new Map(); // pointerId -> {x, y} for pinch
  let gesture = null;
  let frame = 0;
  let last = null;

  const flush = () => {
    frame = 0;
    if (gesture && last) gesture.move(last);
  };

  vp.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".note-editor, .lane-button, .lane-rename")) return;
    if (e.pointerType === "touch") touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2) {
      gesture?.cancel?.();
      gesture = pinch(view, touches);
    } else if (!gesture) {
      gesture = startGesture(editor, e);
    }
    if (gesture) {
      vp.setPointerCapture(e.pointerId);
      if (e.pointerType !== "touch" || touches.size === 2) e.preventDefault();
    }
    vp.focus({ preventScroll: true });
  });

  vp.addEventListener("pointermove", (e) => {
    if (touches.has(e.pointerId)) touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (!gesture) return;
    last = e;
    if (!frame) frame = requestAnimationFrame(flush);
  });

  const finish = (e) => {
    touches.delete(e.pointerId);
    if (!gesture) return;
    if (frame) {
      cancelAnimationFrame(frame);
      frame = 0;
      if (last) gesture.move(last);
    }
    const g = gesture;
    gesture = null;
    last = null;
    if (e.type === "pointercancel") g.cancel?.();
    else g.end(e);
  };
  vp.addEventListener("pointerup", finish);
  vp.addEventListener("pointercancel", finish);

  vp.addEventListener("wheel", (e) => {
    e.preventDefault();
    const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    view.zoomAt(e.clientX, e.clientY, Math.exp(-delta * WHEEL_ZOOM));
  }, { passive: false });

  vp.addEventListener("dblclick", (e) => {
    // Pointer capture retargets clicks to the viewport: look at what is under the pointer.
    const target = document.elementFromPoint(e.clientX, e.clientY) ?? e.target;
    if (target.closest(".note-editor, .lane-button, .lane-rename")) return;
    const laneLabel = target.closest(".lane-label");
    if (laneLabel) return editor.renameLane(Number(laneLabel.closest(".lane").dataset.laneId));
    const noteId = view.noteIdAt(target);
    if (noteId != null) return editor.startEdit(noteId);
    if (view.linkIdAt(target) != null) return;
    editor.addNoteAt(view.clientToBoard(e.clientX, e.clientY));
  });

  vp.addEventListener("click", (e) => {
    const button = e.target.closest?.(".lane-button");
    if (!button) return;
    const id = Number(button.closest(".lane").dataset.laneId);
    const action = button.dataset.laneAction;
    if (action === "delete") editor.deleteLane(id);
    else editor.reorderLane(id, action === "up" ? -1 : 1);
  });
}

function startGesture(editor, e) {
  const { view } = editor;
  if (e.button === 1 || editor.spaceHeld) return pan(editor, e);
  if (e.button !== 0) return null;
  const resize = e.target.closest(".lane-resize");
  if (resize) return laneResize(editor, e, Number(resize.closest(".lane").dataset.laneId));
  const noteId = view.noteIdAt(e.target);
  if (noteId != null && e.target.closest(".note-handle")) return drawLink(editor, e, noteId);
  if (noteId != null) return dragNotes(editor, e, noteId);
  const linkId = view.linkIdAt(e.target);
  if (linkId != null) {
    editor.selectLink(linkId);
    return null;
  }
  if (e.pointerType === "touch") return pan(editor, e);
  return rubberBand(editor, e);
}

function dragNotes(editor, e, noteId) {
  const { view, store } = editor;
  const additive = e.shiftKey || e.metaKey || e.ctrlKey;
  const wasSelected = editor.selected.has(noteId);
  if (additive) editor.toggleSelected(noteId);
  else if (!wasSelected) editor.select([noteId]);
  const ids = [...editor.selected].filter((id) => store.notes.has(id));
  const start = ids.map((id) => ({ id, x: store.notes.get(id).x, y: store.notes.get(id).y }));
  const origin = { x: e.clientX, y: e.clientY };
  const live = new Map(start.map((p) => [p.id, { ...p }]));
  const boxOf = (id) => {
    const n = store.notes.get(id);
    const p = live.get(id);
    return n && p ? { ...n, x: p.x, y: p.y } : n;
  };
  const moving = new Set(ids);
  let dragging = false;
  return {
    move(ev) {
      const dx = ev.clientX - origin.x;
      const dy = ev.clientY - origin.y;
      if (!dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
      if (!dragging && additive && !editor.selected.has(noteId)) return; // shift-click removed it
      dragging = true;
      const s = view.camera.s;
      for (const p of start) {
        const q = live.get(p.id);
        q.x = p.x + dx / s;
        q.y = p.y + dy / s;
        view.placeNote(p.id, q.x, q.y);
      }
      view.updateLinksOf(moving, store.links.values(), boxOf);
      editor.host.dataset.dragging = "true";
    },
    end() {
      delete editor.host.dataset.dragging;
      if (!dragging) {
        if (!additive && wasSelected && editor.selected.size > 1) editor.select([noteId]);
        return;
      }
      const dropped = start.map((p) => ({ id: p.id, x: round(live.get(p.id).x),
        y: round(live.get(p.id).y) }));
      editor.moveNotes(start, snapIntoLanes(editor, dropped));
    },
    cancel() {
      delete editor.host.dataset.dragging;
      for (const p of start) view.placeNote(p.id, p.x, p.y);
      editor.refreshLinks();
    },
  };
}

function drawLink(editor, e, sourceId) {
  const { view, store } = editor;
  return {
    move(ev) {
      view.showDraft(store.notes.get(sourceId), view.clientToBoard(ev.clientX, ev.clientY));
    },
    end(ev) {
      view.hideDraft();
      const hit = document.elementFromPoint(ev.clientX, ev.clientY);
      const targetId = view.noteIdAt(hit);
      if (targetId != null && targetId !== sourceId) editor.createLink(sourceId, targetId);
    },
    cancel() {
      view.hideDraft();
    },
  };
}

function laneResize(editor, e, laneId) {
  const { view, store } = editor;
  const lane = store.lanes.get(laneId);
  const div = view.laneEls.get(laneId);
  const startH = lane.h;
  const originY = e.clientY;
  let h = startH;
  return {
    move(ev) {
      h = Math.max(80, startH + (ev.clientY - originY) / view.camera.s);
      div.style.height = `${h}px`;
    },
    end() {
      if (Math.abs(h - startH) >= 1) editor.resizeLane(laneId, startH, round(h));
    },
    cancel() {
      div.style.height = `${startH}px`;
    },
  };
}

function rubberBand(editor, e) {
  const { view, store } = editor;
  const additive = e.shiftKey || e.metaKey || e.ctrlKey;
  const a = view.clientToBoard(e.clientX, e.clientY);
  const before = additive ? new Set(editor.selected) : new Set();
  if (!additive) editor.select([]);
  let b = a;
  return {
    move(ev) {
      b = view.clientToBoard(ev.clientX, ev.clientY);
      view.showBand(a, b);
    },
    end() {
      view.hideBand();
      const r = { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y),
        x2: Math.max(a.x, b.x), y2: Math.max(a.y, b.y) };
      if (r.x2 - r.x < 2 && r.y2 - r.y < 2) return;
      const hit = [...store.notes.values()].filter((n) =>
        n.x < r.x2 && n.x + n.w > r.x && n.y < r.y2 && n.y + n.h > r.y).map((n) => n.id);
      editor.select([...before, ...hit]);
    },
    cancel() {
      view.hideBand();
    },
  };
}

function pan(editor, e) {
  let x = e.clientX;
  let y = e.clientY;
  return {
    move(ev) {
      editor.view.panBy(ev.clientX - x, ev.clientY - y);
      x = ev.clientX;
      y = ev.clientY;
    },
    end() {},
  };
}

function pinch(view, touches) {
  const pts = () => [...touches.values()];
  const measure = () => {
    const [p, q] = pts();
    return { d: Math.hypot(p.x - q.x, p.y - q.y) || 1, x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
  };
  let prev = measure();
  return {
    move() {
      if (touches.size < 2) return;
      const now = measure();
      view.panBy(now.x - prev.x, now.y - prev.y);
      view.zoomAt(now.x, now.y, now.d / prev.d);
      prev = now;
    },
    end() {},
  };
}

const round = (v) => Math.round(v * 10) / 10;
