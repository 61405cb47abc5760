// asl-sim validate: file:line:column diagnostics with AWS's codes, JSON output, exit codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asl, fixtures } from './cli-helpers.js';

const { write } = fixtures('validate');

test('a broken JSON file gets INVALID_JSON_DESCRIPTION at the line and column of the fault', () => {
  const file = write('broken.json', `{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "End": true,}
  }
}
`);
  const r = asl(['validate', file]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], `${file}:4:39: ERROR INVALID_JSON_DESCRIPTION Unexpected character ('}' (code 125)): was expecting double-quote to start field name`);
  assert.equal(lines.at(-1), `${file}: 1 error, 0 warnings`);
});

test("a YAML file with a bad Next gets MISSING_TRANSITION_TARGET on the Next's line", () => {
  const file = write('machine.yaml', `Comment: two states
StartAt: First
States:
  First:
    Type: Pass
    Next: Secnd
  Second:
    Type: Succeed
`);
  const r = asl(['validate', file]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], `${file}:6:11: ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: Secnd`);
  assert.equal(lines[1], `${file}:7:3: ERROR MISSING_TRANSITION_TARGET State "Second" is not reachable.`);
});

test('a valid definition exits 0; warnings alone do not fail', () => {
  const ok = write('ok.json', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const r = asl(['validate', ok]);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.stdout, `${ok}: 0 errors, 0 warnings\n`);
  // A path-looking value without `.$`: AWS warns (NO_DOLLAR) but the definition is valid.
  const warn = write('warn.json', `{"StartAt": "P", "States": {"P": {"Type": "Pass",
  "Parameters": {"x": "$.a"}, "End": true}}}`);
  const w = asl(['validate', warn]);
  assert.equal(w.code, 0, w.stdout);
  assert.match(w.stdout, /warn\.json:2:\d+: WARNING NO_DOLLAR /);
});

test('--type EXPRESS rejects what EXPRESS machines cannot do', () => {
  const file = write('sync.json', { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' }, End: true } } });
  assert.equal(asl(['validate', file]).code, 0);
  const r = asl(['validate', file, '--type', 'EXPRESS']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /ERROR SCHEMA_VALIDATION_FAILED .*Express/i);
});

test('${Name} placeholders: resolved by --sub or --subs, else a diagnostic naming the placeholder', () => {
  const file = write('sub.json', '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}');
  const r = asl(['validate', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /sub\.json:1:64: ERROR SCHEMA_VALIDATION_FAILED The definition substitution '\$\{FnArn\}' has no value/);
  assert.equal(asl(['validate', file, '--sub', 'FnArn=arn:aws:lambda:us-east-1:123456789012:function:f']).code, 0);
  const subs = write('subs.json', { FnArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' });
  assert.equal(asl(['validate', file, '--subs', subs]).code, 0);
});

test('--json prints the diagnostics array; with several files, an object per file', () => {
  const good = write('good.json', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const bad = write('bad.yaml', 'StartAt: Nowhere\nStates:\n  P:\n    Type: Succeed\n');
  const one = asl(['validate', bad, '--json']);
  assert.equal(one.code, 1);
  const diagnostics = JSON.parse(one.stdout);
  assert.ok(Array.isArray(diagnostics));
  assert.deepEqual(Object.keys(diagnostics[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'location', 'message', 'severity']);
  assert.equal(diagnostics[0].code, 'MISSING_TRANSITION_TARGET');
  assert.equal(diagnostics[0].line, 1);
  const both = asl(['validate', good, bad, '--json']);
  assert.equal(both.code, 1);
  const byFile = JSON.parse(both.stdout);
  assert.deepEqual(Object.keys(byFile), [good, bad]);
  assert.deepEqual(byFile[good], []);
  assert.equal(byFile[bad][0].code, 'MISSING_TRANSITION_TARGET');
  assert.equal(asl(['validate', good, good, '--json']).code, 0);
});
