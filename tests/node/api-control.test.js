// Driving an execution from outside: stop, pause/resume, step, the real clock, limits, and the
// live history.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, StateMachine } from 'asl-sim';

const lambda = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const passes = StateMachine.create({
  StartAt: 'One',
  States: {
    One: { Type: 'Pass', Result: 1, ResultPath: '$.one', Next: 'Two' },
    Two: { Type: 'Pass', Result: 2, ResultPath: '$.two', Next: 'Three' },
    Three: { Type: 'Pass', Result: 3, ResultPath: '$.three', End: true },
  },
});

test('stop() aborts a running execution with the error and cause given; after the end it does nothing', async () => {
  const machine = StateMachine.create({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda('w'), End: true } } });
  let release;
  const execution = machine.start({}, { handlers: { Work: () => new Promise((r) => { release = r; }) } });
  await sleep(5);
  execution.stop('Cancelled', 'the user changed their mind');
  const result = await execution.done;
  assert.deepEqual(result, { status: 'ABORTED', error: 'Cancelled', cause: 'the user changed their mind' });
  assert.equal(execution.status, 'ABORTED');
  const types = execution.history.map((e) => e.type);
  assert.deepEqual(types.slice(-2), ['TaskStateAborted', 'ExecutionAborted']);
  release('too late'); // a handler that answers after the stop is ignored
  await sleep(5);
  execution.stop('Again');
  assert.equal(execution.history.length, types.length);
  assert.deepEqual(await passes.start({}).done, { status: 'SUCCEEDED', output: { one: 1, two: 2, three: 3 } });
});

test('pause() holds the execution (running handlers finish); resume() goes on', async () => {
  const machine = StateMachine.create({
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: lambda('w'), Next: 'After' }, After: { Type: 'Pass', End: true } },
  });
  let finished = false;
  const execution = machine.start({}, { handlers: { Work: async () => { await sleep(10); finished = true; return 'ok'; } } });
  await sleep(1);
  execution.pause();
  await sleep(30);
  assert.ok(finished);
  assert.equal(execution.status, 'RUNNING');
  assert.ok(!execution.history.some((e) => e.type === 'LambdaFunctionSucceeded'), 'the answer waits while paused');
  execution.resume();
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: 'ok' });
});

test('step() does one unit of work at a time and resolves to the events it added', async () => {
  const execution = passes.start({});
  const steps = [];
  for (let i = 0; i < 20 && execution.status === 'RUNNING'; i++) steps.push(await execution.step());
  assert.equal(execution.status, 'SUCCEEDED');
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { one: 1, two: 2, three: 3 } });
  // Each step added something, one state at a time, and together they are the whole history.
  assert.ok(steps.every((events) => events.length > 0));
  assert.ok(steps.length >= 3, `${steps.length} steps`);
  assert.deepEqual(steps.flat().map((e) => e.id), execution.history.slice(1).map((e) => e.id));
  assert.deepEqual(await execution.step(), []); // ended
});

test('step() waits for a handler, then feeds its answer as one unit; resume() finishes the run', async () => {
  const machine = StateMachine.create({
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: lambda('w'), Next: 'After' }, After: { Type: 'Pass', End: true } },
  });
  const execution = machine.start({ n: 1 }, { handlers: { Work: async (input) => { await sleep(5); return input.n + 1; } } });
  execution.pause();
  const seen = [];
  while (!seen.includes('LambdaFunctionSucceeded')) {
    for (const event of await execution.step()) seen.push(event.type);
  }
  assert.equal(execution.status, 'RUNNING');
  execution.resume();
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: 2 });
});

test('the real clock: a Wait takes real time and timestamps are the wall clock', async () => {
  const machine = StateMachine.create({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } });
  const started = Date.now();
  const execution = machine.start({}, { clock: 'real' });
  const result = await execution.done;
  const elapsed = Date.now() - started;
  assert.equal(result.status, 'SUCCEEDED');
  assert.ok(elapsed >= 950 && elapsed < 3000, `${elapsed} ms`);
  const first = Date.parse(execution.history[0].timestamp);
  const last = Date.parse(execution.history.at(-1).timestamp);
  assert.ok(Math.abs(first - started) < 500, 'starts now');
  assert.ok(last - first >= 1000);
});

test('the real clock: a task times out while its handler is still working', async () => {
  const machine = StateMachine.create({
    StartAt: 'Slow',
    States: { Slow: { Type: 'Task', Resource: lambda('slow'), TimeoutSeconds: 1, End: true } },
  });
  const started = Date.now();
  const execution = machine.start({}, { clock: 'real', handlers: { Slow: () => sleep(1500, 'late') } });
  const result = await execution.done;
  const elapsed = Date.now() - started;
  assert.deepEqual(result, { status: 'FAILED', error: 'States.Timeout' });
  assert.ok(elapsed >= 950 && elapsed < 1400, `${elapsed} ms`);
  // With the virtual clock the same handler finishes: time waits for it.
  assert.deepEqual(await machine.start({}, { handlers: { Slow: () => sleep(50, 'in time') } }).done, { status: 'SUCCEEDED', output: 'in time' });
});

test('an endless Pass loop ends FAILED within the limits, fast', async () => {
  // A valid machine (it has an end) whose data never lets it get there.
  const loop = StateMachine.create({
    StartAt: 'Again',
    States: {
      Again: { Type: 'Pass', Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }], Default: 'Again' },
      Done: { Type: 'Succeed' },
    },
  });
  let started = Date.now();
  const result = await loop.start({}).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.Runtime');
  assert.match(result.cause, /25000/); // AWS's history limit comes first
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);

  started = Date.now();
  const capped = loop.start({}, { limits: { maxTransitions: 100 } });
  const r = await capped.done;
  assert.equal(r.error, 'States.Runtime');
  assert.match(r.cause, /100 state transitions/);
  assert.ok(capped.history.length < 450);

  const events = await loop.start({}, { limits: { maxHistoryEvents: 50 } }).done;
  assert.match(events.cause, /maximum number of history events \(50\)/);
});

test('history grows as the execution runs, and is a copy', async () => {
  const machine = StateMachine.create({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda('w'), End: true } } });
  let release;
  const execution = machine.start({}, { handlers: { Work: () => new Promise((r) => { release = r; }) } });
  assert.deepEqual(execution.history.map((e) => e.type), ['ExecutionStarted']);
  await sleep(5);
  const during = execution.history;
  assert.deepEqual(during.map((e) => e.type), ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted']);
  during.length = 0;
  release({ ok: true });
  await execution.done;
  const after = execution.history;
  assert.equal(after.length, 7);
  assert.deepEqual(after.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(after[4].lambdaFunctionSucceededEventDetails.output, '{"ok":true}');
});

test('startTime and seed make runs reproducible', async () => {
  const machine = StateMachine.create({
    StartAt: 'U',
    States: { U: { Type: 'Pass', Parameters: { 'id.$': 'States.UUID()', 'at.$': '$$.Execution.StartTime' }, End: true } },
  });
  const run = (seed) => machine.start({}, { seed, startTime: '2024-05-01T12:00:00Z' }).done;
  const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.output.id, c.output.id);
  assert.equal(a.output.at, '2024-05-01T12:00:00.000Z');
});

test('dispose frees an ended execution: status and done stay, the history is gone', async () => {
  const machine = StateMachine.create({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const execution = machine.start({ a: 1 });
  const result = await execution.done;
  assert.equal(result.status, 'SUCCEEDED');
  execution.dispose();
  execution.dispose(); // twice is fine
  assert.equal(execution.status, 'SUCCEEDED');
  assert.deepEqual(await execution.done, result);
  assert.throws(() => execution.history, (e) => e instanceof ApiError && e.name === 'ExecutionDisposed');
  assert.deepEqual(execution.pendingTasks(), []);
  assert.deepEqual(await execution.step(), []);
  execution.stop(); // nothing to stop
  if (typeof Symbol.dispose === 'symbol') assert.equal(execution[Symbol.dispose], execution.dispose);
});

test('dispose stops a running execution first, and its memory is reused by the next one', async () => {
  const waiting = StateMachine.create({
    StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } },
  });
  const execution = waiting.start({}, { handlers: { W: () => ({}) } });
  await new Promise((resolve) => setTimeout(resolve, 0));
  const [task] = execution.pendingTasks();
  execution.dispose();
  const result = await execution.done;
  assert.equal(result.status, 'ABORTED');
  assert.throws(() => execution.sendTaskSuccess(task.token, {}), (e) => e instanceof ApiError && e.name === 'ExecutionDisposed');

  // A 20,000-iteration loop keeps ~4 MiB of history in wasm memory. Disposed, the next run
  // reuses it; kept, every run grows the process (JS's garbage collector does not see it).
  const loop = StateMachine.create({
    StartAt: 'Inc',
    States: {
      Inc: { Type: 'Pass', Parameters: { 'i.$': 'States.MathAdd($.i, 1)', 'n.$': '$.n' }, Next: 'Check' },
      Check: { Type: 'Choice', Choices: [{ Variable: '$.i', NumericLessThanPath: '$.n', Next: 'Inc' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  const run = async () => {
    const e = loop.start({ i: 0, n: 20000 }, { limits: { maxHistoryEvents: Infinity, maxTransitions: Infinity } });
    assert.equal((await e.done).status, 'SUCCEEDED');
    return e;
  };
  (await run()).dispose();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 6; i++) (await run()).dispose();
  const grownDisposed = process.memoryUsage().rss - before;
  const kept = [];
  const before2 = process.memoryUsage().rss;
  for (let i = 0; i < 6; i++) kept.push(await run());
  const grownKept = process.memoryUsage().rss - before2;
  assert.ok(grownKept > 12 * 2 ** 20, `six kept runs grew the process by ${grownKept} bytes`);
  assert.ok(grownDisposed < grownKept / 3, `disposed: +${grownDisposed} bytes, kept: +${grownKept} bytes`);
  for (const e of kept) e.dispose();
});
