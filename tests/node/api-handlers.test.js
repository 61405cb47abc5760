// Handlers as a user writes them: which one runs, what it gets, what its answers become, and
// what happens when it misbehaves (the engine must carry on, and the next execution too).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const lambda = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const oneTask = (resource = lambda('work'), extra = {}) => StateMachine.create({
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: resource, End: true, ...extra } },
}, { name: 'handlers' });

test('state names win over ARNs, exact ARNs over patterns, the most literal pattern first', async () => {
  const machine = StateMachine.create({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: lambda('alpha'), Next: 'B' },
      B: { Type: 'Task', Resource: lambda('beta'), ResultPath: '$.b', Next: 'C' },
      C: { Type: 'Task', Resource: lambda('gamma'), ResultPath: '$.c', Next: 'D' },
      D: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', ResultPath: '$.d', End: true },
    },
  });
  const handlers = {
    [lambda('alpha')]: () => 'by ARN (loses to the name)',
    A: () => ({ a: 'by name' }),
    [lambda('beta')]: () => 'exact ARN',
    'arn:aws:lambda:*:function:beta': () => 'pattern (loses to the exact ARN)',
    'arn:aws:lambda:*': () => 'short pattern (loses to the longer one)',
    'arn:aws:lambda:us-east-1:*:function:*': () => 'long pattern',
    'arn:aws:states:::sqs:*': () => 'service pattern',
  };
  const result = await machine.start({}, { handlers }).done;
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  assert.deepEqual(result.output, { a: 'by name', b: 'exact ARN', c: 'long pattern', d: 'service pattern' });
});

test('a handler gets the effective input and the $$ context object', async () => {
  const machine = StateMachine.create({
    StartAt: 'Work',
    States: { Work: { Type: 'Task', Resource: lambda('work'), Parameters: { 'n.$': '$.n', 'name.$': '$$.Execution.Name' }, End: true } },
  }, { name: 'ctx', roleArn: 'arn:aws:iam::123456789012:role/custom' });
  let seen;
  const execution = machine.start({ n: 2, other: true }, {
    name: 'run-1',
    handlers: { Work: (input, context) => { seen = { input, context }; return null; } },
  });
  const result = await execution.done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: null });
  assert.deepEqual(seen.input, { n: 2, name: 'run-1' });
  assert.equal(seen.context.Execution.Name, 'run-1');
  assert.equal(seen.context.Execution.Id, 'arn:aws:states:us-east-1:123456789012:execution:ctx:run-1');
  assert.equal(execution.executionArn, seen.context.Execution.Id);
  assert.equal(seen.context.Execution.RoleArn, 'arn:aws:iam::123456789012:role/custom');
  assert.deepEqual(seen.context.Execution.Input, { n: 2, other: true });
  assert.equal(seen.context.State.Name, 'Work');
  assert.equal(seen.context.State.RetryCount, 0);
  assert.equal(seen.context.StateMachine.Name, 'ctx');
  assert.equal(execution.history[0].executionStartedEventDetails.roleArn, 'arn:aws:iam::123456789012:role/custom');
});

test('a Map over many items with a big input stays fast: $$.Execution is shared, not copied per task', async () => {
  const machine = StateMachine.create({
    StartAt: 'Each',
    States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambda('t'), End: true } } }, End: true } },
  });
  const items = Array.from({ length: 3000 }, (_, i) => ({ i, pad: 'p'.repeat(20) }));
  const contexts = new Set();
  const started = Date.now();
  const result = await machine.start(items, {
    handlers: { T: (input, context) => { contexts.add(context.Execution); return input.i; } },
    limits: { maxHistoryEvents: Infinity },
  }).done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.equal(result.output.length, 3000);
  assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
  assert.equal(contexts.size, 1);
  const [execution] = contexts;
  assert.equal(execution.Input.length, 3000);
  assert.ok(Object.isFrozen(execution) && Object.isFrozen(execution.Input[0]));
});

test('a handler returning nothing gives null; sync and async results alike', async () => {
  for (const handler of [() => {}, async () => {}, () => undefined]) {
    assert.deepEqual(await oneTask().start({}, { handlers: { Work: handler } }).done, { status: 'SUCCEEDED', output: null });
  }
});

test('thrown errors: error from an `error` property or the name, cause from the message', async () => {
  class PaymentDeclined extends Error {
    name = 'PaymentDeclined';
  }
  const cases = [
    [() => { throw new PaymentDeclined('card expired'); }, 'PaymentDeclined', 'card expired'],
    [async () => { throw new TypeError('bad'); }, 'TypeError', 'bad'],
    [() => { throw Object.assign(new Error('msg'), { error: 'Custom.Error' }); }, 'Custom.Error', 'msg'],
    [() => Promise.reject({ error: 'Plain.Object', cause: 'from a plain object' }), 'Plain.Object', 'from a plain object'],
  ];
  for (const [handler, error, cause] of cases) {
    const result = await oneTask().start({}, { handlers: { Work: handler } }).done;
    assert.deepEqual(result, { status: 'FAILED', error, cause });
  }
});

test('Retry and Catch see handler errors as they would see a Lambda error', async () => {
  const machine = StateMachine.create({
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Task',
        Resource: lambda('flaky'),
        Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2, IntervalSeconds: 60 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Recovered' }],
        End: true,
      },
      Recovered: { Type: 'Pass', End: true },
    },
  });
  const attempts = [];
  const started = Date.now();
  const execution = machine.start({ id: 7 }, {
    handlers: {
      Work: (input, context) => {
        attempts.push(context.State.RetryCount);
        const e = new Error(`attempt ${attempts.length}`);
        e.name = attempts.length < 3 ? 'Flaky' : 'Fatal';
        throw e;
      },
    },
  });
  const result = await execution.done;
  assert.ok(Date.now() - started < 2000, 'retry intervals pass on the virtual clock');
  assert.deepEqual(attempts, [0, 1, 2]);
  assert.deepEqual(result, { status: 'SUCCEEDED', output: { id: 7, caught: { Error: 'Fatal', Cause: 'attempt 3' } } });
  const failures = execution.history.filter((e) => e.type === 'LambdaFunctionFailed');
  assert.equal(failures.length, 3);
});

test('a Task without a handler or mock fails, naming the state, its resource and the fix', async () => {
  const result = await oneTask(lambda('missing')).start({}).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'asl-sim.NoHandler');
  assert.match(result.cause, /Task state 'Work'/);
  assert.match(result.cause, /function:missing/);
  assert.match(result.cause, /handlers: \{ 'Work': \(input, context\) =>/);
});

// ---- misbehaving callbacks ----

const bad = {
  'throws a string': [() => { throw 'boom'; }, 'States.TaskFailed', /Task state 'Work' threw a string: boom/],
  'throws undefined': [() => { throw undefined; }, 'States.TaskFailed', /Task state 'Work' threw undefined/],
  'rejects with null': [() => Promise.reject(null), 'States.TaskFailed', /Task state 'Work' threw null/],
  'returns a BigInt': [() => 10n, 'States.TaskFailed', /Task state 'Work' returned a value that is not JSON: it is a BigInt \(10n\)/],
  'resolves to a nested BigInt': [async () => ({ n: 1n }), 'States.TaskFailed', /Task state 'Work' returned a value that is not JSON: .*BigInt/],
  'returns a cyclic object': [() => { const o = {}; o.self = o; return o; }, 'States.TaskFailed', /Task state 'Work' returned a value that is not JSON: .*circular/i],
  'returns a function': [() => () => 1, 'States.TaskFailed', /not JSON: it is a function/],
  'returns NaN': [() => NaN, 'States.TaskFailed', /not JSON: it is NaN/],
  'returns Infinity inside an object': [() => ({ ok: 1, x: [Infinity] }), 'States.TaskFailed', /not JSON: it contains Infinity/],
  'returns a symbol': [() => Symbol('s'), 'States.TaskFailed', /not JSON: it is a symbol/],
  'has a throwing toJSON': [() => ({ toJSON() { throw new Error('nope'); } }), 'States.TaskFailed', /not JSON: nope/],
  'has a throwing `then` getter': [() => ({ get then() { throw new Error('trap'); } }), 'States.TaskFailed', /not JSON: trap/],
};

for (const [name, [handler, error, cause]] of Object.entries(bad)) {
  test(`a handler that ${name} fails its task with ${error}, and the engine carries on`, async () => {
    const result = await oneTask().start({}, { handlers: { Work: handler } }).done;
    assert.equal(result.status, 'FAILED', JSON.stringify(result));
    assert.equal(result.error, error);
    assert.match(result.cause, cause);
    // The next execution works as before.
    assert.deepEqual(await oneTask().start({ x: 1 }, { handlers: { Work: (i) => i } }).done, { status: 'SUCCEEDED', output: { x: 1 } });
  });
}

test('a thenable that resolves twice (and then rejects) counts once', async () => {
  let calls = 0;
  const thenable = { then(resolve, reject) { calls++; resolve('first'); resolve('second'); reject(new Error('late')); } };
  const result = await oneTask().start({}, { handlers: { Work: () => thenable } }).done;
  assert.deepEqual(result, { status: 'SUCCEEDED', output: 'first' });
  assert.equal(calls, 1);
});

test('a result over 256 KiB fails with States.DataLimitExceeded; maxPayloadBytes moves the limit', async () => {
  const big = 'x'.repeat(300 * 1024);
  const result = await oneTask().start({}, { handlers: { Work: () => ({ big }) } }).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.DataLimitExceeded');
  // As AWS records it, the call fails (the cause names the function) and Catch/Retry see it.
  assert.match(result.cause, /^The state\/task 'arn:aws:lambda:us-east-1:123456789012:function:work' returned a result with a size exceeding/);
  const relaxed = await oneTask().start({}, { handlers: { Work: () => ({ big }) }, limits: { maxPayloadBytes: Infinity } }).done;
  assert.equal(relaxed.status, 'SUCCEEDED');
  const strict = await oneTask().start({}, { handlers: { Work: () => 'x'.repeat(200) }, limits: { maxPayloadBytes: 100 } }).done;
  assert.equal(strict.error, 'States.DataLimitExceeded');
  // A failed call like any other: a States.ALL retrier retries it.
  const retried = oneTask(lambda('work'), { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }] });
  let calls = 0;
  const execution = retried.start({}, { handlers: { Work: () => { calls++; return { big }; } } });
  const r = await execution.done;
  assert.equal(r.error, 'States.DataLimitExceeded');
  assert.equal(calls, 4);
  const types = execution.history.map((e) => e.type);
  assert.equal(types.filter((t) => t === 'LambdaFunctionFailed').length, 4);
  assert.ok(!types.includes('LambdaFunctionSucceeded'));
});

test('an input over 256 KiB fails the execution with States.DataLimitExceeded', async () => {
  const machine = StateMachine.create({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { big: 'y'.repeat(270 * 1024) }, End: true } } });
  const result = await machine.start({}).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.DataLimitExceeded');
});

test('onEvent sees every event, in order, as it happens; a throwing onEvent does not stop the execution', async () => {
  const seen = [];
  const machine = oneTask();
  const execution = machine.start({ a: 1 }, {
    handlers: { Work: async (input) => { seen.push('handler'); return input; } },
    onEvent: (event) => seen.push(event.type),
  });
  const result = await execution.done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(seen, ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'handler',
    'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  assert.deepEqual(execution.history.map((e) => e.type), seen.filter((s) => s !== 'handler'));

  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args);
  try {
    const noisy = machine.start({}, { handlers: { Work: () => 1 }, onEvent: () => { throw new Error('listener bug'); } });
    assert.deepEqual(await noisy.done, { status: 'SUCCEEDED', output: 1 });
  } finally {
    console.error = original;
  }
  assert.equal(errors.length, 7); // one per event
});

test('options are checked: misspelt names and wrong types throw TypeError at once', () => {
  const machine = oneTask();
  assert.throws(() => machine.start({}, { handler: {} }), /no option 'handler'/);
  assert.throws(() => machine.start({}, { handlers: { Work: 'not a function' } }), /handlers\['Work'\] must be a function/);
  assert.throws(() => machine.start({}, { clock: 'fast' }), /clock must be 'virtual' or 'real'/);
  assert.throws(() => machine.start({}, { limits: { maxTransitons: 5 } }), /no option 'maxTransitons'/);
  assert.throws(() => machine.start({}, { limits: { maxTransitions: -1 } }), /positive integer or Infinity/);
  assert.throws(() => machine.start({}, { onEvent: 'log' }), /onEvent must be a function/);
  assert.throws(() => machine.start(10n), TypeError);
  assert.throws(() => machine.start(() => 1), /must be a JSON value/);
  assert.throws(() => StateMachine.create({ StartAt: 'P', States: {} }, { nmae: 'x' }), /no option 'nmae'/);
  assert.throws(() => StateMachine.create(42), /a definition is an object or JSON or YAML text/);
});
