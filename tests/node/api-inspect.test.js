// execution.inspect(enteredEventId): the value after each data-flow stage of one state visit,
// recorded when the execution is started with trace: true (the history does not record them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const lambda = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

/** The entered events of the history, in order, as [stateName, id]. */
const entered = (execution) => execution.history
  .filter((e) => e.type.endsWith('StateEntered'))
  .map((e) => [e.stateEnteredEventDetails.name, e.id]);

test('a JSONPath Task: every stage from InputPath to OutputPath, and a Pass with Parameters', async () => {
  const machine = StateMachine.create({
    StartAt: 'Shape',
    States: {
      Shape: { Type: 'Pass', Parameters: { 'order.$': '$.order', fixed: true }, Next: 'Price' },
      Price: {
        Type: 'Task',
        Resource: lambda('price'),
        InputPath: '$.order',
        Parameters: { 'sku.$': '$.sku', 'qty.$': '$.qty' },
        ResultSelector: { 'total.$': '$.amount' },
        ResultPath: '$.price',
        OutputPath: '$.price',
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  });
  const execution = machine.start({ order: { sku: 'A1', qty: 2 } }, {
    trace: true,
    handlers: { Price: (input) => ({ amount: input.qty * 5, currency: 'EUR' }) },
  });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { total: 10 } });
  const [[shapeName, shapeId], [priceName, priceId], [doneName, doneId]] = entered(execution);
  assert.deepEqual([shapeName, priceName, doneName], ['Shape', 'Price', 'Done']);

  assert.deepEqual(execution.inspect(shapeId), {
    stateName: 'Shape',
    input: { order: { sku: 'A1', qty: 2 } },
    afterInputPath: { order: { sku: 'A1', qty: 2 } },
    afterParameters: { order: { sku: 'A1', qty: 2 }, fixed: true },
    afterResultSelector: { order: { sku: 'A1', qty: 2 }, fixed: true },
    afterResultPath: { order: { sku: 'A1', qty: 2 }, fixed: true },
    output: { order: { sku: 'A1', qty: 2 }, fixed: true },
    errors: [],
    retries: 0,
    nextState: 'Price',
  });
  assert.deepEqual(execution.inspect(priceId), {
    stateName: 'Price',
    input: { order: { sku: 'A1', qty: 2 }, fixed: true },
    afterInputPath: { sku: 'A1', qty: 2 },
    afterParameters: { sku: 'A1', qty: 2 },
    result: { amount: 10, currency: 'EUR' },
    afterResultSelector: { total: 10 },
    afterResultPath: { order: { sku: 'A1', qty: 2 }, fixed: true, price: { total: 10 } }, // on the raw input
    output: { total: 10 },
    errors: [],
    retries: 0,
    nextState: 'Done',
  });
  const done = execution.inspect(doneId);
  assert.equal(done.stateName, 'Done');
  assert.deepEqual(done.input, { total: 10 });
  assert.deepEqual(done.output, { total: 10 });

  // Ids that name no entered event answer undefined.
  const other = execution.history.find((e) => e.type === 'TaskStateExited').id;
  for (const id of [other, 0, -1, 1.5, 10_000, '2', undefined]) assert.equal(execution.inspect(id), undefined, String(id));
});

test('a JSONata state: Arguments, the result, Output and Assign', async () => {
  const machine = StateMachine.create({
    QueryLanguage: 'JSONata',
    StartAt: 'Call',
    States: {
      Call: {
        Type: 'Task',
        Resource: lambda('call'),
        Arguments: { n: '{% $states.input.n + 1 %}' },
        Assign: { seen: '{% $states.result.doubled %}' },
        Output: { value: '{% $states.result.doubled %}' },
        End: true,
      },
    },
  });
  const execution = machine.start({ n: 4 }, { trace: true, handlers: { Call: (input) => ({ doubled: input.n * 2 }) } });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { value: 10 } });
  const [[, id]] = entered(execution);
  assert.deepEqual(execution.inspect(id), {
    stateName: 'Call',
    input: { n: 4 },
    afterArguments: { n: 5 },
    result: { doubled: 10 },
    output: { value: 10 },
    assignedVariables: { seen: 10 },
    errors: [],
    retries: 0,
  });
});

test('a retried Task: one error per failed attempt, the retries, and the result of the last attempt', async () => {
  const machine = StateMachine.create({
    StartAt: 'Flaky',
    States: {
      Flaky: {
        Type: 'Task',
        Resource: lambda('flaky'),
        Retry: [{ ErrorEquals: ['Busy'], MaxAttempts: 3, IntervalSeconds: 1 }],
        End: true,
      },
    },
  });
  let calls = 0;
  const execution = machine.start({}, {
    trace: true,
    handlers: {
      Flaky: () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error(`attempt ${calls}`), { error: 'Busy' });
        return { ok: calls };
      },
    },
  });
  assert.deepEqual(await execution.done, { status: 'SUCCEEDED', output: { ok: 3 } });
  const [[, id]] = entered(execution);
  const visit = execution.inspect(id);
  assert.deepEqual(visit.errors, [{ error: 'Busy', cause: 'attempt 1' }, { error: 'Busy', cause: 'attempt 2' }]);
  assert.equal(visit.retries, 2);
  assert.deepEqual(visit.result, { ok: 3 });
  assert.deepEqual(visit.output, { ok: 3 });
});

test('without trace: true nothing is recorded; a running execution answers the visits so far', async () => {
  const machine = StateMachine.create({
    StartAt: 'First',
    States: {
      First: { Type: 'Pass', Result: 'one', ResultPath: '$.first', Next: 'Wait' },
      Wait: { Type: 'Task', Resource: lambda('wait'), End: true },
    },
  });
  const plain = machine.start({}, { handlers: { Wait: () => 'ok' } });
  await plain.done;
  assert.equal(plain.inspect(entered(plain)[0][1]), undefined);
  assert.throws(() => machine.start({}, { trace: 'yes' }), TypeError);

  let release;
  const running = machine.start({}, { trace: true, handlers: { Wait: () => new Promise((r) => { release = r; }) } });
  await new Promise((r) => setTimeout(r, 5));
  const [[, first], [, wait]] = entered(running);
  assert.deepEqual(running.inspect(first), {
    stateName: 'First',
    input: {},
    afterInputPath: {},
    result: 'one',
    afterResultSelector: 'one',
    afterResultPath: { first: 'one' },
    output: { first: 'one' },
    errors: [],
    retries: 0,
    nextState: 'Wait',
  });
  const partial = running.inspect(wait);
  assert.deepEqual(partial.afterParameters, { first: 'one' });
  assert.equal(partial.output, undefined);
  release('ok');
  assert.equal((await running.done).status, 'SUCCEEDED');
  assert.equal(running.inspect(wait).output, 'ok');
  running.dispose();
  assert.throws(() => running.inspect(wait), { name: 'ExecutionDisposed' });
});
