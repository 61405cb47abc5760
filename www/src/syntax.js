// Where a handlers module stops parsing. The browser's SyntaxError from import() names the
// token but not its place; the page underlines it in its editor, and an embed, which has no
// editor, says the line and column. The first place the parser had to skip is taken.
import { parser } from '@lezer/javascript';

/** JavaScript text -> { line, column } (1-based) of its first syntax error, or null. */
export function firstSyntaxError(code) {
  let at = null;
  parser.parse(code).iterate({
    enter: (node) => {
      if (at !== null) return false;
      if (node.type.isError) {
        at = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (at === null) return null;
  const before = code.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}
