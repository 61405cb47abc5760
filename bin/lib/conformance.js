// asl-sim conformance <dir> : the AWS-recorded corpus (cases/<group>/*.json) through the wasm
// build of the Rust corpus runner (drivers::conformance::run_case).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, loadEngine, readText } from './common.js';

export const conformanceCommand = {
  summary: 'conformance <dir> [--json] [--baseline file]',
  help: `Usage: asl-sim conformance <corpus-dir> [options]

Runs every case of a corpus laid out like shared/conformance (cases/<group>/*.json) and prints
passed/total per group, with how many recorded histories match at level 1 (event types and
state names) and exactly (every event's details, id and previousEventId too).

Options:
  --baseline file   lines "group minimum": exit 1 if a group passes fewer cases than its minimum
  --failures        list each failing case with its reason, and each history that differs
  --json            end with one line of JSON: {"total":{"passed","total"},"groups":{...},
                    "historyLevel1":{"matched","total"},"historyExact":{"matched","total"},
                    "failures":[{"id","reason"}]}

Exit code 0 after reporting (with --baseline: 0 only if no group is below it), 2 on usage errors.`,
  spec: { options: { '--json': 'flag', '--baseline': 'value', '--failures': 'flag' } },
  async main({ options, positionals: [dir] }) {
    const casesDir = join(dir, 'cases');
    if (!existsSync(casesDir) || !statSync(casesDir).isDirectory()) {
      throw new UsageError(`no corpus at '${dir}': expected a cases/<group>/*.json layout`);
    }
    const baseline = options['--baseline'] === undefined ? null : readBaseline(options['--baseline']);
    const { bindings } = await loadEngine();
    const groups = {};
    const history = { matched: 0, total: 0 };
    const exact = { matched: 0, total: 0 };
    const failures = [];
    const historyDiffs = [];
    for (const group of readdirSync(casesDir).sort()) {
      const groupDir = join(casesDir, group);
      if (!statSync(groupDir).isDirectory()) continue;
      const counts = (groups[group] = { passed: 0, total: 0, history: { matched: 0, total: 0 }, exact: { matched: 0, total: 0 } });
      for (const name of readdirSync(groupDir).filter((f) => f.endsWith('.json')).sort()) {
        const r = JSON.parse(bindings.cliConformanceCase(readText(join(groupDir, name), 'case file')));
        counts.total++;
        if (r.passed) counts.passed++;
        else failures.push({ id: r.id === '?' ? `${group}/${name}` : r.id, reason: r.reason ?? '' });
        if (r.historyLevel1 !== null) {
          for (const h of [history, counts.history]) {
            h.total++;
            if (r.historyLevel1) h.matched++;
          }
        }
        if (r.historyExact !== null) {
          for (const h of [exact, counts.exact]) {
            h.total++;
            if (r.historyExact) h.matched++;
          }
          if (!r.historyExact) historyDiffs.push({ id: r.id, diff: r.historyLevel1 ? r.historyExactDiff : r.historyDiff });
        }
      }
    }
    const total = Object.values(groups).reduce((t, g) => ({ passed: t.passed + g.passed, total: t.total + g.total }), { passed: 0, total: 0 });
    const width = Math.max(5, ...Object.keys(groups).map((g) => g.length));
    const below = [];
    for (const [group, g] of Object.entries(groups)) {
      const h = g.history;
      const min = baseline?.get(group);
      const mark = min === undefined ? '' : g.passed < min ? `  BELOW baseline ${min}` : `  (baseline ${min})`;
      if (min !== undefined && g.passed < min) below.push(`${group} ${g.passed} < ${min}`);
      console.log(`  ${group.padEnd(width)} ${String(g.passed).padStart(4)}/${String(g.total).padEnd(4)} history L1 ${h.matched}/${h.total}, exact ${g.exact.matched}/${g.exact.total}${mark}`);
    }
    console.log(`conformance: ${total.passed}/${total.total} passed; history level 1: ${history.matched}/${history.total}; exact: ${exact.matched}/${exact.total}`);
    if (options['--failures']) {
      for (const f of failures) console.log(`  FAIL ${f.id}: ${f.reason}`);
      for (const d of historyDiffs) console.log(`  HISTORY ${d.id}: ${d.diff}`);
    }
    if (baseline) {
      for (const group of baseline.keys()) if (!(group in groups)) console.log(`  (baseline group '${group}' has no cases here)`);
      console.log(below.length ? `below baseline: ${below.join(', ')}` : 'every group is at or above its baseline');
    }
    if (options['--json']) {
      const plainGroups = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, { passed: g.passed, total: g.total }]));
      console.log(JSON.stringify({ total, groups: plainGroups, historyLevel1: history, historyExact: exact, failures }));
    }
    return below.length ? 1 : 0;
  },
};

function readBaseline(file) {
  const map = new Map();
  for (const [i, line] of readText(file, 'baseline file').split('\n').entries()) {
    const text = line.replace(/#.*/, '').trim();
    if (!text) continue;
    const m = /^(\S+)\s+(\d+)$/.exec(text);
    if (!m) throw new UsageError(`baseline file '${file}' line ${i + 1}: expected "group minimum", got '${text}'`);
    map.set(m[1], Number(m[2]));
  }
  return map;
}
