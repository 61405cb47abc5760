// Big values go to handlers shared, not copied (src/wasm/shared.rs, #placeShared in
// js/index.js): what a handler may rely on, and that the engine's record never changes when
// user code holds the same objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const lambda = (name) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const bigRows = (count) => Array.from({ length: count }, (_, id) => ({ id, name: `row-${id}`, ok: true }));
const loop = (extra = {}) => StateMachine.create({
  StartAt: 'Shape',
  States: {
    Shape: {
      Type: 'Task', Resource: lambda('shape'), InputPath: '$.doc', ResultPath: '$.doc', Next: 'Check', ...extra,
    },
    Check: { Type: 'Choice', Choices: [{ Variable: '$.doc.i', NumericLessThan: 3, Next: 'Shape' }], Default: 'Done' },
    Done: { Type: 'Succeed' },
  },
});

test('a big value a handler passes on reaches the next handler as the same frozen object', async () => {
  const seen = [];
  const handlers = {
    Shape: (input) => {
      seen.push(input);
      return { rows: input.rows, i: input.i + 1 };
    },
  };
  const rows = bigRows(2000);
  const result = await loop().start({ doc: { rows, i: 0 } }, { handlers }).done;
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  assert.equal(seen.length, 3);
  assert.notEqual(seen[0].rows, rows, 'the engine never freezes the caller\'s own input');
  assert.ok(!Object.isFrozen(rows));
  assert.ok(Object.isFrozen(seen[0].rows) && Object.isFrozen(seen[0].rows[5]), 'shared values are frozen throughout');
  assert.equal(seen[1].rows, seen[0].rows, 'not copied on the way back and forth');
  assert.equal(seen[2].rows, seen[0].rows);
  assert.ok(!Object.isFrozen(seen[1]), 'the top level is the handler\'s own');
  assert.deepEqual(result.output, { doc: { rows, i: 3 } });
  assert.equal(result.output.doc.rows, seen[0].rows, 'the output shares it too');
  assert.ok(!Object.isFrozen(result.output), 'the output\'s top level is the caller\'s own');
});

test('the history records values, whatever user code does later with its own objects', async () => {
  const kept = [];
  const handlers = {
    Shape: (input) => {
      const fresh = { rows: bigRows(1000).map((r) => ({ ...r, i: input.i })), i: input.i + 1 };
      kept.push(fresh);
      return fresh;
    },
  };
  const execution = loop().start({ doc: { rows: [], i: 0 } }, { handlers });
  const result = await execution.done;
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  kept[0].rows.length = 0; // the handler's own object: changing it later changes no record
  kept[0].i = 99;
  const succeeded = execution.history.filter((e) => e.type === 'LambdaFunctionSucceeded');
  assert.equal(succeeded.length, 3);
  const first = JSON.parse(succeeded[0].lambdaFunctionSucceededEventDetails.output);
  assert.equal(first.i, 1);
  assert.equal(first.rows.length, 1000);
  assert.equal(first.rows[999].i, 0);
});

test('a handler that changes a shared value fails with a hint, and small values stay changeable', async () => {
  const big = await loop().start({ doc: { rows: bigRows(2000), i: 0 } }, {
    handlers: { Shape: (input) => { input.rows.push({ id: -1 }); return input; } },
  }).done;
  assert.equal(big.status, 'FAILED');
  assert.equal(big.error, 'TypeError');
  assert.match(big.cause, /frozen and shared instead of copied.*structuredClone/);

  const small = await loop().start({ doc: { rows: bigRows(3), i: 0 } }, {
    handlers: { Shape: (input) => { input.rows.push({ id: input.i }); input.i += 1; return input; } },
  }).done;
  assert.equal(small.status, 'SUCCEEDED', JSON.stringify(small));
  assert.equal(small.output.doc.rows.length, 6);
});

test('a shared value at the top level: the handler gets its own copy to change', async () => {
  const machine = StateMachine.create({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: lambda('a'), ResultPath: '$.rows', Next: 'B' },
      B: { Type: 'Task', Resource: lambda('b'), InputPath: '$.rows', ResultPath: '$.count', End: true },
    },
  });
  let fromA;
  const handlers = {
    A: () => (fromA = bigRows(2000)),
    B: (rows) => {
      rows.push('mine'); // its own top level
      return rows.length;
    },
  };
  const execution = machine.start({}, { handlers });
  const result = await execution.done;
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  assert.equal(result.output.count, 2001);
  assert.equal(result.output.rows.length, 2000, 'the engine\'s value is unchanged');
  const scheduled = execution.history.filter((e) => e.type === 'LambdaFunctionScheduled');
  assert.equal(JSON.parse(scheduled[1].lambdaFunctionScheduledEventDetails.input).length, 2000);
  assert.equal(fromA.length, 2000);
});

test('a string that looks like a shared reference stays a string', async () => {
  const machine = StateMachine.create({ StartAt: 'A', States: { A: { Type: 'Task', Resource: lambda('a'), End: true } } });
  const lookalike = '\u0000asl-sim-shared:abc:0';
  const result = await machine.start({ rows: bigRows(2000) }, {
    handlers: { A: (input) => ({ s: lookalike, rows: input.rows, n: input.rows.length }) },
  }).done;
  assert.equal(result.status, 'SUCCEEDED', JSON.stringify(result));
  assert.equal(result.output.s, lookalike);
  assert.equal(result.output.n, 2000);
});
