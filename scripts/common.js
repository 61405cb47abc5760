// Helpers shared by the build scripts. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** A failure with a message meant for a person: printed as one line, no stack trace. */
export class UserError extends Error {}

/** Runs `main`, turning a UserError (or any error) into one line on stderr and exit code 1. */
export async function runMain(tag, main) {
  try {
    await main();
  } catch (e) {
    console.error(`${tag}: ${e instanceof UserError ? e.message : `unexpected error: ${e?.message ?? e}`}`);
    process.exit(1);
  }
}

/** Runs a command with inherited stdio; returns its exit code (null if it could not start). */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  return result.error ? null : result.status;
}

/** Runs a command and returns its trimmed stdout, or null if it failed or could not start. */
export function capture(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return result.error || result.status !== 0 ? null : result.stdout.trim();
}

/** Finds an executable on PATH, then in cargo's bin folder (which a fresh shell may not have on PATH). */
export function which(name) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  dirs.push(join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin'));
  for (const dir of dirs) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
  }
  return null;
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
