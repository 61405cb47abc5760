// The state inspector shows the value after every data-flow stage (the engine's trace of the
// visit, from the worker), not only the definition's field: a Pass with Parameters, and a Task's
// InputPath, Parameters, result, ResultSelector, ResultPath and OutputPath.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPlayground, setEditor as setEditorOf } from './browser.js';

let browser;
let page;
let errors;

before(async () => {
  ({ browser, page, errors } = await openPlayground());
});

after(async () => browser?.close());

const setEditor = (id, text) => setEditorOf(page, id, text);

const definition = {
  StartAt: 'Shape',
  States: {
    Shape: { Type: 'Pass', Parameters: { 'order.$': '$.order', fixed: true }, Next: 'Price' },
    Price: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:us-east-1:123456789012:function:price',
      InputPath: '$.order',
      Parameters: { 'sku.$': '$.sku', 'qty.$': '$.qty' },
      ResultSelector: { 'total.$': '$.amount' },
      ResultPath: '$.price',
      OutputPath: '$.price',
      End: true,
    },
  },
};

/** The value a stage of the inspector shows (its `pre.value`), parsed; undefined when it has none. */
async function stageValue(label) {
  const stage = page.locator(`#inspector-body details.stage[data-stage="${label}"]`);
  assert.equal(await stage.count(), 1, `one stage ${label}`);
  const value = stage.locator('pre.value');
  return (await value.count()) ? JSON.parse(await value.textContent()) : undefined;
}

test('after a run, a clicked state shows the value after each of its stages', async () => {
  await setEditor('definition-editor', JSON.stringify(definition, null, 2));
  await setEditor('input-editor', JSON.stringify({ order: { sku: 'A1', qty: 2 } }));
  await setEditor('handlers-editor', "export default { Price: ({ qty }) => ({ amount: qty * 5, currency: 'EUR' }) };\n");
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'succeeded', null, { timeout: 20000 });

  await page.click('#graph .node[data-state="Price"]');
  await page.locator('#inspector-body details.stage[data-stage="OutputPath"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('Input'), { order: { sku: 'A1', qty: 2 }, fixed: true });
  assert.deepEqual(await stageValue('InputPath'), { sku: 'A1', qty: 2 });
  assert.deepEqual(await stageValue('Parameters'), { sku: 'A1', qty: 2 });
  assert.deepEqual(await stageValue('Task result'), { amount: 10, currency: 'EUR' });
  assert.deepEqual(await stageValue('ResultSelector'), { total: 10 });
  assert.deepEqual(await stageValue('ResultPath'), { order: { sku: 'A1', qty: 2 }, fixed: true, price: { total: 10 } });
  assert.deepEqual(await stageValue('OutputPath'), { total: 10 });
  assert.deepEqual(await stageValue('Output'), { total: 10 });
  if (process.env.INSPECTOR_SCREENSHOT) {
    // Every stage in one picture: the inspector's body scrolls on its own (max-height).
    await page.evaluate(() => { document.querySelector('#inspector-body').style.maxHeight = 'none'; });
    await page.locator('.pane:has(#inspector-body)').screenshot({ path: process.env.INSPECTOR_SCREENSHOT });
    await page.evaluate(() => { document.querySelector('#inspector-body').style.maxHeight = ''; });
  }

  await page.click('#graph .node[data-state="Shape"]');
  await page.locator('#inspector-body details.stage[data-stage="Parameters"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('Parameters'), { order: { sku: 'A1', qty: 2 }, fixed: true });
  assert.deepEqual(errors, []);
});

test('a run still in progress, then stopped: the inspector shows what it has and nothing breaks', async () => {
  await setEditor('handlers-editor', 'export default { Price: () => new Promise(() => {}) };\n');
  await page.click('#run');
  await page.locator('#status[data-kind="running"]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#events tbody tr.event').length >= 5);
  await page.click('#graph .node[data-state="Price"]');
  // The history has the task's input at once; InputPath's value comes from the worker.
  await page.locator('#inspector-body details.stage[data-stage="InputPath"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('InputPath'), { sku: 'A1', qty: 2 });
  assert.deepEqual(await stageValue('Parameters'), { sku: 'A1', qty: 2 });
  assert.equal(await stageValue('OutputPath'), undefined, 'not reached yet');
  await page.click('#stop');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'aborted', null, { timeout: 20000 });
  await page.click('#graph .node[data-state="Shape"]');
  await page.locator('#inspector-body details.stage[data-stage="Parameters"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('Parameters'), { order: { sku: 'A1', qty: 2 }, fixed: true });
  await page.click('#graph .node[data-state="Price"]');
  assert.equal(await stageValue('OutputPath'), undefined);
  assert.deepEqual(errors, []);
});

test('a JSONata state shows its Output expression and what it passed on as one Output stage', async () => {
  const jsonata = {
    QueryLanguage: 'JSONata',
    StartAt: 'Price',
    States: {
      Price: {
        Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:price',
        Arguments: { sku: '{% $states.input.sku %}' }, Output: { total: '{% $states.result.amount %}' }, End: true,
      },
    },
  };
  await setEditor('definition-editor', JSON.stringify(jsonata, null, 2));
  await setEditor('input-editor', '{"sku":"A1"}');
  await setEditor('handlers-editor', 'export default { Price: () => ({ amount: 7 }) };\n');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'succeeded', null, { timeout: 20000 });
  await page.click('#graph .node[data-state="Price"]');
  await page.locator('#inspector-body details.stage[data-stage="Arguments"] pre.value').waitFor({ timeout: 10000 });
  const labels = await page.$$eval('#inspector-body details.stage > summary', (els) => els.map((e) => e.textContent));
  assert.equal(labels.filter((l) => /^Output/.test(l)).length, 1, labels.join(', '));
  assert.deepEqual(await stageValue('Output'), { total: 7 });
  const field = await page.textContent('#inspector-body details.stage[data-stage="Output"] pre.field');
  assert.deepEqual(JSON.parse(field), jsonata.States.Price.Output);
  assert.deepEqual(errors, []);
});

const readerMap = {
  StartAt: 'Ratings',
  States: {
    Ratings: {
      Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'reviews', Key: 'ratings.csv' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Stars', States: { Stars: { Type: 'Pass', OutputPath: '$.stars', End: true } } },
      End: true,
    },
  },
};

test('a Map whose failure event has no details says which error failed it', async () => {
  // MapStateFailed records no error: the inspector showed { "error": null, "cause": null }.
  await setEditor('definition-editor', JSON.stringify(readerMap, null, 2));
  await setEditor('input-editor', '{}');
  await setEditor('handlers-editor', "export default { Ratings: () => { throw new Error('the bucket is gone'); } };\n");
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'failed', null, { timeout: 20000 });
  await page.click('#graph .node[data-state="Ratings"] > .name');
  const failed = page.locator('#inspector-body details.stage[data-stage="Failed here"]');
  await failed.locator('pre.value').waitFor({ timeout: 10000 });
  const value = JSON.parse(await failed.locator('pre.value').textContent());
  assert.equal(value.error, 'States.ItemReaderFailed');
  assert.match(value.cause ?? '', /the bucket is gone/);
  assert.match(await failed.textContent(), /Nothing caught the error States\.ItemReaderFailed/);
  assert.deepEqual(errors, []);
});

test("a Parallel's and a Map's result (the branches' and iterations' outputs) are shown before ResultSelector and ResultPath", async () => {
  const machine = {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'One', States: { One: { Type: 'Pass', Result: 1, End: true } } },
          { StartAt: 'Two', States: { Two: { Type: 'Pass', Result: 2, End: true } } },
        ],
        ResultSelector: { 'items.$': '$' },
        Next: 'Each',
      },
      Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Twice', States: { Twice: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($, $)' }, End: true } } }, ResultPath: '$.doubled', End: true },
    },
  };
  await setEditor('definition-editor', JSON.stringify(machine, null, 2));
  await setEditor('input-editor', '{}');
  await setEditor('handlers-editor', '');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'failed' || document.querySelector('#status').dataset.kind === 'succeeded', null, { timeout: 20000 });
  await page.click('#graph .node[data-state="Both"] > .name');
  await page.locator('#inspector-body details.stage[data-stage="Branch results"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('Branch results'), [1, 2]);
  assert.deepEqual(await stageValue('ResultSelector'), { items: [1, 2] });
  await page.click('#graph .node[data-state="Each"] > .name');
  await page.locator('#inspector-body details.stage[data-stage="Iterations"] pre.value').waitFor({ timeout: 10000 });
  assert.deepEqual(await stageValue('Iterations'), [{ n: 2 }, { n: 4 }]);
  assert.deepEqual(await stageValue('ResultPath'), { items: [1, 2], doubled: [{ n: 2 }, { n: 4 }] });
  assert.equal(await page.textContent('#status'), 'SUCCEEDED');
  assert.deepEqual(errors, []);
});

test("a Distributed Map with a ResultWriter: Iterations says its result is where the results were written", async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Rows', States: { Rows: { Type: 'Map',
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k.json' } },
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'res' } },
    End: true } } }, null, 2));
  await setEditor('handlers-editor', 'export default {};\n');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelector('#status').dataset.kind === 'succeeded', null, { timeout: 20000 });
  await page.click('#graph .node[data-state="Rows"]', { position: { x: 20, y: 10 } });
  await page.locator('#inspector-body details.stage[data-stage="Iterations"] pre.value').waitFor({ timeout: 10000 });
  const value = await stageValue('Iterations');
  assert.equal(value.ResultWriterDetails.Bucket, 'out');
  const line = await page.textContent('#inspector-body details.stage[data-stage="Iterations"] .stage-line');
  assert.doesNotMatch(line, /what each iteration returned/);
  assert.match(line, /ResultWriter wrote/);
});
