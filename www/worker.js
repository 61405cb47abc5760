// Runs executions off the page's thread, so a long or endless run never freezes it; the page
// stops a run by terminating this worker.
//
// Messages in:  { id, definition: string, input: string }
// Messages out: { type: 'ready' } once, then { id, result: { status, output, error, cause } }
//               or { id, failure: string } (bad JSON, invalid definition, engine bug)
import { init, StateMachine, DefinitionError } from './pkg/index.js';

const loaded = init();
loaded.then(() => postMessage({ type: 'ready' }), (e) => postMessage({ type: 'failed', failure: `cannot load the engine: ${e.message}` }));

onmessage = async ({ data: { id, definition, input } }) => {
  try {
    await loaded;
    let inputValue;
    try {
      inputValue = JSON.parse(input.trim() === '' ? '{}' : input);
    } catch (e) {
      throw new Error(`Input is not valid JSON: ${e.message}`);
    }
    const machine = StateMachine.create(definition);
    const result = await machine.start(inputValue).done;
    postMessage({ id, result });
  } catch (e) {
    const failure = e instanceof DefinitionError
      ? e.diagnostics.map((d) => `${d.code} at line ${d.line}, column ${d.column}: ${d.message}`).join('\n')
      : e.message;
    postMessage({ id, failure });
  }
};
