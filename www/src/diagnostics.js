// Engine diagnostics ({severity, code, message, line, column, ...}) as text for people. Kept
// apart from the editors so that the embed, which has no editor, can word them too.

/**
 * A diagnostic's message for people: AWS words a JSON syntax error as its parser does, followed
 * by a copy of the whole definition (`at [Source: ...]`); only the first part is shown, with
 * the line and column beside it.
 */
export function shortMessage(d) {
  const message = String(d.message ?? '').replace(/\s*\n? at \[Source: [\s\S]*$/, '');
  // AWS words a StartAt naming no state as a missing 'Next' target, which a StartAt is not.
  const start = d.code === 'MISSING_TRANSITION_TARGET' && /\/StartAt$/.test(d.location ?? '') && message.match(/^Missing 'Next' target: (.*)$/s);
  return start ? `StartAt names no state: ${start[1]} is not one of the States.` : message;
}

/** The name a MISSING_TRANSITION_TARGET diagnostic says is missing (null for other diagnostics). */
export function missingTarget(d) {
  if (d.code !== 'MISSING_TRANSITION_TARGET') return null;
  return String(d.message ?? '').match(/^Missing 'Next' target: (.*)$/s)?.[1] ?? null;
}

/** One line: "line 4, column 9: CODE: message" (no place when the engine gives none). */
export function diagnosticLine(d) {
  const where = d.line > 0 ? `line ${d.line}${d.column > 0 ? `, column ${d.column}` : ''}: ` : '';
  return `${where}${d.code}: ${shortMessage(d)}`;
}
