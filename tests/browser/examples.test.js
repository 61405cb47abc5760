// The gallery as teaching material: what a card says an example teaches is in its definition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { examples } from '../../www/src/examples.js';

// Words of the language a card may name (tags and the one-line summary).
const FIELDS = ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'Arguments', 'Output', 'Assign',
  'Condition', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'SecondsPath', 'TimeoutSeconds',
  'HeartbeatSeconds', 'Retry', 'Catch', 'Default', 'Error', 'Cause', 'QueryLanguage', 'ToleratedFailureCount'];

for (const ex of examples) {
  test(`the "${ex.title}" card names only what its definition uses`, () => {
    const named = [...ex.teaches, ...ex.summary.split(/[^\w.$]+/)];
    for (const word of named) {
      if (/^States\.\w+$/.test(word) || FIELDS.includes(word)) {
        assert.ok(ex.definition.includes(word), `${ex.id} names ${word}, which its definition does not use`);
      }
    }
  });
}
