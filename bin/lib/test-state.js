// asl-sim test-state : `aws stepfunctions test-state` run locally. The same flags, each
// taking what the AWS CLI passes (JSON text, or file://path as the AWS CLI reads parameter
// files), and the same answer: TestState's response as JSON. A request TestState would
// refuse prints AWS's error name and message and exits 1; a state that fails is an answer
// (status FAILED), so it exits 0, as the AWS CLI does.
import { existsSync } from 'node:fs';
import { UsageError, loadEngine, readText } from './common.js';

export const testStateCommand = {
  summary: 'test-state --definition <file|JSON> [--input JSON] [--inspection-level INFO|DEBUG|TRACE] [--mock JSON] ...',
  help: `Usage: asl-sim test-state --definition <file|JSON> [options]

Runs one state as AWS's TestState API does, with the flags of \`aws stepfunctions test-state\`,
and prints the response as JSON: status (SUCCEEDED, FAILED, RETRIABLE or CAUGHT_ERROR),
output, error, cause, nextState and, at DEBUG and TRACE, inspectionData (whose values, like
output, are JSON text). Every value below may also be file://path, read from that file.

Options:
  --definition <file|JSON>     the state's definition (JSON or YAML), or a whole state machine
                               with --state-name; a path, file://path, or the text itself
  --input JSON                 the state's input (default {}); @path reads a file too
  --inspection-level LEVEL     INFO (default), DEBUG or TRACE
  --variables JSON             a JSON object: the variables in scope when the state starts
  --mock JSON                  {"result": "<JSON text>"} or {"errorOutput": {"error": "...",
                               "cause": "..."}}, with "fieldValidationMode": STRICT (default),
                               PRESENT or NONE; the Task calls nothing, the mock answers
  --context JSON               the Context object ($$) the state sees (with a mock)
  --state-configuration JSON   {"retrierRetryCount": n, "mapIterationFailureCount": n,
                               "errorCausedByState": "name", "mapItemReaderData": "text"}
  --state-name NAME            the state to test when the definition is a whole state machine
  --reveal-secrets             reveal secrets (not with a mock); --no-reveal-secrets, the default
  --role-arn ARN               accepted as AWS takes it; nothing here assumes a role
  --compact                    print the response on one line

Exit code 0 when TestState answers (whatever the state's status), 1 when it refuses the request
("An error occurred (ValidationException) when calling the TestState operation: ..."), 2 on
usage errors.`,
  spec: {
    options: {
      '--definition': 'value', '--input': 'value', '--inspection-level': 'value', '--variables': 'value',
      '--mock': 'value', '--context': 'value', '--state-configuration': 'value', '--state-name': 'value',
      '--reveal-secrets': 'flag', '--no-reveal-secrets': 'flag', '--role-arn': 'value', '--compact': 'flag',
    },
    min: 0,
    max: Infinity,
  },
  async main({ options, positionals }) {
    if (positionals.length > 0) {
      throw new UsageError(`'test-state' takes no file arguments (got '${positionals[0]}'): give the state with --definition`);
    }
    if (options['--definition'] === undefined) {
      throw new UsageError("'test-state' needs --definition <file|JSON> (try asl-sim test-state --help)");
    }
    if (options['--reveal-secrets'] && options['--no-reveal-secrets']) {
      throw new UsageError('--reveal-secrets and --no-reveal-secrets go one at a time');
    }
    const definition = definitionText(options['--definition']);
    const input = options['--input'] === undefined ? '{}' : param('--input', options['--input'], { at: true });
    const request = { inspectionLevel: options['--inspection-level'] ?? 'INFO' };
    if (options['--state-name'] !== undefined) request.stateName = options['--state-name'];
    if (options['--reveal-secrets']) request.revealSecrets = true;
    if (options['--variables'] !== undefined) {
      const variables = jsonParam('--variables', options['--variables']);
      if (!isObject(variables)) throw new UsageError('--variables takes a JSON object of variable names to values');
      request.variables = variables;
    }
    if (options['--context'] !== undefined) {
      const text = param('--context', options['--context']);
      jsonParam('--context', text);
      request.context = text;
    }
    if (options['--state-configuration'] !== undefined) {
      request.stateConfiguration = structure('--state-configuration', options['--state-configuration'], {
        retrierRetryCount: 'number', mapIterationFailureCount: 'number', errorCausedByState: 'string', mapItemReaderData: 'string',
      });
    }
    let mockResult;
    if (options['--mock'] !== undefined) {
      const mock = structure('--mock', options['--mock'], { result: 'string', errorOutput: 'object', fieldValidationMode: 'string' });
      if (mock.errorOutput !== undefined) {
        const { error, cause } = structure('--mock errorOutput', mock.errorOutput, { error: 'string', cause: 'string' });
        request.error = cause === undefined ? { error: error ?? '' } : { error: error ?? '', cause };
      }
      if (mock.fieldValidationMode !== undefined) request.fieldValidationMode = mock.fieldValidationMode;
      mockResult = mock.result;
    }

    const refused = (name, message) => {
      console.error(`An error occurred (${name}) when calling the TestState operation: ${message}`);
      return 1;
    };
    // What the service checks: the input and the mocked result are JSON text.
    try {
      JSON.parse(input);
    } catch (e) {
      return refused('InvalidExecutionInput', `Invalid State Machine Execution Input: '${e.message}'`);
    }
    if (mockResult !== undefined) {
      try {
        request.result = JSON.parse(mockResult);
      } catch (e) {
        return refused('ValidationException', `The mocked result is not valid JSON: ${e.message}`);
      }
    }

    const { api } = await loadEngine();
    let response;
    try {
      response = api.testState(definition, JSON.parse(input), request);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      const message = String(e.message).replace(/^asl-sim: /, '');
      // A state that does not validate (CODE: message at /path), or that cannot be read.
      if (/^[A-Z][A-Z_]+: /.test(message) || message.startsWith('the state definition cannot be read')) {
        return refused('InvalidDefinition', `Invalid State Machine Definition: '${message.split('\n').join(' ')}'`);
      }
      return refused('ValidationException', message.split('\n').join(' '));
    }
    // The members in the order of TestState's response syntax.
    const ordered = {};
    for (const key of ['output', 'error', 'cause', 'inspectionData', 'nextState', 'status']) {
      if (response[key] !== undefined && response[key] !== null) ordered[key] = response[key];
    }
    for (const [key, value] of Object.entries(response)) if (!(key in ordered)) ordered[key] = value;
    // The AWS CLI's JSON output is indented by four spaces.
    console.log(options['--compact'] ? JSON.stringify(ordered) : JSON.stringify(ordered, null, 4));
    return 0;
  },
};

/** A parameter's text: itself, or the file named by file://path (and @path where `at`). */
function param(flag, value, { at = false } = {}) {
  if (value.startsWith('file://')) return readText(value.slice('file://'.length), `${flag} file`);
  if (at && value.startsWith('@')) return readText(value.slice(1), `${flag} file`);
  return value;
}

function jsonParam(flag, value) {
  const text = param(flag, value);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${flag} is not valid JSON: ${e.message}`);
  }
}

/** --definition: file://path, JSON or YAML text, or a path to a file. */
function definitionText(value) {
  if (value.startsWith('file://')) return readText(value.slice('file://'.length), 'definition file');
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || value.includes('\n')) return value;
  if (existsSync(value)) return readText(value, 'definition file');
  throw new UsageError(`cannot read definition file '${value}': no such file (give a path, file://path, or the definition's JSON)`);
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A structure parameter (JSON text or file://, or an object within one), checked as the AWS CLI
 * checks one before sending it: no unknown members, each of its type.
 */
function structure(flag, value, members) {
  const parsed = typeof value === 'string' ? jsonParam(flag, value) : value;
  if (!isObject(parsed)) throw new UsageError(`${flag} takes a JSON object with ${Object.keys(members).join(', ')}`);
  for (const [key, v] of Object.entries(parsed)) {
    const type = members[key];
    if (type === undefined) throw new UsageError(`unknown member '${key}' in ${flag}: it takes ${Object.keys(members).join(', ')}`);
    const ok = type === 'object' ? isObject(v) : type === 'number' ? Number.isInteger(v) : typeof v === type;
    if (!ok) {
      const hint = flag === '--mock' && key === 'result' ? ' (JSON text, as AWS takes it: {"result": "{\\"a\\": 1}"})' : '';
      throw new UsageError(`${flag} ${key} must be ${type === 'number' ? 'an integer' : `a${type === 'object' ? 'n' : ''} ${type}`}${hint}`);
    }
  }
  return parsed;
}
