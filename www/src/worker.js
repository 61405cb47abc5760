// The engine's Web Worker. The page talks to it with messages only, so an endless handler or a
// huge run never freezes the page; the page stops a run by terminating the worker.
//
// In:  { type: 'validate', id, text }
//      { type: 'run', definition, input, handlers, tasks: { [stateName]: { resource, mock } }, clock }
//      { type: 'callback', token, action: 'success' | 'failure' | 'heartbeat', output, error, cause }
//      { type: 'pause' | 'resume' | 'step' }       (only when the engine API offers them)
// Out: { type: 'ready', features } | { type: 'loadFailed', message }
//      { type: 'validated', id, diagnostics }
//      { type: 'events', from, events }            (history, in order, as it grows)
//      { type: 'invoke', stateName, attempt, input, context, via, token }
//      { type: 'waiting', token, stateName, input } / { type: 'answered', token }
//      { type: 'done', result } | { type: 'error', message, diagnostics }
import * as api from '../pkg/index.js';
import { arnMatches, defaultResponse } from './mocks.js';
import { load as loadYaml } from 'js-yaml';

const features = {
  validate: typeof api.validate === 'function',
  callbacks: true,
  heartbeat: false,
  engineStepping: false,
};

const loaded = api.init().then(
  () => postMessage({ type: 'ready', features, version: api.version?.() }),
  (e) => postMessage({ type: 'loadFailed', message: `The engine could not load: ${e.message}` }),
);

let execution = null;
let sent = 0;
const waiting = new Map(); // task token -> { resolve, reject, stateName }

onmessage = async ({ data }) => {
  await loaded;
  try {
    if (data.type === 'validate') postMessage({ type: 'validated', id: data.id, diagnostics: validate(data.text) });
    else if (data.type === 'run') await run(data);
    else if (data.type === 'callback') answer(data);
  } catch (e) {
    postMessage({ type: 'error', message: describeError(e), diagnostics: e.diagnostics ?? null });
  }
};

/** JSON is sent as is; YAML is turned into JSON first (the engine's create() reads JSON text). */
function definitionText(text) {
  if (/^\s*(\{|$)/.test(text)) return text;
  let value;
  try {
    value = loadYaml(text);
  } catch (e) {
    const line = (e.mark?.line ?? 0) + 1;
    const column = (e.mark?.column ?? 0) + 1;
    throw new api.DefinitionError([{ severity: 'ERROR', code: 'INVALID_YAML_DESCRIPTION', message: e.reason ?? e.message, location: '', line, column, endLine: line, endColumn: column + 1 }]);
  }
  return JSON.stringify(value ?? null);
}

function validate(text) {
  if (features.validate) {
    const result = api.validate(text);
    return Array.isArray(result) ? result : result?.diagnostics ?? [];
  }
  let json;
  try {
    json = definitionText(text);
  } catch (e) {
    if (e instanceof api.DefinitionError) return e.diagnostics;
    throw e;
  }
  try {
    api.StateMachine.create(json);
    return [];
  } catch (e) {
    if (!(e instanceof api.DefinitionError)) throw e;
    // Positions refer to the JSON made from YAML: the page places them by their location instead.
    return json === text ? e.diagnostics : e.diagnostics.map((d) => ({ ...d, fromYaml: true }));
  }
}

async function loadHandlers(code) {
  if (!code || !code.trim()) return {};
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  let module;
  try {
    module = await import(url);
  } catch (e) {
    throw new Error(`The handlers module did not load: ${e.name}: ${e.message}`);
  } finally {
    URL.revokeObjectURL(url);
  }
  const table = { ...module };
  delete table.default;
  delete table.handlers;
  for (const extra of [module.handlers, module.default]) {
    if (extra && typeof extra === 'object') Object.assign(table, extra);
  }
  return table;
}

function flush() {
  if (!execution) return;
  const history = execution.history;
  if (history.length > sent) {
    postMessage({ type: 'events', from: sent, events: history.slice(sent) });
    sent = history.length;
  }
}

function findHandler(table, stateName, resource) {
  if (typeof table[stateName] === 'function') return table[stateName];
  if (resource && typeof table[resource] === 'function') return table[resource];
  for (const [key, fn] of Object.entries(table)) {
    if (typeof fn === 'function' && key.includes('*') && resource && arnMatches(key, resource)) return fn;
  }
  return null;
}

function taskError(error, cause) {
  const e = new Error(cause ?? '');
  e.name = error || 'Error';
  return e;
}

async function run({ definition, input, handlers, tasks }) {
  let inputValue;
  try {
    inputValue = JSON.parse(input.trim() === '' ? '{}' : input);
  } catch (e) {
    throw new Error(`The execution input is not valid JSON: ${e.message}`);
  }
  const table = await loadHandlers(handlers);
  const machine = api.StateMachine.create(definitionText(definition));

  const dispatch = async (taskInput, context) => {
    const stateName = context?.State?.Name ?? '';
    const attempt = context?.State?.RetryCount ?? 0;
    const token = context?.Task?.Token ?? null;
    const task = tasks[stateName] ?? {};
    const resource = task.resource ?? '';
    flush();
    const handler = findHandler(table, stateName, resource);
    const mock = task.mock ?? { mode: 'auto' };
    const via = handler ? 'handler' : token && mock.mode === 'auto' ? 'callback' : 'simulated';
    postMessage({ type: 'invoke', stateName, attempt, input: taskInput, context, via, token });
    if (handler) return handler(taskInput, context);
    if (via === 'callback') {
      return new Promise((resolve, reject) => {
        waiting.set(token, { resolve, reject, stateName });
        postMessage({ type: 'waiting', token, stateName, input: taskInput });
      });
    }
    if (mock.mode === 'fail' || (mock.mode === 'failFirst' && attempt < (mock.times ?? 1))) {
      throw taskError(mock.error, mock.cause);
    }
    if (mock.mode === 'custom') {
      try {
        return JSON.parse(mock.output);
      } catch (e) {
        throw taskError('asl-sim.InvalidSimulatedResponse', `The response written for '${stateName}' is not valid JSON: ${e.message}`);
      }
    }
    return defaultResponse(resource, taskInput);
  };
  // Every Task resolves to the dispatcher, which finds the handler (state name, ARN, ARN pattern)
  // or the simulated response; the state's name comes from the context object.
  const handlerTable = new Proxy({}, { get: (_, key) => (typeof key === 'string' ? dispatch : undefined) });

  execution = machine.start(inputValue, { handlers: handlerTable });
  sent = 0;
  const ticker = setInterval(flush, 100);
  try {
    const result = await execution.done;
    flush();
    postMessage({ type: 'done', result });
  } finally {
    clearInterval(ticker);
  }
}

function answer({ token, action, output, error, cause }) {
  const entry = waiting.get(token);
  if (!entry) return;
  if (action === 'heartbeat') return;
  waiting.delete(token);
  if (action === 'success') entry.resolve(output);
  else entry.reject(taskError(error, cause));
  postMessage({ type: 'answered', token });
}

function describeError(e) {
  if (e instanceof api.DefinitionError) return 'The definition has errors: see the underlined places in the editor.';
  if (e instanceof api.InternalError) return `asl-sim hit a bug: ${e.message}`;
  return e?.message ?? String(e);
}
