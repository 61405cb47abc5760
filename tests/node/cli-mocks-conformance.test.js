// asl-sim mocks (a MockConfigFile skeleton) and asl-sim conformance (a corpus directory).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { asl, assertOneLineError, fixtures } from './cli-helpers.js';

const { dir, write } = fixtures('mocks');

const machine = {
  StartAt: 'Fetch',
  States: {
    Fetch: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', Parameters: { TableName: 't', Key: { id: { 'S.$': '$.id' } } }, Next: 'Work' },
    Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'work', 'Payload.$': '$' }, Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'hello' }, End: true } } },
        { StartAt: 'Tag', States: { Tag: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:putObjectTagging', Parameters: { Bucket: 'b' }, End: true } } },
      ],
      Next: 'Echo',
    },
    Echo: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo', Parameters: { fixed: 1 }, End: true },
  },
};

test('mocks writes a MockConfigFile skeleton shaped like each integration', () => {
  const def = write('shop.asl.json', machine);
  const r = asl(['mocks', def, '--input', '{"id": "i-1"}']);
  assert.equal(r.code, 0, r.stderr);
  const config = JSON.parse(r.stdout);
  assert.deepEqual(config.StateMachines, {
    shop: { TestCases: { HappyPath: { Fetch: 'FetchSuccess', Work: 'WorkSuccess', Send: 'SendSuccess', Tag: 'TagSuccess', Echo: 'EchoSuccess' } } },
  });
  const ret = (name) => config.MockedResponses[name]['0'].Return;
  assert.deepEqual(ret('FetchSuccess'), { Item: {} });
  // lambda:invoke: the payload the function would receive, in Lambda's response shape.
  assert.deepEqual(ret('WorkSuccess'), { Payload: { Item: {} }, StatusCode: 200, ExecutedVersion: '$LATEST' });
  assert.match(ret('SendSuccess').MessageId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(ret('SendSuccess').MD5OfMessageBody, createHash('md5').update('hello').digest('hex'));
  assert.deepEqual(ret('TagSuccess'), {});
  // A Lambda function ARN: its input echoed (here the state's Parameters).
  assert.deepEqual(ret('EchoSuccess'), { fixed: 1 });
});

test('mocks --output writes the file; --name and --test-case name its keys', () => {
  const def = write('m.json', machine);
  const out = join(dir, 'MockConfigFile.json');
  const r = asl(['mocks', def, '--output', out, '--name', 'Shop', '--test-case', 'Start']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /wrote .*MockConfigFile\.json \(5 mocked Task states\)/);
  const config = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(Object.keys(config.StateMachines.Shop.TestCases), ['Start']);
  assertOneLineError(asl(['mocks', def, '--output', join(dir, 'no', 'such', 'dir.json')]), /cannot write/);
});

test('mocks on an invalid definition lists its errors and exits 2', () => {
  const def = write('bad.json', { StartAt: 'Nope', States: { A: { Type: 'Succeed' } } });
  const r = asl(['mocks', def]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^asl-sim: invalid definition '.*bad\.json' \(\d errors?\)\n.*bad\.json:\d+:\d+: ERROR MISSING_TRANSITION_TARGET/);
});

// A corpus of three cases in two groups, one failing.
function corpus() {
  const root = join(dir, 'corpus');
  const pass = (id, result) => ({
    id,
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } },
    input: {},
    expect: {
      status: 'SUCCEEDED',
      output: result,
      history: [
        { id: 1, previousEventId: 0, type: 'ExecutionStarted' },
        { id: 2, previousEventId: 0, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'P' } },
        { id: 3, previousEventId: 2, type: 'PassStateExited', stateExitedEventDetails: { name: 'P' } },
        { id: 4, previousEventId: 3, type: 'ExecutionSucceeded' },
      ],
    },
  });
  mkdirSync(join(root, 'cases', 'alpha'), { recursive: true });
  mkdirSync(join(root, 'cases', 'beta'), { recursive: true });
  write('corpus/cases/alpha/one.json', pass('alpha/one', { a: 1 }));
  write('corpus/cases/alpha/two.json', { ...pass('alpha/two', { a: 2 }), expect: { status: 'SUCCEEDED', output: { a: 3 } } });
  // This one records every detail, as AWS's histories do: it matches exactly.
  const full = pass('beta/three', 'x');
  const notTruncated = { truncated: false };
  full.expect.history = [
    { id: 1, previousEventId: 0, type: 'ExecutionStarted', executionStartedEventDetails: { input: {}, inputDetails: notTruncated, roleArn: '<role>' } },
    { id: 2, previousEventId: 0, type: 'PassStateEntered', stateEnteredEventDetails: { input: {}, inputDetails: notTruncated, name: 'P' } },
    { id: 3, previousEventId: 2, type: 'PassStateExited', stateExitedEventDetails: { name: 'P', output: '"x"', outputDetails: notTruncated } },
    { id: 4, previousEventId: 3, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: '"x"', outputDetails: notTruncated } },
  ];
  write('corpus/cases/beta/three.json', full);
  return root;
}

test('conformance prints per-group figures and ends with the JSON summary line', () => {
  const root = corpus();
  const r = asl(['conformance', root, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ {2}alpha +1\/2 +history L1 1\/1, exact 0\/1$/);
  assert.match(lines[1], /^ {2}beta +1\/1 +history L1 1\/1, exact 1\/1$/);
  assert.equal(lines[2], 'conformance: 2/3 passed; history level 1: 2/2; exact: 1/2');
  assert.equal(lines.at(-1), JSON.stringify({
    total: { passed: 2, total: 3 },
    groups: { alpha: { passed: 1, total: 2 }, beta: { passed: 1, total: 1 } },
    historyLevel1: { matched: 2, total: 2 },
    historyExact: { matched: 1, total: 2 },
    failures: [{ id: 'alpha/two', reason: 'output differs: at $.a: expected 3, got 2; got {"a":2}' }],
  }));
});

test('conformance --failures lists failing cases, and histories that differ with where', () => {
  const r = asl(['conformance', corpus(), '--failures']);
  assert.match(r.stdout, /\n {2}FAIL alpha\/two: output differs: at \$\.a: expected 3, got 2/);
  assert.match(r.stdout, /\n {2}HISTORY alpha\/one: at event 1 \(ExecutionStarted\): unexpected key "executionStartedEventDetails"/);
  assert.doesNotMatch(r.stdout, /HISTORY beta/);
});

test('conformance --baseline exits 1 when a group falls below it, 0 otherwise', () => {
  const root = corpus();
  const ok = asl(['conformance', root, '--baseline', write('ok.txt', 'alpha 1\nbeta 1\n')]);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /every group is at or above its baseline/);
  const below = asl(['conformance', root, '--baseline', write('high.txt', '# minimums\nalpha 2\nbeta 1\n'), '--json']);
  assert.equal(below.code, 1);
  assert.match(below.stdout, /alpha +1\/2 +history L1 1\/1, exact 0\/1 +BELOW baseline 2/);
  assert.match(below.stdout, /below baseline: alpha 1 < 2/);
  assert.equal(JSON.parse(below.stdout.trim().split('\n').at(-1)).total.passed, 2);
  assertOneLineError(asl(['conformance', root, '--baseline', write('bad.txt', 'alpha two\n')]), /baseline file '.*bad\.txt' line 1: expected "group minimum"/);
});
