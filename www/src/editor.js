// CodeMirror 6 editors for the page: the definition (JSON or YAML, with the engine's diagnostics
// underlined), the execution input (JSON), the handlers (JavaScript), small JSON fields.
import { basicSetup } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, keymap, tooltips } from '@codemirror/view';
import { HighlightStyle, ensureSyntaxTree, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { javascript } from '@codemirror/lang-javascript';
import { tags as t } from '@lezer/highlight';
import { shortMessage } from './diagnostics.js';

// Colours come from CSS variables, so the editors follow the page's light or dark theme.
const highlight = HighlightStyle.define([
  { tag: [t.propertyName], color: 'var(--tok-key)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--tok-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--tok-number)' },
  { tag: [t.keyword, t.operatorKeyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword], color: 'var(--tok-keyword)' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: 'var(--tok-fn)' },
  { tag: [t.definition(t.variableName), t.variableName], color: 'var(--text)' },
  { tag: t.invalid, color: 'var(--bad)' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel)', fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--accent)' },
  '.cm-cursor': { borderLeftColor: 'var(--accent)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', border: 'none', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--line-active)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--line-active)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection) !important' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)', borderRadius: '8px', boxShadow: 'var(--shadow)' },
  '.cm-tooltip-lint': { padding: '0' },
  '.cm-diagnostic': { padding: '6px 10px', maxWidth: '34rem', whiteSpace: 'pre-wrap' },
  '.cm-diagnostic-error': { borderLeft: '4px solid var(--bad)' },
  '.cm-diagnostic-warning': { borderLeft: '4px solid var(--warn)' },
  '.cm-lintRange-error': { backgroundImage: 'none', textDecoration: 'underline wavy var(--bad)', textUnderlineOffset: '3px', textDecorationSkipInk: 'none' },
  '.cm-lintRange-warning': { backgroundImage: 'none', textDecoration: 'underline wavy var(--warn)', textUnderlineOffset: '3px' },
  '.cm-panels': { backgroundColor: 'var(--panel-2)', color: 'var(--text)' },
  '.cm-foldPlaceholder': { backgroundColor: 'var(--panel-2)', border: '1px solid var(--border)', color: 'var(--muted)' },
});

export const isYaml = (text) => !/^\s*(\{|\[|$)/.test(text);

/**
 * Finds where a JSON pointer (/States/A/Next) sits in YAML text, by indentation: a best effort,
 * for a diagnostic without a line (the engine locates YAML diagnostics itself).
 */
function yamlRange(doc, pointer) {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let line = 1;
  let indent = -1;
  let found = null;
  for (const part of parts) {
    let hit = null;
    for (let n = line; n <= doc.lines; n++) {
      const text = doc.line(n).text;
      const m = text.match(/^(\s*)(?:-\s+)?(["']?)([^:"']+)\2\s*:/);
      if (!m) continue;
      const ind = m[1].length;
      if (found && ind <= indent && n > line) break;
      if (m[3].trim() === part && ind > indent) {
        hit = { n, ind, from: doc.line(n).from + m[1].length, to: doc.line(n).to };
        break;
      }
    }
    if (!hit) break;
    found = hit;
    line = hit.n + 1;
    indent = hit.ind;
  }
  return found ? { from: found.from, to: found.to } : null;
}

/** A range to underline: an empty one takes the next character of its line (else the one before). */
function visibleRange(doc, from, to) {
  if (to <= from) {
    const l = doc.lineAt(from);
    to = Math.min(from + 1, l.to);
    if (to <= from && from > l.from) from -= 1;
  }
  return { from, to };
}

/** Engine diagnostics -> CodeMirror diagnostics (1-based line/column, end exclusive). */
function toCm(doc, d) {
  let range = null;
  if (!(d.line > 0) && isYaml(doc.toString()) && d.location?.startsWith('/')) range = yamlRange(doc, d.location);
  if (!range) {
    const pos = (line, column) => {
      const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
      return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
    };
    range = visibleRange(doc, pos(d.line, d.column), pos(d.endLine || d.line, d.endColumn || d.column));
  }
  const severity = d.severity === 'WARNING' ? 'warning' : 'error';
  return {
    ...range,
    severity,
    message: `${d.code}: ${d.message}`,
    renderMessage: () => {
      const box = document.createElement('div');
      box.className = 'diag';
      const code = document.createElement('code');
      code.className = 'diag-code';
      code.textContent = d.code;
      const text = document.createElement('div');
      text.textContent = shortMessage(d);
      const where = document.createElement('div');
      where.className = 'diag-where';
      // A JSON pointer says where in the machine; AWS gives some errors a copy of the text instead.
      const pointer = d.location?.startsWith('/') ? d.location : '';
      where.textContent = `line ${d.line}, column ${d.column}${pointer ? ` · ${pointer}` : ''}`;
      box.append(code, text, where);
      return box;
    },
  };
}

/**
 * Where a JavaScript text does not parse (the handlers module): the browser's own error when
 * the module fails to load gives no line. The first place the parser had to skip is underlined.
 */
function syntaxErrors(view) {
  const tree = ensureSyntaxTree(view.state, view.state.doc.length, 200);
  if (!tree) return [];
  let found = null;
  tree.iterate({
    enter: (node) => {
      if (found) return false;
      if (node.type.isError) {
        found = node.from;
        return false;
      }
      return undefined;
    },
  });
  if (found === null) return [];
  const line = view.state.doc.lineAt(found).number;
  return [{ ...visibleRange(view.state.doc, found, found), severity: 'error', message: `Syntax error at line ${line}: the handlers module will not load as written.` }];
}

/** An editor in `parent`. options: { language: 'definition'|'json'|'javascript', doc, onChange, onRun, validate, label } */
export function createEditor(parent, { language, doc = '', onChange, onRun, validate, label }) {
  const lang = new Compartment();
  let yamlMode = language === 'definition' && isYaml(doc);
  const langFor = () => (language === 'javascript' ? javascript() : yamlMode ? yaml() : json());
  const extensions = [
    basicSetup,
    lang.of(langFor()),
    theme,
    syntaxHighlighting(highlight),
    EditorState.tabSize.of(2),
    // Tooltips (a diagnostic's, on hover) stay within the editor: above its first line one
    // covered the tabs and the Run button, and took their clicks.
    tooltips({ tooltipSpace: (view) => view.dom.getBoundingClientRect() }),
    EditorView.contentAttributes.of({ 'aria-label': label ?? 'editor' }),
    keymap.of([{ key: 'Mod-Enter', run: () => { onRun?.(); return true; } }]),
    EditorView.updateListener.of((u) => {
      if (!u.docChanged) return;
      const text = u.state.doc.toString();
      if (language === 'definition' && isYaml(text) !== yamlMode) {
        yamlMode = !yamlMode;
        queueMicrotask(() => view.dispatch({ effects: lang.reconfigure(langFor()) }));
      }
      onChange?.(text);
    }),
  ];
  if (language === 'javascript') extensions.push(lintGutter(), linter(syntaxErrors, { delay: 500 }));
  if (validate) {
    extensions.push(lintGutter(), linter(async (v) => {
      const text = v.state.doc.toString();
      const diagnostics = await validate(text);
      if (!diagnostics || v.state.doc.toString() !== text) return [];
      return diagnostics.map((d) => toCm(v.state.doc, d));
    }, { delay: 350 }));
  }
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
  return {
    view,
    get text() { return view.state.doc.toString(); },
    set text(value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    },
    /** Validates again (what the text means changed without the text: a ${Name} value). */
    async relint() {
      if (!validate) return;
      const text = view.state.doc.toString();
      const diagnostics = await validate(text);
      if (!diagnostics || view.state.doc.toString() !== text) return;
      view.dispatch(setDiagnostics(view.state, diagnostics.map((d) => toCm(view.state.doc, d))));
    },
    /** Puts the cursor at the start of a line (1-based) and scrolls it into view. */
    goToLine(line) {
      const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      view.dispatch({ selection: { anchor: l.from }, scrollIntoView: true });
      view.focus();
    },
    focus() { view.focus(); },
  };
}
