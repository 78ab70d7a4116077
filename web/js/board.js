// Board rendering: lanes, links and notes placed in *board units* (README "Coordinates").
//
// One board unit is one CSS pixel inside `.board-surface`; the camera moves and scales the
// surface as a whole (`translate() scale()`), so zoom and pan never touch a note, and a drag
// only changes one note's left/top. Elements are kept by id and updated in place: a live
// change from someone else does not rebuild the DOM or disturb a note being edited.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Palette name -> Japanese name (for screen readers and the colour buttons). */
export const COLOR_NAMES = {
  yellow: "黄色",
  pink: "ピンク",
  blue: "青",
  green: "緑",
  orange: "オレンジ",
  purple: "紫",
  white: "白",
  other: "その他の色",
};

/**
 * The one review threshold (issue 5): a note needs review (要確認) when the OCR read text
 * with a confidence below this and nobody has checked it yet. 0.6 until the server says
 * which threshold its OCR engine's confidence calls for (`ocr_review_below` in /api/health,
 * measured per engine: README "OCR").
 */
export let REVIEW_BELOW = 0.6;

/** Take the server's threshold (a number in 0–1; anything else is ignored). */
export function setReviewBelow(value) {
  if (typeof value === "number" && value > 0 && value <= 1) REVIEW_BELOW = value;
}

export const needsReview = (n) =>
  !n.reviewed && !!n.ocr_text && n.confidence != null && n.confidence < REVIEW_BELOW;

const MIN_FONT = 10; // board units; smaller text is unreadable even at full scale
const MIN_SCALE = 0.05;
const MAX_SCALE = 4;

export class BoardView {
  /** @param {HTMLElement} host an empty element; the board fills its width. */
  constructor(host) {
    this.host = host;
    this.camera = { x: 0, y: 0, s: 1 }; // client px = camera.x + s * board units
    this.noteEls = new Map();
    this.laneEls = new Map();
    this.linkEls = new Map();

    this.viewport = el("div", "board-viewport");
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute("role", "application");
    this.viewport.setAttribute("aria-label", "ボード（付せんを選んで矢印キーで移動、Enter で編集）");
    this.viewport.dataset.testid = "board-viewport";
    this.surface = el("div", "board-surface");
    this.surface.dataset.testid = "board";
    this.lanesLayer = el("div", "board-lanes");
    this.linksLayer = document.createElementNS(SVG_NS, "svg");
    this.linksLayer.classList.add("board-links");
    this.linksLayer.append(arrowMarker());
    this.notesLayer = el("ul", "board-notes");
    this.notesLayer.setAttribute("aria-label", "付せん");
    this.topLayer = el("div", "board-top"); // rubber band, link being drawn, crop
    this.band = el("div", "rubber-band");
    this.band.hidden = true;
    this.draft = document.createElementNS(SVG_NS, "line");
    this.draft.classList.add("link-draft");
    this.draft.setAttribute("marker-end", "url(#fusen-arrow)");
    this.draft.style.display = "none";
    this.linksLayer.append(this.draft);
    this.topLayer.append(this.band);
    this.surface.append(this.lanesLayer, this.linksLayer, this.notesLayer, this.topLayer);
    this.viewport.append(this.surface);
    host.append(this.viewport);
    this.sizeLinksLayer({ x: -50000, y: -50000, w: 100000, h: 100000 });
  }

  // ---------- camera ----------

  applyCamera() {
    const { x, y, s } = this.camera;
    this.surface.style.transform = `translate(${x}px, ${y}px) scale(${s})`;
    this.viewport.dispatchEvent(new Event("camera"));
  }

  /** Show the whole of `bounds` (board units), centred. */
  fit(bounds) {
    const vw = this.viewport.clientWidth;
    const vh = this.viewport.clientHeight;
    if (!vw || !vh) return;
    const s = clamp(Math.min(vw / bounds.w, vh / bounds.h) * 0.96, MIN_SCALE, MAX_SCALE);
    this.camera = {
      s,
      x: (vw - bounds.w * s) / 2 - bounds.x * s,
      y: (vh - bounds.h * s) / 2 - bounds.y * s,
    };
    this.applyCamera();
  }

  /** Zoom by `factor` keeping the board point under (clientX, clientY) still. */
  zoomAt(clientX, clientY, factor) {
    const r = this.viewport.getBoundingClientRect();
    const px = clientX - r.left;
    const py = clientY - r.top;
    const { x, y, s } = this.camera;
    const ns = clamp(s * factor, MIN_SCALE, MAX_SCALE);
    this.camera = { s: ns, x: px - ((px - x) * ns) / s, y: py - ((py - y) * ns) / s };
    this.applyCamera();
  }

  zoomCentre(factor) {
    const r = this.viewport.getBoundingClientRect();
    this.zoomAt(r.left + r.width / 2, r.top + r.height / 2, factor);
  }

  panBy(dx, dy) {
    this.camera.x += dx;
    this.camera.y += dy;
    this.applyCamera();
  }

  /** Scroll so that `box` (board units) is in view, centred. */
  centreOn(box) {
    const vw = this.viewport.clientWidth;
    const vh = this.viewport.clientHeight;
    const { s } = this.camera;
    this.camera.x = vw / 2 - (box.x + box.w / 2) * s;
    this.camera.y = vh / 2 - (box.y + box.h / 2) * s;
    this.applyCamera();
  }

  /** A pointer position (client pixels) in board units. */
  clientToBoard(clientX, clientY) {
    const r = this.viewport.getBoundingClientRect();
    const { x, y, s } = this.camera;
    return { x: (clientX - r.left - x) / s, y: (clientY - r.top - y) / s };
  }

  // ---------- notes ----------

  /** Create or update the elements of `notes`; fit their text in a few batched passes. */
  renderNotes(notes, reviewOf = needsReview) {
    const changed = [];
    for (const note of notes) {
      let li = this.noteEls.get(note.id);
      if (!li) {
        li = createNote();
        this.noteEls.set(note.id, li);
        this.notesLayer.append(li);
      }
      if (updateNote(li, note, reviewOf(note))) changed.push([li, note]);
    }
    fitTexts(changed);
  }

  removeNote(id) {
    this.noteEls.get(id)?.remove();
    this.noteEls.delete(id);
  }

  /** Move a note's element only (during a drag): no text fitting, no other note touched. */
  placeNote(id, x, y) {
    const li = this.noteEls.get(id);
    if (li) {
      li.style.left = `${x}px`;
      li.style.top = `${y}px`;
    }
  }

  noteIdAt(target) {
    const li = target?.closest?.(".note");
    return li && this.notesLayer.contains(li) ? Number(li.dataset.noteId) : null;
  }

  setSelected(ids) {
    for (const [id, li] of this.noteEls) li.classList.toggle("note--selected", ids.has(id));
  }

  // ---------- lanes ----------

  renderLanes(lanes) {
    const sorted = [...lanes].sort((a, b) => a.order - b.order || a.id - b.id);
    const seen = new Set();
    sorted.forEach((lane, i) => {
      seen.add(lane.id);
      let div = this.laneEls.get(lane.id);
      if (!div) {
        div = createLane();
        this.laneEls.set(lane.id, div);
        this.lanesLayer.append(div);
      }
      placeBox(div, lane);
      div.dataset.laneId = String(lane.id);
      div.classList.toggle("lane--alt", i % 2 === 1);
      const label = div.querySelector(".lane-label");
      if (label.textContent !== lane.label) label.textContent = lane.label || "（名前なし）";
    });
    for (const [id, div] of this.laneEls) {
      if (!seen.has(id)) {
        div.remove();
        this.laneEls.delete(id);
      }
    }
  }

  // ---------- links ----------

  sizeLinksLayer({ x, y, w, h }) {
    const svg = this.linksLayer;
    Object.assign(svg.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
  }

  /** Draw every link; `boxOf(id)` gives a note's current box (it may be mid-drag). */
  renderLinks(links, boxOf, selectedLink) {
    const seen = new Set();
    for (const link of links) {
      const a = boxOf(link.source_id);
      const b = boxOf(link.target_id);
      if (!a || !b) continue;
      seen.add(link.id);
      let g = this.linkEls.get(link.id);
      if (!g) {
        g = createLink(link);
        this.linkEls.set(link.id, g);
        this.linksLayer.insertBefore(g, this.draft);
      }
      placeLink(g, link, a, b);
      g.classList.toggle("link--selected", link.id === selectedLink);
    }
    for (const [id, g] of this.linkEls) {
      if (!seen.has(id)) {
        g.remove();
        this.linkEls.delete(id);
      }
    }
  }

  /** Redraw only the links touching `noteIds` (while dragging). */
  updateLinksOf(noteIds, links, boxOf) {
    for (const link of links) {
      if (!noteIds.has(link.source_id) && !noteIds.has(link.target_id)) continue;
      const g = this.linkEls.get(link.id);
      const a = boxOf(link.source_id);
      const b = boxOf(link.target_id);
      if (g && a && b) placeLink(g, link, a, b);
    }
  }

  linkIdAt(target) {
    const g = target?.closest?.("[data-link-id]");
    return g ? Number(g.dataset.linkId) : null;
  }

  showDraft(from, to) {
    const c = centre(from);
    Object.assign(this.draft.style, { display: "" });
    this.draft.setAttribute("x1", c.x);
    this.draft.setAttribute("y1", c.y);
    this.draft.setAttribute("x2", to.x);
    this.draft.setAttribute("y2", to.y);
  }

  hideDraft() {
    this.draft.style.display = "none";
  }

  showBand(a, b) {
    this.band.hidden = false;
    placeBox(this.band, rectOf(a, b));
  }

  hideBand() {
    this.band.hidden = true;
  }

  destroy() {
    this.viewport.remove();
  }
}

/** The smallest rectangle holding points a and b. */
export function rectOf(a, b) {
  return {
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    w: Math.abs(a.x - b.x),
    h: Math.abs(a.y - b.y),
  };
}

/** The area to show: the board's own size, grown to include anything placed outside it. */
export function boundsOf(width, height, boxes) {
  const all = [{ x: 0, y: 0, w: width, h: height }, ...boxes];
  const left = Math.min(...all.map((b) => b.x));
  const top = Math.min(...all.map((b) => b.y));
  const right = Math.max(...all.map((b) => b.x + b.w));
  const bottom = Math.max(...all.map((b) => b.y + b.h));
  return { x: left, y: top, w: Math.max(1, right - left), h: Math.max(1, bottom - top) };
}

function createNote() {
  const li = el("li", "note");
  li.dataset.testid = "board-note";
  const handle = el("span", "note-handle");
  handle.dataset.testid = "link-handle";
  handle.title = "ドラッグして矢印を引く";
  li.append(el("span", "visually-hidden"), el("div", "note-text"), el("span", "note-badge"),
    handle);
  return li;
}

/** Update the element from `note`; true when its text needs fitting again. */
function updateNote(li, note, review) {
  const [colorLabel, text, badge] = li.children;
  li.dataset.noteId = String(note.id);
  li.dataset.version = String(note.version);
  li.dataset.color = note.color in COLOR_NAMES ? note.color : "other";
  li.classList.toggle("note--vertical", note.writing === "vertical");
  placeBox(li, note);
  li.style.transform = note.rotation ? `rotate(${note.rotation}deg)` : "";
  li.style.zIndex = String(note.z ?? 0);
  // "other" has no palette colour, so show what the camera measured.
  li.style.backgroundColor = li.dataset.color === "other" && note.rgb ? `rgb(${note.rgb})` : "";
  colorLabel.textContent = `${COLOR_NAMES[li.dataset.color]}の付せん：`;
  li.classList.toggle("note--review", review);
  badge.textContent = review ? "要確認" : "";
  const key = `${note.text}|${note.w}|${note.h}|${note.writing}`;
  if (li.dataset.fitKey === key) return false;
  li.dataset.fitKey = key;
  text.textContent = note.text; // CSS keeps the line breaks (white-space: pre-wrap)
  return true;
}

/**
 * Largest font (board units) at which each text fits its note. All writes, then all reads,
 * per pass: a few layouts for the whole board instead of several per note.
 */
function fitTexts(items) {
  let todo = items.map(([li, note]) => {
    const text = li.children[1];
    const inner = Math.max(1, note.w * 0.84 * note.h * 0.82);
    const chars = Math.max(1, [...note.text].length);
    const guess = Math.sqrt(inner / (chars * 1.5));
    const size = Math.max(MIN_FONT, Math.min(Math.min(note.w, note.h) / 4, guess));
    text.style.fontSize = `${size}px`;
    return { text, size };
  });
  for (let pass = 0; pass < 8 && todo.length; pass++) {
    todo = todo.filter(({ text, size }) =>
      size > MIN_FONT &&
      (text.scrollHeight > text.clientHeight || text.scrollWidth > text.clientWidth));
    for (const item of todo) {
      item.size = Math.max(MIN_FONT, item.size * 0.85);
      item.text.style.fontSize = `${item.size}px`;
    }
  }
}

function createLane() {
  const div = el("div", "lane");
  div.dataset.testid = "board-lane";
  const head = el("div", "lane-head");
  const label = el("span", "lane-label");
  label.dataset.testid = "lane-label";
  label.title = "ダブルクリックで名前を変更";
  const tools = el("span", "lane-tools");
  tools.append(
    laneButton("▲", "レーンを上へ", "up"),
    laneButton("▼", "レーンを下へ", "down"),
    laneButton("✕", "レーンを削除", "delete"));
  head.append(label, tools);
  const resize = el("div", "lane-resize");
  resize.dataset.testid = "lane-resize";
  resize.title = "ドラッグしてレーンの高さを変更";
  div.append(head, resize);
  return div;
}

function laneButton(text, label, action) {
  const b = el("button", "lane-button");
  b.type = "button";
  b.textContent = text;
  b.title = label;
  b.setAttribute("aria-label", label);
  b.dataset.laneAction = action;
  return b;
}

function placeBox(node, { x, y, w, h }) {
  Object.assign(node.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
}

function arrowMarker() {
  const defs = document.createElementNS(SVG_NS, "defs");
  defs.innerHTML =
    '<marker id="fusen-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" ' +
    'markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>';
  return defs;
}

function createLink(link) {
  const g = document.createElementNS(SVG_NS, "g");
  g.dataset.testid = "board-link";
  g.dataset.linkId = String(link.id);
  const hit = document.createElementNS(SVG_NS, "line");
  hit.classList.add("link-hit"); // a wide invisible stroke: easy to click or tap
  const line = document.createElementNS(SVG_NS, "line");
  line.classList.add("link-line");
  line.setAttribute("marker-end", "url(#fusen-arrow)");
  g.append(hit, line);
  return g;
}

/** An arrow from the edge of box `a` to the edge of box `b`, along their centre line. */
function placeLink(g, link, a, b) {
  const ca = centre(a);
  const cb = centre(b);
  const d = { x: cb.x - ca.x, y: cb.y - ca.y };
  const start = edgePoint(ca, a, d);
  const end = edgePoint(cb, b, { x: -d.x, y: -d.y });
  for (const line of g.querySelectorAll("line")) {
    line.setAttribute("x1", start.x);
    line.setAttribute("y1", start.y);
    line.setAttribute("x2", end.x);
    line.setAttribute("y2", end.y);
  }
  let label = g.querySelector("text");
  if (link.label && !label) {
    label = document.createElementNS(SVG_NS, "text");
    g.append(label);
  }
  if (label) {
    label.setAttribute("x", (start.x + end.x) / 2);
    label.setAttribute("y", (start.y + end.y) / 2 - 12);
    label.textContent = link.label;
  }
}

const centre = (n) => ({ x: n.x + n.w / 2, y: n.y + n.h / 2 });

/** Where the ray from the note's centre in direction d leaves its (unrotated) box. */
function edgePoint(c, n, d) {
  const tx = d.x ? n.w / 2 / Math.abs(d.x) : Infinity;
  const ty = d.y ? n.h / 2 / Math.abs(d.y) : Infinity;
  const t = Math.min(tx, ty, 0.5); // overlapping notes: meet in the middle instead
  return { x: c.x + d.x * t, y: c.y + d.y * t };
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

function el(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}
