// mockConfig + testCase: Step Functions Local's MockConfigFile, unchanged (the example of AWS's
// documentation, "Configuration File for Mocked Service Integrations").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const definition = {
  StartAt: 'LambdaState',
  States: {
    LambdaState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'HelloWorldFunction', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: 'SQSState',
    },
    SQSState: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/myQueue', 'MessageBody.$': '$' },
      End: true,
    },
  },
};

const mockConfig = {
  StateMachines: {
    LambdaSQSIntegration: {
      TestCases: {
        HappyPath: { LambdaState: 'MockedLambdaSuccess', SQSState: 'MockedSQSSuccess' },
        RetryPath: { LambdaState: 'MockedLambdaRetry', SQSState: 'MockedSQSSuccess' },
        HybridPath: { LambdaState: 'MockedLambdaSuccess' },
      },
    },
  },
  MockedResponses: {
    MockedLambdaSuccess: { 0: { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } } },
    LambdaMockedResourceNotReady: { 0: { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } } },
    MockedSQSSuccess: { 0: { Return: { MD5OfMessageBody: '3bcb6e8e-7h85-4375-b0bc-1a59812c6e51', MessageId: '3bcb6e8e-8b51-4375-b0bc-1a59812c6e51' } } },
    MockedLambdaRetry: {
      0: { Throw: { Error: 'Lambda.ResourceNotReadyException', Cause: 'Lambda resource is not ready.' } },
      '1-2': { Throw: { Error: 'Lambda.TimeoutException', Cause: 'Lambda timed out.' } },
      3: { Return: { StatusCode: 200, Payload: { StatusCode: 200, body: 'Hello from Lambda!' } } },
    },
  },
};

const machine = StateMachine.create(definition, { name: 'LambdaSQSIntegration' });
const sqsOutput = mockConfig.MockedResponses.MockedSQSSuccess[0].Return;

test('HappyPath: every Task answered by its mocked response, no handler needed', async () => {
  const execution = machine.start({ hello: 1 }, { mockConfig, testCase: 'HappyPath' });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: sqsOutput });
  const succeeded = execution.history.filter((e) => e.type === 'TaskSucceeded');
  assert.equal(succeeded.length, 2);
  assert.deepEqual(JSON.parse(succeeded[0].taskSucceededEventDetails.output), mockConfig.MockedResponses.MockedLambdaSuccess[0].Return);
});

test('RetryPath: invocations 0, 1-2 throw and 3 returns; retries count as invocations', async () => {
  const execution = machine.start({}, { mockConfig: JSON.stringify(mockConfig), testCase: 'RetryPath' });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: sqsOutput });
  const failed = execution.history.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails.error);
  assert.deepEqual(failed, ['Lambda.ResourceNotReadyException', 'Lambda.TimeoutException', 'Lambda.TimeoutException']);
});

test('HybridPath: unmocked states go to the handlers; mocked states never call them', async () => {
  const calls = [];
  const handlers = {
    LambdaState: () => { calls.push('LambdaState'); return 'not used'; },
    'arn:aws:states:::sqs:*': (input) => { calls.push('SQSState'); return { sent: input.MessageBody.Payload.body }; },
  };
  const result = await machine.start({}, { mockConfig, testCase: 'HybridPath', handlers }).done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: { sent: 'Hello from Lambda!' } });
  assert.deepEqual(calls, ['SQSState']);
});

test('an invocation the mocked response does not cover fails the execution, whatever Retry says', async () => {
  const config = {
    StateMachines: { LambdaSQSIntegration: { TestCases: { Short: { LambdaState: 'Once' } } } },
    MockedResponses: { Once: { 0: { Throw: { Error: 'Boom', Cause: 'first' } } } },
  };
  const result = await machine.start({}, { mockConfig: config, testCase: 'Short' }).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.Runtime');
  assert.match(result.cause, /no mocked response for invocation 1 of Task state 'LambdaState'/);
});

test('mocked .waitForTaskToken and .sync tasks are submitted, then succeed', async () => {
  const m = StateMachine.create({
    StartAt: 'Callback',
    States: {
      Callback: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, Next: 'Job' },
      Job: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', ResultPath: '$.job', End: true },
    },
  }, { name: 'Mixed' });
  const config = {
    StateMachines: { Mixed: { TestCases: { T: { Callback: 'Approved', Job: 'Ran' } } } },
    MockedResponses: { Approved: { 0: { Return: { approved: true } } }, Ran: { 0: { Return: { exitCode: 0 } } } },
  };
  const execution = m.start({}, { mockConfig: config, testCase: 'T' });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { approved: true, job: { exitCode: 0 } } });
  const types = execution.history.map((e) => e.type).filter((t) => t.startsWith('Task') && !t.includes('State'));
  assert.deepEqual(types, ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
});

test('mock configuration mistakes are reported at start, naming what exists', () => {
  assert.throws(() => machine.start({}, { mockConfig, testCase: 'SadPath' }), /no test case 'SadPath' .*'HappyPath', 'RetryPath', 'HybridPath'/);
  assert.throws(() => machine.start({}, { mockConfig }), /mockConfig needs a testCase/);
  assert.throws(() => machine.start({}, { testCase: 'HappyPath' }), /testCase needs a mockConfig/);
  const other = StateMachine.create(definition, { name: 'Other' });
  assert.throws(() => other.start({}, { mockConfig, testCase: 'HappyPath' }), /no state machine named 'Other'.*'LambdaSQSIntegration'/);
  const typo = { ...mockConfig, StateMachines: { LambdaSQSIntegration: { TestCases: { T: { LambdaStat: 'MockedLambdaSuccess' } } } } };
  assert.throws(() => machine.start({}, { mockConfig: typo, testCase: 'T' }), /'LambdaStat', which is not a Task state/);
  const dangling = { ...mockConfig, StateMachines: { LambdaSQSIntegration: { TestCases: { T: { LambdaState: 'Nope' } } } } };
  assert.throws(() => machine.start({}, { mockConfig: dangling, testCase: 'T' }), /'Nope', which is not in 'MockedResponses'/);
  assert.throws(() => machine.start({}, { mockConfig: '{"MockedResponses": ', testCase: 'T' }), /not valid JSON/);
  assert.throws(() => machine.start({}, { mockConfig: { MockedResponses: { R: { first: { Return: 1 } } } }, testCase: 'T' }), /keys are invocation numbers/);
});
