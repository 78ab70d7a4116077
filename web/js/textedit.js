// In-place text editing of a note (issue 5), IME-safe: while a composition is open
// (compositionstart … compositionend, `isComposing`, key code 229) no key commits or
// cancels, and a blur in mid-composition saves only after the IME has delivered its text.

import { needsReview } from "./board.js";

/** Edit a note's text in place, IME-safe (nothing is committed during a composition). */
export function startEdit(editor, id) {
  if (editor.editing) editor.editing.commit();
  const note = editor.store.notes.get(id);
  const li = editor.view.noteEls.get(id);
  if (!note || !li) return;
  const before = note.text;
  const area = document.createElement("textarea");
  area.className = "note-editor";
  area.dataset.testid = "note-editor";
  area.setAttribute("aria-label", "付せんの文字");
  area.value = before;
  area.style.fontSize = li.children[1].style.fontSize;
  li.classList.add("note--editing");
  li.append(area);
  const crop = showCrop(editor, note);
  let composing = false;
  let done = false;
  const close = () => {
    done = true;
    area.remove();
    crop?.remove();
    li.classList.remove("note--editing");
    editor.editing = null;
    editor.view.viewport.focus({ preventScroll: true });
  };
  const editing = {
    id,
    commit: () => {
      if (done) return;
      const after = area.value;
      close();
      if (after !== before) editor.editText(id, before, after);
      else if (needsReview(note)) editor.markReviewed(id);
    },
    cancel: () => {
      if (!done) close();
    },
  };
  editor.editing = editing;
  area.addEventListener("compositionstart", () => {
    composing = true;
  });
  area.addEventListener("compositionend", () => {
    composing = false;
  });
  area.addEventListener("keydown", (e) => {
    e.stopPropagation(); // board shortcuts never fire while typing
    if (e.isComposing || composing || e.keyCode === 229) return; // the IME owns editor key
    if (e.key === "Escape") editing.cancel();
    else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      editing.commit();
    }
  });
  area.addEventListener("blur", () => {
    // A blur in mid-composition commits after the IME has delivered its text.
    if (composing) area.addEventListener("compositionend", () => editing.commit(),
      { once: true });
    else editing.commit();
  });
  area.addEventListener("pointerdown", (e) => e.stopPropagation());
  area.focus({ preventScroll: true });
  area.select();
}

/** The note's photo crop beside it while its text is edited (recognised notes only). */
function showCrop(editor, note) {
  if (!note.has_image) return null;
  const img = document.createElement("img");
  img.className = "note-crop";
  img.dataset.testid = "note-crop";
  img.alt = "写真の切り抜き";
  img.src = `/api/notes/${note.id}/image`;
  const w = Math.max(note.w, 200);
  Object.assign(img.style, { left: `${note.x + note.w + 16}px`, top: `${note.y}px`,
    width: `${w}px` });
  editor.view.topLayer.append(img);
  return img;
}
