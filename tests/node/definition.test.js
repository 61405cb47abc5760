// StateMachine.create: definitions as objects or text; every problem reported with its position.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DefinitionError, StateMachine } from 'asl-sim';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { hello: 'world' }, End: true } } };

test('create accepts an object or JSON text, with name and type', () => {
  const machine = StateMachine.create(pass, { name: 'hello', type: 'EXPRESS' });
  assert.equal(machine.name, 'hello');
  assert.equal(machine.type, 'EXPRESS');
  const fromText = StateMachine.create(JSON.stringify(pass));
  assert.equal(fromText.name, 'StateMachine');
  assert.equal(fromText.type, 'STANDARD');
});

test('an invalid definition throws DefinitionError with located diagnostics', () => {
  const text = '{"StartAt": "A",\n "States": {"A": {"Type": "Pass", "Next": "B"}}}';
  assert.throws(() => StateMachine.create(text), (e) => {
    assert.ok(e instanceof DefinitionError);
    assert.equal(e.name, 'DefinitionError');
    assert.match(e.message, /^MISSING_TRANSITION_TARGET: /);
    const [d] = e.diagnostics;
    assert.equal(d.severity, 'ERROR');
    assert.equal(d.code, 'MISSING_TRANSITION_TARGET');
    assert.equal(d.location, '/States/A/Next');
    assert.equal(d.line, 2);
    // Where exactly on the line (the "Next" key or its value) is the definition module's call.
    assert.ok(d.column >= text.split('\n')[1].indexOf('"Next"') + 1, `column ${d.column}`);
    assert.ok(d.endLine > d.line || d.endColumn > d.column);
    return true;
  });
});

test('text that is not JSON throws INVALID_JSON_DESCRIPTION', () => {
  assert.throws(() => StateMachine.create('{"StartAt": '), (e) => {
    assert.ok(e instanceof DefinitionError);
    assert.equal(e.diagnostics[0].code, 'INVALID_JSON_DESCRIPTION');
    assert.equal(e.diagnostics[0].line, 1);
    return true;
  });
});

test('the CLI reports an invalid definition as file:line:column, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'asl-sim-def-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{"StartAt": "A",\n "States": {"A": {"Type": "Pass", "Next": "B"}}}');
  const cli = fileURLToPath(new URL('../../bin/asl-sim.js', import.meta.url));
  const r = spawnSync(process.execPath, [cli, 'run', file], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  assert.equal(lines[0], 'asl-sim: invalid definition');
  assert.match(lines[1], /^.*bad\.json:2:\d+: MISSING_TRANSITION_TARGET: .*\bB\b/);
  // As AWS, the machine also has no terminal state: one line per problem, then the final newline.
  assert.match(lines[2], /^.*bad\.json:2:\d+: MISSING_END_STATE: /);
  assert.equal(lines.length, 4);
});
