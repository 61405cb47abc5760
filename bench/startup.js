#!/usr/bin/env node
// Where start-up goes, in fresh processes: node bench/startup.js [runs] (default 7).
// Each child times, in order: importing the bindings (js/bindings.js), reading the
// .wasm, WebAssembly.compile, instantiating (the bindings' initSync with the compiled module), importing
// js/index.js (the package entry; the module is then already loaded), StateMachine.create of the
// trivial machine, its first execution (start -> done), and then the same create + run again
// (warm: what the first one paid for compiling and tiering up). Prints medians in ms.
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const stages = ['glue import', 'read .wasm', 'WebAssembly.compile', 'instantiate', 'js/index.js import', 'create (1st)', 'run (1st)', 'create (2nd)', 'run (2nd)'];

if (process.argv[2] === '--child') {
  const t = [performance.now()];
  const mark = () => t.push(performance.now());
  const glue = await import('../js/bindings.js');
  mark();
  const bytes = await readFile(new URL('../pkg/asl_sim.wasm', import.meta.url));
  mark();
  const module = await WebAssembly.compile(bytes);
  mark();
  glue.initSync(module);
  mark();
  const { StateMachine } = await import('asl-sim');
  mark();
  const def = { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } };
  let machine = StateMachine.create(def);
  mark();
  let r = await machine.start({ hello: 'world' }).done;
  mark();
  machine = StateMachine.create(def);
  mark();
  r = await machine.start({ hello: 'world' }).done;
  mark();
  if (r.status !== 'SUCCEEDED') throw new Error(r.status);
  console.log(JSON.stringify({ ms: t.slice(1).map((x, i) => x - t[i]), since_process_start: performance.now(), rss_mb: process.resourceUsage().maxRSS / 1024 }));
} else {
  const runs = Number(process.argv[2] ?? 7);
  const self = fileURLToPath(import.meta.url);
  const all = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [self, '--child'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    all.push(JSON.parse(r.stdout));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`start-up stages, median of ${runs} fresh processes (ms):`);
  let sum = 0;
  stages.forEach((name, i) => {
    const m = median(all.map((r) => r.ms[i]));
    if (i < 7) sum += m;
    console.log(`  ${name.padEnd(22)} ${m.toFixed(2).padStart(8)}`);
  });
  console.log(`  ${'sum to first result'.padEnd(22)} ${sum.toFixed(2).padStart(8)}`);
  console.log(`  since process start    ${median(all.map((r) => r.since_process_start)).toFixed(1).padStart(8)}  (Node's own start-up included)`);
  console.log(`  max RSS                ${median(all.map((r) => r.rss_mb)).toFixed(1).padStart(8)} MiB`);
}
