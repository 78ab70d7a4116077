// Lane (レーン) operations of the editor (issue 5): add, delete, rename, resize, reorder,
// each one undoable. Which lane a note belongs to is decided by the server from where the
// note sits (crud.lane_at), so nothing here assigns notes to lanes.

export async function addLane(editor) {
  const { store, history } = editor;
  const lanes = [...store.lanes.values()];
  const y = lanes.length ? Math.max(...lanes.map((l) => l.y + l.h)) : 0;
  const body = { label: "新しいレーン", x: 0, y, w: store.width, h: 300 };
  const lane = await store.createLane(body).catch((err) => store.failed(err));
  if (!lane) return;
  history.push({
    label: "レーンを追加",
    undo: () => store.deleteLane(history.id("lanes", lane.id)),
    redo: async () => history.alias("lanes", lane.id, (await store.createLane(body)).id),
  });
  renameLane(editor, lane.id);
}

export async function deleteLane(editor, id) {
  const { store, history } = editor;
  const lane = await store.deleteLane(id);
  if (!lane) return;
  const body = { label: lane.label, order: lane.order, x: lane.x, y: lane.y, w: lane.w,
    h: lane.h };
  history.push({
    label: "レーンを削除",
    undo: async () => history.alias("lanes", lane.id, (await store.createLane(body)).id),
    redo: () => store.deleteLane(history.id("lanes", lane.id)),
  });
}

export function patchLaneCommand(editor, label, laneId, before, after) {
  const { store, history } = editor;
  store.patchLane(laneId, after);
  history.push({
    label,
    undo: () => store.patchLane(history.id("lanes", laneId), before),
    redo: () => store.patchLane(history.id("lanes", laneId), after),
  });
}

export function renameLane(editor, laneId) {
  const div = editor.view.laneEls.get(laneId);
  const lane = editor.store.lanes.get(laneId);
  if (!div || !lane) return;
  const input = document.createElement("input");
  input.className = "lane-rename";
  input.dataset.testid = "lane-rename";
  input.setAttribute("aria-label", "レーンの名前");
  input.value = lane.label;
  const head = div.querySelector(".lane-head");
  head.append(input);
  let composing = false;
  let done = false;
  const finish = (save) => {
    if (done) return;
    done = true;
    input.remove();
    const label = input.value.trim();
    if (save && label !== lane.label) {
      patchLaneCommand(editor, "レーン名を変更", laneId, { label: lane.label }, { label });
    }
    editor.view.viewport.focus({ preventScroll: true });
  };
  input.addEventListener("compositionstart", () => { composing = true; });
  input.addEventListener("compositionend", () => { composing = false; });
  input.addEventListener("keydown", (e) => {
    e.stopPropagation();
    if (e.isComposing || composing || e.keyCode === 229) return;
    if (e.key === "Enter") finish(true);
    else if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
  input.addEventListener("pointerdown", (e) => e.stopPropagation());
  input.focus();
  input.select();
}

/**
 * Swap a lane with its neighbour (dir -1 up, +1 down): the bands trade places and the
 * notes in each band move with it, as one undoable step.
 */
export function reorderLane(editor, laneId, dir) {
  const { store } = editor;
  const sorted = [...store.lanes.values()].sort((a, b) => a.y - b.y || a.order - b.order);
  const i = sorted.findIndex((l) => l.id === laneId);
  const j = i + dir;
  if (i < 0 || j < 0 || j >= sorted.length) return;
  const [upper, lower] = i < j ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]];
  const inside = (lane) => [...store.notes.values()].filter((n) => {
    const cx = n.x + n.w / 2;
    const cy = n.y + n.h / 2;
    return cx >= lane.x && cx < lane.x + lane.w && cy >= lane.y && cy < lane.y + lane.h;
  });
  const moves = [
    ...inside(upper).map((n) => ({ id: n.id, x: n.x, y: n.y, y2: n.y + lower.h })),
    ...inside(lower).map((n) => ({ id: n.id, x: n.x, y: n.y, y2: n.y - upper.h })),
  ];
  const lanesBefore = [upper, lower].map((l) => ({ id: l.id, y: l.y, order: l.order }));
  const lanesAfter = [
    { id: upper.id, y: upper.y + lower.h, order: lower.order },
    { id: lower.id, y: upper.y, order: upper.order },
  ];
  const apply = (lanes, key) => {
    for (const l of lanes) {
      store.patchLane(editor.history.id("lanes", l.id), { y: l.y, order: l.order });
    }
    return Promise.all(moves.map((m) => store.patchNote(m.id, { x: m.x, y: m[key] })));
  };
  apply(lanesAfter, "y2");
  editor.history.push({ label: "レーンを並べ替え", undo: () => apply(lanesBefore, "y"),
    redo: () => apply(lanesAfter, "y2") });
}

const SNAP_MARGIN = 8; // board units kept between a snapped note and its lane's edge

/**
 * Snap to lanes: a note dropped with its centre in a lane but sticking out of the band is
 * pulled vertically inside it (when it fits). `moves` are {id, x, y}; returns new ones.
 */
export function snapIntoLanes(editor, moves) {
  const { store } = editor;
  const lanes = [...store.lanes.values()].sort((a, b) => a.order - b.order || a.id - b.id);
  return moves.map((m) => {
    const note = store.notes.get(m.id);
    if (!note) return m;
    const cx = m.x + note.w / 2;
    const cy = m.y + note.h / 2;
    const lane = lanes.find((l) =>
      cx >= l.x && cx < l.x + l.w && cy >= l.y && cy < l.y + l.h);
    if (!lane || note.h > lane.h - 2 * SNAP_MARGIN) return m;
    const top = lane.y + SNAP_MARGIN;
    const bottom = lane.y + lane.h - SNAP_MARGIN - note.h;
    return { ...m, y: Math.min(Math.max(m.y, top), bottom) };
  });
}
