// The CLI's contract: exit codes and one-line messages, never a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/asl-sim.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'asl-sim-cli-'));

function asl(...args) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r, pattern) {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `expected one line, got: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('--help prints usage and exits 0', () => {
  const r = asl('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage:/);
  assert.match(r.stdout, /asl-sim run <definition\.json>/);
});

test('no arguments prints usage to stderr and exits 2', () => {
  const r = asl();
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage:/);
});

test('--version prints the package version', () => {
  assert.equal(asl('--version').stdout.trim(), '0.1.0');
});

test('usage errors are one line with exit code 2', () => {
  assertOneLineError(asl('frobnicate'), /^asl-sim: unknown command 'frobnicate'/);
  assertOneLineError(asl('run'), /needs a file argument/);
  assertOneLineError(asl('run', 'a.json', 'b.json'), /takes one file argument, got 2/);
  assertOneLineError(asl('run', 'x.json', '--bogus'), /unknown option '--bogus'/);
  assertOneLineError(asl('run', 'x.json', '--input'), /option '--input' needs a value/);
  assertOneLineError(asl('run', 'x.json', '--json=yes'), /option '--json' takes no value/);
});

test('a missing definition file is one line with exit code 2', () => {
  assertOneLineError(asl('run', join(dir, 'missing.json')), /cannot read definition file .*missing\.json': no such file/);
});

test('bad --input JSON is one line with exit code 2', () => {
  const def = join(dir, 'def.json');
  writeFileSync(def, '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}');
  assertOneLineError(asl('run', def, '--input', '{nope'), /--input is not valid JSON/);
  assertOneLineError(asl('run', def, '--input', `@${join(dir, 'none.json')}`), /cannot read input file/);
  const badInput = join(dir, 'bad-input.json');
  writeFileSync(badInput, '[1,');
  assertOneLineError(asl('run', def, '--input', `@${badInput}`), /input file '.*bad-input\.json' is not valid JSON/);
});

test('validate and conformance say they are not implemented, exit 2', () => {
  assertOneLineError(asl('validate', 'x.json'), /'validate' is not implemented yet/);
  assertOneLineError(asl('conformance', 'corpus', '--json'), /'conformance' is not implemented yet/);
});

test('run prints SUCCEEDED and the output, exit 0', () => {
  const def = join(dir, 'pass.json');
  writeFileSync(def, JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { hello: 'world' }, End: true } } }));
  const r = asl('run', def);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'status: SUCCEEDED\n{\n  "hello": "world"\n}\n');
  const json = asl('run', def, '--json');
  assert.deepEqual(JSON.parse(json.stdout), { status: 'SUCCEEDED', output: { hello: 'world' } });
});

test('run uses --input and a --handlers module; a failed execution exits 1', () => {
  const def = join(dir, 'task.json');
  writeFileSync(def, JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:w', End: true } } }));
  const handlers = join(dir, 'handlers.mjs');
  writeFileSync(handlers, `export default {
    Work: (input) => { if (input.n < 0) throw new RangeError('negative'); return { n: input.n + 1 }; },
  };\n`);
  const ok = asl('run', def, '--input', '{"n": 1}', '--handlers', handlers, '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { status: 'SUCCEEDED', output: { n: 2 } });
  const input = join(dir, 'negative.json');
  writeFileSync(input, '{"n": -1}');
  const failed = asl('run', def, '--input', `@${input}`, '--handlers', handlers);
  assert.equal(failed.code, 1);
  assert.equal(failed.stdout, 'status: FAILED\nerror: RangeError\ncause: negative\n');
});
