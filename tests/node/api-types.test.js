// js/index.d.ts matches the runtime: a user's script type-checks with tsc, and every name the
// declarations promise (module exports, class members) exists at run time, and vice versa.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as api from 'asl-sim';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

test('tests/types/example.ts type-checks against index.d.ts (npx tsc --noEmit)', () => {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const r = spawnSync(npx, ['--no-install', 'tsc', '--noEmit', '-p', 'tests/types'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
});

/** Exported values of index.d.ts, and the public members of its classes. */
function declared() {
  const ts = require('typescript');
  const file = `${root}js/index.d.ts`;
  assert.ok(existsSync(file));
  const program = ts.createProgram([file], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file));
  const values = new Set();
  const members = {};
  for (const symbol of checker.getExportsOfModule(module)) {
    if (!(symbol.flags & ts.SymbolFlags.Value)) continue; // types only
    values.add(symbol.name);
    if (symbol.flags & ts.SymbolFlags.Class) {
      const decl = symbol.declarations[0];
      const own = [];
      const statics = [];
      for (const m of decl.members) {
        if (!m.name || ts.isConstructorDeclaration(m)) continue;
        const mods = ts.getCombinedModifierFlags(m);
        if (mods & ts.ModifierFlags.Private) continue;
        (mods & ts.ModifierFlags.Static ? statics : own).push(m.name.getText());
      }
      members[symbol.name] = { own, statics };
    }
  }
  return { values, members };
}

test('every value index.d.ts declares is exported at run time, and nothing else', () => {
  const { values } = declared();
  assert.deepEqual([...values].sort(), Object.keys(api).sort());
});

test('the declared class members exist at run time', async () => {
  const { members } = declared();
  const machine = api.StateMachine.create({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const execution = machine.start({});
  await execution.done;
  const instances = { StateMachine: machine, Execution: execution };
  for (const [name, { own, statics }] of Object.entries(members)) {
    for (const s of statics) assert.equal(typeof api[name][s], 'function', `${name}.${s}`);
    const instance = instances[name] ?? new api[name](...(name === 'ApiError' ? ['InvalidToken', 'm'] : name === 'DefinitionError' ? [[]] : ['m']));
    for (const m of own) assert.ok(m in instance, `${name}#${m} is declared but missing at run time`);
  }
  // And the runtime's public methods are all declared.
  for (const [name, instance] of Object.entries(instances)) {
    const proto = Object.getOwnPropertyNames(Object.getPrototypeOf(instance)).filter((k) => k !== 'constructor');
    for (const k of [...proto, ...Object.keys(instance)]) assert.ok(members[name].own.includes(k), `${name}#${k} exists but is not declared`);
  }
});
