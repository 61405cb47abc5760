// Handler keys that reach no Task state. Tasks without a handler get a simulated response, so a
// typo in a key ('look up user' for 'Look up user') would otherwise pass unseen: the playground
// and the embed both say which keys never ran, and which Task state each may have meant.
import { wildcardPattern } from '../../js/wildcard.js';

/** Whether a handler key reaches a Resource: the ARN itself, or a pattern with * wildcards (as the API matches them). */
function reaches(key, resource) {
  return key === resource || (wildcardPattern(key)?.test(resource) ?? false);
}

/**
 * The handler keys that name no Task state, reach no Task state's Resource and name no Map
 * state with an ItemReader (whose handler gives the Map its items, as the API looks it up).
 * tasks: { [name]: { resource } }; readers: the names of Map states with an ItemReader.
 */
export function unmatchedKeys(keys, tasks, readers = new Set()) {
  const resources = Object.values(tasks).map((t) => t.resource);
  return keys.filter((key) => !Object.hasOwn(tasks, key) && !readers.has(key) && !resources.some((r) => reaches(key, r)));
}

/** Levenshtein distance, for telling a typo from another name. */
export function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The names close enough to `word` to be what a typo meant (case aside, a few letters off). */
export function nearNames(word, names) {
  const a = word.toLowerCase();
  return names.filter((name) => name !== word && editDistance(a, name.toLowerCase()) <= Math.max(2, Math.floor(a.length / 5)));
}

/** The warning for one key: the Task states (or Maps with an ItemReader) it may have meant (close in name, or in Resource for an ARN), else all the Task states. */
export function unmatchedText(key, tasks, readers = new Set()) {
  const arn = key.startsWith('arn:');
  const quote = (name) => (arn ? `“${name}” (${tasks[name].resource})` : `“${name}”`);
  const names = Object.keys(tasks);
  // A Map with an ItemReader is answered by the handler named after it: its name can be misspelt too.
  const near = arn ? names.filter((name) => nearNames(key, [tasks[name].resource]).length) : nearNames(key, [...names, ...readers]);
  const list = (items, word) => (items.length > 1 ? `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}` : items[0]);
  const hint = near.length ? `Did you mean ${list(near.map(quote), 'or')}?`
    : names.length ? `The Task states are ${list(names.map(quote), 'and')}.`
      : 'This machine has no Task states.';
  return `Handler “${key}” matches no Task state or Resource, so it never ran. ${hint}`;
}
