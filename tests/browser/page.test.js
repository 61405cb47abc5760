// The playground page in headless Chromium: it loads the engine in a worker, from localhost only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { open } from './browser.js';

let browser;
let page;
const errors = [];

before(async () => {
  browser = await open();
  page = browser.context.pages()[0] ?? await browser.context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(browser.url);
});

after(async () => browser?.close());

test('the page loads the engine in its worker and becomes ready', async () => {
  await page.locator('#status', { hasText: 'Ready' }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#run').isEnabled(), true);
  assert.match(await page.inputValue('#definition'), /"StartAt": "P"/);
  assert.deepEqual(errors, []);
});

test('everything the page loaded came from the local server', () => {
  assert.ok(browser.requests.some((u) => u.endsWith('/pkg/asl_sim_bg.wasm')), browser.requests.join('\n'));
  const foreign = browser.requests.filter((u) => !u.startsWith(browser.url));
  assert.deepEqual(foreign, []);
});

test('Run shows SUCCEEDED and the output of the example', async () => {
  await page.click('#run');
  await page.locator('#status', { hasText: 'SUCCEEDED' }).waitFor({ timeout: 15000 });
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { hello: 'world' });
  assert.deepEqual(errors, []);
});

test('an invalid definition shows its diagnostics', async () => {
  await page.fill('#definition', '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}');
  await page.click('#run');
  await page.locator('#status', { hasText: 'Error' }).waitFor({ timeout: 15000 });
  assert.match(await page.textContent('#output'), /MISSING_TRANSITION_TARGET at line 1/);
});
