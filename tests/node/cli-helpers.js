// Shared by the CLI tests: run bin/asl-sim.js, write fixture files, assert one-line errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../bin/asl-sim.js', import.meta.url));

export function asl(args, { cwd } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh directory; `write(name, content)` puts a file in it (objects as JSON) and returns its path. */
export function fixtures(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `asl-sim-${prefix}-`));
  const write = (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };
  return { dir, write };
}

export function assertOneLineError(r, pattern) {
  assert.equal(r.code, 2, `exit code ${r.code}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `expected one line, got: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}
