// asl-sim test: users' tests in the corpus case format, readable differences, coverage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asl, fixtures } from './cli-helpers.js';

const { dir, write } = fixtures('test');

write('order.asl.yaml', `StartAt: Validate
States:
  Validate:
    Type: Task
    Resource: \${ValidateFn}
    Next: InStock?
  InStock?:
    Type: Choice
    Choices:
      - Variable: $.inStock
        BooleanEquals: true
        Next: Charge
    Default: OutOfStock
  Charge:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: charge
      Payload.$: $
    ResultSelector:
      charged.$: $.Payload.charged
    Catch:
      - ErrorEquals: [CardDeclined]
        Next: Declined
    Next: Notify
  Notify:
    Type: Task
    Resource: arn:aws:states:::sqs:sendMessage
    Parameters:
      QueueUrl: https://sqs.us-east-1.amazonaws.com/123456789012/orders
      MessageBody: order charged
    ResultPath: null
    End: true
  Declined:
    Type: Fail
    Error: OrderDeclined
    Cause: The card was declined
  OutOfStock:
    Type: Succeed
`);

const shared = { definition: 'order.asl.yaml', substitutions: { ValidateFn: 'arn:aws:lambda:us-east-1:123456789012:function:validate' } };
const happy = {
  name: 'happy path',
  input: { orderId: 'o-1' },
  mocks: {
    Validate: [{ return: { orderId: 'o-1', inStock: true } }],
    Charge: [{ return: { Payload: { charged: 42 }, StatusCode: 200 } }],
    Notify: [{ return: { MessageId: 'm-1' } }],
  },
  expect: { status: 'SUCCEEDED', output: { charged: 42 }, path: ['Validate', 'InStock?', 'Charge', 'Notify'] },
};
const declined = {
  name: 'card declined',
  input: { orderId: 'o-2' },
  mocks: {
    Validate: [{ return: { orderId: 'o-2', inStock: true } }],
    Charge: [{ throw: { error: 'CardDeclined', cause: 'insufficient funds' } }],
  },
  expect: { status: 'FAILED', error: 'OrderDeclined', cause: 'The card was declined', path: ['Validate', 'InStock?', 'Charge', 'Declined'] },
};

test('passing tests exit 0 and print PASS per test, with a coverage report', () => {
  const file = write('order.test.json', { ...shared, tests: [happy, declined] });
  const r = asl(['test', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^PASS {2}.*order\.test\.json › happy path\nPASS {2}.*order\.test\.json › card declined\n/);
  assert.match(r.stdout, /coverage of .*order\.asl\.yaml: 5\/6 states, 4\/5 transitions\n/);
  assert.match(r.stdout, /states never entered: OutOfStock\n/);
  assert.match(r.stdout, /transitions never taken:\n {4}InStock\? --Default--> OutOfStock\n/);
  assert.match(r.stdout, /2 tests: 2 passed, 0 failed\n$/);
});

test('a test asserting a wrong output and a wrong path fails with a readable diff', () => {
  const wrong = {
    ...happy,
    name: 'wrong expectations',
    expect: { output: { charged: 41, currency: 'EUR' }, path: ['Validate', 'InStock?', 'Declined'] },
  };
  const r = asl(['test', write('wrong.test.json', { ...shared, tests: [wrong] })]);
  assert.equal(r.code, 1);
  const expected = [
    'FAIL  ' + `${dir}/wrong.test.json › wrong expectations`,
    '      output at $.charged: expected 41, got 42',
    '      output at $.currency: expected "EUR", got nothing (missing key)',
    '      path differs at step 3: expected "Declined", got "Charge"',
    '        expected: Validate → InStock? → Declined',
    '        actual:   Validate → InStock? → Charge → Notify',
  ].join('\n');
  assert.ok(r.stdout.startsWith(`${expected}\n`), r.stdout);
  assert.match(r.stdout, /1 test: 0 passed, 1 failed\n$/);
});

test('status, error and cause mismatches are reported; nested paths are named', () => {
  const nested = {
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', Result: { a: { b: [1, 2, { c: 'x' }] } }, End: true } } },
    tests: [
      { name: 'deep', expect: { output: { a: { b: [1, 2, { c: 'y' }] } } } },
      { name: 'status', expect: { status: 'FAILED', error: 'Boom' } },
      { name: 'extra', expect: { output: { a: { b: [1, 2] } } } },
    ],
  };
  const r = asl(['test', write('nested.test.json', nested)]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}.* › deep\n {6}output at \$\.a\.b\[2\]\.c: expected "y", got "x"\n/);
  assert.match(r.stdout, /FAIL {2}.* › status\n {6}status: expected FAILED, got SUCCEEDED\n {6}error: expected "Boom", got null\n/);
  assert.match(r.stdout, /FAIL {2}.* › extra\n {6}output at \$\.a\.b\[2\]: unexpected \{"c":"x"\} \(the array has 3 items, expected 2\)\n/);
});

test('a case without expect must succeed; placeholders in expectations match anything', () => {
  const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:t', End: true } } };
  const r = asl(['test', write('ph.test.json', [
    { name: 'no expect', definition: def, mocks: { T: [{ return: { id: 'abc-123' } }] } },
    { name: 'placeholders', definition: def, mocks: { T: [{ return: { id: 'abc-123', arn: 'arn:aws:sqs:eu-west-1:1:q' } }] }, expect: { output: { id: '<uuid>', arn: 'arn:aws:sqs:<region>:1:q' } } },
    { name: 'no mock', definition: def, expect: { status: 'SUCCEEDED' } },
  ])]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /PASS {2}.* › no expect\n/);
  assert.match(r.stdout, /PASS {2}.* › placeholders\n/);
  assert.match(r.stdout, /FAIL {2}.* › no mock\n {6}status: expected SUCCEEDED, got FAILED \(error "asl-sim\.MockMissing", cause "The test gives no mocked response for Task state 'T'"\)\n/);
});

test('timeouts, retries and Catch: the mocks feed each call in order', () => {
  const def = {
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:c', TimeoutSeconds: 5,
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut' }, { ErrorEquals: ['States.ALL'], Next: 'Other' }],
        End: true,
      },
      TimedOut: { Type: 'Pass', Result: 'timed out', End: true },
      Other: { Type: 'Pass', Result: 'other', End: true },
    },
  };
  const r = asl(['test', write('retry.test.json', {
    definition: def,
    tests: [
      { name: 'retry then time out', mocks: { Call: [{ throw: { error: 'Flaky' } }, { timeout: {} }] }, expect: { output: 'timed out', path: ['Call', 'TimedOut'] } },
      { name: 'retry then succeed', mocks: { Call: [{ throw: { error: 'Flaky' } }, { return: 'ok' }] }, expect: { output: 'ok', path: ['Call'] } },
    ],
  })]);
  assert.equal(r.code, 0, r.stdout);
  // The Catch[0] transition was taken, Catch[1] never: coverage tells them apart.
  assert.match(r.stdout, /2\/3 states, 1\/2 transitions\n {2}states never entered: Other\n {2}transitions never taken:\n {4}Call --Catch\[1\] \["States\.ALL"\]--> Other\n/);
});

test('coverage follows Map and Parallel branches', () => {
  const def = {
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Odd?', States: {
        'Odd?': { Type: 'Choice', Choices: [{ Variable: '$', NumericGreaterThan: 10, Next: 'Big' }], Default: 'Small' },
        Big: { Type: 'Pass', End: true }, Small: { Type: 'Pass', End: true } } }, Next: 'Both' },
      Both: { Type: 'Parallel', Branches: [{ StartAt: 'L', States: { L: { Type: 'Pass', End: true } } }, { StartAt: 'R', States: { R: { Type: 'Pass', Next: 'R2' }, R2: { Type: 'Succeed' } } }], End: true },
    },
  };
  const r = asl(['test', write('map.test.json', { definition: def, input: { items: [1, 2] } }), '--json']);
  assert.equal(r.code, 0, r.stdout);
  const report = JSON.parse(r.stdout);
  assert.equal(report.passed, 1);
  const [coverage] = report.coverage;
  assert.deepEqual(coverage.states, { covered: 7, total: 8, never: ['Big'] });
  assert.deepEqual(coverage.transitions, { covered: 3, total: 4, never: ['Odd? --Choices[0]--> Big'] });
});

test('a test whose definition has errors fails with file:line:column diagnostics', () => {
  write('broken.asl.yaml', 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Gone\n');
  const r = asl(['test', write('broken.test.json', { definition: 'broken.asl.yaml' })]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /FAIL {2}.*broken\.test\.json\n {6}the definition has errors:\n {8}.*broken\.asl\.yaml:5:11: ERROR MISSING_TRANSITION_TARGET Missing 'Next' target: Gone\n/);
});

test('--sub on the command line fills the placeholders of every test', () => {
  const file = write('nosubs.test.json', { definition: 'order.asl.yaml', tests: [happy] });
  assert.equal(asl(['test', file]).code, 1);
  const r = asl(['test', file, '--sub', 'ValidateFn=arn:aws:lambda:us-east-1:123456789012:function:v', '--no-coverage']);
  assert.equal(r.code, 0, r.stdout);
  assert.doesNotMatch(r.stdout, /coverage/);
});
