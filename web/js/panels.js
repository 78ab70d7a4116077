// The editor's toolbar and side panels: help (shortcuts), review (要確認), conflict, and the
// overlay of the original photo with the detected quads. Japanese UI text throughout.

import { COLOR_NAMES, REVIEW_BELOW } from "./board.js";
import { h } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Shortcut list: shown in the help panel and the README. */
export const SHORTCUTS = [
  ["ダブルクリック（空いている所）", "付せんを追加"],
  ["ダブルクリック（付せん） / Enter / F2", "文字を編集"],
  ["Ctrl+Enter / 枠の外をクリック", "編集を確定（Esc で取り消し）"],
  ["ドラッグ", "付せんを移動（選んだ付せんはまとめて）"],
  ["Shift+クリック / 空いている所をドラッグ", "複数選択（範囲選択）"],
  ["矢印キー（Shift で大きく）", "選んだ付せんを少しずつ移動"],
  ["付せんの右の ● をドラッグ", "矢印を引く"],
  ["Delete / Backspace", "選んだ付せん・矢印を削除"],
  ["Ctrl+D", "複製"],
  ["Ctrl+A", "すべて選択"],
  ["Ctrl+Z / Ctrl+Shift+Z（Ctrl+Y）", "元に戻す / やり直し"],
  ["ホイール / ピンチ / + − 0", "拡大・縮小 / 全体表示"],
  ["Space+ドラッグ / 中ボタン / 指1本でドラッグ", "画面を動かす"],
  ["レーン名をダブルクリック", "レーン名を変更"],
  ["? / F1", "このヘルプ"],
];

export function toolbar(editor) {
  const root = h("div", { class: "editor-toolbar", role: "toolbar", "aria-label": "ボードの編集" });
  const button = (text, testid, onClick, title = text) => {
    const b = h("button", { type: "button", class: "tool", "data-testid": testid, title }, text);
    b.addEventListener("click", onClick);
    return b;
  };
  const group = (...children) => h("div", { class: "tool-group" }, ...children);
  const parts = {
    root,
    add: button("付せんを追加", "add-note", () => {
      const r = editor.view.viewport.getBoundingClientRect();
      editor.addNoteAt(editor.view.clientToBoard(r.left + r.width / 2, r.top + r.height / 2));
    }),
    duplicate: button("複製", "duplicate", () => editor.duplicate(), "複製（Ctrl+D）"),
    remove: button("削除", "delete", () => editor.deleteSelection(), "削除（Delete）"),
    connect: button("矢印でつなぐ", "connect", () => editor.connectSelected(),
      "選んだ 2 枚を矢印でつなぐ（先に選んだ方から）"),
    lane: button("レーンを追加", "add-lane", () => editor.addLane()),
    undo: button("元に戻す", "undo", () => editor.history.undo(), "元に戻す（Ctrl+Z）"),
    redo: button("やり直し", "redo", () => editor.history.redo(), "やり直し（Ctrl+Shift+Z）"),
    zoomOut: button("－", "zoom-out", () => editor.zoom(0.8), "縮小（−）"),
    zoomLabel: h("span", { class: "zoom-label", "data-testid": "zoom-label" }, "100%"),
    zoomIn: button("＋", "zoom-in", () => editor.zoom(1.25), "拡大（+）"),
    fit: button("全体", "zoom-fit", () => editor.fit(), "全体を表示（0）"),
    review: button("要確認 0 件", "review", () => editor.review.toggle(),
      `読み取りの確信度が ${REVIEW_BELOW} 未満の付せんを順に確認`),
    overlay: button("写真と照合", "overlay-toggle", () => editor.overlay.toggle(),
      "元の写真と読み取った位置を重ねて表示"),
    help: button("？", "help-toggle", () => editor.help.toggle(), "ショートカット一覧（?）"),
    status: h("span", { class: "save-status", role: "status", "data-testid": "save-status" }),
    colors: [],
  };
  parts.overlay.setAttribute("aria-pressed", "false");
  for (const [name, label] of Object.entries(COLOR_NAMES)) {
    if (name === "other") continue;
    const b = h("button", { type: "button", class: "swatch", "data-swatch": name,
      "data-testid": `color-${name}`, title: `${label}にする`, "aria-label": `${label}にする` });
    b.addEventListener("click", () => editor.recolor(name));
    parts.colors.push(b);
  }
  root.append(
    group(parts.add, parts.duplicate, parts.remove),
    group(...parts.colors),
    group(parts.connect, parts.lane),
    group(parts.undo, parts.redo),
    group(parts.zoomOut, parts.zoomLabel, parts.zoomIn, parts.fit),
    group(parts.review, parts.overlay, parts.help),
    parts.status);
  return parts;
}

class Panel {
  constructor(stage, className, title, testid) {
    this.root = h("aside", { class: `editor-panel ${className}`, "data-testid": testid,
      "aria-label": title, hidden: true });
    const close = h("button", { type: "button", class: "panel-close", "aria-label": "閉じる" }, "×");
    close.addEventListener("click", () => this.close());
    this.body = h("div", { class: "panel-body" });
    this.root.append(h("div", { class: "panel-title" }, h("strong", {}, title), close), this.body);
    stage.append(this.root);
  }

  get open() {
    return !this.root.hidden;
  }

  close() {
    this.root.hidden = true;
  }
}

export class HelpPanel extends Panel {
  constructor(stage) {
    super(stage, "help-panel", "ショートカット", "help-panel");
    const rows = SHORTCUTS.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)));
    this.body.append(h("table", { class: "shortcuts" }, h("tbody", {}, ...rows)),
      h("p", { class: "hint" }, "変更はすぐに保存されます（保存ボタンはありません）。"));
  }

  toggle() {
    this.root.hidden = !this.root.hidden;
  }
}

/** Steps through the notes that need review (要確認), one at a time. */
export class ReviewPanel extends Panel {
  constructor(stage, editor) {
    super(stage, "review-panel", "要確認の付せん", "review-panel");
    this.editor = editor;
    this.index = 0;
    this.current = null;
  }

  toggle() {
    if (this.open) this.close();
    else {
      this.root.hidden = false;
      this.index = 0;
      this.show();
    }
  }

  close() {
    super.close();
    this.editor.summarise();
  }

  step(delta) {
    this.index += delta;
    this.show();
  }

  show() {
    const list = this.editor.reviewList();
    this.body.replaceChildren();
    if (!list.length) {
      this.body.append(h("p", { "data-testid": "review-done" }, "確認が必要な付せんはありません。"));
      return;
    }
    this.index = (this.index + list.length) % list.length;
    const note = list[this.index];
    this.current = note.id;
    const { editor } = this;
    editor.select([note.id]);
    editor.view.centreOn(note);
    const img = note.has_image
      ? h("img", { class: "review-crop", src: `/api/notes/${note.id}/image`, alt: "写真の切り抜き" })
      : h("p", { class: "hint" }, "（写真の切り抜きはありません）");
    const button = (text, testid, fn) => {
      const b = h("button", { type: "button", class: "tool", "data-testid": testid }, text);
      b.addEventListener("click", fn);
      return b;
    };
    this.body.append(
      h("p", { class: "review-count", "data-testid": "review-count" },
        `${this.index + 1} / ${list.length} 件`),
      img,
      h("p", {}, "読み取った文字：", h("strong", {}, note.ocr_text)),
      h("p", { class: "hint" }, `確信度 ${Math.round(note.confidence * 100)}%`),
      h("div", { class: "tool-group" },
        button("前へ", "review-prev", () => this.step(-1)),
        button("編集", "review-edit", () => editor.startEdit(note.id)),
        button("確認済みにする", "review-ok", () => {
          editor.markReviewed(note.id);
          this.show();
        }),
        button("次へ", "review-next", () => this.step(1))));
  }
}

/** A stale text edit: both texts stay visible until the user decides. */
export class ConflictPanel extends Panel {
  constructor(stage, editor) {
    super(stage, "conflict-panel", "同時に編集されました", "conflict");
    this.editor = editor;
    this.root.setAttribute("role", "alertdialog");
  }

  show({ note, mine, theirs }) {
    const { editor } = this;
    const resolve = (text) => {
      this.close();
      if (text !== theirs) editor.editText(note.id, theirs, text);
    };
    const button = (text, testid, fn) => {
      const b = h("button", { type: "button", class: "tool", "data-testid": testid }, text);
      b.addEventListener("click", fn);
      return b;
    };
    this.body.replaceChildren(
      h("p", {}, "この付せんは他の人が先に変更しました。どちらの内容にするか選んでください。"),
      h("div", { class: "conflict-texts" },
        h("figure", {}, h("figcaption", {}, "他の人の変更（保存済み）"),
          h("pre", { "data-testid": "conflict-theirs" }, theirs)),
        h("figure", {}, h("figcaption", {}, "あなたの入力（未保存）"),
          h("pre", { "data-testid": "conflict-mine" }, mine))),
      h("div", { class: "tool-group" },
        button("他の人の変更を残す", "conflict-keep-theirs", () => resolve(theirs)),
        button("自分の入力で上書き", "conflict-keep-mine", () => resolve(mine)),
        button("両方をつなげる", "conflict-keep-both", () => resolve(`${theirs}\n${mine}`))));
    this.root.hidden = false;
    editor.select([note.id]);
  }
}

/** The original photo with every note's detected quad, to check recognition. */
export class PhotoOverlay {
  constructor(host, editor) {
    this.editor = editor;
    this.root = h("section", { class: "photo-overlay", "data-testid": "photo-overlay",
      "aria-label": "元の写真と読み取った位置", hidden: true });
    host.append(this.root);
    this.polys = new Map();
  }

  toggle() {
    this.root.hidden = !this.root.hidden;
    this.editor.bar.overlay.setAttribute("aria-pressed", String(!this.root.hidden));
    if (!this.root.hidden) this.render();
  }

  render() {
    const { store } = this.editor;
    this.root.replaceChildren();
    this.polys.clear();
    const photos = store.photos.filter((p) => p.status === "done" && p.width && p.height);
    if (!photos.length) {
      this.root.append(h("p", { class: "empty" }, "読み取りが完了した写真はまだありません。"));
      return;
    }
    for (const photo of photos) this.root.append(this.figure(photo));
    this.highlight(this.editor.selected);
  }

  figure(photo) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${photo.width} ${photo.height}`);
    svg.classList.add("overlay-quads");
    for (const note of this.editor.store.notes.values()) {
      if (note.photo_id !== photo.id || !note.quad) continue;
      const poly = document.createElementNS(SVG_NS, "polygon");
      poly.setAttribute("points", note.quad.map((p) => p.join(",")).join(" "));
      poly.dataset.noteId = String(note.id);
      poly.dataset.testid = "overlay-quad";
      poly.addEventListener("click", () => {
        this.editor.select([note.id]);
        this.editor.view.centreOn(note);
      });
      this.polys.set(note.id, poly);
      svg.append(poly);
    }
    return h("figure", { class: "overlay-figure" },
      h("div", { class: "overlay-frame" },
        h("img", { src: `/api/photos/${photo.id}/original`, alt: photo.filename || "写真",
          "data-testid": "overlay-photo" }), svg),
      h("figcaption", {}, `${photo.filename}（枠：読み取った付せん。クリックでボード上の付せんを選択）`));
  }

  highlight(ids) {
    for (const [id, poly] of this.polys) poly.classList.toggle("selected", ids.has(id));
  }
}
