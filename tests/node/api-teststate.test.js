// testState: one state on its own, answered in AWS TestState's shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testState } from 'asl-sim';

test('a Pass state reports every data-flow stage at DEBUG level, and where it goes next', () => {
  const r = testState(
    { Type: 'Pass', InputPath: '$.order', Parameters: { 'id.$': '$.id' }, ResultPath: '$.picked', Next: 'Ship' },
    { order: { id: 7, items: 2 } },
    { inspectionLevel: 'DEBUG' },
  );
  assert.equal(r.status, 'SUCCEEDED');
  assert.equal(r.nextState, 'Ship');
  assert.deepEqual(JSON.parse(r.output), { order: { id: 7, items: 2 }, picked: { id: 7 } });
  assert.deepEqual(JSON.parse(r.inspectionData.afterInputPath), { id: 7, items: 2 });
  assert.deepEqual(JSON.parse(r.inspectionData.afterParameters), { id: 7 });
  assert.deepEqual(JSON.parse(r.inspectionData.afterResultPath), { order: { id: 7, items: 2 }, picked: { id: 7 } });
  assert.equal(testState({ Type: 'Pass', End: true }, {}).inspectionData, undefined, 'INFO has no inspection data');
});

test('a Task is answered by the given result or error: SUCCEEDED, RETRIABLE, CAUGHT_ERROR, FAILED', () => {
  const task = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    ResultSelector: { 'n.$': '$.Payload.n' },
    Retry: [{ ErrorEquals: ['Busy'] }],
    Catch: [{ ErrorEquals: ['Bad'], Next: 'Recover' }],
    End: true,
  };
  const ok = testState(task, {}, { result: { Payload: { n: 3 } }, inspectionLevel: 'DEBUG' });
  assert.equal(ok.status, 'SUCCEEDED');
  assert.deepEqual(JSON.parse(ok.output), { n: 3 });
  assert.deepEqual(JSON.parse(ok.inspectionData.result), { Payload: { n: 3 } });
  assert.equal(testState(task, {}, { error: { error: 'Busy', cause: 'later' } }).status, 'RETRIABLE');
  const caught = testState(task, {}, { error: { error: 'Bad', cause: 'no' } });
  assert.equal(caught.status, 'CAUGHT_ERROR');
  assert.equal(caught.nextState, 'Recover');
  const failed = testState(task, {}, { error: { error: 'Other', cause: 'why' } });
  assert.deepEqual([failed.status, failed.error, failed.cause], ['FAILED', 'Other', 'why']);
});

test('JSONata states see the variables given; a bad state definition throws', () => {
  const r = testState({ Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $total * 2 %}', End: true }, {}, { variables: { total: 21 } });
  assert.equal(r.output, '42');
  assert.throws(() => testState({ Type: 'Nope', End: true }, {}), /Type/);
  assert.throws(() => testState({ Type: 'Pass', End: true }, {}, { result: 1, error: { error: 'x' } }), TypeError);
});

test('mocks as AWS takes them: a Map answered by its mock; refused where AWS refuses, in its words', () => {
  const map = { Type: 'Map', ItemsPath: '$.xs', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, ResultPath: '$.r', End: true };
  const r = testState(map, { xs: [1, 2] }, { result: ['a', 'b'] });
  assert.deepEqual([r.status, JSON.parse(r.output)], ['SUCCEEDED', { xs: [1, 2], r: ['a', 'b'] }]);
  assert.throws(() => testState(map, { xs: [] }), /TestState API does not support Map or Parallel states/);
  assert.throws(() => testState({ Type: 'Pass', End: true }, {}, { result: 1 }), /State type 'Pass' is not supported when a mock is specified/);
  const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
  assert.throws(() => testState(task, {}, { result: 1, revealSecrets: true }), /does not support RevealSecrets when a mock is specified/);
});

test("a mocked result is checked against the called API's answer, as strictly as fieldValidationMode says", () => {
  const start = { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'arn' }, End: true };
  assert.throws(() => testState(start, {}, { result: {} }), /Mock result schema validation error: Required field 'ExecutionArn' is missing/);
  assert.throws(() => testState(start, {}, { result: { ExecutionArn: 'a', StartDate: true } }), /Field 'StartDate' must be a string/);
  // PRESENT checks the fields given, NONE nothing; fields AWS's model does not name pass.
  assert.equal(testState(start, {}, { result: { Extra: 1 }, fieldValidationMode: 'PRESENT' }).status, 'SUCCEEDED');
  assert.throws(() => testState(start, {}, { result: { StartDate: 1 }, fieldValidationMode: 'PRESENT' }), /Field 'StartDate' must be a string/);
  assert.equal(testState(start, {}, { result: { StartDate: 1 }, fieldValidationMode: 'NONE' }).status, 'SUCCEEDED');
  assert.throws(() => testState(start, {}, { result: {}, fieldValidationMode: 'LAX' }), /fieldValidationMode must be STRICT, PRESENT or NONE/);
  const lambda = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true };
  assert.throws(() => testState(lambda, {}, { result: { StatusCode: '200' } }), /Field 'StatusCode' must be a number/);
  assert.equal(testState(lambda, {}, { result: { StatusCode: 200, Payload: 'anything' } }).status, 'SUCCEEDED');
});

test('a whole state machine, with stateName naming the state to test', () => {
  const machine = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true } } };
  const r = testState(machine, { n: 4 }, { stateName: 'B' });
  assert.deepEqual([r.status, JSON.parse(r.output)], ['SUCCEEDED', { doubled: 8 }]);
  assert.throws(() => testState(machine, {}, { stateName: 'C' }), /no state named 'C'/);
});

test('context and stateConfiguration: the test starts where a run would be', () => {
  // retrierRetryCount: the Retry rule has retried 4 times (backoff 1 s x 2^4), or is spent.
  const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 }], End: true };
  const boom = { error: 'Boom', cause: 'again' };
  const retried = testState(task, {}, { error: boom, inspectionLevel: 'DEBUG', stateConfiguration: { retrierRetryCount: 4 } });
  assert.deepEqual([retried.status, retried.inspectionData.errorDetails], ['RETRIABLE', { retryIndex: 0, retryBackoffIntervalSeconds: 16 }]);
  assert.equal(testState(task, {}, { error: boom, stateConfiguration: { retrierRetryCount: 5 } }).status, 'FAILED');
  // mapIterationFailureCount against the Map's ToleratedFailureCount.
  const map = {
    Type: 'Map', ItemsPath: '$.xs', ToleratedFailureCount: 1, ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
    Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: 'TooMany' }], End: true,
  };
  const failing = (n) => testState(map, { xs: [1, 2, 3] }, { result: [1, 2, 3], stateConfiguration: { mapIterationFailureCount: n } });
  assert.equal(failing(1).status, 'SUCCEEDED');
  assert.deepEqual([failing(2).status, failing(2).error, failing(2).nextState], ['CAUGHT_ERROR', 'States.ExceedToleratedFailureThreshold', 'TooMany']);
  assert.throws(() => testState(map, {}, { result: [], stateConfiguration: { retries: 1 } }), /has no option 'retries'/);
  assert.throws(() => testState(map, {}, { result: [], stateConfiguration: { mapIterationFailureCount: -1 } }), /0 or more/);
  assert.throws(() => testState(map, {}, { result: [], stateConfiguration: { mapIterationFailureCount: 2 ** 32 } }), /at most 4294967295/);
  // context: the whole $$, as JSON text or an object; refused in AWS's words.
  const echo = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ResultSelector: { 'name.$': '$$.State.Name' }, End: true };
  const named = testState(echo, {}, { result: {}, context: JSON.stringify({ State: { Name: 'Checkout' } }) });
  assert.deepEqual(JSON.parse(named.output), { name: 'Checkout' });
  assert.throws(() => testState(echo, {}, { result: {}, context: { Map: {} } }), /Invalid Context object provided: 'Map' field is not supported when mocking a Context object/);
  assert.throws(() => testState(echo, {}, { result: {}, context: { Execution: { Id: 1 } } }), /Execution.Id must be a string/);
});
