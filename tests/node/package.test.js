// The package entry loads in Node without an explicit init().
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { init, version, StateMachine } from 'asl-sim';

test('the wasm module is loaded on import, and init() is idempotent', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(version(), pkg.version);
  await init();
  await init();
  assert.equal(version(), pkg.version);
  assert.equal(typeof StateMachine.create, 'function');
});
