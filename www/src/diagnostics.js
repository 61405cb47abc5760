// Engine diagnostics ({severity, code, message, line, column, ...}) as text for people. Kept
// apart from the editors so that the embed, which has no editor, can word them too.

/**
 * A diagnostic's message for people: AWS words a JSON syntax error as its parser does, followed
 * by a copy of the whole definition (`at [Source: ...]`); only the first part is shown, with
 * the line and column beside it.
 */
export function shortMessage(d) {
  return String(d.message ?? '').replace(/\s*\n? at \[Source: [\s\S]*$/, '');
}

/** One line: "line 4, column 9: CODE: message" (no place when the engine gives none). */
export function diagnosticLine(d) {
  const where = d.line > 0 ? `line ${d.line}${d.column > 0 ? `, column ${d.column}` : ''}: ` : '';
  return `${where}${d.code}: ${shortMessage(d)}`;
}
