// asl-sim mocks <definition> : a Step Functions Local MockConfigFile skeleton, one test case
// whose mocked responses are shaped like each Task's integration would answer.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { UsageError, inputText, loadDefinition, loadEngine } from './common.js';
import { graph } from './graph.js';
import { machineName } from './run.js';

export const mocksCommand = {
  summary: 'mocks <definition> [--input JSON|@file] [--name NAME] [--test-case NAME] [--output file]',
  help: `Usage: asl-sim mocks <definition> [options]

Writes a Step Functions Local MockConfigFile skeleton for the state machine: one test case that
mocks every Task state (those inside Parallel and Map too) with a response shaped like its
integration's: lambda:invoke -> {"Payload": {...}, "StatusCode": 200, "ExecutedVersion":
"$LATEST"}, sqs:sendMessage -> {"MessageId", "MD5OfMessageBody"}, dynamodb:getItem ->
{"Item": {}}, aws-sdk:* -> {}, a Lambda function ARN or an activity -> its input echoed, and
so on. The machine is run once (a dry run, on --input) to see what each Task receives; a Task
the run does not reach gets the static part of its Parameters. Edit the responses, add test cases,
then run them: asl-sim test --mock-config <file> --definition <definition>

Options:
  --name NAME        the state machine's key under "StateMachines" (default: the file name)
  --test-case NAME   the test case's name (default HappyPath)
  --input JSON|@file an execution input for a dry run (default {}): Tasks the run reaches get
                     responses built from the input they really receive
  --output file      write to this file instead of standard output
  --sub Name=value   a value for a \${Name} placeholder; repeatable
  --subs file.json   values for \${Name} placeholders, from a JSON object`,
  spec: { options: { '--input': 'value', '--name': 'value', '--test-case': 'value', '--output': 'value', '--sub': 'list', '--subs': 'value', '--type': 'value' } },
  async main({ options, positionals: [file] }) {
    const definition = await loadDefinition(file, options);
    const name = options['--name'] ?? machineName(file);
    const testCase = options['--test-case'] ?? 'HappyPath';
    const inputs = await dryRun(definition, inputText(options['--input']));
    const config = skeleton(definition.value, name, testCase, inputs);
    const text = `${JSON.stringify(config, null, 2)}\n`;
    if (options['--output'] !== undefined) {
      try {
        writeFileSync(options['--output'], text);
      } catch (e) {
        throw new UsageError(`cannot write '${options['--output']}': ${e.code === 'ENOENT' ? 'no such directory' : e.message}`);
      }
      const tasks = Object.keys(config.StateMachines[name].TestCases[testCase]).length;
      console.error(`asl-sim: wrote ${options['--output']} (${tasks} mocked Task state${tasks === 1 ? '' : 's'})`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  },
};

// Runs the machine once with these plausible responses, to learn each reached Task's effective
// input (so that a Lambda function echoes what it would really receive). Best effort: a Task the
// run does not reach keeps the static guess.
async function dryRun(definition, input) {
  const { api } = await loadEngine();
  const inputs = {};
  const handlers = {};
  for (const s of graph(definition.value).states) {
    if (s.type !== 'Task') continue;
    handlers[s.name] = (taskInput) => {
      if (!(s.name in inputs)) inputs[s.name] = taskInput;
      return plausibleResponse(s.state, taskInput);
    };
  }
  try {
    await api.StateMachine.create(definition.text).start(JSON.parse(input), { handlers }).done;
  } catch {
    // The skeleton does not depend on the run succeeding.
  }
  return inputs;
}

export function skeleton(definition, name, testCase, inputs = {}) {
  const mocked = {};
  const responses = {};
  for (const s of graph(definition).states) {
    if (s.type !== 'Task') continue;
    const response = s.name in inputs ? plausibleResponse(s.state, inputs[s.name]) : plausibleResponse(s.state);
    const responseName = `${s.name.replace(/[^A-Za-z0-9]+/g, '')}Success` || 'TaskSuccess';
    let unique = responseName;
    for (let i = 2; unique in responses; i++) unique = `${responseName}${i}`;
    mocked[s.name] = unique;
    responses[unique] = { 0: { Return: response } };
  }
  return { StateMachines: { [name]: { TestCases: { [testCase]: mocked } } }, MockedResponses: responses };
}

// The static part of a state's arguments (Parameters / Arguments without paths or expressions).
function staticArgs(state) {
  const args = state.Parameters ?? state.Arguments;
  const strip = (v) => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out = {};
      for (const [k, x] of Object.entries(v)) {
        if (k.endsWith('.$')) out[k.slice(0, -2)] = placeholderFor(k.slice(0, -2));
        else out[k] = strip(x);
      }
      return out;
    }
    if (typeof v === 'string' && v.startsWith('{%')) return {};
    return v;
  };
  return args === undefined || typeof args === 'string' ? undefined : strip(args);
}

const placeholderFor = (key) => (key === 'Payload' ? {} : `<${key}>`);

const fakeId = (seed) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * A response shaped like what the state's integration returns, given the task's effective
 * input (`args`: what the engine passed on a dry run; else the static part of its Parameters).
 */
export function plausibleResponse(state, args = staticArgs(state) ?? {}) {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  const m = /^arn:[^:]+:states:[^:]*:[^:]*:([^:]+):([^.]+)(?:\.(sync(?::2)?|waitForTaskToken))?$/.exec(resource);
  if (!m) {
    // A Lambda function ARN or an activity: whatever the function or worker returns; echo the input.
    return args ?? {};
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) args = {};
  const [, service, action, pattern] = m;
  if (pattern === 'waitForTaskToken') return {}; // what SendTaskSuccess will send
  const id = fakeId(`${service}:${action}:${JSON.stringify(args)}`);
  if (service === 'aws-sdk') return {};
  switch (`${service}:${action}`) {
    case 'lambda:invoke':
      return { Payload: args.Payload ?? {}, StatusCode: 200, ExecutedVersion: '$LATEST' };
    case 'sqs:sendMessage': {
      const body = typeof args.MessageBody === 'string' ? args.MessageBody : JSON.stringify(args.MessageBody ?? '');
      return { MessageId: id, MD5OfMessageBody: createHash('md5').update(body).digest('hex') };
    }
    case 'sns:publish':
      return { MessageId: id };
    case 'dynamodb:getItem':
      return { Item: {} };
    case 'dynamodb:putItem':
    case 'dynamodb:deleteItem':
    case 'dynamodb:updateItem':
      return {};
    case 'dynamodb:query':
    case 'dynamodb:scan':
      return { Count: 0, Items: [], ScannedCount: 0 };
    case 'events:putEvents':
      return { Entries: [{ EventId: id }], FailedEntryCount: 0 };
    case 'states:startExecution':
      return pattern
        ? { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:Child:run-1', Output: '{}', OutputDetails: { Included: true }, Status: 'SUCCEEDED' }
        : { ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:Child:run-1', StartDate: '2024-01-01T00:00:00.000Z' };
    case 'http:invoke':
      return { ResponseBody: {}, StatusCode: 200, StatusText: 'OK', Headers: {} };
    case 'ecs:runTask':
      return { Tasks: [{ LastStatus: pattern ? 'STOPPED' : 'PENDING' }], Failures: [] };
    case 'batch:submitJob':
      return { JobId: id, JobName: args.JobName ?? 'job', Status: pattern ? 'SUCCEEDED' : undefined };
    case 'glue:startJobRun':
      return pattern ? { JobRunId: id, JobRunState: 'SUCCEEDED' } : { JobRunId: id };
    case 'bedrock:invokeModel':
      return { Body: {}, ContentType: 'application/json' };
    case 'apigateway:invoke':
      return { ResponseBody: {}, StatusCode: 200, StatusText: 'OK', Headers: {} };
    default:
      return {};
  }
}
