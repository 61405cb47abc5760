// The playground page. Editors, graph, controls, event table, inspector, simulated task
// responses, callbacks, examples, share links. The engine runs in a Web Worker (worker.js);
// this file only shows what it reports.
import { load as loadYaml } from 'js-yaml';
import { missingTarget, shortMessage } from './diagnostics.js';
import { createEditor, isYaml } from './editor.js';
import { createGraph, truncate } from './graph.js';
import { analyze, detailsOf, explain } from './history.js';
import { h, renderVisit } from './inspector.js';
import { EngineWorker } from './runner.js';
import { examples } from './examples.js';
import { decodeShare, encodeShare } from './share.js';
import { defaultDescription, describeResource } from './mocks.js';
import { nearNames, unmatchedKeys, unmatchedText } from './handlerkeys.js';
import { describeReader, readerMaps, sampleContent, simulatedReader } from './readers.js';

const $ = (id) => document.getElementById(id);
const workerUrl = new URL('./worker.js', import.meta.url).href;

// ---- Theme -------------------------------------------------------------------------------------
const themeButton = $('theme');
function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const dark = theme ? theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  themeButton.textContent = dark ? '☀' : '☾';
  themeButton.setAttribute('aria-label', dark ? 'Switch to the light theme' : 'Switch to the dark theme');
}
applyTheme(localStorage.getItem('asl-sim-theme'));
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => applyTheme(document.documentElement.dataset.theme));
themeButton.addEventListener('click', () => {
  const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  const theme = dark ? 'light' : 'dark';
  localStorage.setItem('asl-sim-theme', theme);
  applyTheme(theme);
});

// ---- Tabs --------------------------------------------------------------------------------------
const tabs = [...document.querySelectorAll('[role=tab]')];
function selectTab(tab, focus = false) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  if (focus) tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(tab);
    if (e.key === 'ArrowRight') selectTab(tabs[(i + 1) % tabs.length], true);
    else if (e.key === 'ArrowLeft') selectTab(tabs[(i + tabs.length - 1) % tabs.length], true);
  });
}

// ---- State of the page -------------------------------------------------------------------------
let definitionObject = null; // the last definition that could be read (for the graph and the inspector)
let stateDefs = new Map(); // name -> { def, jsonata }
let mocks = {}; // state name -> { mode, output, error, cause, times }
let handlersTrusted = true;
let features = {};

const validator = new EngineWorker(workerUrl);
const engine = new EngineWorker(workerUrl, onEngineMessage);

// ---- Editors -----------------------------------------------------------------------------------
const definitionEditor = createEditor($('definition-editor'), {
  language: 'definition', label: 'State machine definition', onRun: () => run(),
  onChange: () => {
    scheduleDefinitionRead();
    scheduleSave();
    renderSubstitutions();
    markFailureStale();
  },
  validate: async (text) => {
    const diagnostics = await validator.validate(text, activeSubstitutions(text));
    showDiagnosticCount(diagnostics);
    return diagnostics;
  },
});
const textChanged = () => {
  scheduleSave();
  markFailureStale();
};
const inputEditor = createEditor($('input-editor'), { language: 'json', label: 'Execution input', onRun: () => run(), onChange: textChanged });
const handlersEditor = createEditor($('handlers-editor'), { language: 'javascript', label: 'Task handlers module', onRun: () => run(), onChange: textChanged });

// ---- ${Name} placeholders ------------------------------------------------------------------------
// Templates (SAM, CDK, Terraform) write definitions with ${Name} placeholders that their
// DefinitionSubstitutions fill in. The page lists the ones in the definition, each with a value
// to use (a guess at first, which the user can change).
const PLACEHOLDER = /\$\{([A-Za-z0-9_.:-]+)\}/g;
let substitutions = {};

function plainValues(v) {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string'));
}

/** The placeholders of a text, once each, in order: { name, quoted, resource }. */
function placeholdersIn(text) {
  const found = new Map();
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (found.has(m[1])) continue;
    const before = text.slice(Math.max(0, m.index - 20), m.index);
    found.set(m[1], { name: m[1], quoted: text[m.index - 1] === '"' || text[m.index - 1] === "'", resource: /Resource["']?\s*:\s*["']?$/.test(before) });
  }
  return [...found.values()];
}

/** A first value for a placeholder: an ARN where one is expected, else its name (a number when unquoted). */
function guessValue({ name, quoted, resource }) {
  const arn = resource || /arn$/i.test(name) ? `arn:aws:lambda:us-east-1:123456789012:function:${name.replace(/[^A-Za-z0-9_-]/g, '-')}` : null;
  if (quoted) return arn ?? name;
  return arn ? JSON.stringify(arn) : '60'; // unquoted: the value is JSON text
}

/** The values for the placeholders a text has (a guess for any not given yet). */
function activeSubstitutions(text) {
  const out = {};
  for (const p of placeholdersIn(text)) out[p.name] = substitutions[p.name] ?? guessValue(p);
  return out;
}

/** The text with its placeholders filled in (to draw the graph from). */
function fillPlaceholders(text) {
  const values = activeSubstitutions(text);
  return text.replace(PLACEHOLDER, (m, name) => values[name] ?? m);
}

function renderSubstitutions() {
  const box = $('substitutions');
  const found = placeholdersIn(definitionEditor.text);
  box.hidden = found.length === 0;
  if (box.hidden) {
    box.replaceChildren();
    return;
  }
  const have = [...box.querySelectorAll('input')].map((i) => i.dataset.name).join('\n');
  if (have === found.map((p) => p.name).join('\n')) return; // same fields: keep focus and typing
  const rows = found.map((p) => {
    const input = h('input', { type: 'text', 'data-name': p.name, 'aria-label': `Value of \${${p.name}}`, spellcheck: 'false' });
    input.value = substitutions[p.name] ?? guessValue(p);
    input.addEventListener('input', () => {
      substitutions[p.name] = input.value;
      scheduleSave();
      markFailureStale();
      scheduleDefinitionRead();
      definitionEditor.relint();
    });
    return h('label', { class: 'subst' }, h('code', {}, `\${${p.name}}`), input);
  });
  box.replaceChildren(h('p', { class: 'hint' }, 'Placeholders, filled in as DefinitionSubstitutions would fill them (the values are guesses: change them as needed):'), ...rows);
}

// ---- The work kept in this browser ---------------------------------------------------------------
// What is in the editors is kept in localStorage, so that a reload (or a closed tab) loses
// nothing. A share link (or ?example=) in the address bar is dropped at the first edit:
// reloading must not bring that version back over the work done since.
const SESSION_KEY = 'asl-sim-session';
let saveTimer = 0;
/** Set while a link's content is put in the editors (which is not an edit of the user's). */
let openingShared = false;
function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveSession, 400);
  // The address then names what the editors hold no more (a link's or an example's content).
  if ((location.hash.startsWith('#s=') && !openingShared) || /[?&]example=/.test(location.search)) history.replaceState(null, '', location.pathname);
}
function saveSession() {
  try {
    localStorage.setItem(SESSION_KEY, JSON.stringify({ v: 1, d: definitionEditor.text, i: inputEditor.text, h: handlersEditor.text, m: mocks, s: substitutions, trusted: handlersTrusted }));
  } catch {
    // Storage full or disabled: the page works on without it.
  }
}
/**
 * Whether handlers from a link are the ones this browser saved itself, and ran: after Share and
 * a reload the address holds the user's own link, whose code is no stranger's.
 */
function isOwnCode(code) {
  const saved = savedSession();
  return saved !== null && saved.trusted !== false && typeof code === 'string' && saved.h === code;
}
/** The session this browser saved, or null (none, another version, or unreadable). */
function savedSession() {
  try {
    const state = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    return state?.v === 1 && typeof state.d === 'string' ? state : null;
  } catch {
    return null;
  }
}
function restoreSession() {
  const state = savedSession();
  if (!state) return false;
  // Handlers that came from a link and were never allowed stay so.
  fillEditors(state, state.trusted !== false);
  return true;
}

/**
 * Puts a saved or shared state in the editors: { d: definition, i: input, h: handlers,
 * m: simulated responses, s: ${Name} values }. Handlers run only if `trusted` (or empty).
 */
function fillEditors(state, trusted) {
  currentExample = null;
  // The values first: the new definition lists its placeholders with them.
  substitutions = plainValues(state.s);
  definitionEditor.text = String(state.d ?? '');
  inputEditor.text = typeof state.i === 'string' ? state.i : '{}';
  handlersEditor.text = typeof state.h === 'string' ? state.h : '';
  mocks = state.m && typeof state.m === 'object' ? state.m : {};
  handlersTrusted = trusted || handlersEditor.text.trim() === '';
  $('consent').hidden = handlersTrusted;
  readDefinition();
}

function showDiagnosticCount(diagnostics) {
  const count = $('diag-count');
  const errors = (diagnostics ?? []).filter((d) => d.severity !== 'WARNING').length;
  count.hidden = errors === 0;
  count.textContent = String(errors);
  count.title = `${errors} problem${errors === 1 ? '' : 's'} in the definition`;
  const hint = $('definition-hint');
  // The first error; else the first warning (a definition that runs, but not as it reads).
  const first = (diagnostics ?? []).find((d) => d.severity !== 'WARNING') ?? (diagnostics ?? []).find((d) => d.line > 0);
  const warning = first?.severity === 'WARNING';
  if (first && definitionEditor.text.trim() === '') {
    // The engine's 'not a valid JSON object' at line 0 says less than this.
    hint.textContent = 'The definition is empty: write one here (JSON or YAML), or open one of the Examples.';
  } else if (first) {
    const others = warning ? diagnostics.length - 1 : errors - 1;
    const rest = others > 0 ? ` (and ${others} more underlined)` : '';
    // A typo in a state's name ('Don' for 'Done'): the names it may have meant.
    const target = missingTarget(first);
    const near = target === null ? [] : nearNames(target, [...stateDefs.keys()]);
    const meant = near.length ? ` Did you mean ${near.slice(0, 3).map((n) => `“${n}”`).join(' or ')}?` : '';
    const message = truncate(shortMessage(first), 160);
    const end = `: ${message}${rest}${message.endsWith('.') && !rest ? '' : '.'}${meant}`;
    if (first.line > 0) {
      const go = h('button', { type: 'button', class: 'link' }, `line ${first.line}`);
      go.addEventListener('click', () => definitionEditor.goToLine(first.line));
      hint.replaceChildren(warning ? `Warning, ${first.code} at ` : `${first.code} at `, go, end);
    } else {
      hint.replaceChildren(`${first.code}${end}`); // about the whole text: no line to go to
    }
  } else {
    hint.textContent = 'JSON or YAML. Problems are underlined as you type: hover them for the details.';
  }
  $('definition-hint').classList.toggle('bad', errors > 0);
  $('definition-hint').classList.toggle('warn', warning);
}

// ---- Reading the definition (for drawing only) ----------------------------------------------
let readTimer = 0;
function scheduleDefinitionRead() {
  clearTimeout(readTimer);
  readTimer = setTimeout(readDefinition, 200);
}

function readDefinition() {
  readTimer = 0;
  const text = definitionEditor.text;
  let value = null;
  try {
    const filled = fillPlaceholders(text);
    value = isYaml(filled) ? loadYaml(filled) : JSON.parse(filled);
  } catch {
    value = null;
  }
  const note = $('graph-note');
  if (!value || typeof value !== 'object' || typeof value.States !== 'object') {
    note.hidden = !graph.hasDrawing;
    note.textContent = 'The definition cannot be read right now: the graph, dimmed, shows the last version that could.';
    $('graph').classList.toggle('stale', graph.hasDrawing);
    return;
  }
  note.hidden = true;
  $('graph').classList.remove('stale');
  definitionObject = value;
  stateDefs = new Map();
  const walk = (scope, inherited) => {
    const ql = scope?.QueryLanguage ?? inherited;
    for (const [name, def] of Object.entries(scope?.States ?? {})) {
      if (!def || typeof def !== 'object') continue;
      const lang = def.QueryLanguage ?? ql;
      stateDefs.set(name, { def, jsonata: lang === 'JSONata' });
      for (const branch of Array.isArray(def.Branches) ? def.Branches : []) walk(branch, lang);
      if (def.ItemProcessor || def.Iterator) walk(def.ItemProcessor ?? def.Iterator, lang);
    }
  };
  walk(value, value.QueryLanguage ?? 'JSONPath');
  if (selected.state !== null && !stateDefs.has(selected.state)) selected = { state: null, visit: null };
  graph.setDefinition(value).then(() => repaint());
  renderTaskList();
}

// ---- Graph -------------------------------------------------------------------------------------
const graph = createGraph($('graph'), { onSelect: (name) => selectState(name, { fromGraph: true }) });

// ---- Simulated task responses ----------------------------------------------------------------
function taskStates() {
  return [...stateDefs].filter(([, { def }]) => def.Type === 'Task').map(([name, { def }]) => ({ name, resource: def.Resource ?? '' }));
}

/** What the run tells the worker of the Maps with an ItemReader: { [name]: { content, json, mock } }. */
function readerSettings() {
  // A mode only a Task card has (kept from a Task of the same name) reads the sample, as the card shows.
  const mockOf = (name) => (['auto', 'custom', 'fail'].includes(mocks[name]?.mode) ? mocks[name] : { mode: 'auto' });
  return Object.fromEntries(readerMaps(stateDefs).map(({ name, reader }) => [name, { ...simulatedReader(reader), mock: mockOf(name) }]));
}

function renderTaskList() {
  const list = $('task-list');
  const tasks = taskStates();
  const readers = readerMaps(stateDefs);
  const count = $('task-count');
  const n = tasks.length + readers.length;
  count.hidden = n === 0;
  count.textContent = String(n);
  if (!n) {
    list.replaceChildren(h('p', { class: 'empty' }, 'This definition has no Task states.'));
    return;
  }
  const focused = document.activeElement?.closest?.('.task-card')?.dataset.state;
  list.replaceChildren(...tasks.map(({ name, resource }) => taskCard(name, resource)), ...readers.map(({ name, reader }) => readerCard(name, reader)));
  if (focused) list.querySelector(`.task-card[data-state="${CSS.escape(focused)}"] select`)?.focus();
}

/** Changes the simulated response of a Task state, or of a Map's ItemReader, and saves it. */
function setMock(name, patch) {
  mocks[name] = { ...(mocks[name] ?? { mode: 'auto' }), ...patch };
  scheduleSave();
}

/**
 * A text area for a simulated response, saved as it is typed; when `json`, it says at once
 * whether the text is valid JSON, not only when a run reaches the state. Returns the area and
 * the line that reports the problem (its id is `problemId`).
 */
function responseArea({ id, problemId, rows, label, value, json, onInput }) {
  const area = h('textarea', { id, class: 'mono', rows, spellcheck: 'false', 'aria-label': label, 'aria-describedby': problemId });
  const problem = h('p', { id: problemId, class: 'bad small problem', role: 'status' });
  const check = () => {
    if (!json) return;
    try {
      JSON.parse(area.value);
      problem.textContent = '';
      area.removeAttribute('aria-invalid');
    } catch (e) {
      problem.textContent = `Not valid JSON: ${e.message}`;
      area.setAttribute('aria-invalid', 'true');
    }
  };
  area.value = value;
  area.addEventListener('input', () => {
    onInput(area.value);
    check();
  });
  check();
  return { area, problem };
}

function taskCard(name, resource) {
  const info = describeResource(resource);
  const mock = mocks[name] ?? { mode: 'auto' };
  const set = (patch) => setMock(name, patch);
  const id = (s) => `mock-${s}-${name.replace(/[^\w-]/g, '_')}`;
  const fields = h('div', { class: 'mock-fields' });
  const drawFields = () => {
    const m = mocks[name] ?? { mode: 'auto' };
    fields.replaceChildren();
    if (m.mode === 'auto') {
      fields.append(h('p', { class: 'hint' }, info.pattern === 'callback' ? 'Waits for you: answer it with the buttons above the graph when it runs.' : `Succeeds: ${defaultDescription(resource)}.`));
    } else if (m.mode === 'custom') {
      const { area, problem } = responseArea({
        id: id('output'), problemId: id('problem'), rows: 4, label: `Response of ${name}`, value: m.output ?? '{}', json: true, onInput: (output) => set({ output }),
      });
      fields.append(h('label', { for: id('output') }, 'Response (JSON)'), area, problem);
    } else if (m.mode === 'never') {
      const limit = stateDefs.get(name)?.def?.TimeoutSeconds ?? stateDefs.get(name)?.def?.TimeoutSecondsPath;
      fields.append(h('p', { class: 'hint' }, limit === undefined
        ? 'Never answers. With no TimeoutSeconds on the state it waits until the execution times out (or you Stop it).'
        : `Never answers: the state's TimeoutSeconds (${limit}) fires with States.Timeout. On the Instant clock no time is waited.`));
    } else {
      const error = h('input', { id: id('error'), class: 'mono', value: m.error ?? 'States.TaskFailed', 'aria-label': `Error name for ${name}` });
      const cause = h('input', { id: id('cause'), value: m.cause ?? 'Simulated failure', 'aria-label': `Cause for ${name}` });
      error.addEventListener('input', () => set({ error: error.value }));
      cause.addEventListener('input', () => set({ cause: cause.value }));
      fields.append(h('div', { class: 'row' }, h('label', {}, 'Error', error), h('label', {}, 'Cause', cause)));
      if (m.mode === 'failFirst') {
        const times = h('input', { type: 'number', min: 1, max: 99, value: m.times ?? 1, 'aria-label': `Failing attempts of ${name}` });
        times.addEventListener('input', () => set({ times: Number(times.value) || 1 }));
        fields.append(h('label', { class: 'inline' }, 'Fail the first ', times, ' attempt(s), then succeed'));
      }
    }
  };
  const select = h('select', { id: id('mode'), 'aria-label': `Response of ${name}` },
    h('option', { value: 'auto' }, info.pattern === 'callback' ? 'Wait for my callback' : 'Succeed (typical response)'),
    h('option', { value: 'custom' }, 'Succeed with my response'),
    h('option', { value: 'fail' }, 'Fail'),
    h('option', { value: 'failFirst' }, 'Fail, then succeed'),
    h('option', { value: 'never' }, 'Never answer (times out)'));
  select.value = mock.mode;
  select.addEventListener('change', () => {
    const patch = { mode: select.value };
    if (select.value === 'custom' && mocks[name]?.output === undefined) patch.output = '{\n  "ok": true\n}';
    set(patch);
    drawFields();
  });
  drawFields();
  return h('div', { class: 'task-card', 'data-state': name },
    h('div', { class: 'task-head' }, h('strong', {}, name), h('span', { class: 'muted mono', title: resource }, info.label)),
    select, fields);
}

/**
 * A Distributed Map's ItemReader: what it reads when no handler is named after the Map (a
 * sample of its kind, the user's content, or a failure).
 */
function readerCard(name, reader) {
  const info = describeReader(reader);
  const sample = sampleContent(reader);
  const set = (patch) => setMock(name, patch);
  const id = (s) => `reader-${s}-${name.replace(/[^\w-]/g, '_')}`;
  const fields = h('div', { class: 'mock-fields' });
  const drawFields = () => {
    const m = mocks[name] ?? { mode: 'auto' };
    fields.replaceChildren();
    if (m.mode === 'custom') {
      const { area, problem } = responseArea({
        id: id('content'), problemId: id('problem'), rows: 6, value: m.output ?? sample ?? '', json: info.json, onInput: (output) => set({ output }),
      });
      const what = info.kind === 'list' ? 'The listed objects (JSON: an array of { Key, Size, … })' : `The object's content${info.kind === 'csv' ? ' (CSV)' : info.kind === 'json' ? ' (JSON)' : info.kind === 'jsonl' ? ' (JSON Lines)' : ''}`;
      fields.append(h('label', { for: id('content') }, what), area, problem);
    } else if (m.mode === 'fail') {
      const cause = h('input', { value: m.cause ?? 'The object could not be read', 'aria-label': `Cause for the ItemReader of ${name}` });
      cause.addEventListener('input', () => set({ cause: cause.value }));
      fields.append(h('p', { class: 'hint' }, 'The Map fails with ', h('code', {}, 'States.ItemReaderFailed'), ' and this cause.'), h('label', {}, 'Cause', cause));
    } else if (sample !== null) {
      fields.append(h('p', { class: 'hint' }, 'Reads this sample (choose “Read my content” to change it):'), h('pre', { class: 'field sample' }, sample));
    } else {
      fields.append(h('p', { class: 'hint' }, 'The playground has no sample for this reader: choose “Read my content”, or write a handler named ', h('code', {}, name), ' in Handlers.'));
    }
  };
  const select = h('select', { id: id('mode'), 'aria-label': `Items of ${name}` },
    h('option', { value: 'auto' }, 'Read a sample'),
    h('option', { value: 'custom' }, 'Read my content'),
    h('option', { value: 'fail' }, 'Fail'));
  select.value = ['auto', 'custom', 'fail'].includes(mocks[name]?.mode) ? mocks[name].mode : 'auto';
  select.addEventListener('change', () => {
    // "Read my content" starts from the sample it shows: unedited, that is what the Map reads.
    const patch = { mode: select.value };
    if (select.value === 'custom' && mocks[name]?.output === undefined) patch.output = sample ?? '';
    set(patch);
    drawFields();
  });
  drawFields();
  return h('div', { class: 'task-card reader-card', 'data-state': name },
    h('div', { class: 'task-head' }, h('strong', {}, name), h('span', { class: 'muted mono', title: String(reader.Resource ?? '') }, info.label)),
    h('p', { class: 'hint' }, 'The Map reads its items here, unless a handler named ', h('code', {}, name), ' in Handlers gives the content.'),
    select, fields);
}

// ---- Running -----------------------------------------------------------------------------------
const runButton = $('run');
const stopButton = $('stop');
const pauseButton = $('pause');
const stepButton = $('step');
const statusEl = $('status');

const run_ = {
  active: false, // a run is in the worker
  received: [], // events from the worker
  shown: 0, // how many of them are on screen
  paused: false,
  clock: 'virtual',
  speed: 10,
  result: null,
  failure: null,
  stopped: false,
  waiting: new Map(), // token -> { stateName, input, at }
  invocations: [],
  // The engine's data-flow values of visits (execution.inspect), by `visitKey`: asked for when
  // a visit is shown; null once the worker answered that it has none.
  traces: new Map(),
  serial: 0, // which run: an answer for an earlier one is dropped
  timer: 0,
  playhead: 0, // real-time mode: ms of execution time shown so far
  lastTick: 0,
  steps: 0, // replay: Step presses not yet shown
  replay: false, // Real time faster than 1×: the page replays the engine's virtual-clock history
  engineClock: 'virtual',
  stepping: false, // a Step sent to the engine has not resolved yet
  lastStepAdded: null, // events the last engine step added
  stopping: false, // Stop sent; waiting for ExecutionAborted (or for the timeout that terminates the worker)
  stopTimer: 0,
  unmatched: [], // warnings for handler keys that no Task state reaches (they never run)
  pendingHandlers: new Map(), // id -> { stateName, key, since }: handlers whose promise has not settled
  undefinedResults: [], // { stateName, key }: handlers that returned undefined (the result was null)
};

/** How long a handler's promise may take before the status names it (a quick one would flicker). */
const PENDING_HINT_MS = 1000;
let analysis = analyze([]);
let selected = { state: null, visit: null };

function setStatus(text, kind) {
  statusEl.textContent = text;
  statusEl.dataset.kind = kind;
}

function updateButtons() {
  const running = run_.active || run_.shown < run_.received.length;
  runButton.disabled = !features.ready;
  stopButton.disabled = !running || run_.stopping;
  pauseButton.disabled = !running || run_.stopping;
  pauseButton.textContent = run_.paused ? 'Resume' : 'Pause';
  pauseButton.setAttribute('aria-pressed', String(run_.paused));
  stepButton.disabled = !features.ready || run_.stopping;
}

/** How the engine's clock is set for a run: Real time at 1× is the engine's real clock. */
function clockChoice() {
  const clock = $('clock').value;
  const speed = Number($('speed').value);
  const engineClock = clock === 'real' && speed === 1 ? 'real' : 'virtual';
  // Faster than real time: the API has no speed factor, so the engine runs on its virtual clock
  // and the page replays the history at `speed`× its timestamps.
  return { clock, speed, engineClock, replay: clock === 'real' && engineClock === 'virtual' };
}

async function run({ paused = false } = {}) {
  if (!features.ready) return;
  if (run_.active) stopRun({ quiet: true });
  // A definition pasted just now (Ctrl+Enter at once) is read before its Task states are used:
  // the run took the previous machine's tasks and responses, and flagged the handlers as unmatched.
  if (readTimer) {
    clearTimeout(readTimer);
    readDefinition();
  }
  const definition = definitionEditor.text;
  const tasks = Object.fromEntries(taskStates().map(({ name, resource }) => [name, { resource, mock: mocks[name] ?? { mode: 'auto' } }]));
  const { clock, speed, engineClock, replay } = clockChoice();
  clearTimeout(run_.stopTimer);
  Object.assign(run_, {
    active: true, finished: false, received: [], shown: 0, paused, result: null, failure: null, stopped: false, stopping: false,
    waiting: new Map(), invocations: [], traces: new Map(), serial: run_.serial + 1, clock, speed, engineClock, replay, playhead: 0, lastTick: performance.now(), steps: 0,
    stepping: paused, lastStepAdded: null, unmatched: [], pendingHandlers: new Map(), undefinedResults: [],
  });
  selected = { state: null, visit: null };
  $('result').hidden = true;
  renderCallbacks();
  renderEvents(true);
  repaint();
  setStatus(paused ? 'Starting, paused: one step at a time' : 'Running…', paused ? 'paused' : 'running');
  updateButtons();
  scheduleTick();
  const useHandlers = handlersTrusted ? handlersEditor.text : '';
  await engine.post({ type: 'run', definition, substitutions: activeSubstitutions(definition), input: inputEditor.text, handlers: useHandlers, tasks, readers: readerSettings(), clock: engineClock, paused });
}

function onEngineMessage(data) {
  if (!run_.active) return;
  if (data.type === 'handlers') {
    // A key that reaches no Task state never runs: its task quietly gets a simulated response.
    const tasks = Object.fromEntries(taskStates().map(({ name, resource }) => [name, { resource }]));
    const readers = new Set([...stateDefs].filter(([, { def }]) => def.Type === 'Map' && def.ItemReader).map(([name]) => name));
    run_.unmatched = unmatchedKeys(data.keys, tasks, readers).map((key) => unmatchedText(key, tasks, readers));
  } else if (data.type === 'events') {
    run_.received.splice(data.from, run_.received.length - data.from, ...data.events);
    scheduleTick();
  } else if (data.type === 'invoke') {
    run_.invocations.push({ ...data, visitStart: data.context?.State?.EnteredTime });
    if (selected.state === data.stateName) renderInspector();
  } else if (data.type === 'handlerPending') {
    run_.pendingHandlers.set(data.id, { stateName: data.stateName, key: data.key, since: performance.now() });
    setTimeout(scheduleTick, PENDING_HINT_MS + 50);
  } else if (data.type === 'handlerSettled') {
    run_.pendingHandlers.delete(data.id);
    scheduleTick();
  } else if (data.type === 'handlerUndefined') {
    const invocation = run_.invocations.findLast((i) => i.stateName === data.stateName && i.via === 'handler');
    if (invocation) invocation.returnedUndefined = true;
    if (!run_.undefinedResults.some((u) => u.stateName === data.stateName)) run_.undefinedResults.push({ stateName: data.stateName, key: data.key });
    if (selected.state === data.stateName) renderInspector();
  } else if (data.type === 'waiting') {
    run_.waiting.set(data.token, { stateName: data.stateName, input: data.input, at: run_.received.length });
    scheduleTick();
  } else if (data.type === 'answered') {
    run_.waiting.delete(data.token);
    renderCallbacks();
  } else if (data.type === 'callbackResult') {
    callbackAnswered(data);
  } else if (data.type === 'stepped') {
    run_.stepping = false;
    run_.lastStepAdded = data.added;
    scheduleTick();
  } else if (data.type === 'done') {
    clearTimeout(run_.stopTimer);
    run_.active = false;
    run_.result = data.result;
    scheduleTick();
  } else if (data.type === 'error') {
    clearTimeout(run_.stopTimer);
    run_.active = false;
    run_.failure = data.where === 'handlers' ? `${data.message} (the Handlers tab underlines where)` : data.message;
    scheduleTick();
  }
  updateButtons();
}

function scheduleTick() {
  if (!run_.timer) run_.timer = requestAnimationFrame(tick);
}

/**
 * Shows received events. The engine paces the run itself (Pause, Step, its clock); only when
 * Real time is faster than 1× does the page hold events back, replaying them at that speed.
 */
function tick(now = performance.now()) {
  run_.timer = 0;
  const dt = now - run_.lastTick;
  run_.lastTick = now;
  const before = run_.shown;
  if (!run_.replay || run_.stopping) {
    run_.shown = run_.received.length;
  } else if (run_.paused) {
    if (run_.steps > 0 && run_.shown < run_.received.length) {
      run_.shown++;
      run_.steps--;
    }
  } else {
    // Execution time passes at `speed`× (a Wait of 10 s takes 1 s at 10×), and each event takes
    // at least a moment so that the graph can be followed.
    run_.playhead += dt * run_.speed;
    const start = Date.parse(run_.received[0]?.timestamp ?? 0);
    if (run_.shown < run_.received.length) {
      const due = Date.parse(run_.received[run_.shown].timestamp) - start;
      if (due <= run_.playhead) {
        run_.shown++; // one event per frame at most
        run_.playhead = Math.max(run_.playhead, due);
      }
    }
  }
  if (run_.shown !== before) {
    analysis = analyze(run_.received.slice(0, run_.shown));
    renderEvents(false);
    repaint();
    if (run_.paused) {
      // Stepping: the inspector follows the state of the event just shown, and the table
      // brings that event into view (it stayed where it was, far above the newest rows).
      const last = run_.received[run_.shown - 1];
      const visit = analysis.owner.get(last.id);
      if (visit) selectVisit(visit, { quiet: true });
      revealRow(tbody.querySelector(`tr.event[data-id="${last.id}"]`));
    }
  }
  renderCallbacks();
  const caughtUp = run_.shown >= run_.received.length;
  if (!caughtUp && !run_.paused) {
    setTimeout(() => scheduleTick(), Math.max(16, 220 / Math.sqrt(run_.speed)));
  }
  if (caughtUp && !run_.active && !run_.finished) finishRun();
  else if (!run_.finished) {
    if (run_.stopping) setStatus('Stopping…', 'running');
    else if (run_.paused) setStatus(pausedText(caughtUp), 'paused');
    else if (caughtUp && run_.waiting.size) setStatus('Waiting for a callback: answer it above the graph', 'running');
    else if (caughtUp && run_.active && slowHandler()) setStatus(`Running… waiting for your handler of “${slowHandler().stateName}”: its promise has not settled`, 'running');
    else setStatus(run_.replay && !run_.active ? `Replaying at ${run_.speed}×…` : 'Running…', 'running');
  }
  updateButtons();
}

/** The handler whose promise has been pending longest, once it is over PENDING_HINT_MS; else null. */
function slowHandler() {
  const first = run_.pendingHandlers.values().next().value;
  return first && performance.now() - first.since >= PENDING_HINT_MS ? first : null;
}

function pausedText(caughtUp) {
  if (!caughtUp) return `Paused at event ${run_.shown} of ${run_.received.length}${run_.active ? '+' : ''}: press Step or Resume`;
  if (run_.stepping) {
    return run_.waiting.size ? 'Step: waiting for a callback (answer it above the graph)' : 'Step: the engine is working (a handler may still be running)';
  }
  const moved = run_.lastStepAdded === 0 ? ' (the last step moved the clock to the next timer)' : '';
  return `Paused at event ${run_.shown}${moved}: press Step or Resume`;
}

function finishRun() {
  run_.finished = true;
  run_.paused = false;
  run_.stepping = false;
  run_.stopping = false;
  const box = $('result');
  box.hidden = false;
  if (run_.stopped) {
    setStatus('Stopped', 'aborted');
    box.className = 'result aborted';
    box.replaceChildren(h('strong', {}, 'Stopped.'), ' The engine did not answer the Stop request (a handler may be stuck in a loop), so the worker running it was terminated and everything in it ended at once. The history up to that point is kept below.');
  } else if (run_.failure) {
    setStatus('Could not run', 'failed');
    box.className = 'result failed';
    box.replaceChildren(h('strong', {}, 'The execution could not start. '), run_.failure);
  } else if (run_.result) {
    const r = run_.result;
    setStatus(r.status, r.status.toLowerCase());
    box.className = `result ${r.status.toLowerCase()}`;
    const summary = {
      SUCCEEDED: 'The execution succeeded. Its output:',
      FAILED: 'The execution failed.',
      TIMED_OUT: 'The execution timed out.',
      ABORTED: 'The execution was stopped (StopExecution): its history ends with ExecutionAborted.',
    }[r.status] ?? r.status;
    const parts = [h('div', { class: 'result-head' }, h('span', { class: `pill ${r.status.toLowerCase()}` }, r.status), ' ', summary)];
    if (r.status === 'SUCCEEDED') parts.push(h('pre', { class: 'value', id: 'output' }, JSON.stringify(r.output, null, 2)));
    else {
      parts.push(h('dl', { class: 'error-box' }, h('dt', {}, 'Error'), h('dd', {}, r.error ? h('code', {}, r.error) : '—'), h('dt', {}, 'Cause'), h('dd', {}, r.cause ?? unrecordedCause(r.error))));
      const failedVisit = [...analysis.visits].reverse().find((v) => v.status === 'failed');
      if (failedVisit) {
        parts.push(h('button', { type: 'button', class: 'link', onclick: () => selectVisit(failedVisit) }, `Inspect “${failedVisit.name}”, where it failed`));
      }
    }
    // A Distributed Map's ResultWriter: the objects it wrote to (simulated) S3.
    for (const f of r.resultFiles ?? []) {
      parts.push(h('details', { class: 'result-file' }, h('summary', {}, `${f.stateName} wrote `, h('code', {}, `s3://${f.Bucket}/${f.Key}`)), h('pre', { class: 'value' }, f.Body)));
    }
    if (!handlersTrusted && handlersEditor.text.trim()) parts.push(h('p', { class: 'hint' }, 'The handlers from the link were not used: tasks got simulated responses.'));
    if (run_.undefinedResults.length) {
      parts.push(h('div', { class: 'unmatched', role: 'note' }, ...run_.undefinedResults.map(({ stateName, key }) => h('p', {},
        `Handler “${key}” returned undefined for “${stateName}”, so the task's result was null. Did it miss a return (or return an object in parentheses: `, h('code', {}, '() => ({ … })'), ')?'))));
    }
    if (run_.unmatched.length) {
      parts.push(h('div', { class: 'unmatched', role: 'note' }, ...run_.unmatched.map((text) => h('p', {}, text)),
        h('p', {}, 'Task states without a handler got a simulated response (see Task responses).')));
    }
    box.replaceChildren(...parts);
    if (r.status !== 'SUCCEEDED' && !selected.visit) {
      const failedVisit = [...analysis.visits].reverse().find((v) => v.status === 'failed');
      if (failedVisit) selectVisit(failedVisit);
    }
  }
  run_.waiting.clear();
  renderCallbacks();
  updateButtons();
}

/** What an error with no cause in the history means (AWS records none for some). */
function unrecordedCause(error) {
  if (error === 'States.NoChoiceMatched') {
    return h('span', { class: 'muted' }, 'None recorded. A Choice state found no rule that matches its input, and it has no Default to go to instead.');
  }
  return '—';
}

/**
 * A run that could not start (the definition, input or handlers were wrong) is about text that
 * has changed since: the status no longer says so, and the box says it is out of date.
 */
function markFailureStale() {
  const box = $('result');
  if (!run_.finished || !run_.failure || box.hidden || box.classList.contains('stale')) return;
  box.className = 'result stale';
  box.replaceChildren(h('p', { class: 'stale-note' }, 'Out of date: the text has changed since. Run again to check it.'), h('div', { class: 'stale-body' }, ...box.childNodes));
  setStatus('Ready', 'ready');
}

/** Ends whatever runs in the worker at once by terminating it (quiet: for a new run or example). */
function stopRun({ quiet = false } = {}) {
  clearTimeout(run_.stopTimer);
  engine.terminate();
  const wasActive = run_.active;
  run_.active = false;
  run_.paused = false;
  run_.stopping = false;
  run_.shown = run_.received.length;
  run_.stopped = wasActive && !quiet;
  analysis = analyze(run_.received, { stopped: run_.stopped });
  if (!quiet) {
    renderEvents(false);
    repaint();
    finishRun();
  }
  engine.start().catch(() => {});
}

/** Stop: StopExecution in the engine; the worker is terminated if it does not answer in time. */
function requestStop() {
  if (!run_.active) {
    // Only the replay was still going: show the rest of it.
    run_.stopping = true;
    scheduleTick();
    return;
  }
  run_.stopping = true;
  run_.paused = false;
  engine.post({ type: 'stop' });
  clearTimeout(run_.stopTimer);
  run_.stopTimer = setTimeout(() => { if (run_.active && run_.stopping) stopRun(); }, 1500);
  scheduleTick();
}

runButton.addEventListener('click', () => run());
stopButton.addEventListener('click', () => requestStop());
pauseButton.addEventListener('click', () => {
  run_.paused = !run_.paused;
  run_.steps = 0;
  run_.lastTick = performance.now();
  if (run_.active) engine.post({ type: run_.paused ? 'pause' : 'resume' });
  if (!run_.paused) run_.stepping = false;
  scheduleTick();
});
stepButton.addEventListener('click', () => {
  const running = run_.active || run_.shown < run_.received.length;
  if (!running) {
    run({ paused: true });
    return;
  }
  run_.paused = true;
  if (run_.replay && run_.shown < run_.received.length) {
    // Replaying faster than real time: the engine is ahead, so show its next event.
    run_.steps++;
  } else if (run_.active) {
    // One unit of the engine's work: enter or leave a state, one task answer, one clock jump.
    run_.stepping = true;
    engine.post({ type: 'step' });
  }
  scheduleTick();
});
function showSpeed() {
  $('speed-label').hidden = $('clock').value !== 'real';
}
$('clock').addEventListener('change', showSpeed);
$('speed').addEventListener('change', () => { if (run_.replay) run_.speed = Number($('speed').value); });
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    run();
  }
});

// ---- Callbacks ---------------------------------------------------------------------------------
function renderCallbacks() {
  const box = $('callbacks');
  const visible = [...run_.waiting].filter(([, w]) => run_.shown >= w.at);
  box.hidden = visible.length === 0;
  const existing = new Set([...box.querySelectorAll('.callback')].map((c) => c.dataset.token));
  if (visible.length === existing.size && visible.every(([t]) => existing.has(t))) return;
  box.replaceChildren(h('h3', {}, 'Waiting for a callback'), ...visible.map(([token, w]) => callbackCard(token, w)));
}

function callbackCard(token, w) {
  const example = currentExample?.callbackOutput ?? '{\n  "approved": true\n}';
  const output = h('textarea', { class: 'mono', rows: 4, spellcheck: 'false', 'aria-label': `Output to send to ${w.stateName}` });
  output.value = example;
  const error = h('input', { class: 'mono', value: 'Rejected', 'aria-label': 'Error name' });
  const cause = h('input', { value: 'Declined by a person', 'aria-label': 'Cause' });
  const problem = h('p', { class: 'small problem', role: 'status' });
  const send = (action) => {
    let value;
    if (action === 'success') {
      try {
        value = JSON.parse(output.value);
      } catch (e) {
        problem.className = 'bad small problem';
        problem.textContent = `The output is not valid JSON: ${e.message}`;
        return;
      }
    }
    problem.className = 'small problem';
    problem.textContent = action === 'heartbeat' ? 'Sending a heartbeat…' : '';
    engine.post({ type: 'callback', token, action, output: value, error: error.value, cause: cause.value });
  };
  const heartbeat = h('button', { type: 'button', onclick: () => send('heartbeat'), disabled: !features.heartbeat,
    title: 'SendTaskHeartbeat: the task is still at work, so its HeartbeatSeconds start again' }, 'Send heartbeat');
  return h('div', { class: 'callback', 'data-token': token },
    h('p', {}, h('strong', {}, w.stateName), ' is waiting for its task token ', h('code', { class: 'token', title: token }, `${token.slice(0, 12)}…`), ' to be answered.'),
    h('details', {}, h('summary', {}, 'What the task sent'), h('pre', { class: 'value' }, JSON.stringify(w.input, null, 2))),
    h('label', {}, 'Output for SendTaskSuccess', output),
    h('div', { class: 'row' }, h('label', {}, 'Error', error), h('label', {}, 'Cause', cause)),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', onclick: () => send('success') }, 'Send success'),
      h('button', { type: 'button', class: 'danger', onclick: () => send('failure') }, 'Send failure'),
      heartbeat),
    problem);
}

/** The engine's answer to a button: a heartbeat is confirmed, a refused token is explained. */
function callbackAnswered({ token, action, ok, message }) {
  const card = [...$('callbacks').querySelectorAll('.callback')].find((c) => c.dataset.token === token);
  const problem = card?.querySelector('.problem');
  if (!problem) return;
  if (ok && action === 'heartbeat') {
    const count = Number(card.dataset.heartbeats ?? 0) + 1;
    card.dataset.heartbeats = String(count);
    problem.className = 'ok small problem';
    problem.textContent = `Heartbeat ${count} sent at ${new Date().toLocaleTimeString()}: the task's HeartbeatSeconds start again.`;
  } else if (!ok) {
    problem.className = 'bad small problem';
    problem.textContent = `Not sent: ${message}`;
  }
}

// ---- Event table -------------------------------------------------------------------------------
const tbody = $('events').querySelector('tbody');
const filter = $('filter');
/** The events that have rows: from `firstRow` up to (not including) `rendered`. */
let firstRow = 0;
let rendered = 0;
/** A long history keeps rows for its last ROW_LIMIT events only (a table of tens of thousands
 * of rows takes the browser seconds to build and lay out, and it would freeze the page); the
 * earlier ones come back a page at a time on request, and then stay. */
const ROW_LIMIT = 2000;
let pinned = false;
const more = h('div', { class: 'more-events', hidden: true });
tbody.closest('.table-wrap').prepend(more);

/** An event type with line-break chances between its words (MapIteration|Started), not inside them. */
function wordBreaks(type) {
  return type.split(/(?=[A-Z][a-z])/).flatMap((word, i) => (i === 0 ? [word] : [document.createElement('wbr'), word]));
}

function eventRow(e, start) {
  const visit = analysis.owner.get(e.id);
  const ms = Date.parse(e.timestamp) - start;
  const tone = /Failed|TimedOut|Aborted/.test(e.type) ? 'bad' : /Succeeded/.test(e.type) ? 'ok' : '';
  const name = visit?.name ?? '';
  const row = h('tr', { class: `event ${tone}${name !== '' && name === rowState.selection ? ' selected' : ''}`, tabindex: 0, 'data-id': e.id, 'data-state': name, 'aria-expanded': 'false' },
    h('td', { class: 'num muted' }, String(e.id)),
    h('td', {}, h('div', { class: 'etype' }, ...wordBreaks(e.type)), h('div', { class: 'explain' }, explain(e))),
    h('td', {}, name),
    h('td', { class: 'num' }, formatMs(ms)));
  row.hidden = rowState.filter !== '' && name !== rowState.filter;
  return row;
}

/** Removes the rows of the events before index `to` (with their opened details). */
function dropRowsBefore(to) {
  while (firstRow < to) {
    const row = tbody.firstElementChild;
    if (!row) break;
    if (row.classList.contains('event')) firstRow++;
    row.remove();
  }
  firstRow = to;
}

function showMoreNotice() {
  more.hidden = firstRow === 0;
  if (more.hidden) return;
  const page = Math.min(ROW_LIMIT, firstRow);
  const button = h('button', { type: 'button', class: 'link' }, `Show ${page.toLocaleString('en-US')} earlier`);
  button.addEventListener('click', showEarlier);
  more.replaceChildren(`The first ${firstRow.toLocaleString('en-US')} events are not listed here (the graph and the inspector cover every visit). `, button);
}

function showEarlier() {
  pinned = true;
  const from = Math.max(0, firstRow - ROW_LIMIT);
  const events = run_.received;
  const start = Date.parse(events[0]?.timestamp ?? 0);
  const frag = document.createDocumentFragment();
  for (let i = from; i < firstRow; i++) frag.append(eventRow(events[i], start));
  tbody.prepend(frag);
  firstRow = from;
  showMoreNotice();
}

function renderEvents(reset) {
  const shown = run_.shown;
  if (reset || rendered > shown) {
    tbody.replaceChildren();
    rendered = firstRow = 0;
    pinned = false;
    rowState = { selection: null, filter: filter.value };
  }
  if (!pinned && shown - rendered > ROW_LIMIT) {
    // A jump past the limit: rows that would be dropped at once are not built.
    tbody.replaceChildren();
    rendered = firstRow = shown - ROW_LIMIT;
  }
  const events = run_.received;
  const start = Date.parse(events[0]?.timestamp ?? 0);
  const frag = document.createDocumentFragment();
  for (; rendered < shown; rendered++) frag.append(eventRow(events[rendered], start));
  tbody.append(frag);
  if (!pinned && rendered - firstRow > 2 * ROW_LIMIT) dropRowsBefore(rendered - ROW_LIMIT);
  showMoreNotice();
  $('events-empty').hidden = shown > 0;
  if (filterFor !== analysis) {
    filterFor = analysis;
    const names = [...analysis.states.keys()];
    const have = [...filter.options].slice(1).map((o) => o.value);
    if (names.join('\n') !== have.join('\n')) {
      const value = filter.value;
      filter.replaceChildren(h('option', { value: '' }, 'All states'), ...names.map((n) => h('option', { value: n }, n)));
      filter.value = names.includes(value) ? value : '';
    }
  }
  applyFilter();
  if (!selected.state && run_.active) {
    const wrap = tbody.closest('.table-wrap');
    wrap.scrollTop = wrap.scrollHeight;
  }
}

/** The analysis the filter's options were made for. */
let filterFor = null;

function formatMs(ms) {
  if (!Number.isFinite(ms)) return '';
  if (ms < 1000) return `+${ms} ms`;
  if (ms < 60000) return `+${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s`;
  return `+${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** What the rows show: the state whose rows are marked selected, and the filter applied. */
let rowState = { selection: null, filter: '' };

function rowsOf(name) {
  return tbody.querySelectorAll(`tr.event[data-state="${CSS.escape(name)}"]`);
}

/** Brings the rows in line with the filter and the selection, touching only the rows that
 * change (a long history has tens of thousands). */
function applyFilter() {
  const f = filter.value;
  const selection = selected.state ?? null;
  if (f !== rowState.filter) {
    for (const row of tbody.querySelectorAll('tr.event')) {
      row.hidden = f !== '' && row.dataset.state !== f;
      row.classList.toggle('selected', selection !== null && row.dataset.state === selection);
      const detail = row.nextElementSibling?.classList.contains('detail') ? row.nextElementSibling : null;
      if (detail) detail.hidden = row.hidden;
    }
  } else if (selection !== rowState.selection) {
    if (rowState.selection !== null) for (const row of rowsOf(rowState.selection)) row.classList.remove('selected');
    if (selection !== null) for (const row of rowsOf(selection)) row.classList.add('selected');
  }
  rowState = { selection, filter: f };
}
filter.addEventListener('change', () => {
  applyFilter();
  if (filter.value) selectState(filter.value);
});

function toggleDetails(row) {
  const next = row.nextElementSibling;
  if (next?.classList.contains('detail')) {
    next.remove();
    row.setAttribute('aria-expanded', 'false');
    return;
  }
  const event = run_.received.find((e) => e.id === Number(row.dataset.id));
  const details = detailsOf(event);
  const pretty = details ? Object.fromEntries(Object.entries(details).map(([k, v]) => {
    if (typeof v === 'string' && /^[[{"]/.test(v)) {
      try { return [k, JSON.parse(v)]; } catch { /* shown as text */ }
    }
    return [k, v];
  })) : null;
  const cell = h('td', { colspan: 4 }, h('pre', { class: 'value' }, JSON.stringify({ timestamp: event.timestamp, previousEventId: event.previousEventId, ...(pretty ? { details: pretty } : {}) }, null, 2)));
  row.after(h('tr', { class: 'detail' }, cell));
  row.setAttribute('aria-expanded', 'true');
}

tbody.addEventListener('click', (e) => {
  const row = e.target.closest('tr.event');
  if (!row) return;
  toggleDetails(row);
  const visit = analysis.owner.get(Number(row.dataset.id));
  if (visit) selectVisit(visit, { fromTable: true });
});
tbody.addEventListener('keydown', (e) => {
  const row = e.target.closest('tr.event');
  if (!row) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    row.click();
  } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    let next = e.key === 'ArrowDown' ? row.nextElementSibling : row.previousElementSibling;
    while (next && (next.hidden || !next.classList.contains('event'))) next = e.key === 'ArrowDown' ? next.nextElementSibling : next.previousElementSibling;
    next?.focus();
  }
});

// ---- Selection and inspector ---------------------------------------------------------------
function selectState(name, { fromGraph = false } = {}) {
  const visits = analysis.states.get(name)?.visits ?? [];
  if (visits.length) selectVisit(visits[visits.length - 1], { fromGraph });
  else {
    selected = { state: name, visit: null };
    repaint();
    applyFilter();
  }
  if (fromGraph) revealInspector();
}

// One column (the layout's breakpoint in style.css): the inspector is below the graph and the
// whole event table, so a click on a state would seem to do nothing.
const oneColumn = matchMedia('(max-width: 1000px)');
function revealInspector() {
  const pane = $('inspector-body').closest('.pane');
  const top = pane.getBoundingClientRect().top;
  if (!oneColumn.matches || (top >= 0 && top < innerHeight / 2)) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  pane.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'start' });
}

/** Scrolls the table only (not the page) so that a row is in view. */
function revealRow(row) {
  if (!row || row.hidden) return;
  const wrap = tbody.closest('.table-wrap');
  const top = row.offsetTop - wrap.querySelector('thead').offsetHeight;
  if (top < wrap.scrollTop || top > wrap.scrollTop + wrap.clientHeight - row.offsetHeight) wrap.scrollTop = top;
}

function selectVisit(visit, { fromTable = false, quiet = false } = {}) {
  selected = { state: visit.name, visit };
  repaint();
  applyFilter();
  if (!fromTable && !quiet) {
    // Scroll the table only (not the page) to the visit's first event.
    revealRow(tbody.querySelector(`tr.event[data-id="${visit.id}"]`));
  }
  if (fromTable) graph.reveal(visit.name);
}

function renderInspector() {
  const body = $('inspector-body');
  const nav = $('visit-nav');
  if (!selected.state) {
    nav.hidden = true;
    body.replaceChildren(h('p', { class: 'empty' }, 'Select a state in the graph or an event in the table to see how data flowed through it.'));
    return;
  }
  const info = stateDefs.get(selected.state) ?? { def: {}, jsonata: false };
  const visits = analysis.states.get(selected.state)?.visits ?? [];
  const visit = visits.includes(selected.visit) ? selected.visit : visits[visits.length - 1];
  if (!visit) {
    nav.hidden = true;
    body.replaceChildren(h('div', { class: 'visit-head' }, h('div', {}, h('strong', {}, selected.state), ' ', h('span', { class: 'muted' }, `${info.def.Type ?? ''} state`))),
      info.def.Comment ? h('p', { class: 'comment' }, info.def.Comment) : '',
      h('p', { class: 'empty' }, run_.received.length ? 'This state was not visited in this run.' : 'Run the machine to see what this state does with its data.'),
      h('pre', { class: 'field' }, JSON.stringify(info.def, null, 2)));
    return;
  }
  const i = visits.indexOf(visit);
  nav.hidden = visits.length < 2;
  $('visit-pos').textContent = `visit ${i + 1} of ${visits.length}`;
  $('visit-prev').disabled = i === 0;
  $('visit-next').disabled = i === visits.length - 1;
  $('visit-prev').onclick = () => selectVisit(visits[i - 1]);
  $('visit-next').onclick = () => selectVisit(visits[i + 1]);
  renderVisit(body, { analysis, visit, def: info.def, jsonata: info.jsonata, invocations: run_.invocations, trace: visitTrace(visit) });
}

/**
 * A visit seen until one of its events: a visit still running is asked for again as its events
 * come (its later stages fill in). Replaying faster than real time, the engine is ahead of the
 * page, so its values are used only once the page shows the visit ended.
 */
const visitKey = (visit) => `${visit.id}:${visit.events.length}`;

/**
 * The engine's values for a visit, or undefined until the worker answers (the inspector shows
 * what the history tells at once, and is drawn again with these when they come).
 */
function visitTrace(visit) {
  if (run_.replay && !visit.exited && run_.active) return undefined;
  const key = visitKey(visit);
  if (run_.traces.has(key)) return run_.traces.get(key) ?? undefined;
  run_.traces.set(key, null);
  const serial = run_.serial;
  engine.inspect(visit.id).then((trace) => {
    if (run_.serial !== serial) return;
    run_.traces.set(key, trace ?? null);
    if (trace && selected.state === visit.name) renderInspector();
  });
  return undefined;
}

function repaint() {
  graph.paint(analysis.states, selected.state);
  // Also when nothing is selected: the inspector must not go on showing a state of an
  // earlier run or of a machine that is no longer in the editor.
  renderInspector();
}

// ---- Examples ------------------------------------------------------------------------------------
let currentExample = null;
const gallery = $('gallery');

function loadExample(example) {
  currentExample = example;
  if (run_.active) stopRun({ quiet: true });
  definitionEditor.text = example.definition;
  inputEditor.text = example.input ?? '{}';
  handlersEditor.text = example.handlers ?? '// No handlers: every Task uses its simulated response (see "Task responses").\nexport default {\n};\n';
  mocks = structuredClone(example.mocks ?? {});
  handlersTrusted = true;
  $('consent').hidden = true;
  resetRun();
  readDefinition();
  selectTab($('tab-definition'));
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

function resetRun() {
  clearTimeout(run_.stopTimer);
  Object.assign(run_, { active: false, finished: true, received: [], shown: 0, paused: false, result: null, failure: null, stopped: false, stopping: false, stepping: false, waiting: new Map(), invocations: [] });
  analysis = analyze([]);
  selected = { state: null, visit: null };
  $('result').hidden = true;
  renderEvents(true);
  renderCallbacks();
  repaint();
  if (features.ready) setStatus('Ready', 'ready');
  updateButtons();
}

$('example-list').append(...examples.map((ex) => h('button', {
  type: 'button', class: 'example', 'data-example': ex.id,
  onclick: () => { loadExample(ex); gallery.close(); runButton.focus(); },
}, h('strong', {}, ex.title), h('span', { class: 'summary' }, ex.summary),
h('span', { class: 'tags' }, ex.teaches.map((t) => h('span', { class: 'tag' }, t))),
h('span', { class: `expect ${ex.expect.toLowerCase()}` }, ex.callback ? 'needs your answer' : `ends ${ex.expect}`))));
$('open-examples').addEventListener('click', () => gallery.showModal());
$('close-examples').addEventListener('click', () => gallery.close());
gallery.addEventListener('click', (e) => { if (e.target === gallery) gallery.close(); });

// ---- Share -------------------------------------------------------------------------------------
function notice(text, kind = '') {
  const n = $('notice');
  n.className = `banner ${kind}`;
  n.textContent = text;
  n.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { n.hidden = true; }, 6000);
}

$('share').addEventListener('click', async () => {
  const state = { v: 1, d: definitionEditor.text, i: inputEditor.text };
  const code = handlersEditor.text;
  if (code.trim() && !/^\/\/ No handlers[^\n]*\nexport default \{\n\};\n?$/.test(code)) state.h = code;
  if (Object.keys(mocks).length) state.m = mocks;
  const subs = activeSubstitutions(definitionEditor.text);
  if (Object.keys(subs).length) state.s = subs;
  // Saved now: a reload of the link must find these handlers as this browser's own (isOwnCode).
  clearTimeout(saveTimer);
  saveSession();
  const hash = await encodeShare(state);
  const url = `${location.origin}${location.pathname}${hash}`;
  history.replaceState(null, '', hash);
  try {
    await navigator.clipboard.writeText(url);
    const parts = ['the definition', 'input', state.h && 'handlers', state.m && 'Task responses', state.s && 'substitution values'].filter(Boolean);
    notice(`Link copied (${url.length} characters). It carries ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}; nothing is uploaded.`, 'ok');
  } catch {
    notice('The link is in the address bar: copy it from there.', 'ok');
  }
});

async function openShared() {
  let state;
  try {
    state = await decodeShare(location.hash);
  } catch {
    notice('This link is damaged: its content could not be read.', 'bad');
    return false;
  }
  if (!state) return false;
  openingShared = true;
  fillEditors(state, isOwnCode(state.h));
  openingShared = false;
  return true;
}

$('consent-allow').addEventListener('click', () => {
  handlersTrusted = true;
  $('consent').hidden = true;
  scheduleSave();
  notice('The handlers will run with the next Run.', 'ok');
});
$('consent-deny').addEventListener('click', () => {
  handlersEditor.text = '// The handlers from the link were removed.\nexport default {\n};\n';
  handlersTrusted = true;
  $('consent').hidden = true;
});
$('consent-review').addEventListener('click', () => selectTab($('tab-handlers'), true));
addEventListener('hashchange', () => { if (location.hash.startsWith('#s=')) openShared(); });

// ---- Start -------------------------------------------------------------------------------------
const params = new URLSearchParams(location.search);
const asked = examples.find((e) => e.id === params.get('example'));
if (!(await openShared()) && (asked || !restoreSession())) loadExample(asked ?? examples[0]);

engine.start().then((ready) => {
  features = { ...ready.features, ready: true };
  setStatus('Ready', 'ready');
  updateButtons();
}, (e) => setStatus(e.message, 'failed'));
validator.start().catch(() => {});
