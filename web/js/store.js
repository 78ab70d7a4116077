// The board's data on this page and every change to it through the API (issue 5).
//
// Changes are optimistic: the page shows them at once and saves them at once, one request
// after another per note, each carrying the version the server last confirmed. Moves are
// "last writer wins" (a 409 on a move is retried on the newer version); a text edit that
// meets someone else's newer text is a conflict, handed to `onConflict` with both texts.
// Live changes from other people (server-sent events) are applied unless this page is
// still saving that note, in which case the server's answer to our save decides.

import * as api from "./api.js";

export class BoardStore {
  /**
   * @param {number} meetingId
   * @param {{onChange: Function, onConflict: Function, onStatus: Function}} hooks
   *   onChange({notes?: number[], lanes?: boolean, links?: boolean, all?: boolean});
   *   onConflict({note, mine, theirs}); onStatus({saving: number, error: string|null}).
   */
  constructor(meetingId, hooks) {
    this.meetingId = meetingId;
    this.hooks = hooks;
    this.notes = new Map();
    this.lanes = new Map();
    this.links = new Map();
    this.photos = [];
    this.width = 2000;
    this.height = 1400;
    this.version = 0;
    this.pending = new Map(); // note id -> field sets sent but not yet confirmed
    this.chains = new Map(); // note id -> the promise of its last queued save
    this.saving = 0;
  }

  async load() {
    const b = await api.get(`/api/meetings/${this.meetingId}/board`);
    this.width = b.width;
    this.height = b.height;
    this.version = b.version;
    this.photos = b.photos ?? [];
    const notes = new Map();
    for (const n of b.notes) {
      // A note we are still saving keeps what this page shows.
      notes.set(n.id, this.pending.has(n.id) ? { ...n, ...this.notes.get(n.id) } : n);
    }
    this.notes = notes;
    this.lanes = new Map(b.lanes.map((l) => [l.id, l]));
    this.links = new Map(b.links.map((l) => [l.id, l]));
    this.hooks.onChange({ all: true });
  }

  // ---------- live changes from other clients ----------

  /** Apply one SSE `change` event (see app/api/routes/events.py). */
  applyEvent(ev) {
    if (ev.board_version > this.version) this.version = ev.board_version;
    const d = ev.data;
    if (ev.entity === "photos") {
      if (ev.action === "recognize") this.load().catch(() => {});
      return;
    }
    if (!d) return;
    const id = ev.entity_id;
    if (ev.entity === "notes") this.applyNote(ev.action, id, d);
    else if (ev.entity === "links") {
      if (ev.action === "delete") this.links.delete(id);
      else this.links.set(id, d);
      this.hooks.onChange({ links: true });
    } else if (ev.entity === "lanes") {
      const local = this.lanes.get(id);
      if (ev.action === "delete") this.lanes.delete(id);
      else if (!local || local.version < d.version) this.lanes.set(id, d);
      else return;
      this.hooks.onChange({ lanes: true });
    }
  }

  applyNote(action, id, d) {
    const local = this.notes.get(id);
    if (action === "delete") {
      // `d` is the note before its delete (version v, the deleted row is v+1): a newer
      // local copy means it was restored since (an undo), and the restore wins.
      if (!local || local.version > d.version + 1) return;
      this.notes.delete(id);
    } else {
      if (this.pending.has(id)) return;
      if (local && local.version >= d.version) return;
      const { deleted, ...note } = d;
      if (deleted) this.notes.delete(id);
      else this.notes.set(id, note);
    }
    this.hooks.onChange({ notes: [id], links: true });
  }

  // ---------- notes ----------

  async createNote(fields) {
    const note = await this.track(api.post(`/api/meetings/${this.meetingId}/notes`, fields));
    this.notes.set(note.id, note);
    this.hooks.onChange({ notes: [note.id] });
    return note;
  }

  /**
   * Change fields of a note now and save them.
   * @param {{baseText?: string}} opts baseText: the text the user started from; a newer,
   *   different text on the server makes a text change a conflict instead of an overwrite.
   * @returns {Promise<object|null>} the saved note, or null after a conflict.
   */
  patchNote(id, fields, opts = {}) {
    const local = this.notes.get(id);
    if (!local) return Promise.resolve(null);
    const { baseText } = opts;
    if ("text" in fields && baseText !== undefined && !this.pending.has(id) &&
        local.text !== baseText && local.text !== fields.text) {
      // Someone else's text arrived (live) while this user was typing: no overwrite.
      this.hooks.onConflict({ note: { ...local }, mine: fields.text, theirs: local.text });
      return Promise.resolve(null);
    }
    Object.assign(local, fields);
    this.hooks.onChange({ notes: [id] });
    const queue = this.pending.get(id) ?? [];
    queue.push(fields);
    this.pending.set(id, queue);
    const run = () => this.sendPatch(id, fields, opts);
    this.busy(+1); // counted from now, not from when the request leaves (tests wait on it)
    const chain = (this.chains.get(id) ?? Promise.resolve()).then(run, run)
      .finally(() => this.busy(-1));
    this.chains.set(id, chain);
    return chain;
  }

  async sendPatch(id, fields, { baseText }) {
    try {
      for (let attempt = 0; ; attempt++) {
        const version = this.notes.get(id)?.version;
        if (version === undefined) return null; // deleted meanwhile
        try {
          const saved = await this.track(api.patch(`/api/notes/${id}`, { version, ...fields }));
          this.settle(id, fields, saved);
          return saved;
        } catch (err) {
          const current = err.status === 409 ? err.problem?.current : null;
          if (!current || attempt >= 3) throw err;
          const textClash =
            "text" in fields && baseText !== undefined && current.text !== baseText &&
            current.text !== fields.text;
          if (textClash) {
            this.settle(id, fields, current);
            this.hooks.onConflict({ note: current, mine: fields.text, theirs: current.text });
            return null;
          }
          this.notes.get(id).version = current.version; // a move: last writer wins
        }
      }
    } catch (err) {
      this.dropPending(id, fields);
      this.failed(err);
      return null;
    }
  }

  /** Confirmed by the server: its copy, plus whatever this page changed after. */
  settle(id, fields, saved) {
    this.dropPending(id, fields);
    if (!this.notes.has(id)) return;
    const later = Object.assign({}, ...(this.pending.get(id) ?? []));
    this.notes.set(id, { ...saved, ...later });
    this.hooks.onChange({ notes: [id] });
  }

  dropPending(id, fields) {
    const queue = (this.pending.get(id) ?? []).filter((f) => f !== fields);
    if (queue.length) this.pending.set(id, queue);
    else this.pending.delete(id);
  }

  /** Delete a note (its links go with it). @returns what an undo needs to bring back. */
  async deleteNote(id) {
    const note = this.notes.get(id);
    if (!note) return null;
    const links = [...this.links.values()].filter((l) => l.source_id === id || l.target_id === id);
    this.notes.delete(id);
    for (const l of links) this.links.delete(l.id);
    this.hooks.onChange({ notes: [id], links: true });
    this.busy(+1);
    try {
      await (this.chains.get(id) ?? Promise.resolve()).catch(() => {});
      await this.track(api.del(`/api/notes/${id}`)).catch((err) => this.failed(err));
    } finally {
      this.busy(-1);
    }
    return { note, links };
  }

  async restoreNote(id) {
    const note = await this.track(api.post(`/api/notes/${id}/restore`));
    this.notes.set(id, note);
    this.hooks.onChange({ notes: [id], links: true });
    return note;
  }

  // ---------- links ----------

  async createLink(body) {
    const link = await this.track(api.post(`/api/meetings/${this.meetingId}/links`, body));
    this.links.set(link.id, link);
    this.hooks.onChange({ links: true });
    return link;
  }

  async deleteLink(id) {
    const link = this.links.get(id);
    this.links.delete(id);
    this.hooks.onChange({ links: true });
    await this.track(api.del(`/api/links/${id}`)).catch((err) => {
      if (err.status !== 404) this.failed(err);
    });
    return link;
  }

  // ---------- lanes ----------

  async createLane(body) {
    const lane = await this.track(api.post(`/api/meetings/${this.meetingId}/lanes`, body));
    this.lanes.set(lane.id, lane);
    this.hooks.onChange({ lanes: true });
    return lane;
  }

  /** Lanes are last-writer-wins: a 409 is retried once on the server's version. */
  async patchLane(id, fields) {
    const local = this.lanes.get(id);
    if (!local) return null;
    Object.assign(local, fields);
    this.hooks.onChange({ lanes: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const saved = await this.track(
          api.patch(`/api/lanes/${id}`, { version: local.version, ...fields }));
        this.lanes.set(id, saved);
        this.hooks.onChange({ lanes: true });
        return saved;
      } catch (err) {
        if (err.status === 409 && err.problem?.current && attempt === 0) {
          local.version = err.problem.current.version;
          continue;
        }
        this.failed(err);
        return null;
      }
    }
    return null;
  }

  async deleteLane(id) {
    const lane = this.lanes.get(id);
    this.lanes.delete(id);
    this.hooks.onChange({ lanes: true });
    await this.track(api.del(`/api/lanes/${id}`)).catch((err) => this.failed(err));
    return lane;
  }

  // ---------- bookkeeping ----------

  async track(promise) {
    this.busy(+1);
    try {
      return await promise;
    } finally {
      this.busy(-1);
    }
  }

  busy(delta) {
    this.saving += delta;
    this.hooks.onStatus({ saving: this.saving, error: null });
  }

  /** A save failed for another reason than a stale version: show it, reload the truth. */
  failed(err) {
    this.hooks.onStatus({ saving: this.saving, error: err.detail ?? String(err) });
    this.load().catch(() => {});
  }
}
