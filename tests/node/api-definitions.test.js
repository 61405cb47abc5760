// StateMachine.create and validate: JSON or YAML text, machine types, warnings, substitutions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DefinitionError, StateMachine, validate } from 'asl-sim';

const yaml = `# a YAML definition
Comment: greets
StartAt: Greet
States:
  Greet:
    Type: Pass
    Parameters:
      greeting.$: States.Format('Hello, {}', $.name)
    End: true
`;

test('a YAML definition runs like its JSON twin', async () => {
  const machine = StateMachine.create(yaml, { name: 'yaml' });
  assert.deepEqual(await machine.start({ name: 'Ada' }).done, { status: 'SUCCEEDED', output: { greeting: 'Hello, Ada' } });
});

test('YAML diagnostics carry YAML lines and columns', () => {
  const broken = yaml.replace('    End: true\n', '    Next: Nowhere\n');
  assert.throws(() => StateMachine.create(broken), (e) => {
    assert.ok(e instanceof DefinitionError);
    const d = e.diagnostics.find((x) => x.code === 'MISSING_TRANSITION_TARGET');
    assert.ok(d, JSON.stringify(e.diagnostics));
    assert.equal(d.location, '/States/Greet/Next');
    assert.equal(d.line, 9);
    assert.ok(d.column >= 5);
    assert.ok(e.diagnostics.every((x) => x.severity === 'ERROR'));
    assert.match(e.message, /line 9/);
    return true;
  });
});

test('validate lists errors and warnings with positions, for objects and text', () => {
  const text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Result": {"x.$": "$.y"}, "End": true}\n  }\n}';
  const diagnostics = validate(text);
  assert.ok(diagnostics.length > 0);
  for (const d of diagnostics) {
    assert.deepEqual(Object.keys(d).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'location', 'message', 'severity']);
  }
  const warning = diagnostics.find((d) => d.severity === 'WARNING');
  assert.ok(warning, JSON.stringify(diagnostics));
  assert.equal(warning.line, 4);
  // A valid definition with warnings creates, and keeps them.
  const machine = StateMachine.create(text);
  assert.deepEqual(machine.warnings, diagnostics);
  assert.deepEqual(validate({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }), []);
  const missing = validate({ StartAt: 'A', States: { A: { Type: 'Bogus', End: true } } });
  assert.ok(missing.some((d) => d.severity === 'ERROR'));
});

test('EXPRESS machines cannot wait for tokens: validate and create say so', () => {
  const def = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } };
  assert.deepEqual(validate(def, { type: 'STANDARD' }).filter((d) => d.severity === 'ERROR'), []);
  const errors = validate(def, { type: 'EXPRESS' }).filter((d) => d.severity === 'ERROR');
  assert.equal(errors.length, 1);
  assert.throws(() => StateMachine.create(def, { type: 'EXPRESS' }), DefinitionError);
  assert.throws(() => validate(def, { type: 'express' }), /type must be 'STANDARD' or 'EXPRESS'/);
});

test('an EXPRESS execution has an express ARN, and RedriveCount 0 as AWS gives one started with StartExecution', async () => {
  const machine = StateMachine.create({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } }, { name: 'fast', type: 'EXPRESS' });
  let context;
  const execution = machine.start({}, { name: 'e1', handlers: { T: (input, ctx) => { context = ctx; return 1; } } });
  await execution.done;
  assert.match(execution.executionArn, /^arn:aws:states:us-east-1:123456789012:express:fast:e1:/);
  assert.equal(context.Execution.RedriveCount, 0);
});

test('definitionSubstitutions replace ${Name} before parsing; a missing one is an error', async () => {
  const text = '{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${WorkArn}", "End": true}}}';
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:work';
  const machine = StateMachine.create(text, { definitionSubstitutions: { WorkArn: arn } });
  assert.deepEqual(await machine.start({}, { handlers: { [arn]: () => 'ok' } }).done, { status: 'SUCCEEDED', output: 'ok' });
  const [missing] = validate(text, { definitionSubstitutions: {} });
  assert.match(missing.message, /'\$\{WorkArn\}' has no value/);
  assert.equal(missing.column, text.indexOf('${') + 1);
});

test('text that is neither JSON nor YAML throws DefinitionError at line 1', () => {
  assert.throws(() => StateMachine.create('not a definition'), (e) => e instanceof DefinitionError && e.diagnostics[0].line === 1);
});
