#!/usr/bin/env node
// Where the time goes between JS and wasm: a measurement, not a test.
//
//   node bench/boundary.js [--tasks N] [--rows M] [--iters K] [--json]
//
// 1. Engine alone, in wasm: the loop bench (Pass + Choice, no task) runs in one wasm call, so
//    its ns per transition is the engine's cost without any crossing.
// 2. The tasks bench (N iterations of Task + Pass + Choice) through the public API, with timers
//    around the wasm call (RawExecution.prototype.resume, string copies included), JSON.parse
//    and JSON.stringify (both patched on the global JSON object while it runs) and the handler.
//    What is left is js/index.js's own bookkeeping.
// 3. The same machine driven by a minimal loop over the raw bindings (js/bindings.js), with and
//    without JSON.parse of the replies: a floor for a JS driver.
// 4. The dataflow bench (an M-row payload through a Task, K iterations): the same timers, plus
//    the payload's conversions measured on their own (JS stringify/parse, UTF-8 copies, and
//    Rust's parse and write inside wasm through a one-Pass machine), and the memory it keeps.
// 0. Memory growth: the loop bench in fresh processes, as is and with the wasm heap reserved up
//    front. dlmalloc grows wasm memory 64 KiB at a time, and past ~50 MiB V8 answers many of
//    those grows with a full GC. Sections 1-4 then run with --reserve MiB (default 1024)
//    reserved the same way (malloc + free through the exported allocator), so that their
//    figures are about the crossing, not about growing memory.
// Figures are medians of a few repetitions; the machine is shared, so they are noisy.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'asl-sim';
// The same module instance js/index.js uses (same URL): for timers around the raw calls only.
import * as bindings from '../js/bindings.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const benchDir = resolve(process.env.ASL_BENCH_DIR ?? join(here, '..', '..', 'shared', 'bench'));
const common = createRequire(import.meta.url)(join(benchDir, 'machines', 'common.js'));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N = opt('tasks', 10000);
const M = opt('rows', 10000);
const K = opt('iters', 20);
const REPS = opt('reps', 3);
const RESERVE = opt('reserve', 1024);
const asJson = args.includes('--json');
const wasm = bindings.rawExports(); // already loaded by 'asl-sim'

/** Malloc + free of `mib` through the module's allocator: dlmalloc keeps it for later use. */
function reserve(mib) {
  const chunks = [];
  for (let left = mib; left > 0; left -= 512) chunks.push(Math.min(left, 512) * 2 ** 20);
  const ptrs = chunks.map((bytes) => wasm.asl_alloc(bytes));
  chunks.forEach((bytes, i) => wasm.asl_free(ptrs[i], bytes));
}

if (args[0] === '--child-loop') {
  if (Number(args[1]) > 0) reserve(Number(args[1]));
  const machine = StateMachine.create(common.loadDefinition('loop', 100000));
  const t0 = performance.now();
  const r = await machine.start(common.makeInput('loop', 100000), { limits: { maxHistoryEvents: Infinity, maxTransitions: Infinity } }).done;
  console.log(JSON.stringify({ ms: performance.now() - t0, ok: r.output?.i === 100000, mib: wasm.memory.buffer.byteLength / 2 ** 20 }));
  process.exit(0);
}
const limits = { maxPayloadBytes: Infinity, maxHistoryEvents: Infinity, maxTransitions: Infinity };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const report = {};
const say = (s = '') => { if (!asJson) console.log(s); };
function time(fn, reps = REPS) {
  const ts = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}
async function timeAsync(fn, reps = REPS) {
  const ts = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = await fn();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), out };
}

// ---- instrumentation: accumulating timers around the crossing and the JSON work ----
const acc = {};
function reset() {
  for (const k of ['resume', 'parse', 'stringify', 'handler']) acc[k] = { ms: 0, calls: 0, bytes: 0 };
}
const origParse = JSON.parse;
const origStringify = JSON.stringify;
const origResume = bindings.RawExecution.prototype.resume;
function instrument(on) {
  if (!on) {
    JSON.parse = origParse;
    JSON.stringify = origStringify;
    bindings.RawExecution.prototype.resume = origResume;
    return;
  }
  JSON.parse = function (text, reviver) {
    const t0 = performance.now();
    const v = origParse(text, reviver);
    const a = acc.parse;
    a.ms += performance.now() - t0; a.calls++; a.bytes += text.length;
    return v;
  };
  JSON.stringify = function (value, replacer, space) {
    const t0 = performance.now();
    const s = origStringify(value, replacer, space);
    const a = acc.stringify;
    a.ms += performance.now() - t0; a.calls++; a.bytes += s === undefined ? 0 : s.length;
    return s;
  };
  bindings.RawExecution.prototype.resume = function (batch, now) {
    const t0 = performance.now();
    const s = origResume.call(this, batch, now);
    const a = acc.resume;
    a.ms += performance.now() - t0; a.calls++; a.bytes += batch.length + s.length;
    return s;
  };
}
const timed = (fn) => (input, ctx) => {
  const t0 = performance.now();
  const v = fn(input, ctx);
  const a = acc.handler;
  a.ms += performance.now() - t0; a.calls++;
  return v;
};

// What one performance.now() pair costs (subtracted from nothing, shown so it can be judged).
{
  const t0 = performance.now();
  let x = 0;
  for (let i = 0; i < 1e6; i++) x += performance.now();
  report.timer_ns = ((performance.now() - t0) * 1e6) / 1e6;
}

async function runApi(bench, n, m, handlers, { instrumented = false } = {}) {
  const machine = StateMachine.create(common.loadDefinition(bench, n));
  const input = common.makeInput(bench, n, m);
  reset();
  if (instrumented) instrument(true);
  const t0 = performance.now();
  const result = await machine.start(input, { handlers, limits }).done;
  const ms = performance.now() - t0;
  instrument(false);
  if (result.status !== 'SUCCEEDED') throw new Error(`${bench}: ${result.status} ${result.error} ${result.cause}`);
  return { ms, acc: origParse(origStringify(acc)), output: result.output };
}

function breakdown(label, r, units, unitName) {
  const per = (ms) => (ms * 1e6) / units; // ns per unit
  const other = r.ms - r.acc.resume.ms - r.acc.parse.ms - r.acc.stringify.ms - r.acc.handler.ms;
  const rows = [
    ['wasm call (resume: engine + Rust JSON + UTF-8 copies)', r.acc.resume],
    ['JSON.parse of replies (JS)', r.acc.parse],
    ['JSON.stringify of answers (JS)', r.acc.stringify],
    ['handler', r.acc.handler],
    ['js/index.js bookkeeping (the rest)', { ms: other, calls: '', bytes: 0 }],
  ];
  say(`  ${label}: ${fmt(r.ms, 1)} ms in all, ${fmt(per(r.ms))} ns per ${unitName}`);
  for (const [name, a] of rows) {
    const bytes = a.bytes ? `, ${fmt(a.bytes / units)} chars/${unitName}` : '';
    say(`    ${name.padEnd(55)} ${fmt(per(a.ms)).padStart(11)} ns/${unitName}  ${fmt((100 * a.ms) / r.ms, 0).padStart(3)}%  (${a.calls} calls${bytes})`);
  }
  return Object.fromEntries(rows.map(([name, a]) => [name, { ns_per_unit: Math.round(per(a.ms)), share: +(a.ms / r.ms).toFixed(3), calls: a.calls, bytes: a.bytes }]));
}

// ---- 0. memory growth ----
{
  const { spawnSync } = await import('node:child_process');
  const child = (mib) => {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child-loop', String(mib)], { encoding: 'utf8' });
    return origParse(r.stdout.trim().split('\n').at(-1));
  };
  const as = [];
  const pre = [];
  for (let r = 0; r < REPS; r++) {
    as.push(child(0));
    pre.push(child(512));
  }
  const a = median(as.map((x) => x.ms));
  const b = median(pre.map((x) => x.ms));
  report.growth = { loop_ms: +a.toFixed(1), loop_reserved_ms: +b.toFixed(1), wasm_mib: Math.round(as[0].mib), ok: as.every((x) => x.ok) && pre.every((x) => x.ok) };
  say(`0. Memory growth: loop 100000 in fresh processes (median of ${REPS}); the run leaves ${fmt(as[0].mib)} MiB of wasm memory`);
  say(`  as is: ${fmt(a, 1)} ms; with 512 MiB reserved before the run: ${fmt(b, 1)} ms (${fmt(a / b, 2)}x)`);
}
reserve(RESERVE);
say(`(the rest of this process runs with ${RESERVE} MiB of wasm heap reserved up front)`);

// ---- 1. the engine alone, in wasm ----
say(`performance.now() costs ~${fmt(report.timer_ns)} ns a call (timers below add 2 per timed call)`);
say('\n1. Engine alone in wasm: loop (Pass + Choice, no task; one wasm call for the whole run)');
{
  const n = 100000;
  const r = await timeAsync(() => runApi('loop', n, 0, {}));
  const ns = (r.ms * 1e6) / common.transitions('loop', n);
  report.loop_ns_per_transition = Math.round(ns);
  say(`  loop ${n}: ${fmt(r.ms, 1)} ms, ${fmt(ns)} ns per transition`);
}

// ---- 2. tasks through the API ----
say(`\n2. tasks ${N} through the public API (Task + Pass + Choice per iteration; a task = one wasm round)`);
{
  const handlers = { Work: (input) => input };
  const plain = await timeAsync(() => runApi('tasks', N, 0, handlers));
  report.tasks_api_ns_per_task = Math.round((plain.ms * 1e6) / N);
  say(`  uninstrumented: ${fmt(plain.ms, 1)} ms, ${fmt((plain.ms * 1e6) / N)} ns per task (3 transitions), ` +
    `${fmt((plain.ms * 1e6) / common.transitions('tasks', N))} ns per transition`);
  const runs = [];
  for (let r = 0; r < REPS; r++) runs.push(await runApi('tasks', N, 0, { Work: timed(handlers.Work) }, { instrumented: true }));
  const r = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
  report.tasks_api = breakdown('instrumented', r, N, 'task');
  report.tasks_api.total_ns_per_task = Math.round((r.ms * 1e6) / N);
}

// ---- 3. the same machine on the raw bindings, minimal driver ----
say(`\n3. tasks ${N} on the raw bindings (js/bindings.js), a minimal driver instead of js/index.js`);
{
  const def = origStringify(common.loadDefinition('tasks', N));
  const raw = new bindings.RawMachine(def, origStringify({ name: 'B', type: 'STANDARD', roleArn: 'arn:aws:iam::123456789012:role/R' }));
  const settings = origStringify({ clock: 'virtual', limits: { maxPayloadBytes: null, maxHistoryEvents: null, maxTransitions: null }, events: false });
  const inputText = origStringify(common.makeInput('tasks', N));
  let replyChars = 0;
  let batchChars = 0;
  let sample = '';
  // a: JSON.parse each reply, JSON.stringify the handler's result (what any JS driver must do)
  const withJson = () => {
    const ex = raw.start(inputText, settings);
    let batch = '[]';
    for (;;) {
      const text = ex.resume(batch, NaN);
      const reply = origParse(text);
      if (reply.o) return reply.o;
      const [taskId, , input] = reply.c[0];
      batch = `[[0,${taskId},${origStringify(input)}]]`;
    }
  };
  // b: no JS JSON at all: the task id and input are cut out of the reply text
  const re = /"c":\[\[(\d+),\d+,(\{[^}]*\})/;
  const noJson = () => {
    const ex = raw.start(inputText, settings);
    let batch = '[]';
    replyChars = 0;
    batchChars = 0;
    for (;;) {
      const text = ex.resume(batch, NaN);
      replyChars += text.length;
      if (text.includes('"o":')) return text;
      sample = text;
      const [, id, input] = re.exec(text);
      batch = `[[0,${id},${input}]]`;
      batchChars += batch.length;
    }
  };
  // c: the wasm call alone: like b, with the time spent inside resume() summed
  const resumeOnly = () => {
    const ex = raw.start(inputText, settings);
    let batch = '[]';
    let inside = 0;
    for (;;) {
      const t0 = performance.now();
      const text = ex.resume(batch, NaN);
      inside += performance.now() - t0;
      if (text.includes('"o":')) return inside;
      const [, id, input] = re.exec(text);
      batch = `[[0,${id},${input}]]`;
    }
  };
  const a = time(withJson);
  const b = time(noJson);
  const c = time(resumeOnly);
  if (a.out.status !== 'SUCCEEDED') throw new Error(`raw driver: ${origStringify(a.out)}`);
  const perTask = (ms) => (ms * 1e6) / N;
  // UTF-8 copies that js/bindings.js makes of the batch (JS -> wasm) and reply (wasm -> JS)
  const replyBytes = new TextEncoder().encode(sample);
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  const buf = new Uint8Array(4096);
  const batchSample = `[[0,1234,{"i":1234,"n":${N}}]]`;
  const copies = time(() => { for (let i = 0; i < N; i++) { dec.decode(replyBytes); enc.encodeInto(batchSample, buf); } });
  const engineTransitions = 2 * report.loop_ns_per_transition; // Pass + Choice, as in the loop bench
  report.tasks_raw = {
    with_json_ns_per_task: Math.round(perTask(a.ms)), no_json_ns_per_task: Math.round(perTask(b.ms)),
    resume_ns_per_task: Math.round(perTask(c.out)), reply_chars: Math.round(replyChars / N), batch_chars: Math.round(batchChars / N),
    utf8_copies_ns_per_task: Math.round(perTask(copies.ms)), pass_choice_ns: engineTransitions,
  };
  say(`  a. resume + JSON.parse(reply) + JSON.stringify(answer): ${fmt(perTask(a.ms))} ns per task`);
  say(`  b. resume + regex instead of JSON:                      ${fmt(perTask(b.ms))} ns per task`);
  say(`  c. of which inside resume():                            ${fmt(perTask(c.out))} ns per task`);
  say(`     reply ${fmt(replyChars / N)} chars, batch ${fmt(batchChars / N)} chars per task; e.g. ${sample.slice(0, 240)}${sample.length > 240 ? '…' : ''}`);
  say(`     UTF-8 copies of reply + batch alone (TextDecoder/encodeInto): ${fmt(perTask(copies.ms))} ns per task`);
  say(`     Pass + Choice in the engine (2 x loop's ns/transition):      ${fmt(engineTransitions)} ns per task`);
  say(`     => the Task state + Rust JSON of batch and reply + call: ~${fmt(perTask(c.out) - engineTransitions - perTask(copies.ms))} ns per task`);
}

// ---- 4. dataflow ----
say(`\n4. dataflow: a ${fmt(M)}-row payload, ${K} iterations (Task + Choice each)`);
{
  const payload = common.makeInput('dataflow', 1, M).doc;
  const text = origStringify(payload);
  const bytes = new TextEncoder().encode(text);
  const js = {
    stringify: time(() => origStringify(payload), 7).ms,
    parse: time(() => origParse(text), 7).ms,
    utf8_encode: time(() => new TextEncoder().encode(text), 7).ms,
    utf8_decode: time(() => new TextDecoder().decode(bytes), 7).ms,
  };
  // Rust's parse and write of the payload inside wasm: a one-Pass machine, started with it
  // (parse) and resumed once (the outcome carries the output: write). Each call separately.
  const pass = new bindings.RawMachine('{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}', origStringify({ name: 'P' }));
  const settings = origStringify({ limits: { maxPayloadBytes: null, maxHistoryEvents: null, maxTransitions: null } });
  const rustParse = [];
  const rustWrite = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const ex = pass.start(text, settings);
    const t1 = performance.now();
    const reply = ex.resume('[]', NaN);
    const t2 = performance.now();
    if (reply.length < text.length) throw new Error('the Pass output is not in the reply');
    rustParse.push(t1 - t0);
    rustWrite.push(t2 - t1);
    ex.free();
  }
  js.rust_parse_in_wasm = median(rustParse);
  js.rust_write_in_wasm = median(rustWrite);
  report.dataflow_payload = { chars: text.length, ...Object.fromEntries(Object.entries(js).map(([k, v]) => [`${k}_ms`, +v.toFixed(2)])) };
  say(`  the payload alone: ${fmt(text.length)} chars of JSON`);
  say(`    JS  JSON.stringify ${fmt(js.stringify, 2)} ms, JSON.parse ${fmt(js.parse, 2)} ms; UTF-8 encode ${fmt(js.utf8_encode, 2)} ms, decode ${fmt(js.utf8_decode, 2)} ms`);
  say(`    wasm: RawMachine.start (copy in + Rust parse + ExecutionStarted) ${fmt(js.rust_parse_in_wasm, 2)} ms; resume of a Pass (Rust write + copy out) ${fmt(js.rust_write_in_wasm, 2)} ms`);

  const memBefore = wasm.memory.buffer.byteLength;
  const rssBefore = process.memoryUsage().rss;
  const handlers = { Shape: timed((input) => ({ rows: input.rows, i: input.i + 1, n: input.n })) };
  const r = await runApi('dataflow', K, M, handlers, { instrumented: true });
  const memAfter = wasm.memory.buffer.byteLength;
  const rssAfter = process.memoryUsage().rss;
  if (!common.check('dataflow', K, M, r.output, K)) throw new Error('dataflow: wrong output');
  report.dataflow_api = breakdown('through the API, instrumented', r, K, 'iteration');
  report.dataflow_api.total_ms_per_iteration = +(r.ms / K).toFixed(2);
  report.dataflow_memory = {
    wasm_memory_mb_before: +(memBefore / 2 ** 20).toFixed(1), wasm_memory_mb_after: +(memAfter / 2 ** 20).toFixed(1),
    rss_growth_mb_per_iteration: +((rssAfter - rssBefore) / 2 ** 20 / K).toFixed(2),
  };
  say(`  memory: wasm linear memory ${fmt(memBefore / 2 ** 20, 1)} -> ${fmt(memAfter / 2 ** 20, 1)} MiB ` +
    `(never shrinks); RSS +${fmt((rssAfter - rssBefore) / 2 ** 20 / K, 2)} MiB per iteration`);
}

if (asJson) console.log(origStringify(report));
