// The README's API examples are runnable: each ```js block of "The JavaScript API" runs as a
// script of its own (with 'asl-sim' pointing at this checkout) and must exit 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## The JavaScript API'), readme.indexOf('\n## ', readme.indexOf('## The JavaScript API') + 1));
const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
const entry = new URL('../../js/index.js', import.meta.url).href;

test('the README has API examples', () => {
  assert.ok(blocks.length >= 6, `${blocks.length} blocks`);
});

blocks.forEach((code, i) => {
  const title = code.split('\n').find((line) => line.includes('StateMachine.create') || line.includes('start(')) ?? '';
  test(`README example ${i + 1} runs: ${title.trim().slice(0, 60)}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'asl-sim-readme-'));
    try {
      const file = join(dir, `example-${i + 1}.mjs`);
      writeFileSync(file, code.replaceAll("from 'asl-sim'", `from '${entry}'`));
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 0, `example ${i + 1} failed:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
