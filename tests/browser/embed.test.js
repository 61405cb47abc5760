// <asl-sim-example> on a documentation-like page: two elements, each with its own worker.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openPage } from './browser.js';

let browser;
let page;
let errors;

before(async () => {
  ({ browser, page, errors } = await openPage());
  await page.goto(`${browser.url}embed.html`);
});

after(async () => browser?.close());

test('two embedded examples draw their graphs and both run', async () => {
  const inline = page.locator('#inline-example');
  const bySrc = page.locator('#src-example');
  for (const el of [inline, bySrc]) await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  assert.ok(await inline.locator('.node').count() === 2);
  assert.ok(await bySrc.locator('.node').count() === 4);
  await inline.locator('button.run').click();
  await bySrc.locator('button.run').click();
  await page.waitForFunction(() => [...document.querySelectorAll('asl-sim-example')].every((e) => e.dataset.status), null, { timeout: 20000 });
  assert.equal(await inline.getAttribute('data-status'), 'SUCCEEDED');
  assert.equal(await bySrc.getAttribute('data-status'), 'SUCCEEDED');
  assert.match(await inline.locator('.out').textContent(), /Hello, docs reader/);
  assert.deepEqual(JSON.parse(await bySrc.locator('.out').textContent()), { n: 14, size: 'big' });
  assert.ok(await bySrc.locator('.node.succeeded').count() >= 2, 'states light up in the embed');
  // Handlers load from in-page blob: URLs; nothing comes from another server.
  assert.deepEqual(browser.requests.filter((u) => !u.startsWith(browser.url) && !u.startsWith('blob:')), []);
  assert.deepEqual(errors, []);
});

/** Adds an <asl-sim-example> to the page (attributes, inner HTML); a locator for it. */
async function addExample(id, attributes, inner = '') {
  await page.evaluate(({ id, attributes, inner }) => {
    const el = document.createElement('asl-sim-example');
    el.id = id;
    for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
    el.innerHTML = inner;
    document.body.append(el);
  }, { id, attributes, inner });
  return page.locator(`#${id}`);
}

const definitionScript = (definition) => `<script type="application/json">${JSON.stringify(definition)}</script>`;

test('an invalid definition shows its diagnostics in the result, not a pointer to an editor', async () => {
  const el = await addExample('invalid-example', { title: 'Broken' },
    definitionScript({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }).replace('"Next"', '\n"Next"'));
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  await el.locator('button.run').click();
  await page.waitForFunction(() => document.querySelector('#invalid-example').dataset.status);
  assert.equal(await el.getAttribute('data-status'), 'ERROR');
  const out = await el.locator('.out').textContent();
  assert.match(out, /MISSING_TRANSITION_TARGET/);
  assert.match(out, /Nowhere/);
  assert.match(out, /line 2/);
  assert.doesNotMatch(out, /editor/);
});

test('a src that cannot be fetched says so at load, and Run stays disabled', async () => {
  const el = await addExample('missing-example', { title: 'Missing', src: 'nope.json' });
  await page.waitForFunction(() => /Cannot load/.test(document.querySelector('#missing-example').shadowRoot?.querySelector('.status')?.textContent));
  assert.equal(await el.locator('.status').textContent(), 'Cannot load nope.json: HTTP 404');
  assert.equal(await el.locator('button.run').isDisabled(), true);
});

test('a handlers module with a syntax error says at which line and column, not in which tab', async () => {
  const handlers = 'export default {\n  Work: (input) => {\n    return { ok: true ;\n  },\n};\n';
  const el = await addExample('syntax-example', { title: 'Typo' },
    definitionScript({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', End: true } } })
    + `<script type="text/plain" data-handlers>${handlers}</script>`);
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  await el.locator('button.run').click();
  await page.waitForFunction(() => document.querySelector('#syntax-example').dataset.status);
  const out = await el.locator('.out').textContent();
  assert.match(out, /The handlers module did not load: SyntaxError/);
  assert.match(out, /at line 3, column 23/);
  assert.doesNotMatch(out, /tab/);
});

test('a handler whose key matches no Task state or Resource is named in a warning, with the states it could mean', async () => {
  const definition = {
    StartAt: 'Price',
    States: {
      Price: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:price', Next: 'Ship' },
      Ship: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true },
    },
  };
  const handlers = "export default { price: () => ({ total: 3 }), 'arn:aws:states:::sqs:*': () => ({}) };";
  const el = await addExample('typo-example', { title: 'Typo in a key' },
    `${definitionScript(definition)}<script type="text/plain" data-handlers>${handlers}</script>`);
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  await el.locator('button.run').click();
  await page.waitForFunction(() => document.querySelector('#typo-example').dataset.status);
  assert.equal(await el.getAttribute('data-status'), 'SUCCEEDED'); // Price used its simulated response
  const warning = el.locator('.warning');
  assert.equal(await warning.isVisible(), true);
  const text = await warning.textContent();
  assert.match(text, /“price”/);
  assert.match(text, /“Price”/);
  assert.doesNotMatch(text, /sqs/, 'a pattern that matches a Resource is fine');
});

test('a handler keyed by a Map state with an ItemReader gives its items and is no unmatched key', async () => {
  const definition = {
    StartAt: 'Rows',
    States: {
      Rows: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV' }, Parameters: { Bucket: 'b', Key: 'rows.csv' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };
  const handlers = "export default { Rows: () => 'n\\n1\\n2' };";
  const el = await addExample('reader-example', { title: 'Items from S3' },
    `${definitionScript(definition)}<script type="text/plain" data-handlers>${handlers}</script>`);
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  await el.locator('button.run').click();
  await page.waitForFunction(() => document.querySelector('#reader-example').dataset.status);
  assert.equal(await el.getAttribute('data-status'), 'SUCCEEDED', await el.locator('.out').textContent());
  assert.deepEqual(JSON.parse(await el.locator('.out').textContent()), [{ n: '1' }, { n: '2' }]);
  assert.equal(await el.locator('.warning').isVisible(), false);
});

test('Stop ends a run whose handler never finishes, and the next run gets a fresh worker', async () => {
  const task = (name, next) => ({ Type: 'Task', Resource: `arn:aws:lambda:us-east-1:123456789012:function:${name}`, ...(next ? { Next: next } : { End: true }) });
  // A handler that never settles: the engine answers Stop (ExecutionAborted). One in an endless
  // loop: the worker cannot answer, and is terminated.
  const cases = [
    ['hang-example', "export default { Hang: () => new Promise(() => {}) };", 'Hang'],
    ['spin-example', 'export default { Spin: () => { for (;;) {} } };', 'Spin'],
  ];
  for (const [id, handlers, state] of cases) {
    const el = await addExample(id, { title: state },
      `${definitionScript({ StartAt: state, States: { [state]: task(state) } })}<script type="text/plain" data-handlers>${handlers}</script>`);
    await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
    assert.equal(await el.locator('button.stop').isVisible(), false, 'no Stop before a run');
    for (let round = 1; round <= 2; round++) {
      await el.locator('button.run').click();
      await el.locator(`.node.active[data-state="${state}"]`).waitFor({ timeout: 10000 });
      assert.equal(await el.locator('.status').textContent(), 'Running…');
      await el.locator('button.stop').click();
      await page.waitForFunction((id) => document.getElementById(id).dataset.status === 'ABORTED', id, { timeout: 10000 });
      assert.equal(await el.locator('button.stop').isVisible(), false, `${id}, run ${round}: Stop is gone`);
      assert.equal(await el.locator('button.run').isEnabled(), true);
      assert.equal(await el.locator(`.node.aborted[data-state="${state}"]`).count(), 1, `${id}, run ${round}: the state is marked stopped`);
      assert.match(await el.locator('.out').textContent(), state === 'Spin' ? /terminated/ : /Stopped/);
      await page.evaluate((id) => { delete document.getElementById(id).dataset.status; }, id);
    }
  }
});

test('theme="light" keeps an example light for a reader who prefers dark; theme="dark" makes it dark', async () => {
  const simple = definitionScript({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const light = await addExample('light-example', { theme: 'light' }, simple);
  const dark = await addExample('dark-example', { theme: 'dark' }, simple);
  const auto = await addExample('auto-example', {}, simple);
  const background = (el) => el.evaluate((e) => getComputedStyle(e.shadowRoot.querySelector('.box')).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await background(light), 'rgb(255, 255, 255)');
  assert.equal(await background(auto), 'rgb(27, 29, 34)');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal(await background(dark), 'rgb(27, 29, 34)');
  assert.equal(await background(auto), 'rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: null });
});

test('a Next that names no state is drawn as a marked box in the embed, not a black one', async () => {
  const el = await addExample('missing-target-example', { title: 'Missing target' },
    definitionScript({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }));
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  const box = el.locator('.missing rect');
  assert.equal(await box.count(), 1);
  const fill = await box.evaluate((r) => getComputedStyle(r).fill);
  assert.notEqual(fill, 'rgb(0, 0, 0)', 'the box has the bad-state colours');
  assert.match(await el.locator('.missing text').evaluate((t) => getComputedStyle(t).fill), /^rgb\((?!0, 0, 0)/);
  await el.evaluate((e) => e.remove());
});

test('a long definition keeps its states readable and scrolls inside the graph', async () => {
  const States = {};
  for (let i = 1; i <= 14; i++) States[`Step ${i}`] = { Type: 'Pass', ...(i < 14 ? { Next: `Step ${i + 1}` } : { End: true }) };
  const el = await addExample('long-example', { title: 'Long' }, definitionScript({ StartAt: 'Step 1', States }));
  await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  const { nodeHeight, scrolls } = await el.evaluate((e) => {
    const graph = e.shadowRoot.querySelector('.graph');
    return { nodeHeight: graph.querySelector('.node .box').getBoundingClientRect().height, scrolls: graph.scrollHeight > graph.clientHeight };
  });
  assert.ok(nodeHeight >= 30, `a state box is ${nodeHeight}px tall: drawn at its size, not shrunk to fit`);
  assert.ok(scrolls, 'the graph scrolls');
  await el.evaluate((e) => e.remove());
});

test('the examples keep their height while they load: the text below them does not jump', async () => {
  const fresh = await browser.context.newPage();
  try {
    await fresh.addInitScript(() => {
      window.shifts = [];
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.shifts.push(e.value); }).observe({ type: 'layout-shift', buffered: true });
    });
    await fresh.goto(`${browser.url}embed.html`);
    for (const id of ['inline-example', 'src-example']) await fresh.locator(`#${id} button.run:not([disabled])`).waitFor({ timeout: 20000 });
    await fresh.waitForTimeout(300);
    const total = await fresh.evaluate(() => window.shifts.reduce((a, b) => a + b, 0));
    assert.ok(total < 0.01, `layout shift ${total.toFixed(3)} while the examples loaded`);
    // An element added later is as tall before its graph is drawn as after.
    const before = await fresh.evaluate(() => {
      const el = document.createElement('asl-sim-example');
      el.id = 'late';
      el.innerHTML = '<script type="application/json">{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}</script>';
      document.body.append(el);
      return el.getBoundingClientRect().height;
    });
    await fresh.locator('#late button.run:not([disabled])').waitFor({ timeout: 20000 });
    assert.equal(await fresh.locator('#late').evaluate((e) => e.getBoundingClientRect().height), before);
  } finally {
    await fresh.close();
  }
});

test('Tab goes from the Run of one example to the Run of the next: the states are no tab stops in an embed', async () => {
  const definition = definitionScript({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } });
  const first = await addExample('tab-first', { title: 'First' }, definition);
  const second = await addExample('tab-second', { title: 'Second' }, definition);
  for (const el of [first, second]) await el.locator('button.run:not([disabled])').waitFor({ timeout: 20000 });
  assert.equal(await second.locator('.node').count(), 2);
  await first.locator('button.run').focus();
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => `${document.activeElement.id} ${document.activeElement.shadowRoot?.activeElement?.className ?? ''}`);
  assert.equal(focused, 'tab-second run');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#tab-second').dataset.status);
  assert.equal(await second.getAttribute('data-status'), 'SUCCEEDED');
  for (const el of [first, second]) await el.evaluate((e) => e.remove());
});
