// asl-sim validate <file>... : ValidateStateMachineDefinition's diagnostics, with positions.
import { checkDefinition, formatDiagnostic, machineType, readText, substitutions } from './common.js';

export const validateCommand = {
  summary: 'validate <file>... [--json] [--type STANDARD|EXPRESS] [--sub Name=value] [--subs file.json]',
  help: `Usage: asl-sim validate <definition>... [options]

Checks state machine definitions (JSON or YAML) the way ValidateStateMachineDefinition does,
and prints one line per diagnostic: file:line:column: SEVERITY CODE message

Options:
  --type STANDARD|EXPRESS   the machine type (EXPRESS forbids .sync, .waitForTaskToken, activities)
  --sub Name=value          a value for \${Name} (DefinitionSubstitutions); repeatable
  --subs file.json          values for \${Name} placeholders, from a JSON object
  --json                    print the diagnostics array (with several files, an object per file)

Exit code 1 when any definition has an ERROR, 0 otherwise (warnings alone pass), 2 on usage errors.`,
  spec: { options: { '--json': 'flag', '--type': 'value', '--sub': 'list', '--subs': 'value' }, min: 1, max: Infinity },
  async main({ options, positionals }) {
    const type = machineType(options);
    const subs = substitutions(options);
    const texts = positionals.map((file) => readText(file, 'definition file'));
    const results = [];
    for (const [i, file] of positionals.entries()) {
      results.push({ file, ...(await checkDefinition(texts[i], { type, subs })) });
    }
    const failed = results.some((r) => !r.valid);
    if (options['--json']) {
      const strip = (r) => r.diagnostics;
      const out = results.length === 1 ? strip(results[0]) : Object.fromEntries(results.map((r) => [r.file, strip(r)]));
      console.log(JSON.stringify(out, null, 2));
    } else {
      for (const r of results) {
        for (const d of r.diagnostics) console.log(formatDiagnostic(r.file, d));
        if (r.diagnostics.length === 0 && results.length > 1) console.log(`${r.file}: OK`);
      }
      const errors = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'ERROR').length, 0);
      const warnings = results.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity !== 'ERROR').length, 0);
      const what = results.length === 1 ? results[0].file : `${results.length} files`;
      console.log(`${what}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
    }
    return failed ? 1 : 0;
  },
};
