#!/usr/bin/env node
// Checks the tools the build needs and installs what is missing, one line each.
//
//   node scripts/setup.js             Rust target, npm packages
//   node scripts/setup.js --browser   ... and Chromium for the page tests
//   --quiet                           print only what had to be installed
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  UserError, capture, chromiumPath, root, run, runMain, which,
} from './common.js';

const args = process.argv.slice(2);
for (const arg of args) {
  if (arg !== '--browser' && arg !== '--quiet') {
    console.error(`setup: unknown option '${arg}' (expected --browser, --quiet)`);
    process.exit(2);
  }
}
const quiet = args.includes('--quiet');

const ok = (message) => { if (!quiet) console.log(`setup: ${message}`); };
const act = (message) => console.log(`setup: ${message}`);

function install(what, cmd, cmdArgs, byHand) {
  act(`installing ${what}: ${[cmd, ...cmdArgs].join(' ')}`);
  if (run(cmd, cmdArgs) !== 0) throw new UserError(`could not install ${what}. Install it by hand: ${byHand}`);
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) throw new UserError(`Node.js ${process.versions.node} is too old: install Node.js 20 or newer`);
  ok(`node ${process.versions.node}`);
}

function checkRust() {
  if (!which('cargo') || !which('rustup')) {
    throw new UserError('Rust (cargo and rustup) is not installed: install it with rustup, then run this again');
  }
  const targets = capture(which('rustup'), ['target', 'list', '--installed']) ?? '';
  if (targets.split('\n').includes('wasm32-unknown-unknown')) {
    ok('rust target wasm32-unknown-unknown');
  } else {
    install('the Rust target wasm32-unknown-unknown', which('rustup'), ['target', 'add', 'wasm32-unknown-unknown'],
      'rustup target add wasm32-unknown-unknown');
  }
}

function checkNpmPackages() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const missing = Object.keys(pkg.devDependencies ?? {})
    .filter((name) => !existsSync(join(root, 'node_modules', name, 'package.json')));
  if (missing.length === 0) {
    ok('npm packages');
    return;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const cmdArgs = existsSync(join(root, 'package-lock.json')) ? ['ci', '--no-audit', '--no-fund'] : ['install'];
  install(`npm packages (${missing.join(', ')})`, npm, cmdArgs, `npm ${cmdArgs[0]}`);
}

function checkChromium() {
  if (existsSync(chromiumPath)) {
    ok(`chromium ${chromiumPath}`);
    return;
  }
  const byHand = 'apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium binary)';
  if (!which('apt-get') || process.getuid?.() !== 0) {
    throw new UserError(`Chromium is missing at ${chromiumPath}. Install it by hand: ${byHand}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  act('Chromium is missing: apt-get update && apt-get install -y chromium');
  if (run('apt-get', ['update'], { env }) !== 0
    || run('apt-get', ['install', '-y', 'chromium'], { env }) !== 0
    || !existsSync(chromiumPath)) {
    throw new UserError(`could not install Chromium. Install it by hand: ${byHand}`);
  }
}

await runMain('setup', () => {
  checkNode();
  checkRust();
  checkNpmPackages();
  if (args.includes('--browser')) checkChromium();
});
