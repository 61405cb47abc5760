#!/usr/bin/env node
// Builds the package and the page's copy of it:
//   cargo (release, wasm32) -> pkg/asl_sim.wasm, through wasm-opt -Oz when the optional npm
//   package binaryen is installed -> copies it, js/bindings.js and js/index.js into www/pkg/ ->
//   prints the sizes, then bundles the page (scripts/build-www.js: www/src/ -> www/dist/).
// No bindings generator: js/bindings.js is written by hand against src/wasm/abi.rs.
// Steps whose outputs are newer than their inputs are skipped (cargo decides for itself).
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError, root, run, runMain, which } from './common.js';
import { buildPage } from './build-www.js';

const targetWasm = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'asl_sim.wasm');
const pkgDir = join(root, 'pkg');
const pkgWasm = join(pkgDir, 'asl_sim.wasm');
const wwwPkg = join(root, 'www', 'pkg');

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -Infinity);
const log = (message) => console.log(`build: ${message}`);

function cargoBuild() {
  log('cargo build --release --target wasm32-unknown-unknown --lib');
  const status = run(which('cargo') ?? 'cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib']);
  if (status !== 0) throw new UserError('cargo build failed (see above)');
}

function packageWasm() {
  if (mtime(pkgWasm) >= mtime(targetWasm)) {
    log('pkg/ is up to date');
    return;
  }
  mkdirSync(pkgDir, { recursive: true });
  // Files an older build (with a bindings generator) left here: not ours any more.
  for (const old of ['asl_sim.js', 'asl_sim_bg.wasm']) rmSync(join(pkgDir, old), { force: true });
  copyFileSync(targetWasm, pkgWasm);
  log('copied the wasm into pkg/');
  optimize();
}

// wasm-opt from the optional npm package binaryen; without it the wasm is shipped as cargo made it.
function optimize() {
  const bin = join(root, 'node_modules', '.bin', 'wasm-opt');
  if (!existsSync(bin)) return;
  const tmp = `${pkgWasm}.opt`;
  // The features rustc enables by default for wasm32-unknown-unknown, so that wasm-opt accepts them.
  const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
  // By default -Oz inlines every function that has a single caller, whatever its size: the
  // engine's per-state code then became one 27 KB function, which V8 had to optimize whole
  // (80 ms of background compiling, more than a 10,000-task run takes) before it ran fast.
  // Capping that inlining keeps hot functions small: the first run of the tasks, loop and map
  // benches got about 10% faster, and the wasm stays as small.
  const inlining = ['--one-caller-inline-max-function-size', '100'];
  const status = run(bin, ['-Oz', ...inlining, ...features, pkgWasm, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (status === 0 && existsSync(tmp)) {
    renameSync(tmp, pkgWasm);
    log('wasm-opt -Oz');
  } else {
    rmSync(tmp, { force: true });
    log('wasm-opt failed; keeping the unoptimized wasm');
  }
}

// The page loads the package from www/pkg/: the wasm, the bindings and the wrapper, side by side.
function copyToPage() {
  mkdirSync(wwwPkg, { recursive: true });
  for (const old of ['asl_sim.js', 'asl_sim_bg.wasm']) rmSync(join(wwwPkg, old), { force: true });
  const copies = [[pkgWasm, 'asl_sim.wasm'], [join(root, 'js', 'bindings.js'), 'bindings.js'], [join(root, 'js', 'index.js'), 'index.js'], [join(root, 'js', 'wildcard.js'), 'wildcard.js']];
  let copied = 0;
  for (const [from, name] of copies) {
    const to = join(wwwPkg, name);
    if (mtime(to) >= mtime(from)) continue;
    copyFileSync(from, to);
    copied++;
  }
  log(copied ? `copied ${copied} file(s) into www/pkg/` : 'www/pkg/ is up to date');
}

function reportSize() {
  const bytes = readFileSync(pkgWasm);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  log(`pkg/asl_sim.wasm: ${kib(bytes.length)}, ${kib(gzipSync(bytes, { level: 9 }).length)} gzipped`);
}

await runMain('build', async () => {
  cargoBuild();
  packageWasm();
  copyToPage();
  reportSize();
  await buildPage();
});
