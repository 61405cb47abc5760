// <asl-sim-example>: a runnable state machine for documentation pages. One script tag loads it:
//
//   <script type="module" src="https://example.org/asl-sim/dist/embed.js"></script>
//   <asl-sim-example src="machine.json" input='{"n": 1}'></asl-sim-example>
//   <asl-sim-example>
//     <script type="application/json">{ "StartAt": "A", "States": { ... } }</script>
//     <script type="application/json" data-input>{ "n": 1 }</script>
//     <script type="text/plain" data-handlers>export default { Work: (input) => input }</script>
//   </asl-sim-example>
//
// Attributes: src (definition URL), definition (inline text), input, handlers-src, title,
// theme ("light" or "dark"; by default the reader's preference).
// Methods: run(), stop(); an asl-sim-done event follows each run. Parts: box, run, stop.
// Each run has a Web Worker of its own; handlers are the embedding page's own code and run in
// it. Stop ends a run, terminating its worker when a handler never returns.
import { load as loadYaml } from 'js-yaml';
import { diagnosticLine } from './diagnostics.js';
import { createGraph } from './graph.js';
import { analyze } from './history.js';
import { EngineWorker } from './runner.js';
import { unmatchedKeys, unmatchedText } from './handlerkeys.js';
import { simulatedReader } from './readers.js';

const workerUrl = new URL('./worker.js', import.meta.url).href;
// The JavaScript parser that places a syntax error in the handlers: a bundle of its own, loaded
// only when there is one (it would add a tenth to this file).
const syntaxUrl = new URL('./syntax.js', import.meta.url).href;

// The dark palette: with the reader's dark preference, unless the page asks for theme="light"
// (a docs site without a dark mode), and always with theme="dark".
const dark = `--bg: var(--asl-bg, #1b1d22); --panel: var(--asl-panel, #23262d); --border: var(--asl-border, #3a3f48);
  --muted: var(--asl-muted, #9aa2ad); --text: var(--asl-text, #e6e8eb); color: var(--text); --accent: var(--asl-accent, #7b96ff); --ok: #4ac26b; --bad: #ff7b72; --warn: #d29922;
  --node: #262a31; --node-border: #59616e; --active: #7b96ff; --active-bg: #27305a; --ok-bg: #1c3526; --bad-bg: #45201f; --warn-bg: #3e3216; --edge: #7d8696; --label-bg: #1b1d22;`;

const css = `
:host { display: block; min-height: calc(var(--asl-graph-height, 440px) + 52px); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--asl-text, #1d1f23);
  --bg: var(--asl-bg, #ffffff); --panel: var(--asl-panel, #f6f7f9); --border: var(--asl-border, #d8dbe0); --muted: var(--asl-muted, #5f6672);
  --accent: var(--asl-accent, #3559d6); --ok: #1a7f37; --bad: #c62828; --warn: #9a6700; --text: var(--asl-text, #1d1f23);
  --node: #ffffff; --node-border: #aab2bf; --active: #3559d6; --active-bg: #e6ecff; --ok-bg: #e3f4e8; --bad-bg: #fde7e7; --warn-bg: #fff3d6;
  --edge: #8a93a3; --label-bg: #ffffff; --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; }
@media (prefers-color-scheme: dark) { :host(:not([theme="light"])) { ${dark} } }
:host([theme="dark"]) { ${dark} }
.box { border: 1px solid var(--border); border-radius: 12px; background: var(--bg); overflow: hidden; }
.head { display: flex; align-items: center; gap: .6rem; padding: .5rem .75rem; border-bottom: 1px solid var(--border); background: var(--panel); }
.head strong { flex: 1; font-size: .95rem; }
button { font: inherit; font-weight: 600; border-radius: 8px; border: 1px solid var(--accent); background: var(--accent); color: #fff; padding: .3rem 1rem; cursor: pointer; }
button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
button:disabled { opacity: .55; cursor: default; }
button.stop { background: var(--bg); color: var(--bad); border-color: var(--bad); }
[hidden] { display: none !important; }
.status { font-weight: 600; font-size: .85rem; color: var(--muted); }
.status.succeeded { color: var(--ok); } .status.aborted { color: var(--warn); } .status.failed, .status.timed_out, .status.error { color: var(--bad); }
.graph { padding: .5rem; overflow: auto; height: var(--asl-graph-height, 440px); box-sizing: border-box; display: flex; justify-content: center; align-items: flex-start; }
.graph svg { width: 100%; height: auto; flex: none; margin: auto; }
.out { margin: 0; padding: .6rem .75rem; border-top: 1px solid var(--border); font: 12.5px/1.45 var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; max-height: 14rem; overflow: auto; background: var(--panel); }
.out:empty { display: none; }
.warning { margin: 0; padding: .5rem .75rem; border-top: 1px solid var(--border); background: var(--warn-bg); font-size: .85rem; }
.warning p { margin: 0; } .warning p + p { margin-top: .3rem; } .warning code { font: 12.5px var(--mono); }
${'' /* graph styles shared with the page, kept small */}
.node .box { fill: var(--node); stroke: var(--node-border); stroke-width: 1.2; }
.node.compound > .box { fill: transparent; stroke-dasharray: 0; }
.node .name { font: 600 13px system-ui, sans-serif; fill: var(--text); }
.node .sub, .node .badge { font: 11px system-ui, sans-serif; fill: var(--muted); }
.node.active > .box { stroke: var(--active); stroke-width: 2.5; fill: var(--active-bg); }
.node.succeeded > .box { stroke: var(--ok); fill: var(--ok-bg); }
.node.caught > .box { stroke: var(--warn); fill: var(--warn-bg); }
.node.failed > .box, .node.aborted > .box { stroke: var(--bad); fill: var(--bad-bg); stroke-width: 2; }
.node.compound.succeeded > .box, .node.compound.caught > .box, .node.compound.failed > .box { fill: transparent; }
.terminal rect { fill: var(--panel); stroke: var(--node-border); } .terminal text { font: 600 11px system-ui, sans-serif; fill: var(--muted); }
.dot { fill: var(--node-border); } .branch rect { fill: none; stroke: var(--border); stroke-dasharray: 4 3; } .branch text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.edge { fill: none; stroke: var(--edge); stroke-width: 1.3; } .edge.catch { stroke-dasharray: 5 4; stroke: var(--warn); } .arrow { fill: var(--edge); }
.edge-label rect { fill: var(--label-bg); } .edge-label text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.missing rect { fill: var(--bad-bg); stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 4 3; } .missing text { font: 600 11px system-ui, sans-serif; fill: var(--bad); }
.edge.to-missing { stroke: var(--bad); stroke-dasharray: 4 3; }
`;

/** A problem with the example's files, worded for the reader as it is. */
class LoadError extends Error {}

/**
 * The text at `url` (relative to the page). A server's error page is not a definition or a
 * module: anything but a 2xx answer is an error that names the file.
 */
async function fetchText(url) {
  let response;
  try {
    response = await fetch(new URL(url, document.baseURI));
  } catch (e) {
    throw new LoadError(`Cannot load ${url}: ${e.message}`);
  }
  if (!response.ok) throw new LoadError(`Cannot load ${url}: HTTP ${response.status}`);
  return response.text();
}

class AslSimExample extends HTMLElement {
  #root;
  #graph;
  #engine = null;
  #definition = null;
  #input = '{}';
  #handlers = '';
  #events = [];
  #finish = null; // ends the run in progress with a result (set while one runs)
  #stopTimer = 0;
  #runs = 0;

  connectedCallback() {
    if (this.#root) return;
    this.#root = this.attachShadow({ mode: 'open' });
    const title = this.getAttribute('title') ?? 'State machine';
    this.removeAttribute('title');
    this.#root.innerHTML = `<style>${css}</style><div class="box" part="box"><div class="head"><strong></strong>
      <span class="status" role="status" aria-live="polite">Loading…</span><button type="button" class="stop" part="stop" hidden>Stop</button><button type="button" class="run" part="run" disabled>Run</button></div>
      <div class="graph"></div><div class="warning" role="alert" hidden></div><pre class="out" aria-label="Result"></pre></div>`;
    this.#root.querySelector('strong').textContent = title;
    this.#graph = createGraph(this.#root.querySelector('.graph'));
    this.#root.querySelector('.run').addEventListener('click', () => this.run());
    this.#root.querySelector('.stop').addEventListener('click', () => this.stop());
    this.#load().catch((e) => this.#status(e instanceof LoadError ? e.message : `Cannot load: ${e.message}`, 'error'));
  }

  disconnectedCallback() {
    this.#engine?.terminate();
    clearTimeout(this.#stopTimer);
  }

  #status(text, kind = '') {
    const s = this.#root.querySelector('.status');
    s.textContent = text;
    s.className = `status ${kind}`;
  }

  async #load() {
    const inline = (selector) => this.querySelector(selector)?.textContent.trim() ?? null;
    const src = this.getAttribute('src');
    const text = this.getAttribute('definition') ?? inline('script[type="application/json"]:not([data-input])') ?? inline('script[type="application/yaml"]')
      ?? (src ? await fetchText(src) : null);
    if (!text) throw new LoadError('Cannot load: no definition (give src, definition, or an inline <script type="application/json">)');
    this.#definition = text;
    this.#input = this.getAttribute('input') ?? inline('script[data-input]') ?? '{}';
    const handlersSrc = this.getAttribute('handlers-src');
    this.#handlers = inline('script[data-handlers]') ?? (handlersSrc ? await fetchText(handlersSrc) : '');
    let value = null;
    try {
      value = /^\s*\{/.test(text) ? JSON.parse(text) : loadYaml(text);
    } catch { /* drawn empty; the engine reports the problem on Run */ }
    if (value?.States) await this.#graph.setDefinition(value);
    this.#root.querySelector('.run').disabled = false;
    this.#status('');
  }

  /** The worker's error message, with the place of a syntax error in the handlers (no editor here shows it). */
  async #errorText({ message, where }) {
    if (where !== 'handlers') return message;
    try {
      const at = (await import(syntaxUrl)).firstSyntaxError(this.#handlers);
      return at ? `${message} at line ${at.line}, column ${at.column}` : message;
    } catch {
      return message; // the parser did not load: the browser's message alone
    }
  }

  /**
   * Warns of handler keys that no Task state reaches. The embed answers Task states without a
   * handler with simulated responses, so a typo in a key would otherwise pass unseen.
   */
  #showUnmatched(keys, tasks = {}, readers = new Set()) {
    const box = this.#root.querySelector('.warning');
    box.hidden = keys.length === 0;
    const line = (text) => Object.assign(document.createElement('p'), { textContent: text });
    box.replaceChildren(...keys.map((key) => line(unmatchedText(key, tasks, readers))));
    if (keys.length) box.append(line('Task states without a handler got a simulated response.'));
  }

  /**
   * Stops the run in progress. The engine is asked first (StopExecution: the history ends with
   * ExecutionAborted); a handler stuck in a loop keeps the worker from answering, so after a
   * moment the worker is terminated, as the playground does. The next run starts a new one.
   */
  stop() {
    if (!this.#finish) return;
    this.#root.querySelector('.stop').disabled = true;
    this.#status('Stopping…', 'running');
    this.#engine.post({ type: 'stop', cause: 'Stopped with the Stop button' }).catch(() => {});
    clearTimeout(this.#stopTimer);
    this.#stopTimer = setTimeout(() => {
      this.#engine?.terminate();
      this.#engine = null;
      this.#graph.paint(analyze(this.#events, { stopped: true }).states);
      this.#finish?.({ status: 'ABORTED', error: 'Stopped', cause: 'The engine did not answer (a handler may be stuck in a loop), so its worker was terminated.' });
    }, 1500);
  }

  /** Runs the example; resolves to { status, output, error, cause }. */
  async run() {
    const run = ++this.#runs;
    this.#finish?.({ status: 'ABORTED', error: 'Stopped', cause: 'Replaced by a new run' });
    clearTimeout(this.#stopTimer);
    const button = this.#root.querySelector('.run');
    const stopButton = this.#root.querySelector('.stop');
    button.disabled = true;
    stopButton.disabled = false;
    stopButton.hidden = false;
    this.#events = [];
    this.#graph.paint(new Map());
    this.#root.querySelector('.out').textContent = '';
    this.#showUnmatched([]);
    this.#status('Running…', 'running');
    this.#engine?.terminate();
    const tasks = {};
    const readers = new Set(); // Map states with an ItemReader: their handler gives the items
    const readerContent = {}; // without a handler: a sample of the kind the reader reads
    let read = false; // the definition could be read here (else every handler key would look unmatched)
    try {
      const def = /^\s*\{/.test(this.#definition) ? JSON.parse(this.#definition) : loadYaml(this.#definition);
      const walk = (scope) => {
        for (const [name, s] of Object.entries(scope?.States ?? {})) {
          if (s?.Type === 'Task') tasks[name] = { resource: s.Resource ?? '', mock: { mode: 'auto' } };
          if (s?.Type === 'Map' && s.ItemReader) {
            readers.add(name);
            readerContent[name] = simulatedReader(s.ItemReader);
          }
          (s?.Branches ?? []).forEach(walk);
          walk(s?.ItemProcessor ?? s?.Iterator);
        }
      };
      walk(def);
      read = true;
    } catch { /* the engine reports it */ }
    const result = await new Promise((resolve) => {
      this.#finish = resolve;
      this.#engine = new EngineWorker(workerUrl, (data) => {
        if (data.type === 'handlers') {
          if (read) this.#showUnmatched(unmatchedKeys(data.keys, tasks, readers), tasks, readers);
        } else if (data.type === 'events') {
          this.#events.splice(data.from, this.#events.length - data.from, ...data.events);
          this.#graph.paint(analyze(this.#events).states);
        } else if (data.type === 'done') resolve(data.result);
        else if (data.type === 'error') {
          this.#errorText(data).then((cause) => resolve({ status: 'ERROR', error: 'Error', cause, diagnostics: data.diagnostics ?? null }));
        }
      });
      this.#engine.post({ type: 'run', definition: this.#definition, input: this.#input, handlers: this.#handlers, tasks, readers: readerContent })
        .catch((e) => resolve({ status: 'ERROR', error: 'Error', cause: e.message }));
    });
    if (run !== this.#runs) return result; // a newer run has the element now
    this.#finish = null;
    clearTimeout(this.#stopTimer);
    stopButton.hidden = true;
    this.#status(result.status, result.status.toLowerCase());
    this.#root.querySelector('.out').textContent = resultText(result);
    this.dataset.status = result.status;
    button.disabled = false;
    button.textContent = 'Run again';
    this.dispatchEvent(new CustomEvent('asl-sim-done', { detail: result, bubbles: true }));
    return result;
  }
}

/** What the result area shows: the output, the error, or the definition's problems. */
function resultText(result) {
  if (result.status === 'SUCCEEDED') return JSON.stringify(result.output, null, 2);
  // An embed has no editor to underline them in: the problems are listed, with their lines.
  const problems = (result.diagnostics ?? []).filter((d) => d.severity !== 'WARNING');
  if (problems.length) return `The definition has ${problems.length === 1 ? 'an error' : `${problems.length} errors`}:\n${problems.map(diagnosticLine).join('\n')}`;
  return [result.error, result.cause].filter(Boolean).join(': ');
}

if (!customElements.get('asl-sim-example')) customElements.define('asl-sim-example', AslSimExample);
