#!/usr/bin/env node
// The asl-sim command line, on the same package as the page. Exit codes: 0 success,
// 1 a definition with errors, an execution that did not succeed or a failing test,
// 2 a usage or input problem (one line, no stack trace).
import { readFileSync } from 'node:fs';
import { DefinitionProblem, UsageError, parseArgs } from './lib/common.js';
import { conformanceCommand } from './lib/conformance.js';
import { mocksCommand } from './lib/mocks.js';
import { runCommand } from './lib/run.js';
import { testCommand } from './lib/test.js';
import { testStateCommand } from './lib/test-state.js';
import { validateCommand } from './lib/validate.js';

const commands = {
  run: runCommand,
  validate: validateCommand,
  test: testCommand,
  'test-state': testStateCommand,
  mocks: mocksCommand,
  conformance: conformanceCommand,
};

const help = `asl-sim: run and test Amazon States Language state machines locally

Usage:
${Object.values(commands).map((c) => `  asl-sim ${c.summary}`).join('\n')}
  asl-sim --help | --version
  asl-sim <command> --help

Definitions may be JSON or YAML; \${Name} placeholders take values from --sub Name=value or
--subs file.json (test-state takes what aws stepfunctions test-state does, and no --sub).
Exit codes: 0 success, 1 failure (invalid definition, execution not SUCCEEDED, failing test,
a request that test-state's TestState refuses), 2 usage or input error.`;

async function main(argv) {
  if (argv.length === 0) {
    console.error(help);
    return 2;
  }
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = commands[rest[0]];
    console.log(command ? command.help : help);
    return 0;
  }
  if (name === '--version') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    console.log(pkg.version);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (try --help)`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  return command.main(parseArgs(name, rest, command.spec));
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof DefinitionProblem) {
    console.error(`asl-sim: ${e.message}`);
    for (const line of e.lines) console.error(line);
  } else {
    console.error(`asl-sim: ${e instanceof UsageError ? e.message : `internal error: ${String(e?.message ?? e).split('\n')[0]}`}`);
  }
  process.exitCode = 2;
}
