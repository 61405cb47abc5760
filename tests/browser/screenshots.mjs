// Dev helper, not a test: screenshots of the playground into /tmp/shots. node tests/browser/screenshots.mjs [select] [example]
import { open } from './browser.js';
const b = await open();
const page = b.context.pages()[0] ?? await b.context.newPage();
const logs = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') logs.push(`${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
const scenario = process.argv[2] ?? 'basic';
const ex = process.argv[3] ?? 'retry-catch';
await page.setViewportSize({ width: 1400, height: 1000 });
await page.goto(`${b.url}?example=${ex}`);
await page.locator('#status[data-kind="ready"]').waitFor({ timeout: 20000 });
await page.waitForTimeout(800);
await page.screenshot({ path: '/tmp/shots/1-loaded.png', fullPage: true });
await page.click('#run');
await page.waitForTimeout(1500);
await page.screenshot({ path: '/tmp/shots/2-ran.png', fullPage: true });
if (scenario === 'select') {
  await page.locator('.node').first().click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: '/tmp/shots/3-selected.png', fullPage: true });
}
await page.emulateMedia({ colorScheme: 'dark' });
await page.screenshot({ path: '/tmp/shots/4-dark.png', fullPage: true });
await page.emulateMedia({ colorScheme: 'light' });
await page.setViewportSize({ width: 390, height: 844 });
await page.waitForTimeout(400);
await page.screenshot({ path: '/tmp/shots/5-phone.png', fullPage: true });
console.log(logs.join('\n') || 'no console errors');
await b.close();
