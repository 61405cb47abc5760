// The benchmark runner (bench/run_asl_sim.js) works: every ../shared/bench machine, at a tiny
// size, prints its JSON line with ok:true. No timing is checked (`npm run bench` prints figures).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shared = resolve(process.env.ASL_BENCH_DIR ?? join(root, '..', 'shared', 'bench'));
const skip = existsSync(join(shared, 'machines', 'common.js')) ? false : `${shared} not found`;

const sizes = {
  trivial: ['1'], loop: ['10'], loop_task: ['10'], tasks: ['10'], retry: ['5'], retry_task: ['5'],
  map: ['10'], parallel: ['3'], dataflow: ['3', '50'],
};

for (const [bench, size] of Object.entries(sizes)) {
  test(`bench/run_asl_sim.js ${bench} ${size.join(' ')} checks its result`, { skip }, () => {
    const r = spawnSync(process.execPath, [join(root, 'bench', 'run_asl_sim.js'), bench, ...size], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr || r.stdout);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1));
    assert.equal(line.ok, true, line.error);
    assert.equal(line.engine, 'asl-sim');
    assert.equal(line.bench, bench);
    for (const key of ['exec_ms', 'tps', 'ns_per_transition', 'load_ms', 'build_ms', 'max_rss_mb']) {
      assert.equal(typeof line[key], 'number', key);
    }
  });
}

test('bench/run_asl_sim.js rejects an unknown bench with exit code 2', { skip }, () => {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'run_asl_sim.js'), 'nope', '1'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/);
});

test('npm run bench rejects an unknown bench before running anything', () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'bench.js'), 'nope'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /unknown bench 'nope'/);
});
