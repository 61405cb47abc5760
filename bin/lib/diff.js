// Expected vs actual JSON values, as a list of differences with the JSON path of each.
// Expected strings may hold the corpus's placeholders: `<name>` alone matches any value, and
// inside a longer string stands for any substring (`arn:aws:states:<region>:...`).

const PLACEHOLDER = /<[^<>\s"']+>/g;

function isPlaceholder(s) {
  return typeof s === 'string' && /^<[^<>\s"']+>$/.test(s);
}

function matchesTemplate(pattern, text) {
  if (!PLACEHOLDER.test(pattern)) return false;
  PLACEHOLDER.lastIndex = 0;
  const parts = pattern.split(PLACEHOLDER).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`).test(text);
}

const show = (v) => {
  const text = JSON.stringify(v);
  return text === undefined ? 'nothing' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

const key = (path, k) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`);

/** Differences between `want` and `got`: [{ path, message }], at most `limit`. */
export function differences(want, got, path = '$', out = [], limit = 20) {
  if (out.length >= limit) return out;
  if (isPlaceholder(want)) return out;
  if (typeof want === 'string' && typeof got === 'string' && (want === got || matchesTemplate(want, got))) return out;
  if (Array.isArray(want) && Array.isArray(got)) {
    const n = Math.max(want.length, got.length);
    for (let i = 0; i < n && out.length < limit; i++) {
      if (i >= got.length) out.push({ path: `${path}[${i}]`, message: `expected ${show(want[i])}, got nothing (the array has ${got.length} items, expected ${want.length})` });
      else if (i >= want.length) out.push({ path: `${path}[${i}]`, message: `unexpected ${show(got[i])} (the array has ${got.length} items, expected ${want.length})` });
      else differences(want[i], got[i], `${path}[${i}]`, out, limit);
    }
    return out;
  }
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(want) && isObject(got)) {
    for (const k of Object.keys(want)) {
      if (out.length >= limit) break;
      if (!(k in got)) out.push({ path: key(path, k), message: `expected ${show(want[k])}, got nothing (missing key)` });
      else differences(want[k], got[k], key(path, k), out, limit);
    }
    for (const k of Object.keys(got)) {
      if (out.length >= limit) break;
      if (!(k in want)) out.push({ path: key(path, k), message: `unexpected key with ${show(got[k])}` });
    }
    return out;
  }
  if (typeof want === 'number' && typeof got === 'number' && want === got) return out;
  if (want === got) return out;
  out.push({ path, message: `expected ${show(want)}, got ${show(got)}` });
  return out;
}

/** Where two sequences of state names part: null when equal, else a readable report. */
export function pathDifference(want, got) {
  if (want.length === got.length && want.every((s, i) => s === got[i])) return null;
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const at = i < want.length && i < got.length ? `step ${i + 1}: expected ${show(want[i])}, got ${show(got[i])}`
    : i < want.length ? `step ${i + 1}: expected ${show(want[i])}, but the execution went no further`
      : `step ${i + 1}: expected the path to end, got ${show(got[i])}`;
  return { at, expected: want.join(' → '), actual: got.join(' → ') };
}
