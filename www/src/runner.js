// The page's side of the engine worker: starts it, sends messages, and on stop terminates it
// (the only way to end a handler that never returns) and starts a fresh one.

/** A worker from `url`; for a cross-origin script (an embed on a docs site) via a same-origin blob. */
function spawn(url) {
  if (new URL(url).origin === location.origin) return new Worker(url, { type: 'module' });
  const blob = new Blob([`import ${JSON.stringify(String(url))};`], { type: 'text/javascript' });
  return new Worker(URL.createObjectURL(blob), { type: 'module' });
}

export class EngineWorker {
  /** onMessage(data) gets every message; ready resolves with the worker's features. */
  constructor(url, onMessage) {
    this.url = url;
    this.onMessage = onMessage;
    this.worker = null;
    this.ready = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  start() {
    if (this.worker) return this.ready;
    const worker = spawn(this.url);
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === 'ready') resolve(data);
        else if (data.type === 'loadFailed') reject(new Error(data.message));
        else if ((data.type === 'validated' || data.type === 'inspected') && this.pending.has(data.id)) {
          this.pending.get(data.id)(data.type === 'inspected' ? data.visit : data.diagnostics);
          this.pending.delete(data.id);
        } else this.onMessage?.(data);
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        const message = event.message ? `The engine worker crashed: ${event.message}` : 'The engine worker could not start';
        reject(new Error(message));
        this.onMessage?.({ type: 'error', message });
      };
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  async post(message) {
    await this.start();
    this.worker.postMessage(message);
  }

  /** Resolves to the engine's diagnostics for a definition text (with its ${Name} values). */
  async validate(text, substitutions = null) {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: 'validate', id, text, substitutions });
    });
  }

  /**
   * Resolves to the data-flow values of the current run's visit whose entered event has this
   * id (execution.inspect), or null: none recorded, the run is gone, or the worker was ended.
   */
  async inspect(enteredEventId) {
    await this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ type: 'inspect', id, enteredEventId });
    });
  }

  /** Ends whatever runs in the worker, now. A fresh worker starts on the next post. */
  terminate() {
    this.worker?.terminate();
    this.worker = null;
    for (const resolve of this.pending.values()) resolve(null);
    this.pending.clear();
  }
}
