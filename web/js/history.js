// Undo / redo (元に戻す / やり直し) across every editor operation (issue 5).
//
// A command is {label, undo: async () => void, redo: async () => void}, pushed after its
// change was made. Undo and redo run one at a time, in order. Undoing a delete of a link or
// a lane creates a new row with a new id, so ids go through `id(kind, id)`: later commands
// that still hold the old id reach the new row.

export class History {
  constructor(onChange = () => {}) {
    this.done = [];
    this.undone = [];
    this.onChange = onChange;
    this.queue = Promise.resolve();
    this.aliases = { links: new Map(), lanes: new Map() };
  }

  push(command) {
    this.done.push(command);
    this.undone = [];
    this.onChange();
  }

  undo() {
    return this.step(this.done, this.undone, "undo");
  }

  redo() {
    return this.step(this.undone, this.done, "redo");
  }

  step(from, to, method) {
    this.queue = this.queue.then(async () => {
      const command = from.pop();
      if (!command) return;
      try {
        await command[method]();
        to.push(command);
      } catch (err) {
        console.warn(`${method} failed`, err); // the store already shows the error
      }
      this.onChange();
    });
    return this.queue;
  }

  /** Record that the row `oldId` of `kind` ("links"/"lanes") now lives on as `newId`. */
  alias(kind, oldId, newId) {
    if (oldId !== newId) this.aliases[kind].set(oldId, newId);
  }

  /** The current id of a row first known as `id`. */
  id(kind, id) {
    const seen = new Set();
    while (this.aliases[kind].has(id) && !seen.has(id)) {
      seen.add(id);
      id = this.aliases[kind].get(id);
    }
    return id;
  }
}
