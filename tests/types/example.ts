// A user's script, type-checked against js/index.d.ts by tests/node/api-types.test.js
// (`tsc --noEmit -p tests/types`). Lines marked @ts-expect-error must stay errors.
import {
  ApiError,
  DefinitionError,
  Execution,
  NEVER,
  StateMachine,
  init,
  validate,
  version,
  type Context,
  type Diagnostic,
  type ExecutionResult,
  type Handlers,
  type HistoryEvent,
  type MockConfig,
  type PendingTask,
} from 'asl-sim';

async function main(): Promise<void> {
  await init();
  const v: string = version();

  const definition = {
    StartAt: 'Charge',
    States: {
      Charge: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:charge', TimeoutSeconds: 5, Next: 'Notify' },
      Notify: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true },
    },
  };
  const diagnostics: Diagnostic[] = validate(definition, { type: 'STANDARD' });
  for (const d of diagnostics) console.log(`${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`);

  let machine: StateMachine;
  try {
    machine = StateMachine.create(definition, { name: 'orders', type: 'STANDARD', roleArn: 'arn:aws:iam::123456789012:role/r' });
  } catch (e) {
    if (e instanceof DefinitionError) console.log(e.diagnostics.map((d) => d.location));
    throw e;
  }
  StateMachine.create('StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n');

  const handlers: Handlers = {
    Charge: async (input: { amount: number }, context: Context) => ({ charged: input.amount, by: context.State.Name }),
    'arn:aws:lambda:*:function:*': () => NEVER,
    Notify: (_input, context) => ({ MessageId: context.Task?.Token ?? '' }),
  };
  const events: HistoryEvent[] = [];
  const execution: Execution = machine.start({ amount: 3 }, {
    name: 'order-1',
    handlers,
    clock: 'virtual',
    limits: { maxPayloadBytes: 1024, maxHistoryEvents: Infinity, maxTransitions: 100 },
    onEvent: (event) => events.push(event),
    startTime: new Date('2024-01-01T00:00:00Z'),
    seed: 7,
  });
  const pending: PendingTask[] = execution.pendingTasks();
  for (const task of pending) {
    if (task.token !== null) {
      try {
        execution.sendTaskSuccess(task.token, { ok: true });
      } catch (e) {
        if (e instanceof ApiError && e.name === 'TaskTimedOut') console.log('too late');
      }
    }
  }
  execution.sendTaskHeartbeat('token');
  execution.sendTaskFailure('token', 'Error', 'cause');
  execution.pause();
  const stepped: HistoryEvent[] = await execution.step();
  execution.resume();
  execution.stop('Cancelled', 'by the test');
  const result: ExecutionResult = await execution.done;
  if (result.status === 'SUCCEEDED') console.log(result.output);
  else console.log(result.error, result.cause);
  console.log(v, execution.status, execution.history.length, execution.executionArn, stepped.length);

  const mocks: MockConfig = {
    StateMachines: { orders: { TestCases: { HappyPath: { Charge: 'ChargeOk' } } } },
    MockedResponses: { ChargeOk: { '0': { Return: { charged: 3 } }, '1-2': { Throw: { Error: 'Boom', Cause: 'no' } } } },
  };
  await machine.start({}, { mockConfig: mocks, testCase: 'HappyPath', clock: 'real' }).done;

  // @ts-expect-error: the clock is 'virtual' or 'real'
  machine.start({}, { clock: 'fast' });
  // @ts-expect-error: options are checked
  machine.start({}, { handler: {} });
  // @ts-expect-error: a machine type is STANDARD or EXPRESS
  StateMachine.create(definition, { type: 'standard' });
  // @ts-expect-error: done never resolves to RUNNING
  const running: ExecutionResult['status'] = 'RUNNING';
  // @ts-expect-error: history is read-only
  execution.history = [];
  void running;
}

void main;
