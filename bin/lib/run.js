// asl-sim run <file> : one execution through the JS API, with JS handlers for Task states.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError, inputText, loadDefinition, loadEngine, machineType, readJson } from './common.js';

export const runCommand = {
  summary: 'run <file> [--input JSON|@file] [--handlers module.mjs] [--mock-config file --test-case name] [--real-time] [--history] [--json]',
  help: `Usage: asl-sim run <definition> [options]

Runs one execution of a state machine (JSON or YAML) and prints its status and output.

Options:
  --input JSON|@file        the execution input, as JSON text or @path to a JSON file (default {})
  --handlers module.mjs     an ES module whose default export maps Task state names or resource
                            ARNs to (input, context) => result functions (async is fine; a throw
                            fails the task with error = err.name, cause = err.message); the
                            one named after a Distributed Map with an ItemReader returns what
                            S3 would (the object's text, or the listed objects); one keyed
                            arn:aws:states:::s3:putObject gets each object a ResultWriter
                            writes ({ Bucket, Key, Body }; without it writes are simulated)
  --mock-config file        a Step Functions Local MockConfigFile, with --test-case name
  --test-case name          the test case of the mock config to run
  --name NAME               the state machine's name (default: the mock config's only one, else
                            the file name without extension)
  --type STANDARD|EXPRESS   the machine type (default STANDARD)
  --real-time               Wait states and timeouts take real time (default: virtual time)
  --history                 also print the execution history (GetExecutionHistory events)
  --sub Name=value          a value for a \${Name} placeholder; repeatable
  --subs file.json          values for \${Name} placeholders, from a JSON object
  --json                    print { status, output, error, cause[, resultFiles][, history] } as
                            JSON (resultFiles: what Distributed Maps' ResultWriters wrote)

Exit code 0 when the execution SUCCEEDED, 1 otherwise, 2 on usage or input errors.`,
  spec: {
    options: {
      '--input': 'value', '--handlers': 'value', '--mock-config': 'value', '--test-case': 'value', '--name': 'value',
      '--type': 'value', '--real-time': 'flag', '--history': 'flag', '--sub': 'list', '--subs': 'value', '--json': 'flag',
    },
  },
  async main({ options, positionals: [file] }) {
    const input = inputText(options['--input']);
    if ((options['--mock-config'] === undefined) !== (options['--test-case'] === undefined)) {
      throw new UsageError('--mock-config and --test-case go together');
    }
    const definition = await loadDefinition(file, options);
    const handlers = options['--handlers'] === undefined ? {} : await loadHandlers(options['--handlers']);
    const { api } = await loadEngine();
    let name = options['--name'] ?? machineName(file);
    const startOptions = { handlers };
    if (options['--mock-config'] !== undefined) {
      const mockConfig = readJson(options['--mock-config'], 'mock config file');
      requireApi(api, 'mockConfig', '--mock-config');
      // The mock config names the machine; with only one in it, that is the one.
      const machines = Object.keys(mockConfig?.StateMachines ?? {});
      if (options['--name'] === undefined && machines.length === 1) name = machines[0];
      Object.assign(startOptions, { mockConfig, testCase: options['--test-case'] });
    }
    if (options['--real-time']) {
      requireApi(api, 'real clock', '--real-time');
      startOptions.clock = 'real';
    }
    const machine = api.StateMachine.create(definition.text, { name, type: machineType(options) });
    const execution = start(machine, JSON.parse(input), startOptions);
    const result = await untilDone(execution);
    if (options['--json']) {
      const out = { ...result };
      const files = execution.resultFiles ?? [];
      if (files.length > 0) out.resultFiles = files;
      if (options['--history']) out.history = execution.history;
      console.log(JSON.stringify(out, null, 2));
    } else {
      console.log(`status: ${result.status}`);
      if (result.status === 'SUCCEEDED') console.log(JSON.stringify(result.output, null, 2));
      if (result.error !== undefined && result.error !== null) console.log(`error: ${result.error}`);
      if (result.cause !== undefined && result.cause !== null) console.log(`cause: ${result.cause}`);
      // What ResultWriters wrote, as AWS would have it in S3.
      for (const f of execution.resultFiles ?? []) console.log(`wrote s3://${f.Bucket}/${f.Key} (${f.stateName}):\n${f.Body}`);
      if (options['--history']) console.log(JSON.stringify({ events: execution.history }, null, 2));
    }
    return result.status === 'SUCCEEDED' ? 0 : 1;
  },
};

/**
 * The execution's result. Once Node has nothing left to do (no handler at work, no timer set)
 * while tasks still wait, nothing in this process can answer them any more: nobody here can
 * send a task token. They are abandoned, so that their TimeoutSeconds or HeartbeatSeconds run
 * out on the virtual clock (and a Catch may take over), as on AWS when no answer comes. If
 * tasks wait that nothing can end, the execution is stopped with a cause that names them,
 * rather than leaving the process to exit with no result.
 */
async function untilDone(execution) {
  const abandoned = new Set();
  const onIdle = () => {
    if (execution.status !== 'RUNNING') return;
    const waiting = execution.pendingTasks();
    if (waiting.some((t) => !abandoned.has(t.taskId))) {
      for (const t of waiting) abandoned.add(t.taskId);
      execution.abandonPendingTasks();
      // Keeps the loop alive for one more turn, so that this runs again if nothing moves.
      setImmediate(() => {});
      return;
    }
    const states = [...new Set(waiting.map((t) => `'${t.stateName}'`))].join(', ') || '(none)';
    execution.stop(
      'asl-sim.NoAnswer',
      `Nothing in this run can answer the task(s) of state ${states}: they wait for a task token (or a handler that never settles), and no TimeoutSeconds or HeartbeatSeconds ends them. ` +
        'Give the state a TimeoutSeconds, answer it from a --mock-config test case, or send the token from a test through the JS API (execution.sendTaskSuccess).',
    );
  };
  process.on('beforeExit', onIdle);
  try {
    return await execution.done;
  } finally {
    process.off('beforeExit', onIdle);
  }
}

export function machineName(file) {
  return file.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml|asl\.json|asl\.ya?ml)$/i, '').replace(/\.asl$/i, '') || 'StateMachine';
}

async function loadHandlers(file) {
  let module;
  try {
    module = await import(pathToFileURL(resolve(file)).href);
  } catch (e) {
    throw new UsageError(`cannot load handlers module '${file}': ${String(e?.message ?? e).split('\n')[0]}`);
  }
  const handlers = module.default ?? module;
  if (handlers === null || typeof handlers !== 'object') {
    throw new UsageError(`handlers module '${file}' must export (default) an object of functions`);
  }
  return handlers;
}

// mockConfig/testCase and clock: 'real' came to the JS API together with its validate()
// export; an older build (whose start() ignores options it does not know) has neither.
export function requireApi(api, feature, flag) {
  if (typeof api.validate !== 'function') {
    throw new UsageError(`${flag} needs the JS API's ${feature} support, which this build does not have yet`);
  }
}

/** The API's start(), with its TypeErrors (a bad mock config, an unknown test case) as usage errors. */
export function start(machine, input, options) {
  try {
    return machine.start(input, options);
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(String(e.message).replace(/^asl-sim: /, ''));
    throw e;
  }
}
