// A Distributed Map's ItemReader: its items come from S3, which a handler keyed by the Map
// state's name stands in for (it returns what s3:getObject or s3:listObjectsV2 would).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const distributedMap = (itemReader, extra = {}) => StateMachine.create({
  StartAt: 'Ratings',
  States: {
    Ratings: {
      Type: 'Map',
      ItemReader: itemReader,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Rate',
        States: { Rate: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
      },
      End: true,
      ...extra,
    },
  },
});
const csvReader = {
  Resource: 'arn:aws:states:::s3:getObject',
  ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 2 },
  Parameters: { 'Bucket.$': '$.bucket', Key: 'ratings.csv' },
};

test('a CSV object read by the Map\'s handler becomes items, cut to MaxItems', async () => {
  const seen = [];
  const execution = distributedMap(csvReader).start({ bucket: 'my-bucket' }, {
    handlers: {
      Ratings: (readerInput, context) => {
        seen.push([readerInput, context.State.Name]);
        return 'user,stars\nada,5\nbob,"4"\ncyd,3\n';
      },
      Rate: (row) => Number(row.stars),
    },
  });
  const { status, output } = await execution.done;
  assert.equal(status, 'SUCCEEDED');
  assert.deepEqual(output, [5, 4]);
  assert.deepEqual(seen, [[{ Key: 'ratings.csv', Bucket: 'my-bucket' }, 'Ratings']]);
  // The read is no task: AWS records no Task events for it (the Lambda calls run in child executions).
  assert.ok(!execution.history.some((e) => e.type.startsWith('Task')), execution.history.map((e) => e.type).join());
});

test('an async handler, JSON and JSONL content, and a Buffer', async () => {
  const json = distributedMap({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } });
  const handlers = { Rate: (item) => item.n * 2 };
  let result = await json.start({}, { handlers: { ...handlers, Ratings: async () => [{ n: 1 }, { n: 2 }] } }).done;
  assert.deepEqual(result.output, [2, 4]);
  result = await json.start({}, { handlers: { ...handlers, Ratings: () => Buffer.from('[{"n":5}]') } }).done;
  assert.deepEqual(result.output, [10]);
  const jsonl = distributedMap({ Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' }, Parameters: { Bucket: 'b', Key: 'k' } });
  result = await jsonl.start({}, { handlers: { ...handlers, Ratings: () => '{"n":3}\n{"n":4}\n' } }).done;
  assert.deepEqual(result.output, [6, 8]);
});

test('listObjectsV2: each listed object becomes an item with the fields AWS gives it', async () => {
  const machine = distributedMap({ Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b', Prefix: 'in/' } });
  const { status, output } = await machine.start({}, {
    handlers: {
      Ratings: () => ({ Contents: [{ Key: 'in/a.csv', Size: 10, ETag: '"e"', LastModified: new Date('2024-01-02T03:04:05Z'), StorageClass: 'STANDARD', Owner: { ID: 'x' } }] }),
      Rate: (item) => item,
    },
  }).done;
  assert.equal(status, 'SUCCEEDED');
  assert.deepEqual(output, [{ Etag: '"e"', Key: 'in/a.csv', LastModified: 1704164645, Size: 10, StorageClass: 'STANDARD' }]);
});

test('without a handler, or when it throws, the Map fails with States.ItemReaderFailed', async () => {
  const machine = distributedMap(csvReader);
  let result = await machine.start({ bucket: 'b' }, { handlers: { Rate: () => 1 } }).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.ItemReaderFailed');
  assert.match(result.cause, /Map state 'Ratings'/);
  assert.match(result.cause, /handlers: \{ 'Ratings': \(readerInput, context\) => \.\.\. \}/);
  assert.match(result.cause, /CSV object's text/);
  // A handler for the reader's ARN does not count: the reader is found by the Map's name.
  result = await machine.start({ bucket: 'b' }, { handlers: { 'arn:aws:states:::s3:getObject': () => 'a\n1' } }).done;
  assert.equal(result.error, 'States.ItemReaderFailed');

  const err = Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
  result = await machine.start({ bucket: 'b' }, { handlers: { Ratings: () => { throw err; } } }).done;
  assert.deepEqual([result.status, result.error], ['FAILED', 'States.ItemReaderFailed']);
  assert.match(result.cause, /NoSuchKey: The specified key does not exist\./);
  result = await machine.start({ bucket: 'b' }, { handlers: { Ratings: async () => undefined } }).done;
  assert.equal(result.error, 'States.ItemReaderFailed');
  assert.match(result.cause, /returned undefined/);

});
