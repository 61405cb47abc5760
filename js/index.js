// asl-sim's JavaScript API, the one entry for Node (>= 20) and browsers.
//
//   import { init, StateMachine } from 'asl-sim';
//   await init();                       // browsers; in Node the module is already loaded
//   const machine = StateMachine.create(definition, { name: 'demo' });
//   const execution = machine.start({ n: 1 }, { handlers: { Work: async (input, context) => input } });
//   const { status, output, error, cause } = await execution.done;
//
// The WebAssembly engine is sans-IO: `run()` advances it until it needs something and returns
// commands (invoke a task; wake at a time, with an external clock). This file performs them
// (calls the JS handlers) and feeds the completions back, one wasm call each. Time is the
// engine's virtual clock: a Wait state passes at once, with the right timestamps in the history.
//
// The import below resolves both in the package (js/ -> pkg/) and in the page, where the build
// copies this file next to the bindings (www/pkg/index.js -> www/pkg/asl_sim.js).
import initBindings, * as bindings from '../pkg/asl_sim.js';

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

let loading = null;
let loaded = false;

/**
 * Loads the WebAssembly module. Browsers must await it once before creating machines; `source`
 * may be a URL, a Response, bytes or a WebAssembly.Module (default: asl_sim_bg.wasm next to the
 * bindings). In Node the module loads when this file is imported, so calling it is optional.
 */
export function init(source) {
  if (loading === null) {
    loading = (async () => {
      let input = source;
      if (input === undefined && isNode) {
        // A computed specifier, so that bundlers targeting browsers leave this Node-only import alone.
        const fs = 'node:fs/promises';
        const { readFile } = await import(/* webpackIgnore: true */ fs);
        input = await readFile(new URL('../pkg/asl_sim_bg.wasm', import.meta.url));
      }
      await initBindings(input === undefined ? undefined : { module_or_path: input });
      loaded = true;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

if (isNode) await init();

/** The crate version of the loaded engine. */
export function version() {
  requireLoaded();
  return bindings.version();
}

/** A definition that does not parse or validate; `diagnostics` lists every problem found. */
export class DefinitionError extends Error {
  constructor(diagnostics) {
    const first = diagnostics[0];
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : '';
    super(first ? `${first.code}: ${first.message}${more}` : 'invalid definition');
    this.name = 'DefinitionError';
    this.diagnostics = diagnostics;
  }
}

/** A bug in asl-sim itself (a Rust panic or a broken promise between JS and the engine). */
export class InternalError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InternalError';
  }
}

export class StateMachine {
  #raw;

  constructor(raw, options) {
    this.#raw = raw;
    this.name = options.name;
    this.type = options.type;
  }

  /**
   * Parses and validates a definition (an object, or JSON text whose positions the diagnostics
   * report). Throws DefinitionError listing the problems.
   * options: { name = 'StateMachine', type = 'STANDARD' | 'EXPRESS' }
   */
  static create(definition, options = {}) {
    requireLoaded();
    const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
    if (typeof text !== 'string') throw new TypeError('definition must be an object or JSON text');
    const settings = { name: options.name ?? 'StateMachine', type: options.type ?? 'STANDARD' };
    let raw;
    try {
      raw = guard(() => new bindings.RawMachine(text, JSON.stringify(settings)));
    } catch (e) {
      if (typeof e === 'string') throw new DefinitionError(JSON.parse(e));
      throw e;
    }
    return new StateMachine(raw, settings);
  }

  /**
   * Starts an execution. `input` is any JSON value (default {}). options.handlers maps a Task
   * state's name, or its Resource ARN, to `(input, context) => result | Promise<result>`; a
   * thrown error fails the task with error = err.name and cause = err.message.
   */
  start(input = {}, options = {}) {
    const inputText = JSON.stringify(input);
    if (inputText === undefined) throw new TypeError('input must be a JSON value');
    const settings = { name: options.name ?? null };
    let raw;
    try {
      raw = guard(() => this.#raw.start(inputText, JSON.stringify(settings)));
    } catch (e) {
      if (typeof e === 'string') throw new TypeError(e);
      throw e;
    }
    return new Execution(raw, options.handlers ?? {});
  }
}

export class Execution {
  #raw;

  constructor(raw, handlers) {
    this.#raw = raw;
    /** Resolves to { status, output, error, cause }; rejects only on an asl-sim bug. */
    this.done = drive(raw, handlers);
  }

  /** The AWS GetExecutionHistory events so far. */
  get history() {
    return JSON.parse(guard(() => this.#raw.historyJson()));
  }
}

function requireLoaded() {
  if (!loaded) {
    throw new Error('asl-sim: the WebAssembly module is not loaded yet: `await init()` first');
  }
}

// Runs a wasm call; a Rust panic traps as a RuntimeError, reported with the panic's message.
function guard(call) {
  try {
    return call();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      throw new InternalError(bindings.takePanicMessage() ?? `asl-sim trapped: ${e.message}`);
    }
    throw e;
  }
}

async function drive(raw, handlers) {
  await undefined; // let start() return before any handler runs
  const ready = []; // completions to feed, as functions of the raw execution
  let inFlight = 0;
  let notify = null;

  const settle = (completion) => {
    ready.push(completion);
    if (notify !== null) {
      const resume = notify;
      notify = null;
      resume();
    }
  };

  const invoke = (command) => {
    const handler = handlers[command.stateName] ?? handlers[command.resource];
    const id = command.taskId;
    if (typeof handler !== 'function') {
      const cause = `No handler for Task state '${command.stateName}' (resource '${command.resource}'): ` +
        `pass one in start(input, { handlers: { '${command.stateName}': (input, context) => ... } })`;
      ready.push((r) => r.completeTaskFailed(id, 'asl-sim.NoHandler', cause));
      return;
    }
    let result;
    try {
      result = handler(command.input, command.context);
    } catch (err) {
      ready.push(failure(id, err));
      return;
    }
    if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
      inFlight++;
      Promise.resolve(result).then(
        (value) => { inFlight--; settle(success(id, value)); },
        (err) => { inFlight--; settle(failure(id, err)); },
      );
    } else {
      ready.push(success(id, result));
    }
  };

  for (;;) {
    const commands = JSON.parse(guard(() => raw.run()));
    for (const command of commands) {
      if (command.type === 'invoke') invoke(command);
      // Asked for only with an external clock, once nothing else can happen: time jumps there.
      else if (command.type === 'wake') ready.push((r) => r.completeTime(command.timeMs));
      else throw new InternalError(`unknown engine command '${command.type}'`);
    }
    if (commands.length === 0) {
      const outcome = guard(() => raw.outcomeJson());
      if (outcome !== undefined) return JSON.parse(outcome);
    }
    if (ready.length > 0) {
      for (const complete of ready.splice(0)) guard(() => complete(raw));
    } else if (inFlight > 0) {
      await new Promise((resolve) => { notify = resolve; });
    } else {
      throw new InternalError('the execution is blocked: no task in flight and no timer pending');
    }
  }
}

function success(id, value) {
  let text;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch (err) {
    return failure(id, err);
  }
  return (raw) => raw.completeTaskSucceeded(id, text);
}

function failure(id, err) {
  const error = err instanceof Error ? err.name : 'Error';
  const cause = err instanceof Error ? err.message : typeof err === 'string' ? err : safeJson(err);
  return (raw) => raw.completeTaskFailed(id, error, cause);
}

function safeJson(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
