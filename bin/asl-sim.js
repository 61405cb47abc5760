#!/usr/bin/env node
// The asl-sim command line, on the same package as the page. Exit codes: 0 success,
// 1 an execution that did not succeed, 2 a usage or input problem (one line, no stack trace).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const help = `asl-sim: run Amazon States Language state machines locally

Usage:
  asl-sim run <definition.json> [--input JSON|@file] [--handlers module.js] [--json]
      Runs the state machine and prints its status and output.
      --input      the execution input, as JSON text or @path to a JSON file (default {})
      --handlers   an ES module whose default export maps Task state names or
                   resource ARNs to (input, context) => result functions
      --json       print the whole result { status, output, error, cause } as JSON
      Exit code 0 when the execution SUCCEEDED, 1 otherwise.
  asl-sim validate <definition.json>         (not implemented yet)
  asl-sim conformance <corpus-dir> [--json]  (not implemented yet)
  asl-sim --help | --version`;

class UsageError extends Error {}

const commands = {
  run: { options: { '--input': 'value', '--handlers': 'value', '--json': 'flag' }, positionals: 1, main: runCommand },
  validate: { options: { '--json': 'flag' }, positionals: 1, main: notImplemented('validate') },
  conformance: { options: { '--json': 'flag' }, positionals: 1, main: notImplemented('conformance') },
};

function parseArgs(argv) {
  const [name, ...rest] = argv;
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (try --help)`);
  const options = {};
  const positionals = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const kind = command.options[flag];
      if (!kind) throw new UsageError(`unknown option '${flag}' for '${name}' (try --help)`);
      if (kind === 'flag') {
        if (inline !== undefined) throw new UsageError(`option '${flag}' takes no value`);
        options[flag] = true;
      } else {
        const value = inline ?? rest[++i];
        if (value === undefined) throw new UsageError(`option '${flag}' needs a value`);
        options[flag] = value;
      }
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length !== command.positionals) {
    throw new UsageError(positionals.length === 0 ? `'${name}' needs a file argument (try --help)` : `'${name}' takes one file argument, got ${positionals.length}`);
  }
  return { command, options, positionals };
}

function readText(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${path}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${e.message}`);
  }
}

async function runCommand({ options, positionals: [file] }) {
  const definition = readText(file, 'definition file');
  const inputArg = options['--input'];
  const input = inputArg === undefined ? {}
    : inputArg.startsWith('@') ? parseJson(readText(inputArg.slice(1), 'input file'), `input file '${inputArg.slice(1)}'`)
    : parseJson(inputArg, '--input');
  let handlers = {};
  if (options['--handlers'] !== undefined) {
    const path = resolve(options['--handlers']);
    try {
      handlers = (await import(pathToFileURL(path).href)).default ?? {};
    } catch (e) {
      throw new UsageError(`cannot load handlers module '${options['--handlers']}': ${e.message}`);
    }
  }
  const { StateMachine, DefinitionError } = await import('../js/index.js');
  let machine;
  try {
    machine = StateMachine.create(definition);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    const lines = e.diagnostics.map((d) => `${file}:${d.line}:${d.column}: ${d.code}: ${d.message}`);
    throw new UsageError(`invalid definition\n${lines.join('\n')}`);
  }
  const result = await machine.start(input, { handlers }).done;
  if (options['--json']) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`status: ${result.status}`);
    if (result.status === 'SUCCEEDED') console.log(JSON.stringify(result.output, null, 2));
    if (result.error !== undefined && result.error !== null) console.log(`error: ${result.error}`);
    if (result.cause !== undefined && result.cause !== null) console.log(`cause: ${result.cause}`);
  }
  return result.status === 'SUCCEEDED' ? 0 : 1;
}

function notImplemented(name) {
  return async () => {
    console.error(`asl-sim: '${name}' is not implemented yet`);
    return 2;
  };
}

async function main(argv) {
  if (argv.length === 0) {
    console.error(help);
    return 2;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(help);
    return 0;
  }
  if (argv[0] === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    console.log(pkg.version);
    return 0;
  }
  const parsed = parseArgs(argv);
  return parsed.command.main(parsed);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(`asl-sim: ${e instanceof UsageError ? e.message : `internal error: ${e?.message ?? e}`}`);
  process.exitCode = 2;
}
