// asl-sim test-state: the flags of `aws stepfunctions test-state`, TestState's response as
// JSON, exit 0 whatever the state's status, 1 with AWS's error on a refused request, 2 on usage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asl, assertOneLineError, fixtures } from './cli-helpers.js';

const { dir, write } = fixtures('test-state');

const invoke = {
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: 'charge', 'Payload.$': '$' },
  ResultSelector: { 'charged.$': '$.Payload.charged' },
  Retry: [{ ErrorEquals: ['Throttled'], MaxAttempts: 2, IntervalSeconds: 3 }],
  Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
  Next: 'Notify',
};

/** Runs test-state; expects exit 0 and returns the parsed response. */
function answer(args) {
  const r = asl(['test-state', ...args]);
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

/** Runs test-state; expects TestState to refuse: exit 1, AWS's error on one line. */
function refused(args, name, pattern) {
  const r = asl(['test-state', ...args]);
  assert.equal(r.code, 1, `exit ${r.code}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^An error occurred \\(${name}\\) when calling the TestState operation: `));
  assert.match(r.stderr, pattern);
}

test('a Pass at DEBUG: output and inspectionData as JSON text, nextState, pretty JSON like the AWS CLI', () => {
  const definition = JSON.stringify({ Type: 'Pass', InputPath: '$.order', Parameters: { 'id.$': '$.id' }, ResultPath: '$.picked', Next: 'Charge' });
  const r = asl(['test-state', '--definition', definition, '--input', '{"order": {"id": "o-1"}}', '--inspection-level', 'DEBUG']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\{\n {4}"output": /);
  const response = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(response), ['output', 'inspectionData', 'nextState', 'status']);
  assert.equal(response.status, 'SUCCEEDED');
  assert.equal(response.nextState, 'Charge');
  // ResultPath places the result into the state's input as it came, before InputPath.
  assert.deepEqual(JSON.parse(response.output), { order: { id: 'o-1' }, picked: { id: 'o-1' } });
  const data = response.inspectionData;
  assert.equal(data.input, '{"order":{"id":"o-1"}}');
  assert.equal(data.afterInputPath, '{"id":"o-1"}');
  assert.equal(data.afterParameters, '{"id":"o-1"}');
  assert.equal(data.afterResultPath, '{"order":{"id":"o-1"},"picked":{"id":"o-1"}}');
  // INFO, the default, has no inspectionData; --compact prints one line.
  const info = asl(['test-state', '--definition', definition, '--input', '{"order": {"id": "o-1"}}', '--compact']);
  assert.equal(info.stdout, '{"output":"{\\"order\\":{\\"id\\":\\"o-1\\"},\\"picked\\":{\\"id\\":\\"o-1\\"}}","nextState":"Charge","status":"SUCCEEDED"}\n');
});

test('a Task with a mocked result (JSON text, as AWS takes mock.result); --variables reach the state', () => {
  const mock = JSON.stringify({ result: JSON.stringify({ StatusCode: 200, Payload: { charged: 42 } }) });
  const response = answer(['--definition', JSON.stringify(invoke), '--input', '{"amount": 42}', '--mock', mock, '--inspection-level', 'DEBUG']);
  assert.equal(response.status, 'SUCCEEDED');
  assert.equal(response.nextState, 'Notify');
  assert.deepEqual(JSON.parse(response.output), { charged: 42 });
  assert.deepEqual(JSON.parse(response.inspectionData.afterParameters), { FunctionName: 'charge', Payload: { amount: 42 } });
  assert.deepEqual(JSON.parse(response.inspectionData.result), { StatusCode: 200, Payload: { charged: 42 } });

  const jsonata = JSON.stringify({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $limit * 2 %}', End: true });
  assert.deepEqual(answer(['--definition', jsonata, '--variables', '{"limit": 5}']), { output: '10', status: 'SUCCEEDED' });
});

test('an errorOutput mock: RETRIABLE while Retry has attempts left, then CAUGHT_ERROR by Catch; FAILED exits 0 too', () => {
  const mock = '{"errorOutput": {"error": "Throttled", "cause": "slow down"}}';
  const retriable = answer(['--definition', JSON.stringify(invoke), '--mock', mock, '--inspection-level', 'DEBUG']);
  assert.equal(retriable.status, 'RETRIABLE');
  assert.equal(retriable.error, 'Throttled');
  assert.equal(retriable.cause, 'slow down');
  assert.deepEqual(retriable.inspectionData.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: 3 });

  const spent = answer(['--definition', JSON.stringify(invoke), '--mock', mock, '--state-configuration', '{"retrierRetryCount": 2}', '--inspection-level', 'DEBUG']);
  assert.equal(spent.status, 'CAUGHT_ERROR');
  assert.equal(spent.nextState, 'Refund');
  assert.deepEqual(JSON.parse(spent.output), { Error: 'Throttled', Cause: 'slow down' });
  assert.deepEqual(spent.inspectionData.errorDetails, { catchIndex: 0 });

  // No Retry matches, so Catch takes it at once.
  const caught = answer(['--definition', JSON.stringify(invoke), '--mock', '{"errorOutput": {"error": "CardDeclined"}}']);
  assert.equal(caught.status, 'CAUGHT_ERROR');
  assert.equal(caught.nextState, 'Refund');

  const fail = answer(['--definition', '{"Type": "Fail", "Error": "OrderDeclined", "Cause": "no"}']);
  assert.deepEqual(fail, { error: 'OrderDeclined', cause: 'no', status: 'FAILED' });
});

test('refused requests exit 1 with AWS error names: a mock on a Pass, a bad mock, a bad definition, bad input', () => {
  refused(['--definition', '{"Type": "Pass", "End": true}', '--mock', '{"result": "{}"}'], 'ValidationException', /State type 'Pass' is not supported when a mock is specified/);
  refused(['--definition', JSON.stringify(invoke), '--mock', '{"result": "{\\"StatusCode\\": \\"200\\"}"}'], 'ValidationException', /Mock result schema validation error: Field 'StatusCode' must be a number/);
  refused(['--definition', JSON.stringify(invoke), '--mock', '{"result": "not json"}'], 'ValidationException', /mocked result is not valid JSON/);
  refused(['--definition', JSON.stringify(invoke), '--mock', '{"result": "{}"}', '--reveal-secrets'], 'ValidationException', /RevealSecrets/);
  refused(['--definition', '{"Type": "Wait", "End": true}'], 'InvalidDefinition', /Invalid State Machine Definition: '.*Seconds/);
  refused(['--definition', '{"Type": "Pass", "End": true}', '--input', '{nope'], 'InvalidExecutionInput', /./);
  refused(['--definition', '{"Type": "Pass", "End": true}', '--inspection-level', 'VERBOSE'], 'ValidationException', /inspectionLevel/);
});

test('a whole state machine with --state-name, from a YAML file by path or file://', () => {
  const machine = write('order.asl.yaml', `StartAt: Validate
States:
  Validate:
    Type: Pass
    Result: {valid: true}
    ResultPath: $.check
    Next: Charge
  Charge:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: charge
    End: true
`);
  const byPath = answer(['--definition', machine, '--state-name', 'Validate', '--input', '{"id": 1}']);
  assert.deepEqual(byPath, { output: '{"id":1,"check":{"valid":true}}', nextState: 'Charge', status: 'SUCCEEDED' });
  assert.deepEqual(answer(['--definition', `file://${machine}`, '--state-name', 'Validate', '--input', '{"id": 1}']), byPath);
  const charge = answer(['--definition', `file://${machine}`, '--state-name', 'Charge', '--mock', '{"result": "{\\"StatusCode\\": 200, \\"Payload\\": 1}"}']);
  assert.equal(charge.status, 'SUCCEEDED');
  assert.equal(charge.nextState, undefined);
  refused(['--definition', machine, '--state-name', 'Ship'], 'ValidationException', /no state named 'Ship'/);

  // file:// for the other parameters too, and @file for --input as elsewhere in asl-sim.
  const input = write('input.json', { id: 2 });
  const mock = write('mock.json', { errorOutput: { error: 'Boom' } });
  assert.equal(answer(['--definition', machine, '--state-name', 'Validate', '--input', `file://${input}`]).output, '{"id":2,"check":{"valid":true}}');
  assert.equal(answer(['--definition', machine, '--state-name', 'Validate', '--input', `@${input}`]).output, '{"id":2,"check":{"valid":true}}');
  assert.equal(answer(['--definition', machine, '--state-name', 'Charge', '--mock', `file://${mock}`]).status, 'FAILED');
  // --role-arn is accepted and changes nothing.
  assert.deepEqual(answer(['--definition', machine, '--state-name', 'Validate', '--input', '{"id": 1}', '--role-arn', 'arn:aws:iam::123456789012:role/test']), byPath);
});

test('usage errors: one line, exit 2', () => {
  const pass = '{"Type": "Pass", "End": true}';
  assertOneLineError(asl(['test-state']), /needs --definition/);
  assertOneLineError(asl(['test-state', pass]), /takes no file arguments/);
  assertOneLineError(asl(['test-state', '--definition', `${dir}/missing.json`]), /cannot read definition file .*missing\.json': no such file/);
  assertOneLineError(asl(['test-state', '--definition', `file://${dir}/missing.json`]), /no such file/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--bogus', 'x']), /unknown option '--bogus' for 'test-state'/);
  assertOneLineError(asl(['test-state', '--definition']), /option '--definition' needs a value/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--mock', '{"result": {"a": 1}}']), /--mock result must be a string \(JSON text/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--mock', '{"results": "{}"}']), /unknown member 'results' in --mock/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--mock', '{"errorOutput": {"error": 1}}']), /--mock errorOutput error must be a string/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--mock', 'nope']), /--mock is not valid JSON/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--variables', '[1]']), /--variables takes a JSON object/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--state-configuration', '{"retrierRetryCount": "2"}']), /retrierRetryCount must be an integer/);
  assertOneLineError(asl(['test-state', '--definition', pass, '--reveal-secrets', '--no-reveal-secrets']), /one at a time/);
  const help = asl(['test-state', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: asl-sim test-state --definition/);
  for (const flag of ['--input', '--inspection-level', '--variables', '--mock', '--context', '--state-configuration', '--state-name', '--reveal-secrets', '--role-arn']) {
    assert.match(help.stdout, new RegExp(`\\n  ${flag} `));
  }
});
