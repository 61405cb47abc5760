// asl-sim test <file>... : users' tests in the conformance corpus's case format, plus an
// expected `path`; prints readable differences and which states and transitions the tests
// exercised.
import { dirname, relative, resolve } from 'node:path';
import {
  DefinitionProblem, UsageError, checkDefinition, formatDiagnostic, inputText, loadEngine, machineType, readJson, readText, substitutions,
} from './common.js';
import { differences, pathDifference } from './diff.js';
import { describeEdge, edgeKey, exercised, graph, path as visited } from './graph.js';
import { machineName, requireApi, start } from './run.js';

export const testCommand = {
  summary: 'test <file>... [--json] [--no-coverage] | test --mock-config file --definition file',
  help: `Usage: asl-sim test <test-file>... [options]
       asl-sim test --mock-config MockConfigFile.json --definition <definition> [options]

Runs tests written in the format of the conformance corpus: a JSON file holding one case, an
array of cases, or {"definition": ..., "tests": [cases]} (top-level fields are shared). A case:

  {
    "name": "card declined",
    "definition": "order.asl.yaml",      // a path relative to the test file, or the definition
    "input": {"orderId": "o-1"},
    "mocks": {"Charge": [{"throw": {"error": "CardDeclined", "cause": "..."}}],
              "Notify": [{"return": {"MessageId": "m-1"}}]},
    "expect": {"status": "FAILED", "error": "CardDeclined",
               "path": ["Validate", "Charge", "Refund"]}   // the states entered, in order
  }

A mock response is {"return": v}, {"throw": {"error", "cause"}}, {"timeout": {}} (the task never
answers: its TimeoutSeconds fires) or {"pending": true}; "submitted": v adds the first answer of a
.sync or .waitForTaskToken call. Expected strings may use <placeholders> (e.g. "<uuid>") that
match anything. "expect" defaults to {"status": "SUCCEEDED"}.

After the run, a coverage report per definition: the states and transitions (Next, Choices[i],
Default, Catch[i]) the tests exercised, and those they never did.

Options:
  --mock-config file        run every test case of a Step Functions Local MockConfigFile
  --definition file         the definition those test cases run (with --mock-config)
  --name NAME               the state machine in the mock config (default: its only one, else
                            the definition's file name)
  --test-case NAME          run only this test case of the mock config
  --input JSON|@file        the execution input for mock-config test cases (default {})
  --type STANDARD|EXPRESS   the machine type when a test does not give stateMachineType
  --sub Name=value          a value for a \${Name} placeholder; repeatable
  --subs file.json          values for \${Name} placeholders, from a JSON object
  --no-coverage             skip the coverage report
  --json                    print the results and coverage as JSON

Exit code 1 when any test fails, 0 when all pass, 2 on usage or input errors.`,
  spec: {
    options: {
      '--json': 'flag', '--no-coverage': 'flag', '--sub': 'list', '--subs': 'value', '--type': 'value',
      '--mock-config': 'value', '--definition': 'value', '--name': 'value', '--input': 'value', '--test-case': 'value',
    },
    min: 0,
    max: Infinity,
  },
  async main({ options, positionals }) {
    const subs = substitutions(options);
    const mockMode = options['--mock-config'] !== undefined || options['--definition'] !== undefined;
    if (mockMode) {
      if (options['--mock-config'] === undefined || options['--definition'] === undefined) {
        throw new UsageError('--mock-config and --definition go together');
      }
      if (positionals.length > 0) throw new UsageError('with --mock-config, give no test files');
      return runMockConfig(options, subs);
    }
    if (positionals.length === 0) throw new UsageError("'test' needs at least one test file (try asl-sim test --help)");
    const cases = positionals.flatMap((file) => loadCases(file));
    const results = [];
    const coverage = new Map();
    for (const c of cases) results.push(await runCase(c, subs, options, coverage));
    return report(results, coverage, options);
  },
};

// A test file -> [{ file, name, case, dir }].
function loadCases(file) {
  const content = readJson(file, 'test file');
  const dir = dirname(resolve(file));
  let list;
  if (Array.isArray(content)) list = content;
  else if (content && typeof content === 'object' && Array.isArray(content.tests)) {
    const { tests, ...shared } = content;
    list = tests.map((t) => ({ ...shared, ...t }));
  } else if (content && typeof content === 'object') list = [content];
  else throw new UsageError(`test file '${file}' must hold a test case object, an array of them, or {"tests": [...]}`);
  return list.map((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new UsageError(`test file '${file}': test ${i + 1} is not an object`);
    return { file, dir, name: c.name ?? c.id ?? (list.length > 1 ? `#${i + 1}` : ''), case: c };
  });
}

// The definition of a case: { text (JSON to run), value, label (for reports), file } or { problems }.
async function caseDefinition(t, subs, options) {
  const def = t.case.definition;
  let text;
  let file = t.file;
  let label;
  if (def && typeof def === 'object' && !Array.isArray(def)) {
    text = JSON.stringify(def, null, 2);
    label = `${t.file} (inline definition)`;
  } else if (typeof def === 'string' && (/^\s*\{/.test(def) || def.includes('\n'))) {
    text = def;
    label = `${t.file} (inline definition)`;
  } else if (typeof def === 'string') {
    file = relative(process.cwd(), resolve(t.dir, def)) || def;
    text = readText(file, 'definition file');
    label = file;
  } else {
    return { problems: ['the test has no "definition" (an object, JSON text, or a path relative to the test file)'] };
  }
  const caseSubs = t.case.substitutions && typeof t.case.substitutions === 'object' ? t.case.substitutions : {};
  const type = t.case.stateMachineType ?? machineType(options);
  const checked = await checkDefinition(text, { type, subs: { ...caseSubs, ...subs } });
  if (!checked.valid || checked.definition === null) {
    const errors = checked.diagnostics.filter((d) => d.severity === 'ERROR');
    return { problems: ['the definition has errors:', ...errors.map((d) => `  ${formatDiagnostic(file, d)}`)] };
  }
  return { text: checked.definition, value: JSON.parse(checked.definition), label };
}

async function runCase(t, subs, options, coverage) {
  const title = t.name ? `${t.file} › ${t.name}` : t.file;
  const def = await caseDefinition(t, subs, options);
  if (def.problems) return { title, passed: false, problems: def.problems };
  const { bindings } = await loadEngine();
  const { expect: _expect, definition: _definition, tests: _tests, ...rest } = t.case;
  const actual = JSON.parse(bindings.cliRunTest(JSON.stringify({ ...rest, definition: def.text })));
  if (actual.problem) return { title, passed: false, problems: [actual.problem] };
  record(coverage, def, actual.history);
  const problems = compare(t.case.expect ?? { status: 'SUCCEEDED' }, actual, t.case.path);
  return { title, passed: problems.length === 0, problems, status: actual.status, path: visited(actual.history) };
}

// Expected vs actual outcome, as readable lines.
function compare(expect, actual, topPath) {
  const problems = [];
  const want = expect.status ?? 'SUCCEEDED';
  if (want !== actual.status) {
    const why = actual.error != null ? ` (error ${JSON.stringify(actual.error)}${actual.cause != null ? `, cause ${JSON.stringify(actual.cause)}` : ''})` : '';
    problems.push(`status: expected ${want}, got ${actual.status}${why}`);
  }
  if ('output' in expect) {
    const got = actual.output;
    for (const d of differences(expect.output, got, '$')) problems.push(`output at ${d.path}: ${d.message}`);
  }
  if ('error' in expect) {
    for (const d of differences(expect.error, actual.error ?? null, 'error')) problems.push(`${d.path}: ${d.message}`);
  }
  if ('cause' in expect) {
    let got = actual.cause ?? null;
    if (expect.cause !== null && typeof expect.cause === 'object' && typeof got === 'string') {
      try { got = JSON.parse(got); } catch { /* compared as text */ }
    }
    for (const d of differences(expect.cause, got, 'cause')) problems.push(`${d.path}: ${d.message}`);
  }
  const wantPath = expect.path ?? topPath;
  if (wantPath !== undefined && !Array.isArray(wantPath)) {
    problems.push('expect.path must be an array of state names');
  } else if (wantPath !== undefined) {
    const d = pathDifference(wantPath, visited(actual.history));
    if (d) problems.push(`path differs at ${d.at}`, `  expected: ${d.expected}`, `  actual:   ${d.actual}`);
  }
  return problems;
}

function record(coverage, def, history) {
  let entry = coverage.get(def.text);
  if (!entry) {
    entry = { label: def.label, graph: graph(def.value), states: new Set(), edges: new Set() };
    coverage.set(def.text, entry);
  }
  const seen = exercised(entry.graph, history);
  for (const s of seen.states) entry.states.add(s);
  for (const e of seen.edges) entry.edges.add(e);
}

function coverageSummary(entry) {
  const states = entry.graph.states.map((s) => s.name);
  const edges = entry.graph.edges;
  return {
    definition: entry.label,
    states: { covered: states.filter((s) => entry.states.has(s)).length, total: states.length, never: states.filter((s) => !entry.states.has(s)) },
    transitions: {
      covered: edges.filter((e) => entry.edges.has(edgeKey(e))).length,
      total: edges.length,
      never: edges.filter((e) => !entry.edges.has(edgeKey(e))).map(describeEdge),
    },
  };
}

function report(results, coverage, options) {
  const summaries = options['--no-coverage'] ? [] : [...coverage.values()].map(coverageSummary);
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  if (options['--json']) {
    console.log(JSON.stringify({
      passed, failed,
      tests: results.map(({ title, passed: ok, problems, status, path }) => ({ test: title, passed: ok, status, path, problems })),
      coverage: summaries,
    }, null, 2));
    return failed ? 1 : 0;
  }
  for (const r of results) {
    console.log(`${r.passed ? 'PASS' : 'FAIL'}  ${r.title}${r.passed ? '' : ''}`);
    for (const p of r.problems) console.log(`      ${p}`);
  }
  for (const s of summaries) {
    console.log(`\ncoverage of ${s.definition}: ${s.states.covered}/${s.states.total} states, ${s.transitions.covered}/${s.transitions.total} transitions`);
    if (s.states.never.length) console.log(`  states never entered: ${s.states.never.join(', ')}`);
    if (s.transitions.never.length) {
      console.log('  transitions never taken:');
      for (const e of s.transitions.never) console.log(`    ${e}`);
    }
  }
  console.log(`\n${results.length} test${results.length === 1 ? '' : 's'}: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

// --mock-config: every test case of a Step Functions Local MockConfigFile, through the JS API.
async function runMockConfig(options, subs) {
  const config = readJson(options['--mock-config'], 'mock config file');
  const defFile = options['--definition'];
  const text = readText(defFile, 'definition file');
  const checked = await checkDefinition(text, { type: machineType(options), subs });
  if (!checked.valid || checked.definition === null) {
    const errors = checked.diagnostics.filter((d) => d.severity === 'ERROR');
    throw new DefinitionProblem(`invalid definition '${defFile}'`, errors.map((d) => formatDiagnostic(defFile, d)));
  }
  const machines = config?.StateMachines;
  if (!machines || typeof machines !== 'object') throw new UsageError(`mock config '${options['--mock-config']}' has no "StateMachines"`);
  const names = Object.keys(machines);
  const name = options['--name'] ?? (names.length === 1 ? names[0] : machineName(defFile));
  const testCases = machines[name]?.TestCases;
  if (!testCases || typeof testCases !== 'object') {
    throw new UsageError(`mock config has no test cases for state machine '${name}' (it has: ${names.join(', ') || 'none'}; choose with --name)`);
  }
  const { api } = await loadEngine();
  requireApi(api, 'mockConfig', '--mock-config');
  const input = JSON.parse(inputText(options['--input']));
  const machine = api.StateMachine.create(checked.definition, { name, type: machineType(options) });
  const def = { text: checked.definition, value: JSON.parse(checked.definition), label: defFile };
  const coverage = new Map();
  const results = [];
  const only = options['--test-case'];
  for (const testCase of Object.keys(testCases)) {
    if (only !== undefined && testCase !== only) continue;
    const execution = start(machine, input, { mockConfig: config, testCase });
    const result = await execution.done;
    const history = execution.history;
    record(coverage, def, history);
    // A test case fails when a Task ran without a mocked response (or handler) for it.
    const unmocked = String(result.error ?? '').startsWith('asl-sim.') || /has no mocked response/.test(String(result.cause ?? ''));
    const missing = unmocked ? [`${result.error}: ${result.cause ?? ''}`] : [];
    results.push({ title: `${name} › ${testCase} (${result.status})`, passed: missing.length === 0, problems: missing, status: result.status, path: visited(history) });
  }
  if (only !== undefined && results.length === 0) throw new UsageError(`no test case '${only}' for state machine '${name}'`);
  return report(results, coverage, options);
}
