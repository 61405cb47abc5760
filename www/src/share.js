// Share links: the definition, input, handlers and simulated responses, deflated into the URL
// fragment (never sent to a server).

const toBase64Url = (bytes) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromBase64Url = (text) => {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
};

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** state -> '#s=...' */
export async function encodeShare(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  return `#s=${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
}

/** '#s=...' -> state, or null when the fragment is not a share link; throws when it is damaged. */
export async function decodeShare(hash) {
  const m = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!m) return null;
  const bytes = await pipe(fromBase64Url(m[1]), new DecompressionStream('deflate-raw'));
  const state = JSON.parse(new TextDecoder().decode(bytes));
  if (!state || typeof state !== 'object') throw new Error('not a share link');
  return state;
}
