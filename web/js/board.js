// Board rendering: lanes, links and notes placed in *board units* (README "Coordinates").
//
// One board unit is one CSS pixel inside `.board-surface`; the surface is then scaled as a
// whole (`transform: scale()`) to fit the viewport. Keeping every object in board units means
// the later editor (drag, resize, zoom) only changes x/y/w/h or the one scale, never a
// per-note conversion. Elements are kept by id and updated in place, so a refresh does not
// rebuild the DOM (and will not disturb a note being edited later).

const SVG_NS = "http://www.w3.org/2000/svg";

/** Palette name -> Japanese name (for screen readers and the legend). Colours are in CSS. */
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

// Below this OCR confidence the note is marked 要確認 (a first guess until the review issue
// calibrates it against the labelled photos).
const REVIEW_BELOW = 0.5;
const MIN_FONT = 10; // board units; smaller text is unreadable even at full scale
const VIEWPORT_HEIGHT_SHARE = 0.8; // leave room for the page header on a laptop screen

export class Board {
  /** @param {HTMLElement} host an empty element; the board fills its width. */
  constructor(host) {
    this.host = host;
    this.bounds = { x: 0, y: 0, w: 2000, h: 1200 }; // board units shown (origin may be < 0)
    this.scale = 1; // CSS pixels per board unit
    this.noteEls = new Map();
    this.laneEls = new Map();

    this.viewport = el("div", "board-viewport");
    this.surface = el("div", "board-surface");
    this.surface.dataset.testid = "board";
    this.lanesLayer = el("div", "board-lanes");
    this.linksLayer = document.createElementNS(SVG_NS, "svg");
    this.linksLayer.classList.add("board-links");
    this.linksLayer.setAttribute("aria-hidden", "true");
    this.notesLayer = el("ul", "board-notes");
    this.notesLayer.setAttribute("aria-label", "付せん");
    this.surface.append(this.lanesLayer, this.linksLayer, this.notesLayer);
    this.viewport.append(this.surface);
    host.append(this.viewport);

    this.fit = this.fit.bind(this);
    this.resizeObserver = new ResizeObserver(this.fit);
    this.resizeObserver.observe(host);
    window.addEventListener("resize", this.fit);
  }

  /** Draw `board` (the GET /api/meetings/{id}/board body), updating what is already there. */
  render(board) {
    this.bounds = boundsOf(board);
    this.host.dataset.boardVersion = String(board.version);
    this.host.dataset.noteCount = String(board.notes.length);
    reconcile(this.laneEls, board.lanes, this.lanesLayer, createLane, updateLane);
    reconcile(this.noteEls, board.notes, this.notesLayer, createNote, updateNote);
    this.drawLinks(board);
    this.fit();
  }

  drawLinks(board) {
    const { x, y, w, h } = this.bounds;
    const svg = this.linksLayer;
    Object.assign(svg.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
    svg.replaceChildren(arrowMarker());
    const notes = new Map(board.notes.map((n) => [n.id, n]));
    for (const link of board.links) {
      const a = notes.get(link.source_id);
      const b = notes.get(link.target_id);
      if (a && b) svg.append(linkElement(link, a, b));
    }
  }

  /** Scale the surface so the whole board fits the host's width and most of the window. */
  fit() {
    const { x, y, w, h } = this.bounds;
    const width = this.host.clientWidth;
    if (!width) return; // not laid out yet (hidden); the ResizeObserver calls again
    const maxHeight = Math.max(240, window.innerHeight * VIEWPORT_HEIGHT_SHARE);
    const scale = Math.min(width / w, maxHeight / h);
    this.scale = scale;
    this.viewport.style.width = `${w * scale}px`;
    this.viewport.style.height = `${h * scale}px`;
    Object.assign(this.surface.style, {
      width: `${w}px`,
      height: `${h}px`,
      transform: `scale(${scale}) translate(${-x}px, ${-y}px)`,
    });
  }

  /** A pointer position (client pixels) in board units: what the later drag editor needs. */
  clientToBoard(clientX, clientY) {
    const r = this.viewport.getBoundingClientRect();
    return {
      x: (clientX - r.left) / this.scale + this.bounds.x,
      y: (clientY - r.top) / this.scale + this.bounds.y,
    };
  }

  destroy() {
    this.resizeObserver.disconnect();
    window.removeEventListener("resize", this.fit);
    this.viewport.remove();
  }
}

/** The area to show: the board's own size, grown to include anything placed outside it. */
function boundsOf(board) {
  const boxes = [{ x: 0, y: 0, w: board.width, h: board.height }, ...board.notes, ...board.lanes];
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const right = Math.max(...boxes.map((b) => b.x + b.w));
  const bottom = Math.max(...boxes.map((b) => b.y + b.h));
  return { x: left, y: top, w: Math.max(1, right - left), h: Math.max(1, bottom - top) };
}

/** Keep `map` (id -> element) in step with `items`; update only items whose version moved. */
function reconcile(map, items, layer, create, update) {
  const seen = new Set();
  for (const item of items) {
    seen.add(item.id);
    let node = map.get(item.id);
    if (!node) {
      node = create();
      map.set(item.id, node);
      layer.append(node);
    }
    if (node.dataset.version !== String(item.version)) {
      update(node, item);
      node.dataset.version = String(item.version);
    }
  }
  for (const [id, node] of map) {
    if (!seen.has(id)) {
      node.remove();
      map.delete(id);
    }
  }
}

function createNote() {
  const li = el("li", "note");
  li.dataset.testid = "board-note";
  li.append(el("span", "visually-hidden"), el("div", "note-text"), el("span", "note-badge"));
  return li;
}

function updateNote(li, note) {
  const [colorLabel, text, badge] = li.children;
  li.dataset.noteId = String(note.id);
  li.dataset.color = note.color in COLOR_NAMES ? note.color : "other";
  li.classList.toggle("note--vertical", note.writing === "vertical");
  placeBox(li, note);
  li.style.transform = note.rotation ? `rotate(${note.rotation}deg)` : "";
  li.style.zIndex = String(note.z ?? 0);
  // "other" has no palette colour, so show what the camera measured.
  li.style.backgroundColor = li.dataset.color === "other" && note.rgb ? `rgb(${note.rgb})` : "";
  colorLabel.textContent = `${COLOR_NAMES[li.dataset.color]}の付せん：`;
  text.textContent = note.text; // CSS keeps the line breaks (white-space: pre-wrap)
  const review = note.confidence != null && note.confidence < REVIEW_BELOW;
  li.classList.toggle("note--review", review);
  badge.textContent = review ? "要確認" : "";
  fitText(text, note);
}

/** Largest font (in board units) at which the text fits inside its note. */
function fitText(text, note) {
  let size = Math.max(MIN_FONT, Math.min(note.w, note.h) / 4);
  text.style.fontSize = `${size}px`;
  // Layout sizes ignore the surface's scale transform, so this measures in board units.
  const overflows = () =>
    text.scrollHeight > text.clientHeight || text.scrollWidth > text.clientWidth;
  while (size > MIN_FONT && overflows()) {
    size = Math.max(MIN_FONT, size * 0.88);
    text.style.fontSize = `${size}px`;
  }
}

function createLane() {
  const div = el("div", "lane");
  div.dataset.testid = "board-lane";
  div.append(el("span", "lane-label"));
  return div;
}

function updateLane(div, lane) {
  placeBox(div, lane);
  div.dataset.laneId = String(lane.id);
  div.classList.toggle("lane--alt", lane.order % 2 === 1);
  div.firstChild.textContent = lane.label;
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

/** An arrow from the edge of note `a` to the edge of note `b`, along their centre line. */
function linkElement(link, a, b) {
  const ca = centre(a);
  const cb = centre(b);
  const d = { x: cb.x - ca.x, y: cb.y - ca.y };
  const start = edgePoint(ca, a, d);
  const end = edgePoint(cb, b, { x: -d.x, y: -d.y });
  const g = document.createElementNS(SVG_NS, "g");
  g.dataset.testid = "board-link";
  g.dataset.linkId = String(link.id);
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("x1", start.x);
  line.setAttribute("y1", start.y);
  line.setAttribute("x2", end.x);
  line.setAttribute("y2", end.y);
  line.setAttribute("marker-end", "url(#fusen-arrow)");
  g.append(line);
  if (link.label) {
    const label = document.createElementNS(SVG_NS, "text");
    label.setAttribute("x", (start.x + end.x) / 2);
    label.setAttribute("y", (start.y + end.y) / 2 - 12);
    label.textContent = link.label;
    g.append(label);
  }
  return g;
}

const centre = (n) => ({ x: n.x + n.w / 2, y: n.y + n.h / 2 });

/** Where the ray from the note's centre in direction d leaves its (unrotated) box. */
function edgePoint(c, n, d) {
  const tx = d.x ? n.w / 2 / Math.abs(d.x) : Infinity;
  const ty = d.y ? n.h / 2 / Math.abs(d.y) : Infinity;
  const t = Math.min(tx, ty, 0.5); // overlapping notes: meet in the middle instead
  return { x: c.x + d.x * t, y: c.y + d.y * t };
}

function el(tag, className) {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}
