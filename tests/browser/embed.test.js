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
  for (const el of [inline, bySrc]) await el.locator('button:not([disabled])').waitFor({ timeout: 20000 });
  assert.ok(await inline.locator('.node').count() === 2);
  assert.ok(await bySrc.locator('.node').count() === 4);
  await inline.locator('button').click();
  await bySrc.locator('button').click();
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
