// The static server behind `npm start` and the browser tests.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { serve } from '../../scripts/serve.js';

let server;
let url;
before(async () => ({ server, url } = await serve({ port: 0 })));
after(() => server.close());

const get = (path) => fetch(new URL(path, url));

test('serves the page with the right types', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await page.text(), /<title>asl-sim playground[^<]*<\/title>/);
  assert.equal((await get('/dist/app.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await get('/style.css')).headers.get('content-type'), 'text/css; charset=utf-8');
});

test('serves the built package, wasm as application/wasm', async () => {
  const wasm = await get('/pkg/asl_sim.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await wasm.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  assert.equal((await get('/pkg/index.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
});

test('404 for missing files, 403 outside www/', async () => {
  assert.equal((await get('/nope.txt')).status, 404);
  // fetch would normalize the path; send it raw, with an encoded slash after '..'.
  const status = await new Promise((resolve, reject) => {
    request(new URL('/..%2fpackage.json', url), (res) => { res.resume(); resolve(res.statusCode); }).on('error', reject).end();
  });
  assert.equal(status, 403);
});
