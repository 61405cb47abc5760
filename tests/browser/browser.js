// Launches Debian's Chromium through playwright-core with a fresh profile, and serves www/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Starts the static server and a browser; returns { url, context, requests, close }. */
export async function open() {
  const { server, url } = await serve({ port: 0 });
  const profile = mkdtempSync(join(tmpdir(), 'asl-sim-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args });
  } catch (e) {
    server.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const requests = [];
  context.on('request', (req) => requests.push(req.url()));
  const close = async () => {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { url, context, requests, close };
}

/** `open()` and its first page, with the page's console errors and uncaught errors collected. */
export async function openPage() {
  const browser = await open();
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  return { browser, page, errors };
}

/** `openPage()` on the playground (1280×900), once its engine says it is ready. */
export async function openPlayground() {
  const opened = await openPage();
  await opened.page.setViewportSize({ width: 1280, height: 900 });
  await opened.page.goto(opened.browser.url);
  await opened.page.locator('#status[data-kind="ready"]').waitFor({ timeout: 20000 });
  return opened;
}

/** Replaces the text of one of the playground's editors the way a paste would. */
export async function setEditor(page, id, text) {
  const tab = { 'definition-editor': '#tab-definition', 'input-editor': '#tab-input', 'handlers-editor': '#tab-handlers' }[id];
  await page.click(tab);
  await page.click(`#${id} .cm-content`);
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}
