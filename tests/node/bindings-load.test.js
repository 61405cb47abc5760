// js/bindings.js's init() as browsers use it: a Response (streamed when it is application/wasm),
// and what a failed load says. Its own process: nothing else may have loaded the engine first.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as bindings from '../../js/bindings.js';

const wasm = readFileSync(new URL('../../pkg/asl_sim.wasm', import.meta.url));

test('a failed fetch says its HTTP status; bytes that are not wasm do not load', async () => {
  await assert.rejects(bindings.init(new Response('missing', { status: 404 })), /could not load the engine: HTTP 404/);
  await assert.rejects(bindings.init(new Response('not wasm', { headers: { 'content-type': 'application/wasm' } })), WebAssembly.CompileError);
  await assert.rejects(bindings.init(new Uint8Array([1, 2, 3])), WebAssembly.CompileError);
});

test('a Response served as application/wasm loads the engine; a second init is a no-op', async () => {
  await bindings.init(Promise.resolve(new Response(wasm, { headers: { 'content-type': 'application/wasm' } })));
  assert.match(bindings.version(), /^\d+\.\d+\.\d+/);
  await bindings.init(new Response('ignored'));
  const machine = new bindings.RawMachine('{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"é","End":true}}}', '{}');
  const execution = machine.start('{}', '{}');
  assert.deepEqual(JSON.parse(execution.resume('[]', NaN)).o, { status: 'SUCCEEDED', output: 'é' });
  execution.free();
  machine.free();
});
