// The board editor (issue 5): selection, the operations and their undo, text editing.
//
// Data and saving live in store.js, drawing in board.js, pointer gestures in gestures.js,
// the side panels (help, review, conflict, photo overlay) in panels.js. Every operation
// here changes the store (which saves at once) and pushes one undoable command.

import { BoardView, COLOR_NAMES, boundsOf, needsReview } from "./board.js";
import { installGestures } from "./gestures.js";
import { History } from "./history.js";
import * as lanes from "./lanes.js";
import { ConflictPanel, HelpPanel, PhotoOverlay, ReviewPanel, toolbar } from "./panels.js";
import { BoardStore } from "./store.js";
import { startEdit } from "./textedit.js";

const NUDGE = 10; // board units per arrow key (×5 with Shift)
const DUPLICATE_OFFSET = 30;
const NEW_NOTE = 150;

export class Editor {
  /** @param {HTMLElement} host @param {{summary, boardEmpty}} parts page elements */
  constructor(host, meetingId, parts) {
    this.host = host;
    this.parts = parts;
    this.selected = new Set();
    this.selectedLink = null;
    this.editing = null;
    this.spaceHeld = false;
    this.fitted = false;
    this.history = new History(() => this.updateButtons());
    this.store = new BoardStore(meetingId, {
      onChange: (c) => this.changed(c),
      onConflict: (c) => this.conflict.show(c),
      onStatus: (s) => this.showStatus(s),
    });
    this.host.dataset.saving = "0";
    this.bar = toolbar(this);
    host.append(this.bar.root);
    const stage = el("div", "editor-stage");
    host.append(stage);
    this.view = new BoardView(stage);
    this.help = new HelpPanel(stage);
    this.review = new ReviewPanel(stage, this);
    this.conflict = new ConflictPanel(stage, this);
    this.overlay = new PhotoOverlay(host, this);
    installGestures(this);
    this.view.viewport.addEventListener("camera", () => this.showZoom());
    this.onKey = (e) => this.keydown(e);
    this.onKeyUp = (e) => {
      if (e.key === " ") this.spaceHeld = false;
    };
    document.addEventListener("keydown", this.onKey);
    document.addEventListener("keyup", this.onKeyUp);
  }

  load() {
    return this.store.load();
  }

  applyEvent(change) {
    this.store.applyEvent(change);
  }

  destroy() {
    document.removeEventListener("keydown", this.onKey);
    document.removeEventListener("keyup", this.onKeyUp);
    this.view.destroy();
  }

  // ---------- drawing what changed ----------

  changed({ notes, lanes, links, all }) {
    const { store, view } = this;
    if (all) {
      for (const id of view.noteEls.keys()) if (!store.notes.has(id)) view.removeNote(id);
      view.renderNotes(store.notes.values());
      view.renderLanes(store.lanes.values());
      for (const id of [...this.selected]) if (!store.notes.has(id)) this.selected.delete(id);
      view.setSelected(this.selected);
      if (!this.fitted) {
        this.fitted = true;
        this.fit();
      }
    }
    for (const id of notes ?? []) {
      const note = store.notes.get(id);
      if (note) view.renderNotes([note]);
      else {
        view.removeNote(id);
        this.selected.delete(id);
        if (this.editing?.id === id) this.editing.cancel();
      }
    }
    if (lanes) view.renderLanes(store.lanes.values());
    if (all || links || notes?.length) this.refreshLinks();
    if (notes?.length) view.setSelected(this.selected);
    this.summarise();
  }

  refreshLinks() {
    if (this.selectedLink != null && !this.store.links.has(this.selectedLink)) {
      this.selectedLink = null;
    }
    this.view.renderLinks(this.store.links.values(), (id) => this.store.notes.get(id),
      this.selectedLink);
  }

  summarise() {
    const n = this.store.notes.size;
    this.host.dataset.boardVersion = String(this.store.version);
    this.host.dataset.noteCount = String(n);
    this.parts.summary.textContent = `付せん ${n} 枚`;
    this.parts.boardEmpty.hidden = n > 0;
    const review = this.reviewList().length;
    this.bar.review.textContent = `要確認 ${review} 件`;
    this.bar.review.disabled = review === 0 && !this.review.open;
    this.updateButtons();
  }

  reviewList() {
    return [...this.store.notes.values()].filter(needsReview)
      .sort((a, b) => a.y - b.y || a.x - b.x || a.id - b.id);
  }

  updateButtons() {
    const { bar } = this;
    const one = this.selected.size > 0;
    bar.undo.disabled = !this.history.done.length;
    bar.redo.disabled = !this.history.undone.length;
    bar.duplicate.disabled = !one;
    bar.remove.disabled = !one && this.selectedLink == null;
    bar.connect.disabled = this.selected.size !== 2;
    for (const b of bar.colors) b.disabled = !one;
  }

  showStatus({ saving, error }) {
    const status = this.bar.status;
    if (error) {
      status.textContent = `保存できませんでした：${error}`;
      status.dataset.state = "error";
    } else if (saving) {
      status.textContent = "保存中…";
      status.dataset.state = "saving";
    } else if (status.dataset.state !== "error") {
      status.textContent = "保存しました";
      status.dataset.state = "saved";
    }
    this.host.dataset.saving = String(saving);
  }

  // ---------- camera ----------

  fit() {
    const boxes = [...this.store.notes.values(), ...this.store.lanes.values()];
    this.view.fit(boundsOf(this.store.width, this.store.height, boxes));
  }

  zoom(factor) {
    this.view.zoomCentre(factor);
  }

  showZoom() {
    const { s } = this.view.camera;
    this.bar.zoomLabel.textContent = `${Math.round(s * 100)}%`;
    this.host.dataset.scale = s.toFixed(4);
  }

  // ---------- selection ----------

  select(ids) {
    this.selected = new Set(ids);
    this.selectedLink = null;
    this.view.setSelected(this.selected);
    this.host.dataset.selected = String(this.selected.size);
    this.refreshLinks();
    this.overlay.highlight(this.selected);
    this.updateButtons();
  }

  toggleSelected(id) {
    const next = new Set(this.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.select(next);
  }

  selectLink(id) {
    this.select([]);
    this.selectedLink = id;
    this.refreshLinks();
    this.updateButtons();
  }

  // ---------- notes ----------

  async addNoteAt(p) {
    const fields = { x: Math.round(p.x - NEW_NOTE / 2), y: Math.round(p.y - NEW_NOTE / 2),
      w: NEW_NOTE, h: NEW_NOTE, color: this.lastColor ?? "yellow", text: "" };
    const note = await this.store.createNote(fields).catch((err) => this.store.failed(err));
    if (!note) return;
    this.pushRestorable("付せんを追加", [note.id], false);
    this.select([note.id]);
    this.startEdit(note.id);
  }

  async duplicate() {
    const made = [];
    for (const id of this.selected) {
      const n = this.store.notes.get(id);
      if (!n) continue;
      const copy = await this.store.createNote({ x: n.x + DUPLICATE_OFFSET,
        y: n.y + DUPLICATE_OFFSET, w: n.w, h: n.h, rotation: n.rotation, color: n.color,
        text: n.text, writing: n.writing }).catch((err) => this.store.failed(err));
      if (copy) made.push(copy.id);
    }
    if (!made.length) return;
    this.pushRestorable("付せんを複製", made, false);
    this.select(made);
  }

  async deleteSelection() {
    if (this.selectedLink != null) return this.deleteLink(this.selectedLink);
    const ids = [...this.selected];
    if (!ids.length) return;
    this.select([]);
    const gone = (await Promise.all(ids.map((id) => this.store.deleteNote(id)))).filter(Boolean);
    this.pushRestorable("付せんを削除", gone.map((g) => g.note.id), true,
      gone.flatMap((g) => g.links));
  }

  /**
   * One command for notes that exist now (`present`) or were just deleted: undo and redo
   * delete and restore the same rows, and bring back the links that went with them.
   */
  pushRestorable(label, ids, deleted, links = []) {
    const { store, history } = this;
    const remove = () => Promise.all(ids.map((id) => store.deleteNote(id)));
    const restore = async () => {
      await Promise.all(ids.map((id) => store.restoreNote(id)));
      for (const l of links) {
        const made = await store.createLink({ source_id: l.source_id, target_id: l.target_id,
          label: l.label });
        history.alias("links", l.id, made.id);
      }
    };
    history.push(deleted ? { label, undo: restore, redo: remove }
      : { label, undo: remove, redo: restore });
  }

  moveNotes(before, after) {
    const apply = (list) => Promise.all(list.map((p) =>
      this.store.patchNote(p.id, { x: p.x, y: p.y })));
    apply(after);
    this.history.push({ label: "移動", undo: () => apply(before), redo: () => apply(after) });
  }

  nudge(dx, dy) {
    const ids = [...this.selected].filter((id) => this.store.notes.has(id));
    if (!ids.length) return false;
    const before = ids.map((id) => ({ id, x: this.store.notes.get(id).x,
      y: this.store.notes.get(id).y }));
    this.moveNotes(before, before.map((p) => ({ id: p.id, x: p.x + dx, y: p.y + dy })));
    return true;
  }

  recolor(color) {
    const ids = [...this.selected].filter((id) => this.store.notes.has(id));
    if (!ids.length) return;
    this.lastColor = color;
    const before = ids.map((id) => ({ id, color: this.store.notes.get(id).color }));
    const apply = (list) => Promise.all(list.map((p) =>
      this.store.patchNote(p.id, { color: p.color })));
    const after = ids.map((id) => ({ id, color }));
    apply(after);
    this.history.push({ label: `${COLOR_NAMES[color]}にする`, undo: () => apply(before),
      redo: () => apply(after) });
  }

  /** Save a text edit; a conflict shows both texts and records nothing to undo. */
  async editText(id, before, after) {
    const saved = await this.store.patchNote(id, { text: after, reviewed: true },
      { baseText: before });
    if (!saved) return;
    this.history.push({
      label: "文字を編集",
      undo: () => this.store.patchNote(id, { text: before }, { baseText: after }),
      redo: () => this.store.patchNote(id, { text: after }, { baseText: before }),
    });
  }

  markReviewed(id) {
    this.store.patchNote(id, { reviewed: true });
    this.history.push({
      label: "確認済みにする",
      undo: () => this.store.patchNote(id, { reviewed: false }),
      redo: () => this.store.patchNote(id, { reviewed: true }),
    });
  }

  startEdit(id) {
    startEdit(this, id);
  }

  // ---------- links ----------

  async createLink(sourceId, targetId) {
    const { store, history } = this;
    const exists = [...store.links.values()].some((l) =>
      l.source_id === sourceId && l.target_id === targetId);
    if (exists) return;
    const link = await store.createLink({ source_id: sourceId, target_id: targetId })
      .catch((err) => store.failed(err));
    if (!link) return;
    history.push({
      label: "矢印を引く",
      undo: () => store.deleteLink(history.id("links", link.id)),
      redo: async () => {
        const made = await store.createLink({ source_id: sourceId, target_id: targetId });
        history.alias("links", link.id, made.id);
      },
    });
  }

  connectSelected() {
    const [a, b] = [...this.selected];
    if (b != null) this.createLink(a, b);
  }

  async deleteLink(id) {
    const { store, history } = this;
    this.selectedLink = null;
    const link = await store.deleteLink(id);
    if (!link) return;
    history.push({
      label: "矢印を削除",
      undo: async () => {
        const made = await store.createLink({ source_id: link.source_id,
          target_id: link.target_id, label: link.label });
        history.alias("links", link.id, made.id);
      },
      redo: () => store.deleteLink(history.id("links", link.id)),
    });
    this.updateButtons();
  }

  // ---------- lanes (lanes.js) ----------

  addLane() {
    return lanes.addLane(this);
  }

  deleteLane(id) {
    return lanes.deleteLane(this, id);
  }

  resizeLane(id, beforeH, afterH) {
    lanes.patchLaneCommand(this, "レーンの高さを変更", id, { h: beforeH }, { h: afterH });
  }

  renameLane(id) {
    lanes.renameLane(this, id);
  }

  reorderLane(id, dir) {
    lanes.reorderLane(this, id, dir);
  }

  // ---------- keyboard ----------

  keydown(e) {
    if (!this.host.isConnected || e.isComposing || e.keyCode === 229) return;
    const t = e.target;
    if (t.closest?.("input, textarea, select, [contenteditable]")) return;
    if ((e.key === "Enter" || e.key === " ") && t.closest?.("button, a, summary")) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key;
    if (mod && key.toLowerCase() === "z") this.history[e.shiftKey ? "redo" : "undo"]();
    else if (mod && key.toLowerCase() === "y") this.history.redo();
    else if (mod && key.toLowerCase() === "d") this.duplicate();
    else if (mod && key.toLowerCase() === "a") this.select(this.store.notes.keys());
    else if (mod) return;
    else if (key === "Delete" || key === "Backspace") this.deleteSelection();
    else if (key.startsWith("Arrow")) {
      const step = e.shiftKey ? NUDGE * 5 : NUDGE;
      const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step],
        ArrowDown: [0, step] }[key];
      if (!this.nudge(dx, dy)) {
        if (!this.host.contains(t)) return; // nothing selected, focus elsewhere: page scrolls
        this.view.panBy(-dx * 4, -dy * 4);
      }
    } else if ((key === "Enter" || key === "F2") && this.selected.size === 1) {
      this.startEdit([...this.selected][0]);
    } else if (key === "Escape") {
      this.help.close();
      this.select([]);
    } else if (key === "+" || key === "=") this.zoom(1.25);
    else if (key === "-") this.zoom(0.8);
    else if (key === "0") this.fit();
    else if (key === "?" || key === "F1") this.help.toggle();
    else if (key === " " && this.host.contains(t)) {
      this.spaceHeld = true; // Space+drag pans (only with the board focused)
    } else return;
    e.preventDefault();
  }
}

function el(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}
