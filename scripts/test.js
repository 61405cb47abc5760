#!/usr/bin/env node
// `npm test`: setup, build, Rust tests, Node tests, browser tests, then the conformance corpus
// when ../shared/conformance is there. Prints one summary line per step and ends with
// "N passed, N failed" (steps); exits non-zero if any step failed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { root, which } from './common.js';

const node = process.execPath;
const corpus = resolve(root, '..', 'shared', 'conformance');
const results = [];

/** Runs a command, echoing its output; resolves to { code, stdout, stderr }. */
function exec(cmd, args, env = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; process.stdout.write(chunk); });
    child.stderr.on('data', (chunk) => { stderr += chunk; process.stderr.write(chunk); });
    child.on('error', (e) => done({ code: null, stdout, stderr: `${stderr}${e.message}\n` }));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

// "detail" summarizes what a step's runner counted, from its own closing lines.
function cargoCounts({ stdout }) {
  let passed = 0;
  let failed = 0;
  for (const m of stdout.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return `${passed} passed, ${failed} failed`;
}

function nodeCounts({ stdout }) {
  const count = (name) => stdout.match(new RegExp(`^(?:#|ℹ) ${name} (\\d+)$`, 'm'))?.[1] ?? '?';
  return `${count('pass')} passed, ${count('fail')} failed`;
}

// The conformance CLI's last line: {"total":{"passed","total"},"groups":{...},"historyLevel1":{...},...}.
function conformanceCounts({ stdout }) {
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let report;
  try {
    report = JSON.parse(last);
  } catch {
    return 'no JSON summary line';
  }
  const groups = Object.entries(report.groups ?? {}).map(([g, c]) => `${g} ${c.passed}/${c.total}`).join(', ');
  const { total, historyLevel1: h, historyExact: x } = report;
  const exact = x ? `, exact ${x.matched}/${x.total}` : '';
  return `${total.passed}/${total.total} cases, history level 1 ${h.matched}/${h.total}${exact}; ${groups}`;
}

async function step(name, cmd, args, { counts, env, pending } = {}) {
  const shown = [cmd === node ? 'node' : basename(cmd), ...args.map((a) => (a.startsWith(`${root}/`) ? relative(root, a) : a))];
  console.log(`\n=== ${name}: ${shown.join(' ')}`);
  const started = Date.now();
  const output = await exec(cmd, args, env);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let status = output.code === 0 ? 'passed' : 'failed';
  let detail = counts ? counts(output) : '';
  if (status === 'failed' && pending?.(output)) {
    status = 'pending';
    detail = pending(output);
  }
  results.push({ name, status, detail: `${detail ? `${detail}; ` : ''}${seconds}s` });
  return status;
}

const ok = (await step('setup', node, ['scripts/setup.js', '--browser'])) === 'passed'
  && (await step('build', node, ['scripts/build.js'])) === 'passed';
if (ok) {
  await step('rust tests', which('cargo') ?? 'cargo', ['test', '--quiet'], { counts: cargoCounts });
  await step('node tests', node, ['--test', '--test-reporter=spec', 'tests/node/'], { counts: nodeCounts });
  await step('browser tests', node, ['--test', '--test-reporter=spec', '--test-concurrency=1', 'tests/browser/'], { counts: nodeCounts });
  if (existsSync(corpus)) {
    // The CLI ends with one line of JSON; a group below tests/conformance_baseline.txt fails the step.
    await step('conformance', node, ['bin/asl-sim.js', 'conformance', corpus, '--json', '--baseline', 'tests/conformance_baseline.txt'], {
      counts: conformanceCounts,
    });
  } else {
    results.push({ name: 'conformance', status: 'skipped', detail: `no corpus at ${corpus} (the AWS-recorded cases live beside the project's own checkouts, not in this repository)` });
  }
} else {
  results.push({ name: 'tests', status: 'skipped', detail: 'setup or build failed' });
}

console.log('\n=== summary');
for (const { name, status, detail } of results) console.log(`${status.padEnd(8)} ${name}${detail ? ` (${detail})` : ''}`);
const passed = results.filter((r) => r.status === 'passed').length;
const failed = results.filter((r) => r.status === 'failed').length;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
