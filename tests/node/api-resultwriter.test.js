// A Distributed Map's ResultWriter: the objects AWS would write to S3 (results files and
// manifest.json) go to the handler of the writer's Resource (s3:putObject), if any, and are
// listed in execution.resultFiles; the Map outputs where the manifest is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateMachine } from 'asl-sim';

const machine = (resultWriter) => StateMachine.create({
  StartAt: 'Orders',
  States: {
    Orders: {
      Type: 'Map',
      ItemsPath: '$.orders',
      ResultWriter: resultWriter,
      ToleratedFailureCount: 1,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Ship',
        States: { Ship: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
      },
      End: true,
    },
  },
});
const exportTo = (extra = {}) => ({ Resource: 'arn:aws:states:::s3:putObject', Parameters: { 'Bucket.$': '$.bucket', Prefix: 'runs' }, ...extra });
const ship = (order) => {
  if (order.id === 2) throw Object.assign(new Error('no stock'), { name: 'OutOfStock' });
  return [{ id: order.id, shipped: true }];
};

test('with no putObject handler the export is simulated: the Map outputs the manifest location, resultFiles shows the files', async () => {
  const execution = machine(exportTo()).start({ bucket: 'out', orders: [{ id: 1 }, { id: 2 }, { id: 3 }] }, { handlers: { Ship: ship } });
  const { status, output } = await execution.done;
  assert.equal(status, 'SUCCEEDED');
  const runId = output.MapRunArn.split(':').pop();
  assert.deepEqual(output.ResultWriterDetails, { Bucket: 'out', Key: `runs/${runId}/manifest.json` });
  const files = execution.resultFiles;
  assert.deepEqual(files.map((f) => [f.stateName, f.Bucket, f.Key]), [
    ['Orders', 'out', `runs/${runId}/SUCCEEDED_0.json`],
    ['Orders', 'out', `runs/${runId}/FAILED_0.json`],
    ['Orders', 'out', `runs/${runId}/manifest.json`],
  ]);
  const succeeded = JSON.parse(files[0].Body);
  assert.deepEqual(succeeded.map((r) => [r.Status, JSON.parse(r.Input), JSON.parse(r.Output)]), [
    ['SUCCEEDED', { id: 1 }, [{ id: 1, shipped: true }]],
    ['SUCCEEDED', { id: 3 }, [{ id: 3, shipped: true }]],
  ]);
  const [failed] = JSON.parse(files[1].Body);
  assert.equal(failed.Status, 'FAILED');
  assert.equal(failed.Error, 'OutOfStock');
  assert.equal(failed.Cause, 'no stock');
  const manifest = JSON.parse(files[2].Body);
  assert.equal(manifest.DestinationBucket, 'out');
  assert.equal(manifest.MapRunArn, output.MapRunArn);
  assert.deepEqual(manifest.ResultFiles.SUCCEEDED, [{ Key: files[0].Key, Size: Buffer.byteLength(files[0].Body) }]);
  assert.deepEqual(manifest.ResultFiles.PENDING, []);
  // The write is no task: no Task events in the Map's own history.
  assert.ok(!execution.history.some((e) => e.type.startsWith('Task')));
});

test('a putObject handler gets each object; FLATTEN and JSONL shape the files; a throw fails the Map with States.ResultWriterFailed', async () => {
  const put = [];
  const writer = exportTo({ WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } });
  const handlers = { Ship: ship, 'arn:aws:states:::s3:putObject': async (object, context) => { put.push([object.Key.split('/').pop(), object.Body, context.State.Name]); } };
  let result = await machine(writer).start({ bucket: 'out', orders: [{ id: 1 }, { id: 3 }] }, { handlers }).done;
  assert.equal(result.status, 'SUCCEEDED');
  assert.deepEqual(put.map(([name]) => name), ['SUCCEEDED_0.json', 'manifest.json']);
  assert.equal(put[0][1], '{"id":1,"shipped":true}\n{"id":3,"shipped":true}\n');
  assert.equal(put[0][2], 'Orders');
  const failing = { Ship: ship, 'arn:aws:states:::s3:*': () => { throw Object.assign(new Error('Access Denied'), { name: 'S3.AccessDenied' }); } };
  result = await machine(writer).start({ bucket: 'out', orders: [{ id: 1 }] }, { handlers: failing }).done;
  assert.equal(result.status, 'FAILED');
  assert.equal(result.error, 'States.ResultWriterFailed');
  assert.match(result.cause, /S3\.AccessDenied: Access Denied/);
});

test('the catch-all * handler stands in for Task states, not for the writer', async () => {
  const seen = [];
  const execution = machine(exportTo()).start({ bucket: 'out', orders: [{ id: 1 }] }, { handlers: { '*': (input) => { seen.push(input); return [input]; } } });
  const { status } = await execution.done;
  assert.equal(status, 'SUCCEEDED');
  assert.deepEqual(seen, [{ id: 1 }]);
  assert.equal(execution.resultFiles.length, 2);
});

test('WriterConfig alone shapes the Map output and writes nothing', async () => {
  const execution = machine({ WriterConfig: { Transformation: 'FLATTEN' } }).start({ orders: [{ id: 1 }, { id: 3 }] }, { handlers: { Ship: ship } });
  const { output } = await execution.done;
  assert.deepEqual(output, [{ id: 1, shipped: true }, { id: 3, shipped: true }]);
  assert.deepEqual(execution.resultFiles, []);
});
