// run/test --mock-config and run --real-time go through the JS API's mockConfig, testCase and
// clock options. A build whose API lacks them must say so in one line (exit 2), not pretend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as api from 'asl-sim';
import { asl, assertOneLineError, fixtures } from './cli-helpers.js';

const { write } = fixtures('mockconfig');
const supported = typeof api.validate === 'function';

const definition = write('order.asl.json', {
  StartAt: 'Charge',
  States: {
    Charge: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
      Catch: [{ ErrorEquals: ['CardDeclined'], Next: 'Declined' }], Next: 'Notify',
    },
    Notify: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, ResultPath: null, End: true },
    Declined: { Type: 'Fail', Error: 'OrderDeclined' },
  },
});
const config = write('MockConfigFile.json', {
  StateMachines: { order: { TestCases: {
    HappyPath: { Charge: 'Charged', Notify: 'Sent' },
    Declined: { Charge: 'CardDeclined' },
    Incomplete: { Notify: 'Sent' },
  } } },
  MockedResponses: {
    Charged: { 0: { Return: { Payload: { charged: 42 }, StatusCode: 200 } } },
    Sent: { 0: { Return: { MessageId: 'm-1' } } },
    CardDeclined: { 0: { Throw: { Error: 'CardDeclined', Cause: 'no funds' } } },
  },
});
const wait = write('wait.json', { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } });

test('run --mock-config --test-case answers the Tasks from the mock config', { skip: !supported && 'the JS API has no mockConfig yet' }, () => {
  const ok = asl(['run', definition, '--mock-config', config, '--test-case', 'HappyPath', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { status: 'SUCCEEDED', output: { Payload: { charged: 42 }, StatusCode: 200 } });
  const declined = asl(['run', definition, '--mock-config', config, '--test-case', 'Declined']);
  assert.equal(declined.code, 1);
  assert.match(declined.stdout, /^status: FAILED\nerror: OrderDeclined\n/);
  assertOneLineError(asl(['run', definition, '--mock-config', config, '--test-case', 'Nope']), /no test case 'Nope'/);
  assertOneLineError(asl(['run', definition, '--mock-config', config]), /--mock-config and --test-case go together/);
});

test('test --mock-config runs every test case, fails the one missing a mock, reports coverage', { skip: !supported && 'the JS API has no mockConfig yet' }, () => {
  const r = asl(['test', '--mock-config', config, '--definition', definition]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^PASS {2}order › HappyPath \(SUCCEEDED\)\nPASS {2}order › Declined \(FAILED\)\nFAIL {2}order › Incomplete \(FAILED\)\n {6}asl-sim\.NoHandler: No handler for Task state 'Charge'/);
  assert.match(r.stdout, /coverage of .*order\.asl\.json: 3\/3 states, 2\/2 transitions\n/);
  assert.match(r.stdout, /3 tests: 2 passed, 1 failed\n$/);
  const one = asl(['test', '--mock-config', config, '--definition', definition, '--test-case', 'HappyPath', '--no-coverage']);
  assert.equal(one.code, 0, one.stdout);
  assertOneLineError(asl(['test', '--mock-config', config]), /--mock-config and --definition go together/);
});

test('run --real-time lets a Wait state take real time', { skip: !supported && 'the JS API has no real clock yet' }, () => {
  const started = Date.now();
  const r = asl(['run', wait, '--real-time']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - started >= 1000, 'a 1 s Wait took less than 1 s');
  const quick = Date.now();
  assert.equal(asl(['run', wait]).code, 0);
  assert.ok(Date.now() - quick < 1000, 'virtual time should not wait');
});

test('without the API support, --mock-config and --real-time say so in one line', { skip: supported && 'the JS API has them' }, () => {
  assertOneLineError(asl(['run', definition, '--mock-config', config, '--test-case', 'HappyPath']), /--mock-config needs the JS API's mockConfig support, which this build does not have yet/);
  assertOneLineError(asl(['run', wait, '--real-time']), /--real-time needs the JS API's real clock support/);
  assertOneLineError(asl(['test', '--mock-config', config, '--definition', definition]), /--mock-config needs the JS API's mockConfig support/);
});
