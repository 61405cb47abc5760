// asl-sim's JavaScript API, the one entry for Node (>= 20) and browsers. Types: index.d.ts.
//
//   import { init, StateMachine } from 'asl-sim';
//   await init();                       // browsers; in Node the module is already loaded
//   const machine = StateMachine.create(definition, { name: 'demo' });
//   const execution = machine.start({ n: 1 }, { handlers: { Work: async (input, context) => input } });
//   const { status, output, error, cause } = await execution.done;
//
// The WebAssembly engine is sans-IO. Each round, this file hands it every answer it has (task
// results, tokens sent back, timers that fired) in one call; the engine runs until it is
// blocked and replies with what to do next (call these task handlers; with the real clock,
// wake it at this time). Mocked tasks are answered inside the engine, without a round.
//
// js/bindings.js wraps the engine's exports. In the page, the build copies these files (with
// js/wildcard.js) and the wasm side by side into www/pkg/ (where bindings.js's default ../pkg/asl_sim.wasm still resolves).
import * as bindings from './bindings.js';
import { wildcardPattern } from './wildcard.js';

const isNode = typeof process === 'object' && process.versions != null && process.versions.node != null;

let loading = null;
let loaded = false;

/**
 * Loads the WebAssembly module. Browsers must await it once before creating machines; `source`
 * may be a URL, a Response, bytes or a WebAssembly.Module (default: pkg/asl_sim.wasm in the
 * package). In Node the module loads when this file is imported, so calling it is optional.
 */
export function init(source) {
  if (loading === null) {
    loading = (async () => {
      let input = source;
      if (input === undefined && isNode) {
        // A computed specifier, so that bundlers targeting browsers leave this Node-only import alone.
        const fs = 'node:fs';
        const { readFileSync } = await import(/* webpackIgnore: true */ fs);
        // Synchronous instantiation is several times faster to start than the async path, and
        // Node has no main thread to keep responsive.
        bindings.initSync(readFileSync(new URL('../pkg/asl_sim.wasm', import.meta.url)));
        loaded = true;
        return;
      }
      await bindings.init(input);
      loaded = true;
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

if (isNode) await init();

/** Return it (or resolve to it) from a handler: the task never answers, so its timeout can fire. */
export const NEVER = Symbol.for('asl-sim.never');

/** The crate version of the loaded engine. */
export function version() {
  requireLoaded();
  return bindings.version();
}

/** A definition that does not parse or validate; `diagnostics` lists every problem found. */
export class DefinitionError extends Error {
  constructor(diagnostics) {
    const errors = diagnostics.filter((d) => d.severity === 'ERROR');
    const first = errors[0] ?? diagnostics[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    const where = first && first.line > 0 ? ` (line ${first.line}, column ${first.column})` : '';
    super(first ? `${first.code}: ${first.message}${where}${more}` : 'invalid definition');
    this.name = 'DefinitionError';
    this.diagnostics = diagnostics;
  }
}

/**
 * An error AWS's API would return for the same call; `name` is AWS's exception name
 * (`InvalidToken`, `TaskTimedOut`, `InvalidOutput`).
 */
export class ApiError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

/** A bug in asl-sim itself (a Rust panic or a broken promise between JS and the engine). */
export class InternalError extends Error {
  constructor(message) {
    super(message);
    this.name = 'InternalError';
  }
}

/**
 * ValidateStateMachineDefinition: every problem (errors and warnings) of a definition given as
 * an object or as JSON or YAML text, with lines and columns in that text.
 */
export function validate(definition, options = {}) {
  requireLoaded();
  checkOptions('validate', options, ['type', 'definitionSubstitutions']);
  const text = definitionText(definition);
  const settings = { type: machineType(options.type), substitutions: options.definitionSubstitutions ?? null };
  try {
    return JSON.parse(guard(() => bindings.validate(text, JSON.stringify(settings))));
  } catch (e) {
    if (typeof e === 'string') throw new TypeError(`asl-sim: ${e}`);
    throw e;
  }
}

/**
 * AWS TestState: runs one state on its own. `state` is the state's definition (object, JSON or
 * YAML text); a Task's service call is answered by `options.result` or `options.error`
 * (`{error, cause}`). Resolves to TestState's response: `{status, output?, error?, cause?,
 * nextState?, inspectionData?}` (`inspectionData` at DEBUG and TRACE levels; its values, like
 * `output`, are JSON text as AWS returns them).
 */
export function testState(state, input = {}, options = {}) {
  requireLoaded();
  checkOptions('testState', options, ['inspectionLevel', 'variables', 'result', 'error', 'revealSecrets', 'stateName', 'fieldValidationMode', 'context', 'stateConfiguration']);
  if (options.stateConfiguration !== undefined) {
    checkOptions('testState stateConfiguration', options.stateConfiguration, ['retrierRetryCount', 'mapIterationFailureCount', 'errorCausedByState', 'mapItemReaderData']);
  }
  if (options.result !== undefined && options.error !== undefined) {
    throw new TypeError('asl-sim: testState takes a result or an error, not both');
  }
  if (options.revealSecrets && (options.result !== undefined || options.error !== undefined)) {
    throw new TypeError('asl-sim: TestState does not support RevealSecrets when a mock is specified.');
  }
  const text = typeof state === 'string' ? state : JSON.stringify(state);
  const settings = {
    inspectionLevel: options.inspectionLevel ?? 'INFO',
    variables: options.variables ?? {},
    result: options.result,
    error: options.error === undefined ? undefined : { error: String(options.error.error ?? ''), cause: options.error.cause == null ? undefined : String(options.error.cause) },
    stateName: options.stateName,
    fieldValidationMode: options.fieldValidationMode,
    context: options.context,
    stateConfiguration: options.stateConfiguration,
  };
  try {
    return JSON.parse(guard(() => bindings.testState(text, JSON.stringify(input), JSON.stringify(settings))));
  } catch (e) {
    if (typeof e === 'string') throw new TypeError(`asl-sim: ${e}`);
    throw e;
  }
}

export class StateMachine {
  #raw;

  constructor(raw, settings, warnings) {
    if (!(raw instanceof bindings.RawMachine)) {
      throw new TypeError('asl-sim: use StateMachine.create(definition, options) to make a state machine');
    }
    this.#raw = raw;
    /** @readonly */ this.name = settings.name;
    /** @readonly */ this.type = settings.type;
    /** @readonly */ this.roleArn = settings.roleArn;
    /** Warnings about the definition (it is valid, but maybe not what was meant). */
    this.warnings = warnings;
    Object.freeze(this);
  }

  /**
   * Parses and validates a definition: an object, or JSON or YAML text (diagnostics then carry
   * the lines and columns of that text). Throws DefinitionError listing the problems.
   */
  static create(definition, options = {}) {
    requireLoaded();
    checkOptions('StateMachine.create', options, ['name', 'type', 'roleArn', 'definitionSubstitutions']);
    const text = definitionText(definition);
    const settings = {
      name: optionalString(options.name, 'name') ?? 'StateMachine',
      type: machineType(options.type),
      roleArn: optionalString(options.roleArn, 'roleArn') ?? 'arn:aws:iam::123456789012:role/StepFunctionsRole',
    };
    let raw;
    try {
      raw = guard(() => new bindings.RawMachine(text, JSON.stringify({ ...settings, substitutions: options.definitionSubstitutions ?? null })));
    } catch (e) {
      if (typeof e === 'string') {
        // As CreateStateMachine: the errors (validate() also lists warnings).
        if (e.startsWith('[')) throw new DefinitionError(JSON.parse(e).filter((d) => d.severity === 'ERROR'));
        throw new TypeError(`asl-sim: ${e}`);
      }
      throw e;
    }
    return new StateMachine(raw, settings, JSON.parse(raw.warningsJson()));
  }

  /** Starts an execution and returns it at once; see StartOptions in index.d.ts. */
  start(input = {}, options = {}) {
    checkOptions('start', options, ['name', 'handlers', 'mockConfig', 'testCase', 'clock', 'limits', 'onEvent', 'startTime', 'seed', 'trace']);
    let inputText;
    try {
      inputText = JSON.stringify(input);
    } catch (e) {
      throw new TypeError(`asl-sim: the input is not JSON: ${e.message}`);
    }
    if (inputText === undefined) throw new TypeError('asl-sim: the input must be a JSON value');
    const resolve = handlerResolver(options.handlers);
    if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
      throw new TypeError('asl-sim: onEvent must be a function (event) => void');
    }
    const clock = options.clock ?? 'virtual';
    if (clock !== 'virtual' && clock !== 'real') throw new TypeError(`asl-sim: clock must be 'virtual' or 'real', not ${show(clock)}`);
    const real = clock === 'real';
    const settings = {
      name: optionalString(options.name, 'name') ?? null,
      clock: real ? 'external' : 'virtual',
      startTime: startTime(options.startTime) ?? (real ? Date.now() : null),
      seed: options.seed ?? null,
      limits: limits(options.limits),
      mockConfig: options.mockConfig ?? null,
      testCase: optionalString(options.testCase, 'testCase') ?? null,
      events: options.onEvent !== undefined,
      trace: options.trace === true,
    };
    if (options.trace !== undefined && typeof options.trace !== 'boolean') throw new TypeError('asl-sim: trace must be true or false');
    if (settings.seed !== null && !(Number.isSafeInteger(settings.seed) && settings.seed >= 0)) {
      throw new TypeError('asl-sim: seed must be a non-negative integer');
    }
    let raw;
    try {
      raw = guard(() => this.#raw.start(inputText, JSON.stringify(settings)));
    } catch (e) {
      if (typeof e === 'string') throw new TypeError(`asl-sim: ${e}`);
      throw e;
    }
    return new Execution(raw, { resolve, onEvent: options.onEvent, real });
  }

  /**
   * AWS RedriveExecution: an execution of this machine that FAILED, TIMED_OUT or was ABORTED
   * starts again from the top-level state where it stopped, with the handlers it was started
   * with. Returns the same execution, whose `done` is a new promise; `$$.Execution.RedriveCount`
   * goes up by one and the history gains `ExecutionRedriven`. Throws `ApiError`
   * (`ExecutionNotRedrivable`) otherwise.
   */
  redrive(execution) {
    if (!(execution instanceof Execution)) throw new TypeError('asl-sim: redrive takes an Execution started by this machine');
    return execution[kRedrive]();
  }
}

const kTaskFailed = 'States.TaskFailed';
/** Arrays and objects of this many KiB of JSON or more are shared with the engine (src/wasm/shared.rs). */
const kShareMinKiB = 16;
const kRedrive = Symbol('asl-sim.redrive');
// Starts the strings that stand for a shared value in an answer (see #placeShared). The random
// part makes sure no string a handler returns is taken for one.
const kSharedPrefix = `\u0000asl-sim-shared:${Math.random().toString(36).slice(2)}${Date.now().toString(36)}:`;

export class Execution {
  #raw;
  #resolve;
  #onEvent;
  #real;
  /** Answers not yet fed to the engine, as JSON text. */
  #queue = [];
  /** Handlers whose promise has not settled. */
  #inFlight = 0;
  /** taskId -> the task, while it waits for a handler or a token. */
  #tasks = new Map();
  /** The Task states met so far, by the engine's number: { stateName, resource, pattern }. */
  #taskStates = [];
  /** The EnteredTime of the last invoke (the engine sends it only when it changes). */
  #lastEnteredTime = null;
  /** Every token handed out, -> taskId (to tell an unknown token from a closed task). */
  #tokens = new Map();
  #events = [];
  /** What Distributed Maps' ResultWriters wrote: { stateName, Bucket, Key, Body }. */
  #resultFiles = [];
  #historyLength;
  /** The parts of `$$` shared by every task: { Execution, StateMachine }, frozen, made on first use. */
  #sharedContext = null;
  /** Big values the engine holds too, frozen: id -> value, and value -> id (see #placeShared). */
  #sharedById = new Map();
  #sharedIds = new WeakMap();
  #outcome = null;
  /** Set by dispose(): the engine's memory is freed. */
  #disposed = false;
  #paused = false;
  #waiters = [];
  #wakeTimer = null;
  #steps = Promise.resolve();
  #settle;
  #fail;

  constructor(raw, { resolve, onEvent, real }) {
    if (!(raw instanceof bindings.RawExecution)) {
      throw new TypeError('asl-sim: use machine.start(input, options) to start an execution');
    }
    this.#raw = raw;
    this.#resolve = resolve;
    this.#onEvent = onEvent;
    this.#real = real;
    this.#historyLength = raw.historyLength();
    raw.shareValues(kSharedPrefix);
    /** The execution's ARN, as `$$.Execution.Id` has it. */
    this.executionArn = raw.executionArn();
    /** Resolves to { status, output, error, cause } when the execution ends; rejects only on an asl-sim bug. */
    this.done = new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    this.#drive();
  }

  /** RUNNING until the execution ends, then SUCCEEDED, FAILED, TIMED_OUT or ABORTED. */
  get status() {
    return this.#outcome?.status ?? 'RUNNING';
  }

  /**
   * The S3 objects the ResultWriters of Distributed Map states wrote so far, in order (each
   * Map's result files, then its manifest.json): { stateName, Bucket, Key, Body } (a copy).
   */
  get resultFiles() {
    return this.#resultFiles.map((f) => ({ ...f }));
  }

  /** The AWS GetExecutionHistory events so far (a copy; it grows as the execution runs). */
  get history() {
    this.#checkNotDisposed();
    this.#syncEvents();
    return this.#events.slice();
  }

  /**
   * Frees the engine's memory for this execution, history included (a long one holds tens of
   * MiB, which JavaScript's garbage collector cannot see and may not free for a long time).
   * A running execution is stopped first. Afterwards `status` and `done` still answer; asking
   * for the history, redriving or sending task answers throws ExecutionDisposed.
   */
  dispose() {
    if (this.#disposed) return;
    if (!this.#outcome) this.stop('asl-sim.Disposed', 'The execution was disposed while it ran');
    this.#disposed = true;
    this.#tasks.clear();
    this.#queue.length = 0;
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
    this.#raw.free();
  }

  #checkNotDisposed() {
    if (this.#disposed) throw new ApiError('ExecutionDisposed', 'asl-sim: the execution was disposed: its engine memory and history are gone');
  }

  /**
   * The data-flow values of one state visit, found by the id of its state-entered event: the
   * value after each stage the engine went through (see StateInspection in index.d.ts).
   * Undefined when the execution was not started with `trace: true` or no visit entered with
   * that event (yet).
   */
  inspect(enteredEventId) {
    this.#checkNotDisposed();
    if (!Number.isInteger(enteredEventId) || enteredEventId < 1 || enteredEventId > 0xffffffff) return undefined;
    const text = guard(() => this.#raw.inspectJson(enteredEventId));
    return text === undefined ? undefined : JSON.parse(text);
  }

  /** Tasks waiting for a handler's answer or for their token to be sent back. */
  pendingTasks() {
    if (this.#outcome || this.#disposed) return [];
    const ids = new Set(guard(() => this.#raw.pendingTaskIds()));
    const out = [];
    for (const [id, task] of this.#tasks) {
      if (!ids.has(id)) {
        this.#tasks.delete(id); // ended inside the engine (timed out, its branch failed)
        continue;
      }
      out.push({ taskId: id, stateName: task.stateName, resource: task.resource, token: task.token, input: task.input });
    }
    return out;
  }

  /**
   * Declares that no task now pending will ever be answered: no handler promise of theirs will
   * settle and nobody will send their tokens. On the virtual clock, time may then run on to
   * their TimeoutSeconds or HeartbeatSeconds (as if a handler had returned NEVER). An answer
   * that comes anyway is still taken if its task has not timed out by then. Answers how many
   * tasks were pending.
   */
  abandonPendingTasks() {
    if (this.#outcome || this.#disposed) return 0;
    const ids = guard(() => this.#raw.pendingTaskIds());
    for (const id of ids) this.#push(`[4,${id}]`);
    return ids.length;
  }

  /** SendTaskSuccess: the task holding `token` succeeds with `output` (any JSON value). */
  sendTaskSuccess(token, output) {
    const id = this.#taskForToken(token);
    const text = this.#encode(output);
    if (typeof text !== 'string') throw new ApiError('InvalidOutput', `Invalid output: ${text.reason}`);
    this.#tokenAnswer(id, `[0,${id},${text}]`);
  }

  /** SendTaskFailure: the task holding `token` fails with this error and cause. */
  sendTaskFailure(token, error, cause) {
    const id = this.#taskForToken(token);
    if (error !== undefined && error !== null && typeof error !== 'string') throw new TypeError('asl-sim: error must be a string');
    if (cause !== undefined && cause !== null && typeof cause !== 'string') throw new TypeError('asl-sim: cause must be a string');
    this.#tokenAnswer(id, `[1,${id},${JSON.stringify(error ?? '')},${JSON.stringify(cause ?? null)}]`);
  }

  /** SendTaskHeartbeat: the task holding `token` is still at work (resets HeartbeatSeconds). */
  sendTaskHeartbeat(token) {
    const id = this.#taskForToken(token);
    this.#push(`[3,${id}]`);
  }

  /** StopExecution: ends the execution as ABORTED (nothing happens if it has ended). */
  stop(error, cause) {
    if (this.#outcome) return;
    if (error !== undefined && error !== null && typeof error !== 'string') throw new TypeError('asl-sim: error must be a string');
    if (cause !== undefined && cause !== null && typeof cause !== 'string') throw new TypeError('asl-sim: cause must be a string');
    this.#queue.length = 0;
    this.#round('resume', `[[6,${JSON.stringify(error ?? null)},${JSON.stringify(cause ?? null)}]]`);
    this.#notify();
  }

  /** Stops advancing after the current unit of work; handlers already running finish. */
  pause() {
    this.#paused = true;
  }

  /** Runs on after pause() or step(). */
  resume() {
    this.#paused = false;
    this.#notify();
  }

  /**
   * Pauses, then does one unit of work: enters or leaves a state, feeds one task answer, or
   * jumps the virtual clock. Resolves to the history events that unit added (none once ended).
   */
  step() {
    this.#paused = true;
    const result = this.#steps.then(() => this.#stepOnce());
    this.#steps = result.catch(() => {});
    return result;
  }

  // ---- the loop ----

  [kRedrive]() {
    this.#checkNotDisposed();
    if (!this.#outcome) throw new ApiError('ExecutionNotRedrivable', 'asl-sim: the execution is still running');
    try {
      guard(() => this.#raw.redrive());
    } catch (e) {
      if (typeof e === 'string') throw new ApiError('ExecutionNotRedrivable', `asl-sim: ${e}`);
      throw e;
    }
    this.#outcome = null;
    this.done = new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    this.#drive();
    return this;
  }

  /** Executions running, weakly: the engine ends them all when it restarts (see guard). */
  static #running = new Set();
  #ref = new WeakRef(this);

  /** Ends every running execution with `error`: the engine restarted, their state is gone. */
  static lose(error) {
    for (const ref of Execution.#running) ref.deref()?.#crash(error);
    Execution.#running.clear();
  }

  async #drive() {
    Execution.#running.add(this.#ref);
    await undefined; // let start() return before any handler runs
    try {
      while (!this.#outcome) {
        if (this.#paused) {
          await this.#signal();
          continue;
        }
        const batch = this.#takeAll();
        this.#round('resume', batch);
        if (this.#outcome) break;
        if (this.#queue.length === 0) {
          this.#checkNotStuck();
          await this.#signal();
        }
      }
    } catch (e) {
      this.#crash(e);
    }
  }

  async #stepOnce() {
    if (this.#disposed) return [];
    const before = this.#eventCount();
    for (;;) {
      if (this.#outcome) return this.#eventsSince(before);
      const batch = this.#queue.length > 0 ? `[${this.#queue.shift()}]` : '[]';
      let reply;
      try {
        reply = this.#round('step', batch);
      } catch (e) {
        this.#crash(e);
        throw e;
      }
      if (reply.p || this.#outcome) return this.#eventsSince(before);
      if (this.#queue.length === 0) {
        this.#checkNotStuck();
        await this.#signal();
      }
    }
  }

  /** One call into the engine; performs the reply's commands. */
  #round(method, batch) {
    const now = this.#real ? Date.now() : NaN;
    const reply = JSON.parse(guard(() => this.#raw[method](batch, now)));
    if (reply.e) {
      for (const event of reply.e) {
        this.#events.push(event);
        this.#emit(event);
      }
    }
    this.#historyLength = reply.n;
    if (reply.s) {
      for (const [key, stateName, resource, pattern] of reply.s) this.#taskStates[key] = { stateName, resource, pattern };
    }
    for (const invoke of reply.c) this.#invoke(invoke);
    if (reply.r) for (const read of reply.r) this.#read(read);
    if (reply.x) for (const write of reply.x) this.#write(write);
    if (reply.w !== undefined) this.#wakeAt(reply.w);
    if (reply.o) {
      const outcome = reply.o;
      if (outcome.r) {
        outcome.output = this.#placeShared(outcome.output, outcome.r);
        delete outcome.r;
      }
      this.#finish(outcome);
    }
    return reply;
  }

  #finish(outcome) {
    if (this.#outcome) return;
    Execution.#running.delete(this.#ref);
    this.#outcome = outcome;
    this.#queue.length = 0;
    this.#tasks.clear();
    if (this.#wakeTimer !== null) {
      clearTimeout(this.#wakeTimer);
      this.#wakeTimer = null;
    }
    this.#settle(outcome);
    this.#notify();
  }

  #crash(e) {
    if (this.#outcome) return;
    Execution.#running.delete(this.#ref);
    this.#outcome = { status: 'FAILED', error: 'asl-sim.InternalError', cause: String(e?.message ?? e) };
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
    this.#fail(e instanceof InternalError ? e : new InternalError(`asl-sim: ${e?.stack ?? e}`));
    this.#notify();
  }

  // Nothing queued, nothing running, no timer, no task waiting for a token: the engine says it
  // is blocked but nothing can unblock it. That is an asl-sim bug.
  #checkNotStuck() {
    if (this.#outcome || this.#inFlight > 0 || this.#wakeTimer !== null || this.#queue.length > 0) return;
    if (guard(() => this.#raw.pendingTaskIds()).length > 0) return;
    throw new InternalError('asl-sim: the execution is blocked: no task is waiting and no timer is pending');
  }

  #signal() {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #notify() {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    for (const resume of waiters) resume();
  }

  #push(answer) {
    if (this.#outcome) return;
    this.#queue.push(answer);
    this.#notify();
  }

  /** A final answer for a task: it no longer waits. */
  #answer(answer, id) {
    this.#tasks.delete(id);
    this.#push(answer);
  }

  // An answer sent with a token while the task's handler still runs waits for the handler,
  // so that the history shows the task submitted before it succeeded.
  #tokenAnswer(id, answer) {
    const task = this.#tasks.get(id);
    this.#tasks.delete(id);
    if (task?.running) task.deferred = answer;
    else this.#push(answer);
  }

  #takeAll() {
    if (this.#queue.length === 0) return '[]';
    const batch = `[${this.#queue.join(',')}]`;
    this.#queue.length = 0;
    return batch;
  }

  #wakeAt(timeMs) {
    if (this.#wakeTimer !== null) clearTimeout(this.#wakeTimer);
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = null;
      this.#push(`[5,${timeMs}]`);
    }, Math.max(0, timeMs - Date.now()));
  }

  #emit(event) {
    try {
      this.#onEvent(event);
    } catch (e) {
      console.error('asl-sim: onEvent threw (the execution goes on):', e);
    }
  }

  // ---- tasks ----

  /** Runs a task's handler; `invoke` is [taskId, stateKey, input, enteredTime | null, retryCount, token, places?]. */
  #invoke(invoke) {
    const [id, key, rawInput, time, retryCount, token, places] = invoke;
    // null: the same instant as the last invoke (kept in step with the engine, so before returning).
    const enteredTime = time ?? this.#lastEnteredTime;
    this.#lastEnteredTime = enteredTime;
    if (this.#outcome) return;
    const { stateName, resource, pattern } = this.#taskStates[key];
    const input = places ? this.#placeShared(rawInput, places) : rawInput;
    const command = { taskId: id, stateName, resource, pattern, input, token, enteredTime, retryCount, running: false, deferred: null };
    this.#tasks.set(id, command);
    if (command.token !== null) this.#tokens.set(command.token, id);
    // With the real clock, time runs while tasks work: the engine may time them out.
    if (this.#real) this.#queue.push(`[4,${id}]`);
    const handler = this.#resolve(command.stateName, command.resource);
    if (handler === null) {
      // A .waitForTaskToken task needs no handler: it waits for its token.
      if (command.pattern === 'token') return;
      const cause = `No handler for Task state '${command.stateName}' (resource '${command.resource}'): ` +
        `pass one in start(input, { handlers: { '${command.stateName}': (input, context) => ... } }), ` +
        'or mock it with the mockConfig and testCase options';
      this.#answer(`[1,${id},"asl-sim.NoHandler",${JSON.stringify(cause)}]`, id);
      return;
    }
    let result;
    command.running = true;
    try {
      const context = this.#handlerContext(stateName, enteredTime, retryCount);
      if (token !== null) context.Task = { Token: token };
      result = handler(input, context);
    } catch (err) {
      this.#handlerFailed(command, err);
      return;
    }
    if (!isThenable(result)) {
      this.#handlerReturned(command, result);
      return;
    }
    this.#whenSettled(result, (value) => this.#handlerReturned(command, value), (err) => this.#handlerFailed(command, err));
  }

  /**
   * Waits for a handler's promise: the execution counts it as in flight (it is not stuck) until
   * it settles, then `returned` or `failed` runs and the drive loop wakes.
   */
  #whenSettled(promise, returned, failed) {
    this.#inFlight++;
    Promise.resolve(promise).then(
      (value) => {
        this.#inFlight--;
        returned(value);
        this.#notify();
      },
      (err) => {
        this.#inFlight--;
        failed(err);
        this.#notify();
      },
    );
  }

  // ---- a Distributed Map's ResultWriter ----

  /** The context a handler gets (a Task's, or a Map's ItemReader or ResultWriter): `$$` as the state sees it. */
  #handlerContext(stateName, enteredTime, retryCount) {
    const shared = this.#sharedContext ??= this.#makeSharedContext();
    return { Execution: shared.Execution, StateMachine: shared.StateMachine, State: { Name: stateName, EnteredTime: enteredTime, RetryCount: retryCount } };
  }

  /**
   * Writes a Map's ResultWriter export: each object goes, in order, to the handler matching the
   * writer's Resource (`arn:aws:states:::s3:putObject`, by exact key or wildcard pattern, but
   * not the catch-all `*` nor the handler named after the Map, which answers its ItemReader) as
   * ({ Bucket, Key, Body }, context). With no such handler the write succeeds (simulated S3).
   * A throw fails the Map with States.ResultWriterFailed. Written objects are in `resultFiles`.
   * `write` is [writeId, stateName, resource, input, [[bucket, key, body]...], enteredTime, retryCount].
   */
  #write([id, stateName, resource, , files, enteredTime, retryCount]) {
    if (this.#outcome) return;
    const handler = this.#resolve.forResource(resource);
    const objects = files.map(([Bucket, Key, Body]) => ({ Bucket, Key, Body }));
    const done = () => {
      if (this.#outcome) return;
      for (const o of objects) this.#resultFiles.push({ stateName, ...o });
      this.#push(`[9,${id}]`);
    };
    const failed = (err) => {
      if (this.#outcome) return;
      this.#push(`[10,${id},${JSON.stringify(mapHandlerCause(err, stateName, 'ResultWriter'))}]`);
    };
    if (handler === null) return done();
    const context = this.#handlerContext(stateName, enteredTime, retryCount);
    this.#whenSettled((async () => {
      for (const o of objects) await handler({ ...o }, context);
    })(), done, failed);
  }

  // ---- a Distributed Map's ItemReader ----

  /**
   * Answers a Map's ItemReader with the handler keyed by the Map state's name: it returns what
   * the S3 call would (getObject: the object's content; listObjectsV2: the listed objects).
   * `read` is [readId, stateName, resource, input, [what, missingCause], enteredTime,
   * retryCount]: `what` says what to return, `missingCause` is the failure when no handler
   * answers (both in the engine's words).
   */
  #read([id, stateName, , input, [what, missingCause], enteredTime, retryCount]) {
    if (this.#outcome) return;
    const fail = (cause) => this.#push(`[8,${id},${JSON.stringify(cause)}]`);
    const handler = this.#resolve.named(stateName);
    if (handler === null) {
      fail(missingCause);
      return;
    }
    const answered = (value) => {
      if (this.#outcome) return;
      if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) value = new TextDecoder().decode(value); // a Buffer from readFileSync
      if (value === undefined || value === null || value === NEVER) {
        fail(`The ItemReader handler of Map state '${stateName}' returned ${value === NEVER ? 'NEVER' : String(value)}: return ${what}`);
        return;
      }
      const text = this.#encode(value);
      if (typeof text !== 'string') fail(`The ItemReader handler of Map state '${stateName}' returned a value that is not JSON: ${text.reason}`);
      else this.#push(`[7,${id},${text}]`);
    };
    const failed = (err) => {
      if (this.#outcome) return;
      fail(mapHandlerCause(err, stateName, 'ItemReader'));
    };
    let result;
    try {
      result = handler(input, this.#handlerContext(stateName, enteredTime, retryCount));
    } catch (err) {
      failed(err);
      return;
    }
    if (!isThenable(result)) {
      answered(result);
      return;
    }
    this.#whenSettled(result, answered, failed);
  }

  #handlerReturned(command, value) {
    command.running = false;
    if (this.#outcome) return;
    const id = command.taskId;
    if (value === NEVER) {
      this.#push(`[4,${id}]`);
      if (command.deferred) this.#push(command.deferred);
      return;
    }
    const text = this.#encode(value);
    if (typeof text !== 'string') {
      const cause = `The handler of Task state '${command.stateName}' returned a value that is not JSON: ${text.reason}`;
      this.#answer(`[1,${id},"${kTaskFailed}",${JSON.stringify(cause)}]`, id);
      return;
    }
    switch (command.pattern) {
      case 'token':
        // The call that hands the token out succeeded; the task waits for the token.
        this.#push(`[2,${id},${text}]`);
        if (command.deferred) this.#push(command.deferred);
        return;
      case 'sync':
        // The job was submitted and ran to this result.
        this.#queue.push(`[2,${id},${text}]`);
        this.#answer(`[0,${id},${text}]`, id);
        return;
      default:
        this.#answer(`[0,${id},${text}]`, id);
    }
  }

  #handlerFailed(command, err) {
    command.running = false;
    if (this.#outcome) return;
    let [error, cause] = describeThrown(err, command.stateName);
    if (err instanceof TypeError && this.#sharedById.size > 0 && /read[- ]only|not extensible|Cannot delete|frozen/i.test(cause ?? '')) {
      cause = `${cause ?? ''} (asl-sim hands handlers big values, ${kShareMinKiB} KiB or more, frozen and shared instead of copied: copy one before changing it, e.g. structuredClone(value))`;
    }
    this.#answer(`[1,${command.taskId},${JSON.stringify(error)},${JSON.stringify(cause)}]`, command.taskId);
  }

  /** `$$`'s Execution and StateMachine parts, frozen; `Execution.Input` is read on first use. */
  #makeSharedContext() {
    const raw = this.#raw;
    const self = this;
    const context = JSON.parse(guard(() => raw.contextJson()));
    const execution = context.Execution;
    for (const value of Object.values(execution)) freezeParsed(value);
    let input;
    let read = false;
    Object.defineProperty(execution, 'Input', {
      enumerable: true,
      get() {
        if (!read) {
          if (self.#disposed) throw new ApiError('ExecutionDisposed', 'asl-sim: the execution was disposed: its engine memory is gone');
          input = JSON.parse(guard(() => raw.executionInputJson()));
          freezeParsed(input);
          read = true;
        }
        return input;
      },
    });
    Object.freeze(execution);
    freezeParsed(context.StateMachine);
    return Object.freeze(context);
  }

  // ---- values shared with the engine ----

  /**
   * Puts the shared values into a task input as the engine wrote it. `places` lists
   * [id, new, ...path] (a part before any part that holds it): a new one is frozen and kept
   * under its id, a known one replaces the null the engine wrote in its place. The top level
   * the handler gets is always its own (a shallow copy when it is shared).
   */
  #placeShared(input, places) {
    let root = input;
    for (const [id, isNew, ...path] of places) {
      if (path.length === 0) {
        if (isNew) this.#keepShared(id, root);
        const value = this.#sharedById.get(id);
        root = Array.isArray(value) ? value.slice() : value !== null && typeof value === 'object' ? { ...value } : value;
        continue;
      }
      let parent = root;
      for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]];
      const key = path[path.length - 1];
      if (isNew) this.#keepShared(id, parent[key]);
      else parent[key] = this.#sharedById.get(id);
    }
    return root;
  }

  #keepShared(id, value) {
    freezeParsed(value);
    this.#sharedById.set(id, value);
    this.#sharedIds.set(value, id);
  }

  /** JSON text for a handler's answer, with shared values as references (see encodeValue). */
  #encode(value) {
    if (this.#sharedById.size === 0) return encodeValue(value);
    const ids = this.#sharedIds;
    return encodeValue(value, (v) => {
      const id = ids.get(v);
      return id === undefined ? v : kSharedPrefix + id;
    });
  }

  #taskForToken(token) {
    this.#checkNotDisposed();
    if (typeof token !== 'string' || token.length === 0) {
      throw new ApiError('InvalidToken', `Invalid token: a task token is a non-empty string, not ${show(token)}`);
    }
    const id = this.#tokens.get(token);
    if (id === undefined) throw new ApiError('InvalidToken', `Invalid token: no task of this execution has the token '${token}'`);
    if (this.#outcome || !this.#tasks.has(id) || guard(() => this.#raw.taskForToken(token)) === undefined) {
      throw new ApiError('TaskTimedOut', 'Task Timed Out: the task of this token has already ended (answered, timed out, or its execution ended)');
    }
    return id;
  }

  // ---- history ----

  #eventCount() {
    return this.#historyLength;
  }

  #syncEvents() {
    if (this.#onEvent || this.#disposed) return; // replies carry every event
    if (this.#events.length < this.#historyLength) {
      const more = JSON.parse(guard(() => this.#raw.eventsJson(this.#events.length)));
      for (const event of more) this.#events.push(event);
    }
  }

  #eventsSince(index) {
    this.#syncEvents();
    return this.#events.slice(index);
  }
}

// `using execution = machine.start(...)` frees the engine's memory at the end of the block.
if (typeof Symbol.dispose === 'symbol') Execution.prototype[Symbol.dispose] = Execution.prototype.dispose;

// ---- helpers ----

function requireLoaded() {
  if (!loaded) {
    throw new Error('asl-sim: the WebAssembly module is not loaded yet: `await init()` first');
  }
}

// Runs a wasm call; a Rust panic traps as a RuntimeError, reported with the panic's message.
// The engine then restarts (bindings.restart): the trap may have left its memory half-changed.
function guard(call) {
  try {
    return call();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) {
      let message;
      try {
        message = bindings.takePanicMessage();
      } catch {
        message = undefined;
      }
      let after = 'the engine restarted: machines go on, executions that were running are lost';
      try {
        bindings.restart();
      } catch (r) {
        after = `the engine could not restart (${r?.message ?? r}): reload the page or process`;
      }
      const error = new InternalError(`${message ?? `asl-sim trapped: ${e.message}`} (${after})`);
      Execution.lose(error);
      throw error;
    }
    throw e;
  }
}

function checkOptions(where, options, known) {
  if (options === null || typeof options !== 'object') throw new TypeError(`asl-sim: ${where} options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`asl-sim: ${where} has no option '${key}' (it has ${known.map((k) => `'${k}'`).join(', ')})`);
    }
  }
}

function show(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

function optionalString(value, name) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`asl-sim: ${name} must be a string, not ${show(value)}`);
  return value;
}

function machineType(type) {
  if (type === undefined || type === null) return 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new TypeError(`asl-sim: type must be 'STANDARD' or 'EXPRESS', not ${show(type)}`);
  return type;
}

function definitionText(definition) {
  if (typeof definition === 'string') return definition;
  if (definition !== null && typeof definition === 'object') {
    let text;
    try {
      text = JSON.stringify(definition);
    } catch (e) {
      throw new TypeError(`asl-sim: the definition object is not JSON: ${e.message}`);
    }
    return text;
  }
  throw new TypeError(`asl-sim: a definition is an object or JSON or YAML text, not ${show(definition)}`);
}

function startTime(value) {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`asl-sim: startTime must be a Date, an ISO 8601 string or epoch milliseconds, not ${show(value)}`);
  return ms;
}

function limits(value) {
  if (value === undefined || value === null) return null;
  checkOptions('limits', value, ['maxPayloadBytes', 'maxHistoryEvents', 'maxTransitions']);
  const out = {};
  for (const [key, n] of Object.entries(value)) {
    if (n === undefined) continue;
    if (n === Infinity) out[key] = null;
    else if (Number.isSafeInteger(n) && n > 0) out[key] = n;
    else throw new TypeError(`asl-sim: limits.${key} must be a positive integer or Infinity, not ${show(n)}`);
  }
  return out;
}

/**
 * (stateName, resource) -> handler or null. State names win over ARNs, exact ARNs over
 * patterns with `*`, and among patterns the one with the most literal characters.
 */
function handlerResolver(handlers) {
  if (handlers === undefined || handlers === null) return Object.assign(() => null, { named: () => null, forResource: () => null });
  if (typeof handlers !== 'object') throw new TypeError('asl-sim: handlers must be an object of state names or Resource ARNs to functions');
  const exact = new Map();
  const patterns = [];
  for (const [key, fn] of Object.entries(handlers)) {
    if (typeof fn !== 'function') {
      throw new TypeError(`asl-sim: handlers['${key}'] must be a function (input, context) => result, not ${show(fn)}`);
    }
    exact.set(key, fn);
    const re = wildcardPattern(key);
    if (re) patterns.push({ re, literal: key.length - key.split('*').length + 1, fn });
  }
  patterns.sort((a, b) => b.literal - a.literal);
  const byResource = new Map();
  // A Map state's ItemReader is answered by the handler of the Map's name alone.
  const named = (stateName) => exact.get(stateName) ?? null;
  // A Map's ResultWriter is answered by the handler of its resource alone (s3:putObject): an
  // exact key or a pattern, but not the catch-all '*' (which stands in for Task states).
  const forResource = (resource) => exact.get(resource) ?? patterns.find((p) => p.literal > 0 && p.re.test(resource))?.fn ?? null;
  return Object.assign((stateName, resource) => {
    const named = exact.get(stateName);
    if (named !== undefined) return named;
    let fn = byResource.get(resource);
    if (fn === undefined) {
      fn = exact.get(resource) ?? patterns.find((p) => p.re.test(resource))?.fn ?? null;
      byResource.set(resource, fn);
    }
    return fn;
  }, { named, forResource });
}

/**
 * Freezes a value from JSON.parse and everything in it. A frozen part is already frozen
 * throughout: it is a shared value placed into it (parse results are otherwise never frozen).
 */
function freezeParsed(value) {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) freezeParsed(value[i]);
  } else {
    for (const key in value) freezeParsed(value[key]);
  }
  Object.freeze(value);
}

class NotJson extends Error {}

/**
 * JSON text for a value, or { reason } when it has none (BigInt, cycles, functions, NaN...).
 * `share`, when given, maps each object or array to itself or to the string that stands for it.
 */
function encodeValue(value, share) {
  switch (typeof value) {
    case 'undefined':
      return 'null';
    case 'bigint':
      return { reason: `it is a BigInt (${value}n); return a number or a string` };
    case 'function':
      return { reason: 'it is a function; return its result instead' };
    case 'symbol':
      return { reason: `it is a symbol (${value.toString()})` };
    case 'number':
      if (!Number.isFinite(value)) return { reason: `it is ${value}, which JSON cannot represent` };
      break;
    default:
  }
  let text;
  const replacer = share && ((key, v) => (v !== null && typeof v === 'object' ? share(v) : v));
  try {
    text = JSON.stringify(value, replacer);
  } catch (e) {
    return { reason: `${e?.message ?? e}` };
  }
  if (typeof text !== 'string') return { reason: `JSON.stringify gives nothing for it (${show(value)})` };
  // JSON.stringify writes NaN and Infinity as null: find out whether that happened.
  if (text.includes('null')) {
    try {
      JSON.stringify(value, (key, v) => {
        if (share && v !== null && typeof v === 'object') return share(v);
        if (typeof v === 'number' && !Number.isFinite(v)) throw new NotJson(`it contains ${v}${key === '' ? '' : ` (at key '${key}')`}, which JSON cannot represent`);
        return v;
      });
    } catch (e) {
      return { reason: e instanceof NotJson ? e.message : `${e?.message ?? e}` };
    }
  }
  return text;
}

/** The cause a Map fails with when its `part` ('ItemReader' or 'ResultWriter') handler threw. */
function mapHandlerCause(err, stateName, part) {
  const [error, cause] = describeThrown(err, stateName, `${part} handler of Map state`);
  return error === kTaskFailed ? cause : `The ${part} handler of Map state '${stateName}' failed: ${error}${cause == null ? '' : `: ${cause}`}`;
}

/** Whether a handler's answer is a promise (anything with a `then` method) to wait for. */
function isThenable(value) {
  try {
    return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function';
  } catch {
    return false; // a throwing `then` getter: treated as a plain (invalid) value
  }
}

/** [error, cause] for what a handler threw. */
function describeThrown(err, stateName, whose = 'handler of Task state') {
  try {
    if (err !== null && typeof err === 'object') {
      const explicit = typeof err.error === 'string' && err.error !== '';
      const error = explicit ? err.error : typeof err.name === 'string' && err.name !== '' && err instanceof Error ? err.name : null;
      if (error !== null) {
        const cause = explicit && typeof err.cause === 'string' ? err.cause : typeof err.message === 'string' ? err.message : null;
        return [error, cause];
      }
    }
  } catch {
    // A throwing getter: fall through to the generic description.
  }
  let what;
  try {
    what = typeof err === 'string' ? `a string: ${err}` : err === undefined ? 'undefined' : err === null ? 'null' : `${show(err)}: ${safeJson(err)}`;
  } catch {
    what = 'a value that cannot be described';
  }
  return [kTaskFailed, `The ${whose} '${stateName}' threw ${what} (throw an Error to set error and cause)`];
}

function safeJson(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    try {
      return String(value);
    } catch {
      return '?';
    }
  }
}
