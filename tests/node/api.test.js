// The thin slice through the Node package: Pass, Task with a JS handler, a throwing handler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const pass = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { hello: 'world' }, End: true } } };
const task = (resource = 'arn:aws:lambda:us-east-1:123456789012:function:work') => ({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: resource, End: true } },
});

test('a Pass state with a Result succeeds with that result', async () => {
  const execution = StateMachine.create(pass).start({ ignored: true });
  const result = await execution.done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { hello: 'world' });
  const types = execution.history.map((e) => e.type);
  assert.equal(types[0], 'ExecutionStarted');
  assert.equal(types.at(-1), 'ExecutionSucceeded');
});

test('a Task state calls its JS handler with the input and uses its result', async () => {
  const calls = [];
  const handlers = {
    Work: async (input, context) => {
      calls.push({ input, context });
      return { doubled: input.n * 2 };
    },
  };
  const result = await StateMachine.create(task()).start({ n: 21 }, { handlers }).done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, { doubled: 42 });
  assert.equal(calls.length, 1);
  assert.deepEqual(calls[0].input, { n: 21 });
  assert.equal(typeof calls[0].context, 'object');
});

test('a handler can be keyed by Resource ARN and return synchronously', async () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:sync';
  const result = await StateMachine.create(task(arn)).start({ a: 1 }, { handlers: { [arn]: (input) => [input.a, 2] } }).done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(result.output, [1, 2]);
});

test('a throwing handler fails the execution with error = err.name, cause = err.message', async () => {
  class InventoryError extends Error {
    name = 'InventoryError';
  }
  for (const handler of [
    () => { throw new InventoryError('out of stock'); },
    async () => { throw new InventoryError('out of stock'); },
  ]) {
    const result = await StateMachine.create(task()).start({}, { handlers: { Work: handler } }).done;
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'InventoryError');
    assert.equal(result.cause, 'out of stock');
  }
});

test('a Task state with no handler fails the execution, naming the state', async () => {
  const result = await StateMachine.create(task()).start({}).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'asl-sim.NoHandler');
  assert.match(result.cause, /No handler for Task state 'Work'/);
});

test('a Wait state passes on the virtual clock, without real waiting', async () => {
  const wait = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } };
  const execution = StateMachine.create(wait).start({ x: 1 });
  const started = Date.now();
  const result = await execution.done;
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(result, { status: 'SUCCEEDED', output: { x: 1 } });
  const times = execution.history.map((e) => Date.parse(e.timestamp));
  assert.equal(times.at(-1) - times[0], 3600 * 1000);
});

test('Parallel branches run their async handlers concurrently and join in order', async () => {
  const branch = (name) => ({ StartAt: name, States: { [name]: { Type: 'Task', Resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, End: true } } });
  const def = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch('Slow'), branch('Fast')], End: true } } };
  const order = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = (label, ms) => async (input) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight--;
    order.push(label);
    return `${label}:${input.v}`;
  };
  const result = await StateMachine.create(def).start({ v: 7 }, { handlers: { Slow: handler('slow', 50), Fast: handler('fast', 5) } }).done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: ['slow:7', 'fast:7'] });
  assert.deepEqual(order, ['fast', 'slow']);
  assert.equal(maxInFlight, 2);
});
