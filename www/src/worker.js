// The engine's Web Worker. The page talks to it with messages only, so an endless handler or a
// huge run never freezes the page. Stop asks the engine to stop (StopExecution: the history ends
// with ExecutionAborted); when the worker does not answer (a handler stuck in a loop), the page
// terminates it.
//
// In:  { type: 'validate', id, text, substitutions }   (substitutions: { Name: value } for ${Name}, or null)
//      { type: 'run', definition, substitutions, input, handlers, tasks: { [stateName]: { resource, mock } }, clock, paused,
//        readers: { [mapName]: { content, json, mock } } }   (a Map's ItemReader with no handler of its name reads `content`,
//        or the mock's: mode 'auto' | 'custom' (output: the text) | 'fail' (cause); json: the content is JSON text)
//      { type: 'callback', token, action: 'success' | 'failure' | 'heartbeat', output, error, cause }
//      { type: 'pause' | 'resume' | 'step' } | { type: 'stop', cause }   (cause: the ExecutionAborted cause, optional)
//      { type: 'inspect', id, enteredEventId }   (the data-flow values of a visit of the current run)
// Out: { type: 'ready', features, version } | { type: 'loadFailed', message }
//      { type: 'validated', id, diagnostics }
//      { type: 'handlers', keys }                  (the handlers module's keys, once loaded for a run)
//      { type: 'events', from, events }            (history, in order, as it grows: onEvent)
//      { type: 'invoke', stateName, attempt, input, context, via, token }
//      { type: 'handlerPending', id, stateName, key } / { type: 'handlerSettled', id }   (a handler's promise, until it settles)
//      { type: 'handlerUndefined', stateName, key, enteredTime }   (a handler returned undefined: the result is null)
//      { type: 'waiting', token, stateName, input } / { type: 'answered', token }   (from pendingTasks())
//      { type: 'callbackResult', token, action, ok, message }
//      { type: 'stepped', added }                  (execution.step() resolved; `added` events)
//      { type: 'inspected', id, visit }            (execution.inspect(enteredEventId), or null)
//      { type: 'done', result } | { type: 'error', message, diagnostics, where }   (where: 'handlers' for a syntax error in them)
import * as api from '../pkg/index.js';
import { defaultResponse } from './mocks.js';

const features = {
  validate: true,
  callbacks: true,
  heartbeat: true,
  engineStepping: true,
  engineStop: true,
  realClock: true,
};

const loaded = api.init().then(
  () => postMessage({ type: 'ready', features, version: api.version() }),
  (e) => postMessage({ type: 'loadFailed', message: `The engine could not load: ${e.message}` }),
);

let execution = null;
let events = [];
let sent = 0;
let flushTimer = 0;
let announced = new Set(); // tokens the page has been told about
let starting = Promise.resolve(); // settles once the latest run has started (controls wait for it)

onmessage = async ({ data }) => {
  await loaded;
  try {
    if (data.type === 'validate') {
      postMessage({ type: 'validated', id: data.id, diagnostics: api.validate(data.text, substitutionOptions(data.substitutions)) });
      return;
    }
    if (data.type === 'run') {
      let started;
      starting = new Promise((resolve) => { started = resolve; });
      try {
        await run(data, started);
      } finally {
        started();
      }
      return;
    }
    await starting;
    if (data.type === 'inspect') {
      postMessage({ type: 'inspected', id: data.id, visit: inspect(data.enteredEventId) });
      return;
    }
    if (data.type === 'callback') answer(data);
    else if (data.type === 'pause') execution?.pause();
    else if (data.type === 'resume') execution?.resume();
    else if (data.type === 'stop') execution?.stop(undefined, data.cause ?? 'Stopped with the Stop button of the playground');
    else if (data.type === 'step') await step();
  } catch (e) {
    postMessage({ type: 'error', message: describeError(e), diagnostics: e.diagnostics ?? null, where: e.where ?? null });
  }
};

async function loadHandlers(code) {
  if (!code || !code.trim()) return {};
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  let module;
  try {
    module = await import(url);
  } catch (e) {
    // Where a syntax error is, the page's editor shows and an embed says (`where`).
    throw Object.assign(new Error(`The handlers module did not load: ${e.name}: ${e.message}`), { where: e instanceof SyntaxError ? 'handlers' : undefined });
  } finally {
    URL.revokeObjectURL(url);
  }
  const table = { ...module };
  delete table.default;
  delete table.handlers;
  for (const extra of [module.handlers, module.default]) {
    if (extra && typeof extra === 'object') Object.assign(table, extra);
  }
  // Only functions are handlers (a module may export other things).
  return Object.fromEntries(Object.entries(table).filter(([, fn]) => typeof fn === 'function'));
}

/** Sends the events not sent yet, and which callback tasks wait (from pendingTasks()). */
function flush() {
  clearTimeout(flushTimer);
  flushTimer = 0;
  if (events.length > sent) {
    postMessage({ type: 'events', from: sent, events: events.slice(sent) });
    sent = events.length;
  }
  if (!execution) return;
  const waiting = new Map(execution.pendingTasks().filter((t) => t.token).map((t) => [t.token, t]));
  for (const [token, t] of waiting) {
    if (!announced.has(token)) {
      announced.add(token);
      postMessage({ type: 'waiting', token, stateName: t.stateName, input: t.input });
    }
  }
  for (const token of announced) {
    if (!waiting.has(token)) {
      announced.delete(token);
      postMessage({ type: 'answered', token });
    }
  }
}

function scheduleFlush() {
  if (!flushTimer) flushTimer = setTimeout(flush, 0);
}

function taskError(error, cause) {
  const e = new Error(cause ?? '');
  e.name = error || 'Error';
  return e;
}

/** The API's options for ${Name} values (none when there are none). */
function substitutionOptions(substitutions) {
  return substitutions && Object.keys(substitutions).length ? { definitionSubstitutions: substitutions } : {};
}

async function run({ definition, substitutions = null, input, handlers, tasks = {}, readers = {}, clock = 'virtual', paused = false }, started) {
  let inputValue;
  try {
    inputValue = JSON.parse(input.trim() === '' ? '{}' : input);
  } catch (e) {
    throw new Error(`The execution input is not valid JSON: ${e.message}`);
  }
  // The engine's 'not a valid JSON object', at line 0, would not say what is wrong.
  if (!definition.trim()) throw new Error('The definition is empty: there is nothing to run.');
  const table = await loadHandlers(handlers);
  // The keys, so that a key no Task state reaches (a typo) can be pointed out.
  postMessage({ type: 'handlers', keys: Object.keys(table) });
  // JSON or YAML: the engine reads both and reports diagnostics in the text given.
  const machine = api.StateMachine.create(definition, substitutionOptions(substitutions));

  const note = (taskInput, context, via) => {
    flush(); // the page sees the events up to this task before its handler runs (it may never return)
    postMessage({
      type: 'invoke', stateName: context?.State?.Name ?? '', attempt: context?.State?.RetryCount ?? 0,
      input: taskInput, context: structuredClone(context), via, token: context?.Task?.Token ?? null,
    });
  };

  // The page's "tasks without code": what a Task answers when no handler of the user matches it.
  const simulated = (taskInput, context) => {
    const stateName = context?.State?.Name ?? '';
    const attempt = context?.State?.RetryCount ?? 0;
    const token = context?.Task?.Token ?? null;
    const task = tasks[stateName] ?? {};
    const resource = task.resource ?? execution?.pendingTasks().find((t) => t.stateName === stateName)?.resource ?? '';
    const mock = task.mock ?? { mode: 'auto' };
    const failing = mock.mode === 'fail' || (mock.mode === 'failFirst' && attempt < (mock.times ?? 1));
    note(taskInput, context, token && !failing && mock.mode !== 'custom' ? 'callback' : 'simulated');
    if (failing) throw taskError(mock.error ?? 'States.TaskFailed', mock.cause ?? 'Simulated failure');
    // The service never answers: the task's TimeoutSeconds (or the execution's) ends it.
    if (mock.mode === 'never') return api.NEVER;
    let custom;
    if (mock.mode === 'custom') {
      try {
        custom = JSON.parse(mock.output ?? 'null');
      } catch (e) {
        throw taskError('asl-sim.InvalidSimulatedResponse', `The response written for '${stateName}' is not valid JSON: ${e.message}`);
      }
    }
    if (!token) return custom !== undefined ? custom : defaultResponse(resource, taskInput);
    // A .waitForTaskToken task: the call that hands the token out succeeds with the service's
    // typical response (TaskSubmitted), then the task waits for its token: the page's buttons,
    // or at once the response written for it.
    if (custom !== undefined) {
      setTimeout(() => {
        try {
          execution?.sendTaskSuccess(token, custom);
        } catch { /* the task ended meanwhile */ }
      }, 0);
    }
    return defaultResponse(resource.replace(/\.waitForTaskToken$/, ''), taskInput);
  };

  // The user's handlers keep the API's own matching (state name, then ARN, then ARN pattern);
  // '*' (matching every resource, so the last resort) gives the rest the simulated responses.
  const handlerTable = {};
  let pendingId = 0;
  for (const [key, fn] of Object.entries(table)) {
    handlerTable[key] = (taskInput, context) => {
      note(taskInput, context, 'handler');
      const stateName = context?.State?.Name ?? '';
      // undefined becomes the task's result null: the page says so (a missing return, often).
      const returned = (value) => {
        if (value === undefined) postMessage({ type: 'handlerUndefined', stateName, key, enteredTime: context?.State?.EnteredTime ?? null });
        return value;
      };
      const out = fn(taskInput, context);
      if (!out || typeof out.then !== 'function') return returned(out);
      // A promise: the page can name the handler it waits for while the run seems stuck.
      const id = ++pendingId;
      postMessage({ type: 'handlerPending', id, stateName, key });
      return Promise.resolve(out).then(
        (value) => { postMessage({ type: 'handlerSettled', id }); return returned(value); },
        (e) => { postMessage({ type: 'handlerSettled', id }); throw e; },
      );
    };
  }
  if (!handlerTable['*']) handlerTable['*'] = simulated;

  // A Distributed Map's ItemReader is answered by the handler named after the Map (never by '*'):
  // without one of the user's, the content given in the page (a sample, or the user's own).
  for (const [name, reader] of Object.entries(readers)) {
    if (Object.hasOwn(handlerTable, name)) continue;
    handlerTable[name] = (readerInput, context) => {
      note(readerInput, context, 'simulated');
      const mock = reader.mock ?? { mode: 'auto' };
      if (mock.mode === 'fail' || mock.mode === 'failFirst') throw taskError('States.ItemReaderFailed', mock.cause ?? 'The object could not be read');
      const text = mock.mode === 'custom' ? String(mock.output ?? '') : reader.content;
      if (text === null || text === undefined) {
        throw taskError('States.ItemReaderFailed', `The playground has no sample content for the ItemReader of '${name}': write the content in Task responses, or a handler named '${name}' in Handlers.`);
      }
      if (!reader.json) return text;
      try {
        return JSON.parse(text);
      } catch (e) {
        throw taskError('States.ItemReaderFailed', `The content written for the ItemReader of '${name}' is not valid JSON: ${e.message}`);
      }
    };
  }

  if (execution && execution.status === 'RUNNING') execution.stop(undefined, 'Replaced by a new run');
  // The page keeps the events it was sent; the engine's copy of the old run can go.
  execution?.dispose();
  events = [];
  sent = 0;
  announced = new Set();
  const onEvent = (event) => {
    events.push(event);
    scheduleFlush();
  };
  // trace: the inspector shows the value after each data-flow stage (execution.inspect).
  const current = machine.start(inputValue, { handlers: handlerTable, onEvent, clock: clock === 'real' ? 'real' : 'virtual', trace: true });
  execution = current;
  if (paused) {
    // Started with Step: hold the engine and do its first unit of work.
    current.pause();
    step().catch((e) => postMessage({ type: 'error', message: describeError(e) }));
  }
  started();
  let result;
  try {
    result = await current.done;
  } finally {
    if (execution === current) flush();
  }
  // What ResultWriters wrote (simulated S3), for the page to show with the output.
  if (execution === current) postMessage({ type: 'done', result: { ...result, resultFiles: current.resultFiles } });
}

async function step() {
  const current = execution;
  if (!current || current.status !== 'RUNNING') return;
  const added = await current.step();
  if (execution !== current) return;
  flush();
  postMessage({ type: 'stepped', added: added.length, status: current.status });
}

/** The current run's visit (by its entered event's id) as execution.inspect answers it, or null. */
function inspect(enteredEventId) {
  try {
    return execution?.inspect(enteredEventId) ?? null;
  } catch {
    return null; // disposed: a new run replaced it
  }
}

function answer({ token, action, output, error, cause }) {
  let ok = true;
  let message = '';
  try {
    if (!execution) throw new Error('No execution is running.');
    if (action === 'success') execution.sendTaskSuccess(token, output);
    else if (action === 'failure') execution.sendTaskFailure(token, error, cause);
    else if (action === 'heartbeat') execution.sendTaskHeartbeat(token);
  } catch (e) {
    ok = false;
    message = e instanceof api.ApiError ? `${e.name}: ${e.message}` : e?.message ?? String(e);
  }
  postMessage({ type: 'callbackResult', token, action, ok, message });
  flush();
}

function describeError(e) {
  if (e instanceof api.DefinitionError) return 'The definition has errors: see the underlined places in the editor.';
  if (e instanceof api.InternalError) return `asl-sim hit a bug: ${e.message}`;
  return e?.message ?? String(e);
}
