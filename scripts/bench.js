#!/usr/bin/env node
// `npm run bench`: the ../shared/bench machines on asl-sim (its public npm API, in Node:
// bench/run_asl_sim.js) and on the peer engine (aws-local-stepfunctions 3.0.0:
// ../shared/bench/run_peer_als.js), in the same run, alternating engines, one whole process per
// run; each figure is the median of the runs, and a run counts only if machines/common.js's
// check accepts its result. Then the native Rust bench (cargo bench --bench native), so the
// wasm/JS overhead shows, and a table with the targets of issue #8.
//
//   npm run bench                         every bench, 3 runs each
//   npm run bench -- loop map --runs 5    a subset, 5 runs
//   options: --runs N (default 3), --timeout S (per run, default 60), --no-peer, --no-native,
//            --json FILE (also write every run's figures there)
//
// The peer is installed (npm) into bench/.peer/, a copy of ../shared/bench (which is read-only).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError, root, runMain, which } from './common.js';

const shared = resolve(process.env.ASL_BENCH_DIR ?? join(root, '..', 'shared', 'bench'));
const peerDir = join(root, 'bench', '.peer');
const runner = join(root, 'bench', 'run_asl_sim.js');
const pkgWasm = join(root, 'pkg', 'asl_sim.wasm');

// Sizes from ../shared/bench/README.md: [N, M].
const SIZES = {
  trivial: [1], loop: [100000], loop_task: [100000], tasks: [10000], retry: [10000], retry_task: [10000],
  map: [10000], parallel: [50], dataflow: [1000, 10000],
};
// Issue #8's targets: transitions per second, as a multiple of the peer's.
const TARGETS = { loop: 50, tasks: 10, map: 50, parallel: 20, dataflow: 100 };
const STARTUP_TARGET_MS = 30;
const TRIVIAL_PROCESS_TARGET_S = 0.1;
const TRIVIAL_RSS_TARGET_MIB = 50;
const WASM_GZ_TARGET_KB = 500;

function parseArgs(argv) {
  const o = { benches: [], runs: 3, timeout: 60, peer: true, native: true, json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new UserError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '--no-peer') o.peer = false;
    else if (a === '--no-native') o.native = false;
    else if (a === '--json') o.json = resolve(value());
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a.startsWith('-')) throw new UserError(`unknown option '${a}' (--runs N, --timeout S, --no-peer, --no-native, --json FILE)`);
    else if (!(a in SIZES)) throw new UserError(`unknown bench '${a}' (${Object.keys(SIZES).join(', ')})`);
    else o.benches.push(a);
  }
  if (!(Number.isInteger(o.runs) && o.runs >= 1)) throw new UserError('--runs takes a positive integer');
  if (!(o.timeout > 0)) throw new UserError('--timeout takes a positive number of seconds');
  if (o.benches.length === 0) o.benches = Object.keys(SIZES);
  return o;
}

const log = (message) => console.log(`bench: ${message}`);

// ---- preparation ----

function newest(dir) {
  let t = -Infinity;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function buildIfNeeded() {
  const stale = !existsSync(pkgWasm)
    || newest(join(root, 'src')) > statSync(pkgWasm).mtimeMs
    || statSync(join(root, 'Cargo.toml')).mtimeMs > statSync(pkgWasm).mtimeMs;
  if (!stale) {
    log('pkg/ is up to date');
    return;
  }
  log('building (npm run build)');
  for (const args of [['scripts/setup.js', '--quiet'], ['scripts/build.js']]) {
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new UserError(`${args[0]} failed (see above)`);
  }
}

// The peer: a writable copy of ../shared/bench with aws-local-stepfunctions installed by npm.
// Returns an error message when it cannot be had (the table then has no peer column).
function preparePeer() {
  if (!existsSync(join(shared, 'run_peer_als.js'))) return `${shared}/run_peer_als.js not found`;
  try {
    mkdirSync(peerDir, { recursive: true });
    for (const name of ['package.json', 'run_peer_als.js', 'machines']) {
      cpSync(join(shared, name), join(peerDir, name), { recursive: true, force: true });
    }
  } catch (e) {
    return `could not copy ${shared} to bench/.peer/: ${e.message}`;
  }
  const pkg = join(peerDir, 'node_modules', 'aws-local-stepfunctions', 'package.json');
  const wanted = JSON.parse(readFileSync(join(peerDir, 'package.json'), 'utf8')).dependencies['aws-local-stepfunctions'];
  const installed = () => existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).version === wanted;
  if (!installed()) {
    log(`installing the peer: npm install aws-local-stepfunctions@${wanted} in bench/.peer/`);
    const npm = which('npm') ?? 'npm';
    const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peerDir, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0 || !installed()) return `npm install failed in bench/.peer/ (offline? see above)`;
  }
  return null;
}

// ---- running ----

/** One whole process; resolves to its JSON line plus wall_ms (spawn to exit), or { error }. */
function runOnce(engine, bench, timeoutS) {
  const [n, m] = SIZES[bench];
  const args = [engine === 'asl-sim' ? runner : join(peerDir, 'run_peer_als.js'), bench, String(n)];
  if (m !== undefined) args.push(String(m));
  const cwd = engine === 'asl-sim' ? root : peerDir;
  return new Promise((done) => {
    const t0 = performance.now();
    // asl-sim also runs the bench a second time in the same process (after all its figures
    // are taken): the "warm" column, which shows what the first run paid for V8 compiling.
    const env = engine === 'asl-sim' && bench !== 'trivial' ? { ...process.env, ASL_BENCH_WARM: '1' } : process.env;
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      if (timedOut) return done({ error: 'timeout', wall_ms: wallMs });
      const line = stdout.trim().split('\n').at(-1) ?? '';
      let r;
      try {
        r = JSON.parse(line);
      } catch {
        return done({ error: `exit ${code}: ${(stderr || stdout).trim().split('\n').slice(-3).join(' | ')}`, wall_ms: wallMs });
      }
      done({ ...r, wall_ms: wallMs, error: r.ok ? null : (r.error ?? 'wrong result (common.js check failed)') });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median figures of an engine's runs of a bench: null if no run; { fail } if any run failed. */
function summarize(runs) {
  if (!runs || runs.length === 0) return null;
  const bad = runs.find((r) => r.error);
  if (bad) return { fail: bad.error, timeout: bad.error === 'timeout', runs: runs.length };
  const pick = (k) => median(runs.map((r) => r[k]));
  return {
    runs: runs.length, tps: pick('tps'), exec_ms: pick('exec_ms'), wall_ms: pick('wall_ms'), max_rss_mb: pick('max_rss_mb'),
    startup_ms: median(runs.map((r) => r.startup_ms ?? r.load_ms + r.build_ms + r.exec_ms)),
    load_ms: pick('load_ms'), build_ms: pick('build_ms'),
    warm_tps: runs.every((r) => r.warm_tps > 0) ? pick('warm_tps') : null,
  };
}

function nativeBench() {
  log('native Rust bench: cargo bench --bench native');
  const cargo = which('cargo') ?? 'cargo';
  const r = spawnSync(cargo, ['bench', '--bench', 'native'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    log(`native bench failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  const out = {};
  for (const m of r.stdout.matchAll(/^(\w+)\s+(\d+) transitions\s+(\d+) tps\s+(\d+) ns\/transition/gm)) {
    out[m[1]] = { transitions: Number(m[2]), tps: Number(m[3]), ns: Number(m[4]) };
  }
  if (Object.keys(out).length === 0) log(`native bench printed no figures: ${r.stdout.trim().split('\n').slice(-2).join(' | ')}`);
  return out;
}

// ---- the table ----

const num = (x) => Math.round(x).toLocaleString('en-US');
const ratio = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const okMark = (met) => (met ? 'yes' : 'NO');

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

function tpsCell(s, bench, timeoutS) {
  if (s === null) return '-';
  if (s.timeout) {
    const tr = transitionsOf(bench);
    return `<${num(tr / timeoutS)} (>${timeoutS}s)`;
  }
  if (s.fail) return 'FAIL';
  return num(s.tps);
}

function transitionsOf(bench) {
  const [n] = SIZES[bench];
  switch (bench) {
    case 'trivial': return 1;
    case 'tasks': case 'retry': return 3 * n + 1;
    case 'parallel': return 10 * n + 1;
    default: return 2 * n + 1;
  }
}

function report(o, results, native, peerError) {
  const peer = peerError === null;
  const header = ['bench', 'N', 'transitions', 'asl-sim tps'];
  if (peer) header.push('peer tps', 'ratio', 'target', 'met');
  header.push('asl-sim warm tps');
  if (native) header.push('native tps', 'native/wasm');
  const rows = [header];
  for (const bench of o.benches) {
    if (bench === 'trivial') continue;
    const [n, m] = SIZES[bench];
    const a = results[bench]['asl-sim'];
    const row = [bench, m ? `${num(n)} x ${num(m)} rows` : num(n), num(transitionsOf(bench)), tpsCell(a, bench, o.timeout)];
    const aOk = a && !a.fail;
    if (peer) {
      const p = results[bench].peer;
      row.push(tpsCell(p, bench, o.timeout));
      const pOk = p && !p.fail;
      const target = TARGETS[bench];
      let r = '-';
      let met = '';
      if (aOk && pOk) {
        r = `${ratio(a.tps / p.tps)}x`;
        if (target) met = okMark(a.tps / p.tps >= target);
      } else if (a?.timeout && pOk) {
        r = `<${ratio(transitionsOf(bench) / o.timeout / p.tps)}x`;
        if (target) met = 'NO';
      } else if (a?.fail) {
        met = target ? 'NO' : '';
      }
      row.push(r, target ? `>= ${target}x` : '', met);
    }
    row.push(aOk && a.warm_tps ? num(a.warm_tps) : '-');
    if (native) {
      const nat = native[bench];
      row.push(nat ? num(nat.tps) : '-', nat && aOk ? `${ratio(nat.tps / a.tps)}x` : '-');
    }
    rows.push(row);
  }
  console.log(`\nTransitions per second (median of ${o.runs} whole-process runs${peer ? ', engines alternating' : ''}; ` +
    `exec only, in-process; a run counts only if its result checks)`);
  console.log(table(rows));
  console.log('  warm: asl-sim running the same bench again in the same process, after V8 compiled and optimized its code\n' +
    '  (information only: the ratio and the target use the first run, as the peer\'s figure does)');

  const lines = [['', 'asl-sim', ...(peer ? ['peer'] : []), 'target', 'met']];
  const t = results.trivial;
  if (t) {
    const a = t['asl-sim'];
    const p = peer ? t.peer : null;
    const cell = (s, f) => (s === null || s === undefined ? '-' : s.fail ? 'FAIL' : f(s));
    const aOk = a && !a.fail;
    lines.push(['start-up in-process (import + init + create + first result)', cell(a, (s) => `${s.startup_ms.toFixed(1)} ms`),
      ...(peer ? [cell(p, (s) => `${s.startup_ms.toFixed(1)} ms`)] : []), `<= ${STARTUP_TARGET_MS} ms`, aOk ? okMark(a.startup_ms <= STARTUP_TARGET_MS) : '']);
    lines.push(['  of which import (load + instantiate the wasm)', cell(a, (s) => `${s.load_ms.toFixed(1)} ms`),
      ...(peer ? [cell(p, (s) => `${s.load_ms.toFixed(1)} ms`)] : []), '', '']);
    lines.push(['  of which create (parse + validate the definition)', cell(a, (s) => `${s.build_ms.toFixed(1)} ms`),
      ...(peer ? [cell(p, (s) => `${s.build_ms.toFixed(1)} ms`)] : []), '', '']);
    lines.push(['whole process, trivial (spawn to exit)', cell(a, (s) => `${(s.wall_ms / 1000).toFixed(3)} s`),
      ...(peer ? [cell(p, (s) => `${(s.wall_ms / 1000).toFixed(3)} s`)] : []), `<= ${TRIVIAL_PROCESS_TARGET_S} s`, aOk ? okMark(a.wall_ms / 1000 <= TRIVIAL_PROCESS_TARGET_S) : '']);
    lines.push(['peak memory, trivial (max RSS)', cell(a, (s) => `${s.max_rss_mb.toFixed(1)} MiB`),
      ...(peer ? [cell(p, (s) => `${s.max_rss_mb.toFixed(1)} MiB`)] : []), `<= ${TRIVIAL_RSS_TARGET_MIB} MiB`, aOk ? okMark(a.max_rss_mb <= TRIVIAL_RSS_TARGET_MIB) : '']);
  }
  const wasm = readFileSync(pkgWasm);
  const gz = gzipSync(wasm, { level: 9 }).length;
  lines.push(['pkg/asl_sim.wasm gzipped (-9)', `${(gz / 1000).toFixed(1)} KB`, ...(peer ? [''] : []), `<= ${WASM_GZ_TARGET_KB} KB`, okMark(gz / 1000 <= WASM_GZ_TARGET_KB)]);
  console.log('\nStart-up, memory, size');
  console.log(table(lines));
  console.log(`  (node ${process.version}, ${cpus().length} cores: ${cpus()[0]?.model ?? '?'}; wasm ${(wasm.length / 1024).toFixed(1)} KiB raw; ` +
    `bare \`node -e 0\` here: ${bareNodeMs.toFixed(0)} ms)`);
  if (!peer) console.log(`  no peer column: ${peerError}`);
  const failures = [];
  for (const bench of o.benches) {
    for (const [engine, s] of Object.entries(results[bench])) {
      if (s?.fail && !s.timeout) failures.push(`${bench} on ${engine}: ${s.fail}`);
    }
  }
  for (const f of failures) console.log(`  FAIL ${f}`);
  return failures.length;
}

let bareNodeMs = NaN;

await runMain('bench', async () => {
  const o = parseArgs(process.argv.slice(2));
  if (o.help) {
    console.log('usage: npm run bench -- [bench...] [--runs N] [--timeout S] [--no-peer] [--no-native] [--json FILE]');
    console.log(`benches: ${Object.keys(SIZES).join(' ')}`);
    return;
  }
  if (!existsSync(join(shared, 'machines', 'common.js'))) {
    throw new UserError(`the bench machines are not there: ${shared}/machines (set ASL_BENCH_DIR to the folder holding machines/)`);
  }
  buildIfNeeded();
  const peerError = o.peer ? preparePeer() : 'skipped (--no-peer)';
  if (o.peer && peerError) log(`the peer cannot be run: ${peerError}; no peer column`);
  const engines = peerError === null ? ['asl-sim', 'peer'] : ['asl-sim'];
  {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bareNodeMs = performance.now() - t0;
  }

  const all = Object.fromEntries(o.benches.map((b) => [b, Object.fromEntries(engines.map((e) => [e, []]))]));
  const started = performance.now();
  for (let run = 0; run < o.runs; run++) {
    for (const bench of o.benches) {
      // Alternate which engine goes first, so neither always runs on a warmer (or busier) machine.
      const order = (run + o.benches.indexOf(bench)) % 2 === 0 ? engines : [...engines].reverse();
      for (const engine of order) {
        const runs = all[bench][engine];
        // One timeout is enough: the next runs would time out too.
        if (runs.some((r) => r.error === 'timeout')) continue;
        const r = await runOnce(engine, bench, o.timeout);
        runs.push(r);
        const what = r.error ? (r.error === 'timeout' ? `timeout after ${o.timeout} s` : `FAIL ${r.error}`) : `${num(r.tps)} tps, ${r.exec_ms.toFixed(1)} ms`;
        log(`run ${run + 1}/${o.runs} ${bench.padEnd(10)} ${engine.padEnd(7)} ${what}`);
      }
    }
  }
  log(`engines done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const native = o.native ? nativeBench() : null;
  const results = Object.fromEntries(o.benches.map((b) => [b, Object.fromEntries(engines.map((e) => [e, summarize(all[b][e])]))]));
  const failures = report(o, results, native, peerError);
  if (o.json) {
    writeFileSync(o.json, `${JSON.stringify({ when: new Date().toISOString(), node: process.version, runs: all, native, sizes: SIZES }, null, 1)}\n`);
    log(`wrote ${o.json}`);
  }
  if (failures) process.exitCode = 1;
});
