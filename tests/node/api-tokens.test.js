// Callback tasks (.waitForTaskToken), jobs (.sync), NEVER and the virtual clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, NEVER, StateMachine } from 'asl-sim';

const callback = (extra = {}) => StateMachine.create({
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'token.$': '$$.Task.Token', 'order.$': '$.order' } },
      ...extra,
      End: true,
    },
  },
});

/** Waits (a few event-loop turns) until the execution has a pending task with a token. */
async function tokenOf(execution) {
  for (let i = 0; i < 100; i++) {
    const task = execution.pendingTasks().find((t) => t.token);
    if (task) return task;
    await sleep(1);
  }
  throw new Error('no task with a token');
}

test('a callback task: the handler submits, pendingTasks shows the token, sendTaskSuccess ends it', async () => {
  let message;
  const execution = callback().start({ order: 42 }, {
    handlers: { Approve: (input) => { message = input; return { MessageId: 'm-1' }; } },
  });
  const task = await tokenOf(execution);
  assert.equal(task.stateName, 'Approve');
  assert.equal(task.resource, 'arn:aws:states:::sqs:sendMessage.waitForTaskToken');
  assert.equal(typeof task.taskId, 'number');
  assert.deepEqual(task.input, message);
  assert.equal(message.MessageBody.token, task.token);
  assert.equal(execution.status, 'RUNNING');
  execution.sendTaskSuccess(task.token, { approved: true });
  const result = await execution.done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: { approved: true } });
  const types = execution.history.map((e) => e.type);
  assert.deepEqual(types.slice(2, 6), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
  const submitted = execution.history.find((e) => e.type === 'TaskSubmitted');
  assert.equal(submitted.taskSubmittedEventDetails.output, '{"MessageId":"m-1"}');
  assert.deepEqual(execution.pendingTasks(), []);
  // The token is spent: AWS says TaskTimedOut; an unknown token is InvalidToken.
  assert.throws(() => execution.sendTaskSuccess(task.token, {}), (e) => e instanceof ApiError && e.name === 'TaskTimedOut');
  assert.throws(() => execution.sendTaskSuccess('AQBnope', {}), (e) => e instanceof ApiError && e.name === 'InvalidToken');
  assert.throws(() => execution.sendTaskHeartbeat(''), (e) => e.name === 'InvalidToken');
});

test('a callback task needs no handler: it waits for its token', async () => {
  const execution = callback().start({ order: 1 });
  const task = await tokenOf(execution);
  assert.throws(() => execution.sendTaskSuccess(task.token, 10n), (e) => e instanceof ApiError && e.name === 'InvalidOutput');
  execution.sendTaskHeartbeat(task.token);
  execution.sendTaskFailure(task.token, 'Rejected', 'no stock');
  const result = await execution.done;
  assert.deepEqual(result, { status: 'FAILED', error: 'Rejected', cause: 'no stock' });
  assert.ok(!execution.history.some((e) => e.type === 'TaskSubmitted'));
});

test('a token sent back from inside the handler still lands after TaskSubmitted', async () => {
  const execution = callback().start({ order: 2 }, {
    handlers: {
      Approve: (input, context) => {
        execution.sendTaskSuccess(context.Task.Token, 'early');
        return { MessageId: 'm-2' };
      },
    },
  });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: 'early' });
  const types = execution.history.map((e) => e.type);
  assert.ok(types.indexOf('TaskSubmitted') < types.indexOf('TaskSucceeded'), types.join());
});

test('time does not run while a task waits for its token; NEVER lets its timeout fire at once', async () => {
  const started = Date.now();
  const waiting = callback({ TimeoutSeconds: 30 }).start({ order: 3 }, { handlers: { Approve: () => ({}) } });
  await tokenOf(waiting);
  await sleep(20);
  assert.equal(waiting.status, 'RUNNING'); // the 30 s timeout is not reached on the virtual clock
  waiting.stop();
  assert.equal((await waiting.done).status, 'ABORTED');

  const never = callback({ TimeoutSeconds: 30 }).start({ order: 4 }, { handlers: { Approve: () => NEVER } });
  const result = await never.done;
  assert.deepEqual(result, { status: 'FAILED', error: 'States.Timeout' });
  assert.ok(Date.now() - started < 2000);
  const times = never.history.map((e) => Date.parse(e.timestamp));
  assert.equal(times.at(-1) - times[0], 30_000);
});

test('NEVER from a request-response handler: the task times out on the virtual clock', async () => {
  const machine = StateMachine.create({
    StartAt: 'Slow',
    States: { Slow: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:slow', TimeoutSeconds: 5, End: true } },
  });
  const execution = machine.start({}, { handlers: { Slow: async () => NEVER } });
  assert.deepEqual(await execution.done, { status: 'FAILED', error: 'States.Timeout' });
  assert.ok(execution.history.some((e) => e.type === 'LambdaFunctionTimedOut'));
});

test('a slow handler holds the virtual clock: a parallel Wait does not time its task out', async () => {
  const machine = StateMachine.create({
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        End: true,
        Branches: [
          { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 60, End: true } } },
          { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:w', TimeoutSeconds: 10, End: true } } },
        ],
      },
    },
  });
  const execution = machine.start({}, { handlers: { Work: async () => { await sleep(30); return 'done'; } } });
  const result = await execution.done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: [{}, 'done'] });
});

test('a .sync task: the handler result is the job result, after TaskSubmitted', async () => {
  const machine = StateMachine.create({
    StartAt: 'Job',
    States: { Job: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'j' }, End: true } },
  });
  const execution = machine.start({}, { handlers: { Job: async (input) => ({ Status: 'SUCCEEDED', name: input.JobName }) } });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { Status: 'SUCCEEDED', name: 'j' } });
  const types = execution.history.map((e) => e.type);
  assert.deepEqual(types.slice(2, 6), ['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
});

test('abandonPendingTasks lets the virtual clock run to a waiting task\'s timeout; nothing pending answers 0', async () => {
  const execution = callback({ TimeoutSeconds: 30 }).start({ order: 1 }, { handlers: { Approve: () => ({ MessageId: 'm-1' }) } });
  const task = await tokenOf(execution);
  // Without it, the virtual clock waits for the token for as long as it takes.
  await sleep(20);
  assert.equal(execution.status, 'RUNNING');
  assert.equal(execution.abandonPendingTasks(), 1);
  const result = await execution.done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.Timeout');
  const h = execution.history;
  const submitted = h.find((e) => e.type === 'TaskSubmitted');
  const timedOut = h.find((e) => e.type === 'TaskTimedOut');
  assert.equal(Date.parse(timedOut.timestamp) - Date.parse(submitted.timestamp), 30_000);
  // The task has ended: its token is refused as AWS refuses it, and nothing is pending.
  assert.throws(() => execution.sendTaskSuccess(task.token, {}), (e) => e instanceof ApiError && e.name === 'TaskTimedOut');
  assert.equal(execution.abandonPendingTasks(), 0);
});
