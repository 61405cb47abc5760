#!/usr/bin/env node
// Benchmark runner for asl-sim, through its public npm API (`import ... from 'asl-sim'`), on the
// machines of ../shared/bench. The counterpart of ../shared/bench/run_peer_als.js: the same
// inputs, callbacks (by state name: Inc, Work, Shape), transition counts and result checks
// (machines/common.js), and the same JSON line.
//
// usage: node bench/run_asl_sim.js <bench> <N> [M]
//   bench: trivial loop loop_task tasks retry retry_task map parallel dataflow
//   N: size (iterations / items / branches); M: rows in the dataflow payload (default 10000)
// env: ASL_BENCH_DIR: the folder holding machines/ (default ../shared/bench next to the repo);
//      ASL_SIM_ENTRY: another build's entry file to import instead of 'asl-sim' (to compare
//      builds, e.g. a copy of js/index.js next to a pkg/ made with other compiler settings).
// Prints one JSON line: exec_ms (start() to `done`, in-process), tps, ns_per_transition,
// load_ms (import, which loads and instantiates the wasm in Node), build_ms (StateMachine.create),
// startup_ms (import + create + start + result), to_end_ms (since the process started),
// max_rss_mb, ok (common.js's check on the output). Exit code 1 when not ok.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const benchDir = resolve(process.env.ASL_BENCH_DIR ?? join(here, '..', '..', 'shared', 'bench'));
const require = createRequire(import.meta.url);
const common = require(join(benchDir, 'machines', 'common.js'));

const bench = process.argv[2];
const n = parseInt(process.argv[3] || '1', 10);
const m = parseInt(process.argv[4] || '10000', 10);
if (!common.BENCHES.includes(bench) || !(n > 0) || !(m > 0)) {
  console.error(`usage: node bench/run_asl_sim.js <${common.BENCHES.join('|')}> <N> [M]`);
  process.exit(2);
}

let calls = 0;
let lastFailed = -1;
const handlers = {
  identity: (input) => { calls++; return input; },
  inc: (input) => { calls++; return { i: input.i + 1, n: input.n }; },
  flaky: (input) => {
    calls++;
    if (lastFailed !== input.i) { lastFailed = input.i; throw new Error('first attempt fails'); }
    return input;
  },
  flakyinc: (input) => {
    calls++;
    if (lastFailed !== input.i) { lastFailed = input.i; throw new Error('first attempt fails'); }
    return { i: input.i + 1, n: input.n };
  },
  shape: (input) => { calls++; return { rows: input.rows, i: input.i + 1, n: input.n }; },
};
// Which callback each Task state of each benchmark uses (keyed by state name, as the peer's).
const taskHandlers = {
  loop_task: { Inc: handlers.inc },
  tasks: { Work: handlers.identity },
  retry: { Work: handlers.flaky },
  retry_task: { Work: handlers.flakyinc },
  dataflow: { Shape: handlers.shape },
};
// The dataflow payload (~400 KB) is over AWS's 256 KiB, and the big runs over 25,000 events.
const limits = { maxPayloadBytes: Infinity, maxHistoryEvents: Infinity, maxTransitions: Infinity };

const def = common.loadDefinition(bench, n);
const input = common.makeInput(bench, n, m);

const tLoad0 = performance.now();
const entry = process.env.ASL_SIM_ENTRY ? pathToFileURL(resolve(process.env.ASL_SIM_ENTRY)).href : 'asl-sim';
const { StateMachine } = await import(entry);
const tLoad1 = performance.now();
const machine = StateMachine.create(def);
const tBuild1 = performance.now();
/** One execution of the bench; resolves to { ms, ok, error }. */
async function runOnce() {
  calls = 0;
  lastFailed = -1;
  const t0 = performance.now();
  let out;
  let error = null;
  let execution = null;
  try {
    execution = machine.start(input, { handlers: taskHandlers[bench] ?? {}, limits });
    const result = await execution.done;
    if (result.status === 'SUCCEEDED') out = result.output;
    else error = `${result.status}: ${result.error}: ${result.cause}`;
  } catch (e) {
    error = String(e?.stack ?? e);
  }
  const ms = performance.now() - t0;
  let ok = false;
  if (error === null) {
    try {
      ok = common.check(bench, n, m, out, calls) === true;
    } catch (e) {
      error = `check: ${e.message}`;
    }
  }
  // Its memory goes back to the engine for the next run, as a user running many would do.
  execution?.dispose();
  return { ms, ok, error, t1: t0 + ms };
}

const first = await runOnce();
const { ms: execMs, ok, error } = first;
const tr = common.transitions(bench, n);
const res = {
  engine: 'asl-sim', runtime: `node ${process.version}`, bench, n,
  m: bench === 'dataflow' ? m : undefined,
  transitions: tr, task_calls: calls,
  exec_ms: +execMs.toFixed(3), tps: Math.round(tr / (execMs / 1000)),
  ns_per_transition: Math.round((execMs * 1e6) / tr),
  load_ms: +(tLoad1 - tLoad0).toFixed(2), build_ms: +(tBuild1 - tLoad1).toFixed(2),
  startup_ms: +(first.t1 - tLoad0).toFixed(2),
  to_end_ms: +performance.now().toFixed(2),
  max_rss_mb: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  ok, error,
};
// ASL_BENCH_WARM=1: then a second execution of the same machine in the same process, once V8
// has compiled and optimized the code: what the first run paid for compiling shows as the gap.
// It runs after every figure above was taken, so none of them includes it.
if (process.env.ASL_BENCH_WARM === '1' && ok) {
  const warm = await runOnce();
  res.warm_exec_ms = +warm.ms.toFixed(3);
  res.warm_tps = warm.ok ? Math.round(tr / (warm.ms / 1000)) : null;
  if (!warm.ok) res.warm_error = warm.error ?? 'wrong result';
}
console.log(JSON.stringify(res));
process.exitCode = ok ? 0 : 1;
