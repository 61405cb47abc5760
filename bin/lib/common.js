// Shared by the CLI's commands: argument parsing, reading files, definitions with
// substitutions. A UsageError is printed as one line and exits 2.
import { readFileSync } from 'node:fs';

export class UsageError extends Error {}

/**
 * Parses `args` against `spec`: { options: { '--flag': 'flag' | 'value' | 'list' },
 * min, max (positionals; max Infinity for any number) }. Returns { options, positionals }.
 * 'list' options may repeat and collect into an array.
 */
export function parseArgs(name, args, spec) {
  const options = {};
  const positionals = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const flag = eq > 0 ? arg.slice(0, eq) : arg;
      const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
      const kind = spec.options[flag];
      if (!kind) throw new UsageError(`unknown option '${flag}' for '${name}' (try asl-sim ${name} --help)`);
      if (kind === 'flag') {
        if (inline !== undefined) throw new UsageError(`option '${flag}' takes no value`);
        options[flag] = true;
        continue;
      }
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`option '${flag}' needs a value`);
      if (kind === 'list') (options[flag] ??= []).push(value);
      else options[flag] = value;
    } else if (arg.startsWith('-') && arg.length > 1) {
      throw new UsageError(`unknown option '${arg}' for '${name}' (try asl-sim ${name} --help)`);
    } else {
      positionals.push(arg);
    }
  }
  const { min = 1, max = 1 } = spec;
  if (positionals.length < min) {
    throw new UsageError(`'${name}' needs ${min === 1 && max === 1 ? 'a file argument' : 'at least one file argument'} (try asl-sim ${name} --help)`);
  }
  if (positionals.length > max) {
    throw new UsageError(`'${name}' takes ${max === 1 ? 'one file argument' : `at most ${max} file arguments`}, got ${positionals.length}`);
  }
  return { options, positionals };
}

export function readText(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
    throw new UsageError(`cannot read ${what} '${path}': ${why}`);
  }
}

export function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${e.message}`);
  }
}

export function readJson(path, what) {
  return parseJson(readText(path, what), `${what} '${path}'`);
}

/** `--input` as JSON text or `@file`; the text is kept (the engine echoes it verbatim). */
export function inputText(arg) {
  if (arg === undefined) return '{}';
  if (arg.startsWith('@')) {
    const path = arg.slice(1);
    const text = readText(path, 'input file');
    parseJson(text, `input file '${path}'`);
    return text;
  }
  parseJson(arg, '--input');
  return arg;
}

/**
 * The `${Name}` values from `--subs file.json` (an object, or CloudFormation's
 * `{"DefinitionSubstitutions": {...}}`) and repeated `--sub Name=value` (which win).
 */
export function substitutions(options) {
  const values = {};
  if (options['--subs'] !== undefined) {
    let parsed = readJson(options['--subs'], 'substitutions file');
    if (parsed && typeof parsed === 'object' && parsed.DefinitionSubstitutions) parsed = parsed.DefinitionSubstitutions;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError(`substitutions file '${options['--subs']}' must hold a JSON object of names to values`);
    }
    for (const [k, v] of Object.entries(parsed)) values[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  for (const pair of options['--sub'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--sub takes Name=value, got '${pair}'`);
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return values;
}

export function machineType(options) {
  const type = options['--type'] ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new UsageError(`--type is STANDARD or EXPRESS, got '${type}'`);
  return type;
}

let engine = null;

/** The package (js/index.js) and the raw bindings, loaded once. */
export async function loadEngine() {
  if (engine === null) {
    let api;
    try {
      api = await import('../../js/index.js');
    } catch (e) {
      if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'ENOENT') {
        throw new UsageError('the WebAssembly build is missing (pkg/): run `npm run build` first');
      }
      throw e;
    }
    const bindings = await import('../../js/bindings.js');
    engine = { api, bindings };
  }
  return engine;
}

/**
 * Validates definition text (JSON or YAML) with substitutions:
 * { format, valid, diagnostics, definition (JSON text to run, or null) }.
 */
export async function checkDefinition(text, { type = 'STANDARD', subs = {} } = {}) {
  const { bindings } = await loadEngine();
  return JSON.parse(bindings.cliValidate(text, JSON.stringify({ type, substitutions: subs })));
}

/** One diagnostic as `file:line:column: SEVERITY CODE message` (the first line of its message). */
export function formatDiagnostic(file, d) {
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  const message = String(d.message).split('\n')[0];
  return `${where}: ${d.severity} ${d.code} ${message}`;
}

/** Reads a definition file, validates it; throws a UsageError listing its errors. */
export async function loadDefinition(file, options) {
  const text = readText(file, 'definition file');
  const result = await checkDefinition(text, { type: machineType(options), subs: substitutions(options) });
  const errors = result.diagnostics.filter((d) => d.severity === 'ERROR');
  if (!result.valid || result.definition === null) {
    const lines = errors.map((d) => formatDiagnostic(file, d));
    throw new DefinitionProblem(`invalid definition '${file}' (${errors.length} error${errors.length === 1 ? '' : 's'})`, lines);
  }
  return { text: result.definition, value: JSON.parse(result.definition), diagnostics: result.diagnostics };
}

/** A definition with errors: a headline and one line per diagnostic; exits 2. */
export class DefinitionProblem extends UsageError {
  constructor(message, lines) {
    super(message);
    this.lines = lines;
  }
}
