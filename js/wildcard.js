// Handler keys with `*` wildcards (`arn:aws:lambda:*:*:function:orders-*`): what the API's
// handler lookup matches a Resource ARN with, and what the playground's embed checks a key
// against when it warns of one that reaches no Task state. One definition for both.

/** The RegExp a handler key with `*` stands for (`*` matches anything, all else literally); null for a plain key. */
export function wildcardPattern(key) {
  if (!key.includes('*')) return null;
  const source = key.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's');
}
