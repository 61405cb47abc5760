// The engine's WebAssembly exports as JS functions and classes: the other half of
// src/wasm/abi.rs, which gives the calling convention. js/index.js builds the public API on
// this; the command line (bin/) also calls the cli* functions.
//
// The module imports nothing, so instantiating it needs no import object: V8 then compiles no
// wrapper with its optimizing compiler up front, which keeps a short process small and quick.
//
// Strings cross as UTF-8 in wasm memory. An argument is written into a block the engine
// allocates and then owns; an answer stays in the engine until the next call that answers text,
// and is decoded here right away. A call answers a status: 0 text, 1 a message to throw,
// 2 nothing (undefined).

let wasm = null;
/** The compiled module, kept to start a fresh instance after a trap (see `restart`). */
let compiled = null;
/** How many instances came before this one: an object made by the engine belongs to one. */
let generation = 0;
/** Index (in u32 words) of the out slot: [answer address, answer length, handle]. */
let slot = 0;
let u8 = new Uint8Array(0);
let u32 = new Uint32Array(0);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });

/** Views on wasm memory, renewed after it grew (the old buffer is then detached: length 0). */
function bytes() {
  if (u8.byteLength === 0) u8 = new Uint8Array(wasm.memory.buffer);
  return u8;
}
function words() {
  if (u32.byteLength === 0) u32 = new Uint32Array(wasm.memory.buffer);
  return u32;
}

/** Writes a string argument into wasm memory: [address, length, capacity] (see abi.rs). */
function pass(text) {
  const cap = text.length * 3; // UTF-16 to UTF-8 takes at most 3 bytes per code unit
  const ptr = wasm.asl_alloc(cap);
  const { written } = encoder.encodeInto(text, bytes().subarray(ptr, ptr + cap));
  return [ptr, written, cap];
}

function answerText() {
  const w = words();
  const ptr = w[slot];
  return decoder.decode(bytes().subarray(ptr, ptr + w[slot + 1]));
}

/** The answer of a call, by its status. */
function answer(status) {
  if (status === 0) return answerText();
  if (status === 1) throw answerText();
  return undefined;
}

function setUp(instance, module) {
  compiled = module;
  wasm = instance.exports;
  u8 = new Uint8Array(0);
  u32 = new Uint32Array(0);
  wasm.asl_init();
  slot = wasm.asl_out() >>> 2;
}

/** Instantiates the engine from its bytes or a compiled WebAssembly.Module, synchronously (once). */
export function initSync(source) {
  if (wasm !== null) return;
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(source);
  setUp(new WebAssembly.Instance(module, {}), module);
}

/**
 * Loads and instantiates the engine. `source`: a URL (or string), a Request or Response (or a
 * promise of one), bytes, or a WebAssembly.Module; by default asl_sim.wasm in ../pkg/. Once.
 */
export async function init(source = new URL('../pkg/asl_sim.wasm', import.meta.url)) {
  if (wasm !== null) return;
  if (typeof source === 'string' || source instanceof URL || (typeof Request === 'function' && source instanceof Request)) {
    source = fetch(source);
  }
  source = await source;
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new Error(`asl-sim: could not load the engine${source.url ? ` from ${source.url}` : ''}: HTTP ${source.status}`);
    const isWasm = (source.headers.get('content-type') ?? '').split(';')[0].trim() === 'application/wasm';
    if (isWasm && typeof WebAssembly.instantiateStreaming === 'function') {
      const { instance, module } = await WebAssembly.instantiateStreaming(source, {});
      setUp(instance, module);
      return;
    }
    source = await source.arrayBuffer();
  }
  const result = await WebAssembly.instantiate(source, {});
  if (result instanceof WebAssembly.Instance) setUp(result, source);
  else setUp(result.instance, result.module);
}

/**
 * Replaces the instance with a fresh one of the same module. After a trap (a Rust panic, or
 * memory running out) the old instance cannot be trusted: a trap can stop it halfway through
 * changing its own state, and every later call could trap again. Machines carry on in the new
 * instance (remade from their definition on their next use); executions of the old one are gone
 * (their calls throw), and nothing made in it is freed into the new one.
 */
export function restart() {
  generation++;
  setUp(new WebAssembly.Instance(compiled, {}), compiled);
}

/** The instance's exports themselves (for the bench scripts that time the boundary). */
export function rawExports() {
  return wasm;
}

export function version() {
  return answer(wasm.asl_version());
}

/** The message of the last Rust panic (after a call trapped), or undefined; cleared once read. */
export function takePanicMessage() {
  return answer(wasm.asl_take_panic());
}

export function validate(definition, options) {
  return answer(wasm.asl_validate(...pass(definition), ...pass(options)));
}

export function testState(state, input, options) {
  return answer(wasm.asl_test_state(...pass(state), ...pass(input), ...pass(options)));
}

export function cliValidate(text, options) {
  return answer(wasm.asl_cli_validate(...pass(text), ...pass(options)));
}

export function cliConformanceCase(text) {
  return answer(wasm.asl_cli_conformance_case(...pass(text)));
}

export function cliRunTest(text) {
  return answer(wasm.asl_cli_run_test(...pass(text)));
}

// Objects the engine holds for JS are freed by `free()`, or else once JS collects their wrapper
// (each held as [handle, generation]: a handle of an instance since replaced is nothing to free).
const machines = new FinalizationRegistry(([handle, gen]) => gen === generation && wasm.asl_machine_free(handle));
const executions = new FinalizationRegistry(([handle, gen]) => gen === generation && wasm.asl_execution_free(handle));
const internal = Symbol('asl-sim internal');

function freed(what) {
  return new Error(`asl-sim: this ${what} was freed`);
}

/** A parsed, validated definition; throws its diagnostics (JSON text) when it has errors. */
export class RawMachine {
  #handle;
  #warnings;
  #gen;
  /** What it was made from, to make it again in a new instance. */
  #source;

  constructor(definition, settings) {
    this.#source = [definition, settings];
    this.#make();
  }

  #make() {
    this.#warnings = answer(wasm.asl_machine_new(...pass(this.#source[0]), ...pass(this.#source[1])));
    this.#handle = words()[slot + 2];
    this.#gen = generation;
    machines.register(this, [this.#handle, this.#gen], this);
  }

  /** The warnings found while validating, as JSON text. */
  warningsJson() {
    return this.#warnings;
  }

  start(input, settings) {
    if (this.#handle === 0) throw freed('machine');
    if (this.#gen !== generation) this.#make();
    answer(wasm.asl_machine_start(this.#handle, ...pass(input), ...pass(settings)));
    return new RawExecution(internal, words()[slot + 2]);
  }

  free() {
    if (this.#handle === 0) return;
    machines.unregister(this);
    if (this.#gen === generation) wasm.asl_machine_free(this.#handle);
    this.#handle = 0;
  }
}

/** An execution (made by RawMachine.start); src/wasm/execution.rs describes its protocol. */
export class RawExecution {
  #handle;
  #gen = generation;

  constructor(token, handle) {
    if (token !== internal) throw new TypeError('asl-sim: executions are made by RawMachine.start');
    this.#handle = handle;
    executions.register(this, [handle, this.#gen], this);
  }

  #h() {
    if (this.#handle === 0) throw freed('execution');
    if (this.#gen !== generation) throw new Error('asl-sim: this execution was lost when the engine restarted after an internal error');
    return this.#handle;
  }

  resume(batch, now) {
    const h = this.#h();
    const [ptr, len, cap] = pass(batch);
    return answer(wasm.asl_resume(h, ptr, len, cap, now));
  }

  step(batch, now) {
    const h = this.#h();
    const [ptr, len, cap] = pass(batch);
    return answer(wasm.asl_step(h, ptr, len, cap, now));
  }

  shareValues(prefix) {
    wasm.asl_share_values(this.#h(), ...pass(prefix));
  }

  redrive() {
    answer(wasm.asl_redrive(this.#h()));
  }

  outcomeJson() {
    return answer(wasm.asl_outcome(this.#h()));
  }

  eventsJson(from) {
    return answer(wasm.asl_events(this.#h(), from));
  }

  /** The trace of the visit whose entered event has this id, as JSON text, or undefined. */
  inspectJson(enteredEventId) {
    return answer(wasm.asl_inspect(this.#h(), enteredEventId));
  }

  historyLength() {
    return wasm.asl_history_length(this.#h());
  }

  pendingTaskIds() {
    return JSON.parse(answer(wasm.asl_pending_tasks(this.#h())));
  }

  /** The task waiting on this token, or undefined. */
  taskForToken(token) {
    const id = wasm.asl_task_for_token(this.#h(), ...pass(token));
    return id < 0 ? undefined : id;
  }

  contextJson() {
    return answer(wasm.asl_context(this.#h()));
  }

  executionInputJson() {
    return answer(wasm.asl_execution_input(this.#h()));
  }

  executionArn() {
    return answer(wasm.asl_execution_arn(this.#h()));
  }

  stateMachineArn() {
    return answer(wasm.asl_machine_arn(this.#h()));
  }

  free() {
    if (this.#handle === 0) return;
    executions.unregister(this);
    if (this.#gen === generation) wasm.asl_execution_free(this.#handle);
    this.#handle = 0;
  }
}
