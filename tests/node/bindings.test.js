// js/bindings.js against src/wasm/abi.rs: the calling convention holds for any text, objects are
// freed once and then refuse use, and the module stays free of imports (which is what keeps V8
// from compiling wrappers with its optimizing compiler at start-up: see abi.rs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import 'asl-sim';
import * as bindings from '../../js/bindings.js';

const wasmFile = new URL('../../pkg/asl_sim.wasm', import.meta.url);

test('the engine module imports nothing', () => {
  const module = new WebAssembly.Module(readFileSync(wasmFile));
  assert.deepEqual(WebAssembly.Module.imports(module), []);
});

const pass = (result) => ({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });
const run = (definition, input = '{}') => {
  const machine = new bindings.RawMachine(JSON.stringify(definition), '{}');
  const execution = machine.start(input, '{"limits": {"maxPayloadBytes": null}}');
  const reply = JSON.parse(execution.resume('[]', NaN));
  execution.free();
  machine.free();
  return reply.o;
};

test('text crosses both ways unchanged: empty, non-ASCII, astral, escapes, big', () => {
  for (const text of ['', 'é', '😀 and 中文', 'a\u0000b\n"q"\\', 'x'.repeat(300_000), '\u2028\u2029']) {
    const outcome = run(pass(text));
    assert.equal(outcome.status, 'SUCCEEDED');
    assert.ok(outcome.output === text, `${JSON.stringify(text.slice(0, 20))} (${text.length}) came back as ${JSON.stringify(outcome.output).slice(0, 40)}`);
  }
  const input = JSON.stringify({ s: 'ünï😀'.repeat(5000) });
  assert.equal(run({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, input).output.s.length, 'ünï😀'.length * 5000);
});

test('answers stay right while memory grows between calls', () => {
  const machine = new bindings.RawMachine(JSON.stringify(pass({ n: 1 })), '{}');
  const kept = [];
  for (let i = 0; i < 20; i++) {
    // Each input is big enough to make the engine grow its memory now and then.
    const execution = machine.start(JSON.stringify({ pad: 'y'.repeat(200_000 + i) }), '{}');
    assert.deepEqual(JSON.parse(execution.resume('[]', NaN)).o, { status: 'SUCCEEDED', output: { n: 1 } });
    kept.push(execution);
  }
  for (const execution of kept) assert.equal(execution.historyLength(), 4);
  for (const execution of kept) execution.free();
  machine.free();
});

test('answer batches are read answer by answer; a malformed one is an error naming the place', () => {
  const task = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', Next: 'U' }, U: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } };
  const machine = new bindings.RawMachine(JSON.stringify(task), '{}');
  const execution = machine.start('{"k":1}', '{}');
  let reply = JSON.parse(execution.resume('[]', NaN));
  const [[first]] = reply.c;
  // Spacing, a nested output, and a second answer for a task that does not exist (ignored).
  reply = JSON.parse(execution.resume(` [ [0, ${first}, {"a": [1, {"b": "é"}]}] , [3, 999] ] `, NaN));
  const [[second, , input]] = reply.c;
  assert.deepEqual(input, { a: [1, { b: 'é' }] });
  for (const bad of ['[[0,', '[[0, 1] [1]]', '{"a":1}', '[[0, 1]] x', '[["x", 1]]']) {
    assert.throws(() => execution.resume(bad, NaN), (e) => typeof e === 'string' && /bad answer/.test(e), bad);
  }
  reply = JSON.parse(execution.resume(`[[1, ${second}, "Oops", "it broke"]]`, NaN));
  assert.deepEqual(reply.o, { status: 'FAILED', error: 'Oops', cause: 'it broke' });
  execution.free();
  machine.free();
});

test('an error comes back as the message, thrown', () => {
  assert.throws(() => new bindings.RawMachine('{"StartAt": "Nowhere", "States": {}}', '{}'), (e) => typeof e === 'string' && JSON.parse(e).length > 0);
  assert.throws(() => new bindings.RawMachine(JSON.stringify(pass(1)), '{"type": "ODD"}'), /unknown state machine type 'ODD'/);
});

test('a freed object refuses further use; freeing twice is harmless', () => {
  const machine = new bindings.RawMachine(JSON.stringify(pass(1)), '{}');
  const execution = machine.start('{}', '{}');
  execution.free();
  execution.free();
  assert.throws(() => execution.resume('[]', NaN), /this execution was freed/);
  machine.free();
  assert.throws(() => machine.start('{}', '{}'), /this machine was freed/);
  assert.throws(() => new bindings.RawExecution(Symbol('x'), 1), TypeError);
});

test('a missing answer is undefined; the version is the crate version', () => {
  const machine = new bindings.RawMachine(JSON.stringify(pass(1)), '{}');
  const execution = machine.start('{}', '{}');
  assert.equal(execution.outcomeJson(), undefined);
  assert.equal(execution.taskForToken('no such token'), undefined);
  assert.deepEqual(execution.pendingTaskIds(), []);
  execution.free();
  machine.free();
  assert.equal(bindings.takePanicMessage(), undefined);
  const cargo = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8').match(/^version = "([^"]+)"/m)[1];
  assert.equal(bindings.version(), cargo);
});

// Last: it leaves the instance after a trap.
test('a block the engine cannot allocate traps, rather than handing JS address 0', () => {
  const wasm = bindings.rawExports();
  assert.throws(() => wasm.asl_alloc(0xf000_0000), WebAssembly.RuntimeError);
});

test('after a trap the engine restarts: the error says so, machines go on, running executions are lost', async () => {
  const { StateMachine, InternalError, validate } = await import('asl-sim');
  const waiting = StateMachine.create({ StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } });
  const live = waiting.start({}, { handlers: { W: () => ({}) } });
  let token;
  for (let i = 0; i < 100 && !token; i++) {
    await new Promise((r) => setTimeout(r, 1));
    token = live.pendingTasks()[0]?.token;
  }
  assert.ok(token, 'the callback task waits for its token');

  const machine = StateMachine.create(pass({ ok: 1 }));
  // The next call into the engine traps, as a Rust panic would.
  const resume = bindings.RawExecution.prototype.resume;
  bindings.RawExecution.prototype.resume = function (...args) {
    bindings.RawExecution.prototype.resume = resume;
    bindings.rawExports().asl_trap();
    return resume.apply(this, args);
  };
  await assert.rejects(machine.start({}).done, (e) => e instanceof InternalError && /a trap asked for \(asl_trap\)/.test(e.message) && /engine restarted/.test(e.message));

  // The same machine runs again, in the fresh instance; so does everything else.
  assert.deepEqual(await machine.start({}).done, { status: 'SUCCEEDED', output: { ok: 1 } });
  assert.equal(validate(pass(1)).length, 0);
  // The execution that was waiting lived in the old instance: it ended with the same error.
  await assert.rejects(live.done, (e) => e instanceof InternalError && /engine restarted/.test(e.message));
  assert.equal(live.status, 'FAILED');
  assert.throws(() => live.sendTaskSuccess(token, {}));
});
