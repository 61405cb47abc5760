// The playground in headless Chromium, used as a person would: examples, diagnostics, Stop,
// callbacks, share links, step-by-step, selection between the table and the graph.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { openPlayground, setEditor as setEditorOf } from './browser.js';

let browser;
let page;
let errors;

before(async () => {
  ({ browser, page, errors } = await openPlayground());
});

after(async () => browser?.close());

async function ready() {
  await page.locator('#status[data-kind="ready"]').waitFor({ timeout: 20000 });
}

const setEditor = (id, text) => setEditorOf(page, id, text);

async function loadExample(id) {
  await page.click('#open-examples');
  await page.click(`.example[data-example="${id}"]`);
  await page.locator('#gallery').waitFor({ state: 'hidden' });
}

async function finalStatus() {
  await page.waitForFunction(() => ['succeeded', 'failed', 'timed_out', 'aborted'].includes(document.querySelector('#status').dataset.kind), null, { timeout: 20000 });
  return page.textContent('#status');
}

/** Runs `body` on the real clock at `speed`, then puts the page back on the virtual clock at 10×. */
async function onRealClock(speed, body) {
  await page.selectOption('#clock', 'real');
  await page.selectOption('#speed', speed);
  try {
    await body();
  } finally {
    await page.selectOption('#speed', '10');
    await page.selectOption('#clock', 'virtual');
  }
}

test('the page loads the engine in its worker, from localhost only', async () => {
  assert.equal(await page.locator('#run').isEnabled(), true);
  assert.ok(browser.requests.some((u) => u.endsWith('/pkg/asl_sim.wasm')), browser.requests.join('\n'));
  assert.deepEqual(browser.requests.filter((u) => !u.startsWith(browser.url)), []);
  assert.ok(await page.locator('#graph .node').count() > 0, 'the first example is drawn');
  assert.deepEqual(errors, []);
});

test('every example in the gallery runs to its expected status', async () => {
  await page.click('#open-examples');
  const cards = await page.$$eval('.example', (els) => els.map((e) => ({ id: e.dataset.example, expect: e.querySelector('.expect').textContent })));
  await page.click('#close-examples');
  assert.ok(cards.length >= 10, `${cards.length} examples`);
  const seen = [];
  for (const { id, expect } of cards) {
    await loadExample(id);
    await page.click('#run');
    if (expect === 'needs your answer') {
      await page.locator('.callback button', { hasText: 'Send success' }).click({ timeout: 15000 });
    }
    const status = await finalStatus();
    const wanted = expect === 'needs your answer' ? 'SUCCEEDED' : expect.replace('ends ', '');
    assert.equal(status, wanted, `example ${id}: ${await page.textContent('#result')}`);
    assert.ok(await page.locator('#events tbody tr.event').count() > 2, `example ${id} shows its history`);
    assert.ok(await page.locator('#graph .node.visited').count() > 0, `example ${id} lights up states`);
    seen.push(id);
  }
  // Together they cover every state type.
  const types = await page.evaluate(() => [...document.querySelectorAll('.example .tag')].map((t) => t.textContent));
  for (const type of ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map', 'Retry', 'Catch', 'JSONata', 'Assign', 'waitForTaskToken',
    'InputPath', 'ResultSelector', 'OutputPath', 'Arguments', 'States.Format', 'ItemReader', 'DISTRIBUTED']) {
    assert.ok(types.some((t) => t.startsWith(type)), `an example teaches ${type}`);
  }
  assert.deepEqual(errors, []);
});

test('a broken definition is underlined on the right line, with the AWS code on hover', async () => {
  await loadExample('hello');
  const broken = '{\n  "StartAt": "A",\n  "States": {\n    "A": { "Type": "Pass", "Next": "Nowhere" }\n  }\n}';
  await setEditor('definition-editor', broken);
  // The engine reports two errors: the missing target (line 4) and, because of it, no terminal state.
  const mark = page.locator('#definition-editor .cm-lintRange-error', { hasText: 'Nowhere' });
  await mark.waitFor({ timeout: 10000 });
  assert.equal(await mark.textContent(), '"Nowhere"');
  const line = await mark.evaluate((el) => {
    const lineEl = el.closest('.cm-line');
    return [...lineEl.parentElement.children].indexOf(lineEl) + 1;
  });
  assert.equal(line, 4);
  await mark.hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await tooltip.waitFor({ timeout: 5000 });
  assert.match(await tooltip.textContent(), /MISSING_TRANSITION_TARGET/);
  assert.match(await tooltip.textContent(), /Nowhere/);
  assert.equal(await page.textContent('#diag-count'), '2');
  assert.match(await page.textContent('#definition-hint'), /MISSING_TRANSITION_TARGET at line 4/);
  // The graph keeps the last drawing while the text cannot be read.
  await setEditor('definition-editor', '{ "StartAt": "A", "States": { ');
  await page.locator('#graph-note').waitFor({ state: 'visible' });
  assert.ok(await page.locator('#graph .node').count() > 0);
});

test('an endless handler leaves the page responsive, and Stop ends it keeping the history', async () => {
  await loadExample('handlers');
  await setEditor('handlers-editor', "export default { 'Look up user': () => { for (;;) {} } };\n");
  await page.click('#run');
  await page.locator('#status[data-kind="running"]').waitFor();
  await page.locator('#events tbody tr.event').nth(1).waitFor({ timeout: 10000 });
  // The page still answers: a dialog opens and closes, the clock menu changes.
  const t0 = Date.now();
  await page.click('#open-examples');
  await page.click('#close-examples');
  await page.selectOption('#clock', 'real');
  await page.selectOption('#clock', 'virtual');
  assert.ok(Date.now() - t0 < 5000, 'the page answered quickly');
  assert.equal(await page.textContent('#status'), 'Running…');
  await page.click('#stop');
  await page.locator('#status[data-kind="aborted"]').waitFor();
  assert.match(await page.textContent('#result'), /terminated/);
  const types = await page.$$eval('#events tbody tr.event .etype', (els) => els.map((e) => e.textContent));
  assert.ok(types.includes('TaskStateEntered'), types.join());
  // The state the handler was stuck in is marked stopped, as after an engine Stop: not running.
  assert.equal(await page.locator('#graph .node.aborted[data-state="Look up user"]').count(), 1, 'the stopped state is marked');
  assert.equal(await page.locator('#graph .node.active').count(), 0, 'nothing is painted as still running');
  // A fresh worker runs the next execution.
  await loadExample('hello');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
});

test('a callback task is answered with the buttons', async () => {
  await loadExample('callback');
  await page.click('#run');
  const card = page.locator('.callback');
  await card.waitFor({ timeout: 10000 });
  assert.match(await card.textContent(), /Ask a human to approve/);
  assert.equal(await page.getAttribute('#status', 'data-kind'), 'running');
  await card.locator('button', { hasText: 'Send failure' }).click();
  assert.equal(await finalStatus(), 'FAILED');
  assert.match(await page.textContent('#result'), /Rejected/);
  assert.equal(await page.locator('.callback').count(), 0);

  await page.click('#run');
  await card.waitFor({ timeout: 10000 });
  await card.locator('textarea').fill('{ "approved": true, "by": "the test" }');
  await card.locator('button', { hasText: 'Send success' }).click();
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.match(await page.textContent('#output'), /the test/);
});

test('a shared link with code shows the consent banner and runs nothing before consent', async () => {
  const state = {
    v: 1,
    d: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:work', End: true } } }),
    i: '{"n": 1}',
    h: 'export default { Work: () => ({ ranSharedCode: true }) };\n',
  };
  const hash = deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url');
  await page.goto('about:blank');
  await page.goto(`${browser.url}#s=${hash}`);
  await ready();
  await page.locator('#consent').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#consent'), /have not run/);
  assert.equal(await page.locator('#events tbody tr.event').count(), 0, 'nothing ran on load');
  // Before consent a run uses the simulated response (the input echoed), not the link's code.
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { n: 1 });
  assert.match(await page.textContent('#result'), /were not used/);
  await page.click('#consent-allow');
  assert.equal(await page.locator('#consent').isVisible(), false);
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { ranSharedCode: true });
});

test('Share puts the definition in the link, and the link opens it again', async () => {
  await page.goto(`${browser.url}?example=choice`);
  await ready();
  await page.click('#share');
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const url = page.url();
  await page.goto('about:blank');
  await page.goto(url);
  await ready();
  assert.equal(await page.locator('#consent').isVisible(), false, 'an example has no code to consent to');
  assert.ok(await page.locator('#graph .node[data-state="Route order"]').count() === 1);
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
});

test('a reload after Share keeps your own handlers trusted: no consent banner for code this browser wrote', async () => {
  await loadExample('handlers');
  await setEditor('handlers-editor', `export default {
  'Look up user': ({ userId }) => ({ id: userId, name: 'Mine' }),
  'arn:aws:states:::lambda:invoke': ({ Payload }) => ({ Payload: { text: 'Hi ' + Payload.name } }),
};
`);
  await page.click('#share'); // at once: Share keeps what it shares, without waiting for the save
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await page.reload();
  await ready();
  assert.match(await page.textContent('#handlers-editor'), /name: 'Mine'/);
  assert.equal(await page.locator('#consent').isVisible(), false);
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), 'Hi Mine', 'the handlers ran');
  // The same link with other code in it is someone else's: it asks first.
  const foreign = { v: 1, d: await page.evaluate(() => JSON.parse(localStorage.getItem('asl-sim-session')).d), h: 'export default {};\n// not mine\n' };
  await page.goto('about:blank');
  await page.goto(`${browser.url}#s=${deflateRawSync(Buffer.from(JSON.stringify(foreign))).toString('base64url')}`);
  await ready();
  await page.locator('#consent').waitFor({ state: 'visible' });
  await page.click('#consent-deny');
  assert.deepEqual(errors, []);
});

test('a reload keeps the work in the editors, also after a shared link was edited', async () => {
  const mine = JSON.stringify({ StartAt: 'Mine', States: { Mine: { Type: 'Pass', End: true } } });
  await setEditor('definition-editor', mine);
  await page.waitForTimeout(600); // the page saves shortly after an edit
  await page.reload();
  await ready();
  assert.equal(await page.locator('#graph .node[data-state="Mine"]').count(), 1, 'the edited machine is back');
  // Open a shared link, change it, reload: the change stays, the link's version does not return.
  await page.goto(`${browser.url}?example=choice`);
  await ready();
  await page.click('#share');
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  await setEditor('definition-editor', mine.replaceAll('Mine', 'Edited'));
  await page.waitForFunction(() => !location.hash.startsWith('#s='));
  await page.waitForTimeout(600);
  await page.reload();
  await ready();
  assert.equal(await page.locator('#graph .node[data-state="Edited"]').count(), 1);
  // A ${Name} value typed in comes back with the definition, in its field too.
  await setEditor('definition-editor', '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${Delay}, "End": true}}}');
  await page.fill('#substitutions input[data-name="Delay"]', '7');
  await page.waitForTimeout(600);
  await page.reload();
  await ready();
  assert.equal(await page.inputValue('#substitutions input[data-name="Delay"]'), '7');
  await loadExample('choice');
  assert.deepEqual(errors, []);
});

/** The rows of the event table: their event types. */
const rowTypes = () => page.$$eval('#events tbody tr.event .etype', (els) => els.map((e) => e.textContent));

test('Step is one unit of the engine at a time, and calls a handler only when its state is reached', async () => {
  await loadExample('handlers');
  // Each handler call leaves a line on the console of the worker it runs in.
  await setEditor('handlers-editor', `export default {
  'Look up user': async ({ userId }) => { console.log('handler called: Look up user'); return { id: userId, name: 'Grace' }; },
  'arn:aws:states:::lambda:invoke': async ({ Payload }) => { console.log('handler called: Write greeting'); return { Payload: { text: 'Hi ' + Payload.name } }; },
};
`);
  const calls = [];
  const listen = (msg) => { if (msg.text().startsWith('handler called: ')) calls.push(msg.text().slice(16)); };
  const attach = (worker) => worker.on('console', listen);
  page.workers().forEach(attach);
  page.on('worker', attach);
  try {
    await page.click('#step');
    await page.locator('#status[data-kind="paused"]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#events tbody tr.event').length === 2);
    assert.deepEqual(await rowTypes(), ['ExecutionStarted', 'TaskStateEntered']);
    assert.equal(await page.locator('#graph .node.active[data-state="Look up user"]').count(), 1, 'the entered state lights up');
    await page.waitForTimeout(300);
    assert.deepEqual(calls, [], 'no handler has run yet');

    await page.click('#step'); // the task is scheduled and started
    await page.waitForFunction(() => document.querySelectorAll('#events tbody tr.event').length === 4);
    assert.deepEqual((await rowTypes()).slice(2), ['LambdaFunctionScheduled', 'LambdaFunctionStarted']);
    await page.waitForTimeout(300);
    assert.deepEqual(calls, [], 'the handler runs with the unit that feeds its answer');

    await page.click('#step'); // the handler runs; its answer ends the task and the state is left
    await page.waitForFunction(() => document.querySelectorAll('#events tbody tr.event').length === 6);
    assert.deepEqual((await rowTypes()).slice(4), ['LambdaFunctionSucceeded', 'TaskStateExited']);
    assert.match(await page.textContent('#status'), /Paused at event 6/);
    await page.waitForFunction(() => /answered by your handler/.test(document.querySelector('#inspector-body').textContent));
    assert.deepEqual(calls, ['Look up user'], 'only the reached state\'s handler ran');

    await page.click('#pause'); // Resume
    assert.equal(await finalStatus(), 'SUCCEEDED');
    assert.deepEqual(calls, ['Look up user', 'Write greeting']);
    assert.deepEqual(JSON.parse(await page.textContent('#output')), 'Hi Grace');
  } finally {
    page.off('worker', attach);
    for (const worker of page.workers()) worker.off('console', listen);
  }
});

test('while a task waits to retry, the inspector says which attempt comes and after how long', async () => {
  await loadExample('retry-catch'); // Charge card fails twice with Payments.Busy; IntervalSeconds 2, BackoffRate 2
  const retries = () => page.locator('#inspector-body .stage', { hasText: 'Errors and retries' }).textContent();
  const stepTo = async (rows) => {
    await page.click('#step');
    await page.waitForFunction((n) => document.querySelectorAll('#events tbody tr.event').length === n, rows);
  };
  await stepTo(2);
  await stepTo(4);
  await stepTo(5); // TaskFailed: the retry is pending
  assert.equal(await page.textContent('#inspector-body .pill'), 'waiting to retry');
  assert.match(await retries(), /Waiting to retry: attempt 2 starts after 2 s \(retry 1 of 3 allowed by Retry rule 1\)/);
  assert.doesNotMatch(await retries(), /Not retried/);
  await page.click('#step'); // the clock moves to the retry
  await stepTo(7);
  assert.match(await retries(), /Retried 1 time/);
  assert.match(await retries(), /Attempt 2 is running/);
  await stepTo(8); // fails again: the second retry waits twice as long
  assert.match(await retries(), /Waiting to retry: attempt 3 starts after 4 s \(retry 2 of 3 allowed by Retry rule 1\)/);
  await page.click('#pause'); // Resume
  assert.equal(await finalStatus(), 'SUCCEEDED');
});

test('Step through a Choice, then rows and graph nodes select each other', async () => {
  await loadExample('choice');
  await page.click('#step');
  await page.locator('#status[data-kind="paused"]').waitFor();
  // A Choice state is entered and left in one unit of work.
  await page.waitForFunction(() => document.querySelectorAll('#events tbody tr.event').length === 3);
  assert.deepEqual(await rowTypes(), ['ExecutionStarted', 'ChoiceStateEntered', 'ChoiceStateExited']);
  assert.equal(await page.locator('#graph .node.succeeded[data-state="Route order"]').count(), 1);
  await page.click('#pause'); // Resume
  assert.equal(await finalStatus(), 'SUCCEEDED');

  await page.locator('#events tbody tr.event', { hasText: 'PassStateEntered' }).click();
  assert.equal(await page.getAttribute('#graph .node[data-state="Free shipping"]', 'class').then((c) => c.includes('selected')), true);
  assert.match(await page.textContent('#inspector-body'), /Free shipping/);
  await page.click('#graph .node[data-state="Route order"]');
  assert.match(await page.textContent('#inspector-body'), /Rule 1 matched/);
  const selectedRows = await page.$$eval('#events tbody tr.event.selected', (rows) => rows.map((r) => r.dataset.state));
  assert.ok(selectedRows.length >= 2 && selectedRows.every((s) => s === 'Route order'), selectedRows.join());
  assert.deepEqual(errors, []);
});

test('on a narrow screen, a state clicked in the graph brings the inspector into view', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await loadExample('choice');
    await page.click('#run');
    assert.equal(await finalStatus(), 'SUCCEEDED');
    const inspectorTop = () => page.evaluate(() => document.querySelector('.pane.inspector').getBoundingClientRect().top);
    await page.locator('#graph .node[data-state="Route order"]').scrollIntoViewIfNeeded();
    assert.ok(await inspectorTop() > 844, 'the inspector starts out of view, far below the graph');
    await page.click('#graph .node[data-state="Route order"]');
    await page.waitForFunction(() => {
      const top = document.querySelector('.pane.inspector').getBoundingClientRect().top;
      return top >= -1 && top < innerHeight / 2;
    }, null, { timeout: 5000 });
    assert.match(await page.textContent('#inspector-body'), /Route order/);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
  // A wide screen has the inspector beside the history: the page does not jump.
  await page.evaluate(() => scrollTo(0, 0));
  await page.click('#graph .node[data-state="Route order"]');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => scrollY), 0);
  assert.deepEqual(errors, []);
});

test('the inspector lets go of a state that is not in the machine any more', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'E' } } }));
  await page.click('#run');
  assert.equal(await finalStatus(), 'FAILED');
  assert.match(await page.textContent('#inspector-body'), /Boom/); // the failed state is shown
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Other', States: { Other: { Type: 'Pass', End: true } } }));
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.doesNotMatch(await page.textContent('#inspector-body'), /Boom/);
  assert.deepEqual(errors, []);
});

test('a JSON error says what and where in a few words, and the hint takes the cursor there', async () => {
  const lines = ['{', '  "StartAt": "T",', '  "States": {', '    "T": {', '      "Type": "Pass",', '      "Result": tru,', '      "End": true', '    }', '  }', '}'];
  await setEditor('definition-editor', lines.join('\n'));
  await page.waitForFunction(() => /at line 6/.test(document.querySelector('#definition-hint').textContent));
  const hint = await page.textContent('#definition-hint');
  assert.match(hint, /^INVALID_JSON_DESCRIPTION at line 6: Unrecognized token 'tru'/);
  assert.doesNotMatch(hint, /Source:/);
  await page.click('#definition-hint button');
  assert.match(await page.textContent('#definition-editor .cm-activeLine'), /"Result": tru,/);
  await page.locator('#definition-editor .cm-lintRange-error').first().hover();
  const tip = await page.locator('.cm-tooltip .diag').first().textContent();
  assert.match(tip, /line 6, column/);
  assert.doesNotMatch(tip, /Source:/);
  assert.deepEqual(errors, []);
});

test('a run that could not start is marked out of date when the text changes; an empty definition says it is empty', async () => {
  await loadExample('hello');
  await setEditor('definition-editor', '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}');
  await page.click('#run');
  await page.locator('#status', { hasText: 'Could not run' }).waitFor();
  assert.match(await page.textContent('#result'), /The definition has errors/);
  await setEditor('definition-editor', '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}');
  await page.waitForFunction(() => document.querySelector('#status').textContent !== 'Could not run', null, { timeout: 5000 });
  assert.equal(await page.textContent('#status'), 'Ready');
  assert.match(await page.textContent('#result'), /^Out of date/);
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.doesNotMatch(await page.textContent('#result'), /Out of date/);

  await page.click('#definition-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => /empty/.test(document.querySelector('#definition-hint').textContent), null, { timeout: 5000 });
  const hint = await page.textContent('#definition-hint');
  assert.doesNotMatch(hint, /line 0/);
  assert.match(hint, /The definition is empty/);
  await page.click('#run');
  await page.locator('#status', { hasText: 'Could not run' }).waitFor();
  assert.match(await page.textContent('#result'), /The definition is empty/);
  assert.doesNotMatch(await page.textContent('#result'), /underlined/);
  await loadExample('hello');
  assert.deepEqual(errors, []);
});

test('${Name} placeholders get a value each, guessed and editable, for validation, the graph and runs', async () => {
  const template = '{"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": "${WorkerArn}", "TimeoutSeconds": ${Timeout}, "End": true}}}';
  await setEditor('definition-editor', template);
  await page.locator('#substitutions input[data-name="Timeout"]').waitFor();
  const fields = await page.$$eval('#substitutions input', (inputs) => inputs.map((i) => [i.dataset.name, i.value]));
  assert.deepEqual(fields, [['WorkerArn', 'arn:aws:lambda:us-east-1:123456789012:function:WorkerArn'], ['Timeout', '60']]);
  await page.locator('#graph .node[data-state="Work"]').waitFor();
  await page.waitForFunction(() => /Problems are underlined/.test(document.querySelector('#definition-hint').textContent));
  // A value that makes the definition wrong is reported like any other problem.
  await page.fill('#substitutions input[data-name="Timeout"]', '"soon"');
  await page.waitForFunction(() => /SCHEMA_VALIDATION_FAILED/.test(document.querySelector('#definition-hint').textContent));
  await page.fill('#substitutions input[data-name="Timeout"]', '30');
  await page.waitForFunction(() => /Problems are underlined/.test(document.querySelector('#definition-hint').textContent));
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED'); // the task gets its simulated response
  assert.match(await page.textContent('#graph .node[data-state="Work"]'), /Lambda function WorkerArn/);
  assert.ok((await rowTypes()).includes('LambdaFunctionScheduled'), 'the run used the value: a Lambda function ARN');
  assert.deepEqual(errors, []);
});

test('a syntax error in the handlers is underlined where it is', async () => {
  await setEditor('handlers-editor', 'export default {\n  Work: (input) => {\n    return { ok: true ;\n  },\n};\n');
  const mark = page.locator('#handlers-editor .cm-lintRange-error');
  await mark.first().waitFor();
  await mark.first().hover();
  assert.match(await page.locator('.cm-tooltip').first().textContent(), /Syntax error at line 3/);
  // A run says the module did not load, and where to look.
  await page.click('#run');
  await page.locator('#status', { hasText: 'Could not run' }).waitFor();
  assert.match(await page.textContent('#result'), /did not load: SyntaxError: .*\(the Handlers tab underlines where\)/);
  await setEditor('handlers-editor', 'export default {\n  Work: (input) => ({ ok: true }),\n};\n');
  await page.waitForFunction(() => document.querySelectorAll('#handlers-editor .cm-lintRange-error').length === 0);
  await loadExample('choice');
  assert.deepEqual(errors, []);
});

test('a Map inside a Map counts the items of all its runs, on a line of its own', async () => {
  const nested = { StartAt: 'Outer', States: { Outer: { Type: 'Map', ItemsPath: '$.xs', End: true,
    ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } } } } } } };
  await setEditor('input-editor', '{"xs": [[1, 2], [3]]}');
  await setEditor('definition-editor', JSON.stringify(nested));
  await page.locator('#graph .node[data-state="Inner"]').waitFor();
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  const badge = (state) => page.textContent(`#graph .node[data-state="${state}"] > .badge`);
  assert.equal(await badge('Outer'), '2/2 items');
  assert.equal(await badge('Inner'), '3/3 items  ×2');
  // The badge sits under the name, not over the type beside it.
  const [name, type, count] = await page.$$eval('#graph .node[data-state="Inner"] > text', (t) => t.map((e) => { const b = e.getBBox(); return { x: b.x, y: b.y, width: b.width, height: b.height }; }));
  assert.ok(count.y >= name.y + name.height - 1 && count.y >= type.y + type.height - 1, JSON.stringify({ name, type, count }));
  // Each visit of the inner Map has its own items in the inspector: [3], then [1, 2].
  await page.click('#graph .node[data-state="Inner"] > .box', { position: { x: 30, y: 10 } });
  const items = async () => (await page.textContent('#inspector-body')).match(/\d+ items?: \d+ succeeded/)?.[0];
  assert.equal(await items(), '1 item: 1 succeeded');
  await page.click('#visit-prev');
  assert.equal(await items(), '2 items: 2 succeeded');
  await setEditor('input-editor', '{}');
  assert.deepEqual(errors, []);
});

test('a history of 25,000 events keeps the page quick: its last 2,000 are listed, earlier ones on request', async () => {
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  const loop = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'C' }, C: { Type: 'Choice', Choices: [{ Variable: '$', IsNull: true, Next: 'D' }], Default: 'A' }, D: { Type: 'Succeed' } } };
  await setEditor('definition-editor', JSON.stringify(loop));
  await page.click('#run');
  assert.equal(await finalStatus(), 'FAILED');
  assert.match(await page.textContent('#result'), /maximum number of history events \(25000\)/);
  const rows = () => page.locator('#events tbody tr.event').count();
  assert.equal(await rows(), 2000);
  assert.equal(await page.getAttribute('#events tbody tr.event', 'data-id'), '23003');
  assert.match(await page.textContent('.more-events'), /The first 23,002 events are not listed/);
  await page.click('.more-events button');
  assert.equal(await rows(), 4000);
  assert.equal(await page.getAttribute('#events tbody tr.event', 'data-id'), '21003');
  // Selecting a state marks its rows (only those) without redrawing the table.
  await page.click('#graph .node[data-state="C"]');
  const marked = await page.$$eval('#events tbody tr.event.selected', (r) => [...new Set(r.map((x) => x.dataset.state))]);
  assert.deepEqual(marked, ['C']);
  // Building 25,000 rows at once froze the page for seconds; no task may come near that now.
  const longest = await page.evaluate(() => Math.max(0, ...window.longTasks));
  assert.ok(longest < 1500, `longest task ${longest} ms`);
  assert.deepEqual(errors, []);
});

test('Stop ends a waiting execution in the engine: its history ends with ExecutionAborted', async () => {
  await loadExample('callback');
  await page.click('#run');
  await page.locator('.callback').waitFor({ timeout: 10000 });
  await page.click('#stop');
  await page.locator('#status[data-kind="aborted"]').waitFor({ timeout: 5000 });
  assert.equal(await page.textContent('#status'), 'ABORTED');
  const types = await rowTypes();
  assert.equal(types.at(-1), 'ExecutionAborted', types.join());
  assert.ok(types.includes('TaskSubmitted'), types.join());
  assert.match(await page.textContent('#result'), /ExecutionAborted/);
  assert.doesNotMatch(await page.textContent('#result'), /terminated/, 'the engine answered: the worker was not killed');
  assert.equal(await page.locator('.callback').count(), 0, 'nothing waits any more');
  assert.ok(await page.locator('#graph .node.aborted[data-state="Ask a human to approve"]').count() === 1, 'the stopped state is marked');
  // The same worker runs the next execution.
  await page.click('#run');
  await page.locator('.callback button', { hasText: 'Send success' }).click({ timeout: 10000 });
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(errors, []);
});

test('the heartbeat button keeps a callback task alive on the real clock', async () => {
  const definition = JSON.stringify({
    StartAt: 'Wait for a person',
    States: {
      'Wait for a person': {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'token.$': '$$.Task.Token' } },
        HeartbeatSeconds: 2,
        TimeoutSeconds: 60,
        End: true,
      },
    },
  }, null, 2);
  await loadExample('hello');
  await setEditor('definition-editor', definition);
  await onRealClock('1', async () => {
    // Three heartbeats, 0.9 s apart: 2.7 s in all, more than HeartbeatSeconds, and still running.
    await page.click('#run');
    const card = page.locator('.callback');
    await card.waitFor({ timeout: 10000 });
    for (let i = 1; i <= 3; i++) {
      await page.waitForTimeout(900);
      await card.locator('button', { hasText: 'Send heartbeat' }).click();
      await page.waitForFunction((n) => document.querySelector('.callback')?.dataset.heartbeats === String(n), i, { timeout: 2000 });
    }
    assert.match(await card.locator('.problem').textContent(), /Heartbeat 3 sent/);
    assert.equal(await page.getAttribute('#status', 'data-kind'), 'running');
    assert.ok(!(await rowTypes()).includes('TaskTimedOut'));
    await card.locator('button', { hasText: 'Send success' }).click();
    assert.equal(await finalStatus(), 'SUCCEEDED');

    // Without heartbeats the same task times out after 2 s of real time.
    const started = Date.now();
    await page.click('#run');
    await page.locator('.callback').waitFor({ timeout: 10000 });
    assert.equal(await finalStatus(), 'FAILED');
    assert.ok(Date.now() - started >= 1900, `timed out after ${Date.now() - started} ms`);
    assert.ok((await rowTypes()).includes('TaskTimedOut'));
  });
  assert.deepEqual(errors, []);
});

test('Pause holds the engine on the real clock; Resume lets it go on', async () => {
  const definition = JSON.stringify({
    StartAt: 'Nap',
    States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Up' }, Up: { Type: 'Pass', End: true } },
  }, null, 2);
  await loadExample('hello');
  await setEditor('definition-editor', definition);
  await onRealClock('1', async () => {
    await page.click('#run');
    await page.locator('#events tbody tr.event', { hasText: 'WaitStateEntered' }).waitFor({ timeout: 5000 });
    await page.click('#pause');
    await page.waitForTimeout(1600);
    assert.ok(!(await rowTypes()).includes('WaitStateExited'), 'the Wait did not end while paused');
    assert.equal(await page.getAttribute('#status', 'data-kind'), 'paused');
    await page.click('#pause'); // Resume
    assert.equal(await finalStatus(), 'SUCCEEDED');
    const stamps = await page.$$eval('#events tbody tr.event td.num:last-child', (tds) => tds.map((t) => t.textContent));
    assert.ok(stamps.at(-1) !== '+0 ms', `real time passed: ${stamps.join(' ')}`);
  });
});

test('a YAML definition is underlined on the YAML line the engine reports', async () => {
  await loadExample('hello');
  await setEditor('definition-editor', 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Nowhere\n  B:\n    Type: Succeed\n');
  const mark = page.locator('#definition-editor .cm-lintRange-error', { hasText: 'Nowhere' });
  await mark.waitFor({ timeout: 10000 });
  const line = await mark.evaluate((el) => {
    const lineEl = el.closest('.cm-line');
    return [...lineEl.parentElement.children].indexOf(lineEl) + 1;
  });
  assert.equal(line, 5);
  await page.waitForFunction(() => /MISSING_TRANSITION_TARGET at line 5/.test(document.querySelector('#definition-hint').textContent));
});

test('Real time faster than 1× replays the history at that speed', async () => {
  await loadExample('wait'); // waits 3 s, then 2 s
  await onRealClock('10', async () => {
    const started = Date.now();
    await page.click('#run');
    assert.equal(await finalStatus(), 'SUCCEEDED');
    const took = Date.now() - started;
    assert.ok(took >= 450 && took < 5000, `5 s of waits took ${took} ms at 10×`);
    const stamps = await page.$$eval('#events tbody tr.event td.num:last-child', (tds) => tds.map((t) => t.textContent));
    assert.equal(stamps.at(-1), '+5 s', stamps.join(' '));
  });
});

test('a custom Task response says at once when it is not valid JSON', async () => {
  await loadExample('callback');
  await page.click('#tab-tasks');
  const card = page.locator('.task-card').first();
  await card.locator('select').selectOption('custom');
  const area = card.locator('textarea');
  const problem = card.locator('.problem');
  assert.equal(await problem.textContent(), '');
  await area.fill('{"approved": tru');
  assert.match(await problem.textContent(), /^Not valid JSON: /);
  assert.equal(await area.getAttribute('aria-invalid'), 'true');
  await area.fill('{"approved": true}');
  assert.equal(await problem.textContent(), '');
  assert.equal(await area.getAttribute('aria-invalid'), null);
  await page.click('#tab-definition');
});

test('a diagnostic tooltip on the first line stays inside the editor, clear of the tabs and Run', async () => {
  await page.click('#tab-definition');
  await page.click('#definition-editor .cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}');
  const mark = page.locator('#definition-editor .cm-lintRange-error').first();
  await mark.waitFor({ timeout: 10000 });
  await mark.hover();
  const tip = page.locator('#definition-editor .cm-tooltip').first();
  await tip.waitFor({ timeout: 5000 });
  const [box, editor] = [await tip.boundingBox(), await page.locator('#definition-editor').boundingBox()];
  assert.ok(box.y >= editor.y, `tooltip top ${box.y} is above the editor's ${editor.y}`);
});

test('a handler key that reaches no Task state is named after the run, with the state it may have meant', async () => {
  await loadExample('handlers');
  // 'look up user' for 'Look up user': the task quietly got its simulated response.
  await setEditor('handlers-editor', "export default { 'look up user': () => ({ name: 'Grace' }), 'Write greeting': () => ({ Payload: { text: 'hi' } }) };\n");
  await page.click('#run');
  await finalStatus();
  const note = page.locator('#result .unmatched');
  await note.waitFor({ timeout: 5000 });
  assert.match(await note.textContent(), /Handler “look up user” matches no Task state or Resource, so it never ran\. Did you mean “Look up user”\?/);
  // A key that does reach a state is not named.
  assert.doesNotMatch(await note.textContent(), /Handler “Write greeting”/);
  await loadExample('handlers');
  await page.click('#run');
  await finalStatus();
  assert.equal(await page.locator('#result .unmatched').count(), 0);
});

test('a Choice that matches no rule says so, in the result and in the inspector, without suggesting a Catch', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Big?', States: {
    'Big?': { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 10, Next: 'Big' }] }, Big: { Type: 'Succeed' } } }, null, 2));
  await setEditor('input-editor', '{"n": 2}');
  await page.click('#run');
  assert.equal(await finalStatus(), 'FAILED');
  const cause = await page.textContent('#result .error-box dd:last-of-type');
  assert.match(cause, /no rule that matches its input, and it has no Default/);
  const inspector = await page.textContent('#inspector-body');
  assert.match(inspector, /No rule matched, and there is no Default\./);
  assert.match(inspector, /Add a Default, or a rule that matches this input/);
  assert.doesNotMatch(inspector, /Retry or a Catch/);
  // A Pass state cannot have Catch either: the inspector does not tell the learner to add one.
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Pick', States: { Pick: { Type: 'Pass', InputPath: '$.missing', End: true } } }, null, 2));
  await page.click('#run');
  assert.equal(await finalStatus(), 'FAILED');
  assert.match(await page.textContent('#inspector-body'), /A Pass state cannot Retry or Catch/);
  await setEditor('input-editor', '{}');
});

test('a Parallel state draws its branches in their order, left to right', async () => {
  const lam = (n) => `arn:aws:lambda:us-east-1:123456789012:function:${n}`;
  // The shape that came out as Branch 3, Branch 1, Branch 2: a long branch after short ones.
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Fan out', States: { 'Fan out': { Type: 'Parallel', End: true, Branches: [
    { StartAt: 'B1 a', States: { 'B1 a': { Type: 'Pass', Next: 'B1 b' }, 'B1 b': { Type: 'Task', Resource: lam('b1'), Next: 'B1 c' }, 'B1 c': { Type: 'Wait', Seconds: 30, End: true } } },
    { StartAt: 'B2 a', States: { 'B2 a': { Type: 'Task', Resource: lam('b2'), Next: 'B2 b' }, 'B2 b': { Type: 'Pass', End: true } } },
    { StartAt: 'B3 map', States: { 'B3 map': { Type: 'Map', ItemProcessor: { StartAt: 'B3 inner', States: { 'B3 inner': { Type: 'Pass', Next: 'B3 task' }, 'B3 task': { Type: 'Task', Resource: lam('inner'), End: true } } }, End: true } } },
    { StartAt: 'B4 a', States: { 'B4 a': { Type: 'Pass', End: true } } },
  ] } } }, null, 2));
  await page.waitForFunction(() => document.querySelectorAll('#graph .branch').length === 4, null, { timeout: 10000 });
  const order = await page.$$eval('#graph .branch', (gs) => gs.map((g) => [g.querySelector('text').textContent, Number(g.querySelector('rect').getAttribute('x'))])
    .sort((a, b) => a[1] - b[1]).map(([label]) => label));
  assert.deepEqual(order, ['Branch 1', 'Branch 2', 'Branch 3', 'Branch 4']);
});

test('stepping keeps the newest event in view in the table', async () => {
  const States = {};
  for (let i = 1; i <= 20; i++) States[`S${i}`] = i < 20 ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true };
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'S1', States }, null, 2));
  await page.locator('#graph .node[data-state="S20"]').waitFor({ timeout: 10000 });
  const rows = () => page.locator('#events tbody tr.event').count();
  await page.click('#step'); // starts the run, paused after its first step
  await page.waitForFunction(() => /^Paused at event \d+: press Step/.test(document.querySelector('#status').textContent), null, { timeout: 5000 });
  for (let i = 0; i < 12; i++) {
    const before = await rows();
    await page.click('#step');
    await page.waitForFunction((n) => document.querySelectorAll('#events tbody tr.event').length > n
      && /^Paused at event \d+: press Step/.test(document.querySelector('#status').textContent), before, { timeout: 5000 });
  }
  const seen = await page.evaluate(() => {
    const wrap = document.querySelector('.table-wrap');
    const rows = [...document.querySelectorAll('#events tbody tr.event')];
    const [w, r] = [wrap.getBoundingClientRect(), rows.at(-1).getBoundingClientRect()];
    return { rows: rows.length, inView: r.top >= w.top && r.bottom <= w.bottom + 1 };
  });
  assert.ok(seen.rows > 20, `${seen.rows} rows`);
  assert.ok(seen.inView, 'the newest event is in view');
  await page.click('#stop');
  await finalStatus();
});

test('on a phone, all four editor tabs fit, with both counts showing', async () => {
  await loadExample('real-project'); // four Task states
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    // A definition error too: the Definition tab shows its count.
    await setEditor('definition-editor', (await page.evaluate(() => document.querySelector('#definition-editor .cm-content').innerText)).replace('"StartAt": "', '"StartAt": "Nope '));
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#diag-count:not([hidden])').waitFor({ timeout: 10000 });
    const boxes = await page.$$eval('[role=tab]', (tabs) => {
      const list = tabs[0].parentElement.getBoundingClientRect();
      return tabs.map((t) => { const r = t.getBoundingClientRect(); return { name: t.textContent.trim(), left: r.left - list.left, right: list.right - r.right }; });
    });
    for (const b of boxes) assert.ok(b.left >= 0 && b.right >= 0, `tab “${b.name}” is cut off: ${JSON.stringify(boxes)}`);
    assert.ok(await page.locator('#task-count').isVisible());
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('a {% %} expression in a JSONPath state is flagged: it would be output as text', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Greet', States: {
    Greet: { Type: 'Pass', Parameters: { 'message': '{% "Hello, " & $states.input.name %}' }, End: true } } }, null, 2));
  const mark = page.locator('#definition-editor .cm-lintRange-warning');
  await mark.waitFor({ timeout: 10000 });
  assert.match(await mark.textContent(), /\{% \\"Hello, \\"/);
  await page.locator('#definition-hint.warn').waitFor({ timeout: 5000 });
  assert.match(await page.textContent('#definition-hint'), /^Warning, INVALID_JSONATA_EXPRESSION at line 7: In a JSONPath state, a JSONata expression is not evaluated: the string is used as written\. Set "QueryLanguage": "JSONata" to evaluate it\.$/);
  assert.equal(await page.locator('#diag-count').isVisible(), false, 'a warning is no error: the machine runs');
});

test('a misspelt state name in Next or StartAt is explained, with the name it may have meant', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Next: 'Don' }, Done: { Type: 'Succeed' } } }, null, 2));
  await page.waitForFunction(() => /Don/.test(document.querySelector('#definition-hint').textContent), null, { timeout: 10000 });
  assert.match(await page.textContent('#definition-hint'), /^MISSING_TRANSITION_TARGET at line 6: Missing 'Next' target: Don \(and 1 more underlined\)\. Did you mean “Done”\?$/);
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'greet', States: { Greet: { Type: 'Pass', End: true } } }, null, 2));
  await page.waitForFunction(() => /greet/.test(document.querySelector('#definition-hint').textContent), null, { timeout: 10000 });
  // AWS's words ("Missing 'Next' target") do not fit a StartAt.
  assert.match(await page.textContent('#definition-hint'), /^MISSING_TRANSITION_TARGET at line 2: StartAt names no state: greet is not one of the States\. Did you mean “Greet”\?$/);
});

test('a Distributed Map with an ItemReader is listed in Task responses: it reads a sample, my content, or fails', async () => {
  const machine = { StartAt: 'Ratings', States: { Ratings: { Type: 'Map',
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'reviews', Key: 'ratings.csv' } },
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Stars', States: { Stars: { Type: 'Pass', End: true } } }, End: true } } };
  await setEditor('definition-editor', JSON.stringify(machine, null, 2));
  await setEditor('input-editor', '{}');
  await setEditor('handlers-editor', 'export default {};\n');
  await page.click('#tab-tasks');
  const card = page.locator('.task-card[data-state="Ratings"]');
  await card.waitFor({ timeout: 5000 });
  assert.equal(await page.textContent('#task-count'), '1');
  assert.match(await card.textContent(), /ItemReader · S3 getObject, CSV/);
  // Out of the box it reads a sample of its kind: the run succeeds (it failed with ItemReaderFailed).
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.equal(JSON.parse(await page.textContent('#output')).length, 3);

  await card.locator('select').selectOption('custom');
  await card.locator('textarea').fill('user,stars\nada,5\nbob,4\n');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), [{ user: 'ada', stars: '5' }, { user: 'bob', stars: '4' }]);

  await card.locator('select').selectOption('fail');
  await page.click('#run');
  assert.equal(await finalStatus(), 'FAILED');
  assert.match(await page.textContent('#result'), /States\.ItemReaderFailed/);

  // A handler named after the Map wins over the content set here.
  await card.locator('select').selectOption('auto');
  await setEditor('handlers-editor', 'export default { Ratings: () => "n\\n1\\n" };\n');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), [{ n: '1' }]);
  assert.deepEqual(errors, []);
});

test('a Distributed Map with a ResultWriter runs out of the box: the output says where the manifest is, the result shows what was written', async () => {
  const machine = { StartAt: 'Export', States: { Export: { Type: 'Map',
    ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' }, WriterConfig: { Transformation: 'COMPACT' } },
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } }, End: true } } };
  await setEditor('definition-editor', JSON.stringify(machine, null, 2));
  await setEditor('input-editor', '[1, 2]');
  await setEditor('handlers-editor', 'export default {};\n');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.equal(JSON.parse(await page.textContent('#output')).ResultWriterDetails.Bucket, 'out');
  const files = page.locator('#result .result-file');
  assert.equal(await files.count(), 2);
  assert.match(await files.nth(0).textContent(), /Export wrote s3:\/\/out\/runs\/\d+\/SUCCEEDED_0\.json\[1,2\]/);
  assert.match(await files.nth(1).textContent(), /manifest\.json/);
  assert.deepEqual(errors, []);
});

test('a handler whose promise never settles is named in the status, and one that returns undefined is pointed out', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Load', States: {
    Load: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:load', Next: 'Save' },
    Save: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:save', End: true } } }, null, 2));
  await setEditor('input-editor', '{}');
  await setEditor('handlers-editor', 'export default { Load: () => { ({ rows: 3 }); }, Save: () => new Promise(() => {}) };\n');
  await page.click('#run');
  // It said "Running…" for ever, with no sign of what it waited for.
  await page.waitForFunction(() => /waiting for your handler of “Save”/.test(document.querySelector('#status').textContent), null, { timeout: 10000 });
  await page.click('#graph .node[data-state="Load"]');
  const result = page.locator('#inspector-body details.stage[data-stage="Task result"]');
  await result.waitFor({ timeout: 5000 });
  assert.match(await result.textContent(), /Your handler returned undefined, so the result is null\. Did it miss a return\?/);
  await page.click('#stop');
  assert.equal(await finalStatus(), 'ABORTED');
  assert.match(await page.textContent('#result'), /Handler “Load” returned undefined for “Load”, so the task's result was null/);
  assert.deepEqual(errors, []);
});

test('a definition pasted and run at once (Ctrl+Enter) runs with its own Task states and responses', async () => {
  await setEditor('handlers-editor', 'export default { Load: () => ({ rows: 3 }) };\n');
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Load', States: {
    Load: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:load', End: true } } }, null, 2));
  await page.keyboard.press('Control+Enter');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  // The keys were checked against the machine before (no Task state named Load).
  assert.doesNotMatch(await page.textContent('#result'), /matches no Task state/);
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { rows: 3 });
});

test("the graph's nodes tell a screen reader how the run went there, not only their name", async () => {
  await loadExample('retry-catch');
  assert.equal(await page.getAttribute('#graph .node[data-state="Ship"]', 'aria-label'), 'Ship, Task state');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.equal(await page.getAttribute('#graph .node[data-state="Charge card"]', 'aria-label'), 'Charge card, Task state, succeeded, retried 2 times');
  assert.equal(await page.getAttribute('#graph .node[data-state="Ship"]', 'aria-label'), 'Ship, Task state, failed, then caught');
  assert.equal(await page.getAttribute('#graph .node[data-state="Tell the customer"]', 'aria-label'), 'Tell the customer, Pass state, succeeded');
});

test('a Next or Catch naming no state is drawn on the graph, marked, where the arrow goes', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'A', States: {
    A: { Type: 'Pass', Next: 'Gone' },
    B: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:b', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }], End: true } } }, null, 2));
  const marks = page.locator('#graph .missing');
  await page.waitForFunction(() => document.querySelectorAll('#graph .missing').length === 2, null, { timeout: 10000 });
  assert.deepEqual((await marks.allTextContents()).map((t) => t.split('“')[1]?.split('”')[0]).sort(), ['Gone', 'Recover']);
  assert.equal(await page.locator('#graph .edge.to-missing').count(), 2);
  assert.equal(await page.getAttribute('#graph .missing >> nth=0', 'role'), 'img');
});

test("a Map around one small state is wide enough for its name", async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Ratings', States: { Ratings: { Type: 'Map',
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Stars', States: { Stars: { Type: 'Pass', End: true } } },
    End: true } } }, null, 2));
  const name = page.locator('#graph .node[data-state="Ratings"] > text.name');
  await name.waitFor({ timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#graph .node[data-state="Ratings"] > text.name')?.firstChild?.textContent === 'Ratings', null, { timeout: 10000 });
  assert.equal(await name.locator('title').count(), 0);
});

test("a Distributed Map's badge counts its items once its run succeeded (their events are in child executions)", async () => {
  await loadExample('distributed-map');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  const badge = page.locator('#graph .node[data-state="Greet every customer"] > .badge');
  assert.match(await badge.textContent(), /^(\d+)\/\1 items$/);
  assert.doesNotMatch(await badge.textContent(), /^0\//);
});

test('a Task set to never answer times out (TimeoutSeconds), is retried, then caught: the Timeouts example', async () => {
  await loadExample('timeout');
  await page.click('#tab-tasks');
  assert.equal(await page.inputValue('.task-card[data-state="Ask for a quote"] select'), 'never');
  assert.match(await page.textContent('.task-card[data-state="Ask for a quote"]'), /TimeoutSeconds \(10\) fires with States\.Timeout/);
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  assert.deepEqual(JSON.parse(await page.textContent('#output')), { product: 'tea', quote: { price: 12, cached: true }, why: 'States.Timeout' });
  const rows = await page.$$eval('#events tbody tr.event', (trs) => trs.map((r) => r.textContent));
  const timedOut = rows.filter((t) => t.includes('LambdaFunctionTimedOut'));
  assert.equal(timedOut.length, 2, rows.join('\n'));
  assert.match(timedOut[0], /The Lambda function timed out\./);
});

test('the Share notice names what the link carries, and only that', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.url });
  await page.goto(`${browser.url}?example=hello`);
  await ready();
  await page.click('#share');
  await page.locator('#notice:not([hidden])').waitFor();
  assert.match(await page.textContent('#notice'), /^Link copied \(\d+ characters\)\. It carries the definition and input; nothing is uploaded\.$/);
});

test('a reader switched to “Read my content” and run unedited reads the content its box shows', async () => {
  await loadExample('distributed-map');
  await page.click('#tab-tasks');
  await page.selectOption('.reader-card[data-state="Greet every customer"] select', 'custom');
  const shown = JSON.parse(await page.inputValue('.reader-card[data-state="Greet every customer"] textarea'));
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED', await page.textContent('#result'));
  assert.equal(JSON.parse(await page.textContent('#output')).length, shown.length);
});

test('on a phone, files a ResultWriter wrote under long keys wrap inside the result, not widen the page', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await setEditor('definition-editor', JSON.stringify({ StartAt: 'Rows', States: { Rows: { Type: 'Map',
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k.json' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'an-output-bucket-with-a-long-name', Prefix: 'results/of/the/spring/campaign' } },
      End: true } } }, null, 2));
    await page.click('#run');
    assert.equal(await finalStatus(), 'SUCCEEDED');
    await page.locator('#result details.result-file').first().waitFor();
    const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(scroll <= client, `the page is ${scroll}px wide in a ${client}px window`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 900 });
  }
});

test('a Task set to "Fail, then succeed" that becomes a Distributed Map of the same name reads the sample its card shows', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Rows', States: { Rows: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:x', End: true } } }, null, 2));
  await setEditor('handlers-editor', 'export default {};\n');
  await page.click('#tab-tasks');
  await page.selectOption('.task-card[data-state="Rows"] select', 'failFirst');
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Rows', States: { Rows: { Type: 'Map',
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k.json' } },
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    End: true } } }, null, 2));
  await page.click('#tab-tasks');
  assert.equal(await page.inputValue('.reader-card[data-state="Rows"] select'), 'auto');
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED', await page.textContent('#result'));
  assert.equal(JSON.parse(await page.textContent('#output')).length, 3);
});

test('a misspelt handler key for a Distributed Map’s ItemReader is named with the Map it may have meant', async () => {
  await setEditor('definition-editor', JSON.stringify({ StartAt: 'Rows', States: { Rows: { Type: 'Map',
    ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k.json' } },
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    End: true } } }, null, 2));
  await setEditor('handlers-editor', "export default { Rowz: () => '[1, 2]' };\n");
  await page.click('#run');
  assert.equal(await finalStatus(), 'SUCCEEDED');
  const note = page.locator('#result .unmatched');
  await note.waitFor({ timeout: 5000 });
  assert.match(await note.textContent(), /Handler “Rowz” matches no Task state or Resource, so it never ran\. Did you mean “Rows”\?/);
  await setEditor('handlers-editor', 'export default {};\n');
});
