#!/usr/bin/env node
// Bundles the playground page and the embeddable element with esbuild (a dev dependency), from
// www/src/ into www/dist/: app.js (the page), embed.js (<asl-sim-example>), worker.js (the
// engine's Web Worker), syntax.js (the embed's JavaScript parser, loaded only to place a syntax
// error in a handlers module). Everything they use (CodeMirror, elkjs, js-yaml for drawing YAML
// definitions) is bundled: the page loads nothing from another origin. The engine itself stays
// in www/pkg/ (copied by build.js), imported by the worker at run time.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, root, runMain } from './common.js';

const src = join(root, 'www', 'src');
const dist = join(root, 'www', 'dist');
const entries = ['app.js', 'embed.js', 'worker.js', 'syntax.js'];

const newest = (dir) => Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : -Infinity);

export async function buildPage({ force = false } = {}) {
  const log = (message) => console.log(`build: ${message}`);
  // The page and the embed also bundle js/wildcard.js, which the API shares with them.
  const inputs = Math.max(newest(src), mtime(join(root, 'js', 'wildcard.js')), mtime(join(root, 'package-lock.json')));
  if (!force && entries.every((e) => mtime(join(dist, e)) >= inputs)) {
    log('www/dist/ is up to date');
    return;
  }
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new UserError('esbuild is not installed: run `node scripts/setup.js`');
  }
  const result = await esbuild.build({
    entryPoints: entries.map((e) => join(src, e)),
    outdir: dist,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    // The worker imports the engine from www/pkg/ at run time (built by cargo, not bundled).
    external: ['../pkg/*'],
    logLevel: 'warning',
    metafile: true,
  });
  const sizes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, { bytes }]) => `${file.split('/').pop()} ${(bytes / 1024).toFixed(0)} KiB`);
  log(`esbuild www/src -> www/dist (${sizes.join(', ')})`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMain('build', () => buildPage({ force: process.argv.includes('--force') }));
}
