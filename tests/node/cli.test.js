// The CLI's contract: exit codes and one-line messages, never a stack trace; `run`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asl, assertOneLineError, fixtures } from './cli-helpers.js';

const { dir, write } = fixtures('cli');
const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:w';

test('--help prints usage and exits 0; each command has its own --help', () => {
  const r = asl(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage:/);
  for (const command of ['run', 'validate', 'test', 'test-state', 'mocks', 'conformance']) {
    assert.match(r.stdout, new RegExp(`asl-sim ${command} `));
    const own = asl([command, '--help']);
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, new RegExp(`^Usage: asl-sim ${command} `));
    assert.equal(asl(['help', command]).stdout, own.stdout);
  }
});

test('no arguments prints usage to stderr and exits 2', () => {
  const r = asl([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Usage:/);
});

test('--version prints the package version', () => {
  assert.equal(asl(['--version']).stdout.trim(), '0.1.0');
});

test('usage errors are one line with exit code 2', () => {
  assertOneLineError(asl(['frobnicate']), /^asl-sim: unknown command 'frobnicate'/);
  assertOneLineError(asl(['run']), /needs a file argument/);
  assertOneLineError(asl(['run', 'a.json', 'b.json']), /takes one file argument, got 2/);
  assertOneLineError(asl(['run', 'x.json', '--bogus']), /unknown option '--bogus' for 'run'/);
  assertOneLineError(asl(['run', 'x.json', '-x']), /unknown option '-x'/);
  assertOneLineError(asl(['run', 'x.json', '--input']), /option '--input' needs a value/);
  assertOneLineError(asl(['run', 'x.json', '--json=yes']), /option '--json' takes no value/);
  assertOneLineError(asl(['validate']), /needs at least one file argument/);
  assertOneLineError(asl(['validate', 'x.json', '--type', 'FAST']), /--type is STANDARD or EXPRESS/);
  assertOneLineError(asl(['validate', 'x.json', '--sub', 'novalue']), /--sub takes Name=value/);
  assertOneLineError(asl(['test']), /needs at least one test file/);
  assertOneLineError(asl(['mocks', 'x.json', '--frob']), /unknown option '--frob' for 'mocks'/);
  assertOneLineError(asl(['conformance', dir, '--baseline']), /needs a value/);
});

test('missing files are one line with exit code 2', () => {
  assertOneLineError(asl(['run', `${dir}/missing.json`]), /cannot read definition file .*missing\.json': no such file/);
  assertOneLineError(asl(['validate', `${dir}/missing.yaml`]), /cannot read definition file/);
  assertOneLineError(asl(['test', `${dir}/missing.test.json`]), /cannot read test file/);
  assertOneLineError(asl(['mocks', `${dir}/missing.json`]), /cannot read definition file/);
  assertOneLineError(asl(['validate', write('ok.json', '{}'), '--subs', `${dir}/none.json`]), /cannot read substitutions file/);
  assertOneLineError(asl(['conformance', `${dir}/nowhere`]), /no corpus at .*nowhere': expected a cases\/<group>\/\*\.json layout/);
});

test('bad JSON input is one line with exit code 2', () => {
  const def = write('def.json', '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}');
  assertOneLineError(asl(['run', def, '--input', '{nope']), /--input is not valid JSON/);
  assertOneLineError(asl(['run', def, '--input', `@${dir}/none.json`]), /cannot read input file/);
  const badInput = write('bad-input.json', '[1,');
  assertOneLineError(asl(['run', def, '--input', `@${badInput}`]), /input file '.*bad-input\.json' is not valid JSON/);
  assertOneLineError(asl(['test', write('bad.test.json', '{"name": ')]), /test file '.*bad\.test\.json' is not valid JSON/);
  assertOneLineError(asl(['validate', def, '--subs', write('subs.json', '["a"]')]), /must hold a JSON object/);
});

test('run prints SUCCEEDED and the output, exit 0', () => {
  const def = write('pass.json', { StartAt: 'P', States: { P: { Type: 'Pass', Result: { hello: 'world' }, End: true } } });
  const r = asl(['run', def]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'status: SUCCEEDED\n{\n  "hello": "world"\n}\n');
  const json = asl(['run', def, '--json']);
  assert.deepEqual(JSON.parse(json.stdout), { status: 'SUCCEEDED', output: { hello: 'world' } });
});

test('run uses --input and a --handlers module; a failed execution exits 1', () => {
  const def = write('task.json', { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambda, End: true } } });
  const handlers = write('handlers.mjs', `export default {
    Work: (input) => { if (input.n < 0) throw new RangeError('negative'); return { n: input.n + 1 }; },
  };\n`);
  const ok = asl(['run', def, '--input', '{"n": 1}', '--handlers', handlers, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { status: 'SUCCEEDED', output: { n: 2 } });
  const input = write('negative.json', '{"n": -1}');
  const failed = asl(['run', def, '--input', `@${input}`, '--handlers', handlers]);
  assert.equal(failed.code, 1);
  assert.equal(failed.stdout, 'status: FAILED\nerror: RangeError\ncause: negative\n');
  assertOneLineError(asl(['run', def, '--handlers', write('broken.mjs', 'export default {')]), /cannot load handlers module/);
});

test('run ends tasks that nothing can answer: their timeout runs out, or the run stops naming them', () => {
  const wait = (extra) => ({
    Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
    Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } }, ...extra,
  });
  // With TimeoutSeconds the wait ends on the virtual clock, and the Catch takes over.
  const timed = write('token-timeout.json', {
    StartAt: 'Ask',
    States: {
      Ask: wait({ TimeoutSeconds: 600, Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.err', Next: 'Fallback' }], End: true }),
      Fallback: { Type: 'Pass', Result: 'no answer', ResultPath: '$.outcome', End: true },
    },
  });
  const r = asl(['run', timed, '--input', '{"k":1}', '--history', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.output, { k: 1, err: { Error: 'States.Timeout', Cause: '' }, outcome: 'no answer' });
  const events = out.history.filter((e) => e.type === 'TaskTimedOut');
  assert.equal(events.length, 1);
  // 600 s passed on the virtual clock between the task's start and its timeout.
  const started = out.history.find((e) => e.type === 'TaskSubmitted' || e.type === 'TaskStarted');
  assert.equal(Date.parse(events[0].timestamp) - Date.parse(started.timestamp), 600_000);
  // Without one, the run stops with a cause that names the state, instead of exiting silently.
  const untimed = write('token-forever.json', { StartAt: 'Ask', States: { Ask: wait({ End: true }) } });
  const stuck = asl(['run', untimed, '--json']);
  assert.equal(stuck.code, 1, stuck.stderr);
  const result = JSON.parse(stuck.stdout);
  assert.equal(result.status, 'ABORTED');
  assert.equal(result.error, 'asl-sim.NoAnswer');
  assert.match(result.cause, /state 'Ask'.*TimeoutSeconds/);
});

test('run --history prints the AWS-shaped execution history', () => {
  const def = write('hist.json', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  const r = asl(['run', def, '--history', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const { history } = JSON.parse(r.stdout);
  assert.deepEqual(history.map((e) => e.type), ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
  assert.equal(history[1].stateEnteredEventDetails.name, 'P');
  assert.deepEqual(history.map((e) => e.id), [1, 2, 3, 4]);
  const text = asl(['run', def, '--history']);
  assert.match(text.stdout, /^status: SUCCEEDED\n\{\}\n\{\n {2}"events": \[/);
});

test('run takes YAML and ${Name} substitutions; an unresolved one is a diagnostic naming it', () => {
  const def = write('sub.yaml', `StartAt: Work
States:
  Work:
    Type: Task
    Resource: \${WorkFn}
    End: true
`);
  const handlers = write('echo.mjs', 'export default { Work: (input) => ({ got: input }) };\n');
  const ok = asl(['run', def, '--sub', `WorkFn=${lambda}`, '--handlers', handlers, '--input', '{"a":1}', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).output, { got: { a: 1 } });
  const subs = write('subs.json', { DefinitionSubstitutions: { WorkFn: lambda } });
  assert.equal(asl(['run', def, '--subs', subs, '--handlers', handlers]).code, 0);
  const missing = asl(['run', def]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^asl-sim: invalid definition '.*sub\.yaml' \(2 errors\)\n/);
  assert.match(missing.stderr, /sub\.yaml:5:15: ERROR SCHEMA_VALIDATION_FAILED The definition substitution '\$\{WorkFn\}' has no value/);
});

test('run --handlers: a handler named after a Distributed Map gives its ItemReader what S3 would', () => {
  const machine = write('reader.json', {
    StartAt: 'Files',
    States: {
      Files: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { 'Bucket.$': '$.bucket' }, ReaderConfig: { MaxItems: 1 } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'Size', States: { Size: { Type: 'Task', Resource: lambda, End: true } } },
        End: true,
      },
    },
  });
  const handlers = write('reader-handlers.mjs', 'export default { Files: ({ Bucket }) => [{ Key: `${Bucket}/a`, Size: 3 }, { Key: `${Bucket}/b`, Size: 4 }], Size: (item) => item.Size * 10 };\n');
  let r = asl(['run', machine, '--input', '{"bucket":"bk"}', '--handlers', handlers, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { status: 'SUCCEEDED', output: [30] });
  r = asl(['run', machine, '--input', '{"bucket":"bk"}', '--json']);
  assert.equal(r.code, 1);
  const result = JSON.parse(r.stdout);
  assert.equal(result.error, 'States.ItemReaderFailed');
  assert.match(result.cause, /run --handlers/);
});

test('run: what a ResultWriter writes is printed (resultFiles in --json); a putObject handler in --handlers gets it', () => {
  const machine = write('writer.json', {
    StartAt: 'Work',
    States: {
      Work: {
        Type: 'Map',
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'p' }, WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSON' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'Keep', States: { Keep: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  });
  const handlers = write('writer-handlers.mjs', "export default { 'arn:aws:states:::s3:putObject': ({ Key }) => { if (Key.endsWith('manifest.json')) throw new Error('denied'); } };\n");
  let r = asl(['run', machine, '--input', '[1,2]', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.output.ResultWriterDetails.Bucket, 'out');
  assert.deepEqual(result.resultFiles.map((f) => f.Key.split('/').pop()), ['SUCCEEDED_0.json', 'manifest.json']);
  assert.equal(result.resultFiles[0].Body, '[1,2]');
  r = asl(['run', machine, '--input', '[1,2]']);
  assert.match(r.stdout, /wrote s3:\/\/out\/p\/\d+\/SUCCEEDED_0\.json \(Work\):\n\[1,2\]/);
  r = asl(['run', machine, '--input', '[1,2]', '--handlers', handlers, '--json']);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).error, 'States.ResultWriterFailed');
});
