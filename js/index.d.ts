// Types of asl-sim's JavaScript API (js/index.js).

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Loads the WebAssembly module. Browsers must await it once before anything else; `source` may
 * be a URL (or string), a Request, a Response (or a promise of one), the bytes or a compiled
 * module (default: the package's `pkg/asl_sim.wasm`). In Node the module loads on import and
 * calling this is optional.
 */
export function init(source?: string | URL | Request | Response | PromiseLike<Response> | BufferSource | WebAssembly.Module): Promise<void>;

/** The engine's version (the crate's, which is the package's). */
export function version(): string;

/**
 * Returned (or resolved) by a handler: the task never answers. Time may then run on to the
 * task's TimeoutSeconds or HeartbeatSeconds, so a timeout can be tested at once.
 */
export const NEVER: unique symbol;

export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** One problem found in a definition. Lines and columns are 1-based (0 when unknown). */
export interface Diagnostic {
  severity: 'ERROR' | 'WARNING';
  /** AWS's code, e.g. `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`. */
  code: string;
  message: string;
  /** JSON pointer of the field, as AWS reports it (`/States/A/Next`). */
  location: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A definition with errors; `diagnostics` lists every one (warnings are not included). */
export class DefinitionError extends Error {
  readonly name: 'DefinitionError';
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]);
}

/** An error AWS's API would give for the same call; `name` is AWS's exception name. */
export class ApiError extends Error {
  readonly name: 'InvalidToken' | 'TaskTimedOut' | 'InvalidOutput' | (string & {});
  constructor(name: string, message: string);
}

/** A bug in asl-sim itself. `Execution.done` rejects with it; nothing else does. */
export class InternalError extends Error {
  readonly name: 'InternalError';
  constructor(message: string);
}

/** A state machine definition: an object, or JSON or YAML text. */
export type Definition = string | { StartAt: string; States: Record<string, unknown>; [field: string]: unknown };

export interface ValidateOptions {
  /** Default `'STANDARD'`. EXPRESS machines cannot use activities, `.sync` or `.waitForTaskToken`. */
  type?: StateMachineType;
  /** CloudFormation's `DefinitionSubstitutions`: `${Name}` placeholders replaced before parsing. */
  definitionSubstitutions?: Record<string, string | number | boolean>;
}

/** ValidateStateMachineDefinition: every error and warning, located in the text given. */
export function validate(definition: Definition, options?: ValidateOptions): Diagnostic[];

export interface CreateOptions extends ValidateOptions {
  /** The state machine's name (in ARNs and `$$.StateMachine.Name`). Default `'StateMachine'`. */
  name?: string;
  /** The execution role (in `$$.Execution.RoleArn` and ExecutionStarted). */
  roleArn?: string;
}

/**
 * The context object (`$$`) as a Task state sees it. `Execution` and `StateMachine` are the
 * same frozen objects for every task of an execution.
 */
export interface Context {
  readonly Execution: {
    Id: string;
    Input: Json;
    Name: string;
    RoleArn: string;
    StartTime: string;
    /** 0 until a redrive. AWS leaves it out only for an EXPRESS machine started with StartSyncExecution. */
    RedriveCount?: number;
  };
  State: { EnteredTime: string; Name: string; RetryCount: number };
  readonly StateMachine: { Id: string; Name: string };
  /** `.waitForTaskToken` tasks only. */
  Task?: { Token: string };
  [field: string]: unknown;
}

/**
 * A Task state's implementation: returns (or resolves to) the task's result. A thrown Error
 * fails the task: `error` is its `error` property if it is a string, else its `name`; `cause`
 * is its `message`. For a `.waitForTaskToken` task the result is the submit response, and the
 * task ends when its token is sent back (`Execution.sendTaskSuccess`).
 */
/**
 * A Task state's implementation. `input`'s top level is the handler's own to change; arrays and
 * objects nested in it whose JSON is 16 KiB or more are shared with the engine and frozen.
 */
export type Handler = (input: any, context: Context) => unknown;

/**
 * Keys: a state name, a full Resource ARN, or an ARN pattern with `*` wildcards. The handler
 * named after a Distributed Map state with an `ItemReader` is that reader's S3 call: it gets
 * the reader's evaluated `Parameters` (or `Arguments`) and returns what S3 would (see
 * `ItemReaderHandler`). The handler keyed `arn:aws:states:::s3:putObject` (exactly, or by a
 * pattern other than the catch-all `*`) also gets each object a Distributed Map's
 * `ResultWriter` writes (see `ResultWriterHandler`, which a `Handler` already fits).
 */
export type Handlers = Record<string, Handler | ItemReaderHandler>;

/**
 * One object a Distributed Map's `ResultWriter` exports, as `s3:putObject` would get it:
 * `SUCCEEDED_0.json` and `FAILED_0.json` (the child executions' results, shaped by
 * `WriterConfig`), `PENDING_0.json` (when the Map Run failed: the items never started), each
 * only when it has any, then `manifest.json`. Called in that order, each after the last settled.
 * With no such handler the write is simulated and succeeds; a throw fails the Map with
 * `States.ResultWriterFailed`. What was written is in `Execution.resultFiles` either way.
 */
export type ResultWriterHandler = (object: ResultFile, context: Context) => unknown;

/** An S3 object a `ResultWriter` wrote. */
export interface ResultFile {
  Bucket: string;
  Key: string;
  /** The object's text (a JSON array, JSON Lines, or the manifest's JSON). */
  Body: string;
}

/**
 * What a Map's `ItemReader` reads, keyed by the Map state's name: for `s3:getObject` the
 * object's content (text for CSV and JSONL; text, an array or a Buffer for JSON), for
 * `s3:listObjectsV2` the listed objects (`[{ Key, Size, ... }]`, or the response with
 * `Contents`). The engine makes the items as AWS does (CSV rows as objects of strings keyed
 * by the headers, one item per JSONL line, `{Etag, Key, LastModified, Size, StorageClass}` per
 * listed object) and applies `MaxItems`. A throw, or no handler, fails the Map with
 * `States.ItemReaderFailed`.
 */
export type ItemReaderHandler = (readerInput: any, context: Context) => string | Json | Uint8Array | Promise<string | Json | Uint8Array>;

/** Step Functions Local's MockConfigFile format, unchanged. */
export interface MockConfig {
  StateMachines?: Record<string, { TestCases: Record<string, Record<string, string>> }>;
  MockedResponses?: Record<string, Record<string, MockedResponse>>;
}

export type MockedResponse = { Return: Json } | { Throw: { Error: string; Cause?: string } };

export interface Limits {
  /** Per state input, output and task result. Default 262144 (AWS's 256 KiB); Infinity disables. */
  maxPayloadBytes?: number;
  /** Default 25000 (AWS's); Infinity disables. */
  maxHistoryEvents?: number;
  /** A guard against endless loops. Default 1000000; Infinity disables. */
  maxTransitions?: number;
}

export interface StartOptions {
  /** The execution's name (in its ARN and `$$.Execution.Name`). */
  name?: string;
  handlers?: Handlers;
  /** A MockConfigFile (object or JSON text); needs `testCase`. Mocked states win over handlers. */
  mockConfig?: MockConfig | string;
  /** A test case of this machine (by its name) in `mockConfig`. */
  testCase?: string;
  /**
   * `'virtual'` (default): time jumps to the next timer when nothing else can happen, never
   * while a handler runs or a task waits for its token. `'real'`: waits take real time, task
   * timeouts fire while handlers run, and timestamps are the wall clock's.
   */
  clock?: 'virtual' | 'real';
  limits?: Limits;
  /** Called with each history event as it happens. */
  onEvent?: (event: HistoryEvent) => void;
  /** The execution's start time (virtual clock). Default 2023-11-14T22:13:20Z; real clock: now. */
  startTime?: Date | string | number;
  /** Seeds everything random (task tokens, jitter, States.UUID). */
  seed?: number;
  /**
   * Records each state visit's data-flow values for `execution.inspect` (default false: it
   * keeps every stage's value alive for as long as the execution).
   */
  trace?: boolean;
}

/**
 * One state visit's data flow, as `execution.inspect` answers it: the value after each stage
 * the engine went through (a stage it did not reach, or that the state's kind lacks, is
 * missing), named as in AWS TestState's `inspectionData`.
 */
export interface StateInspection {
  stateName: string;
  /** The state's raw input. */
  input: Json;
  /** JSONPath states only. */
  afterInputPath?: Json;
  /** Parameters or ItemSelector (JSONPath): the task's, branches' or Pass's value. */
  afterParameters?: Json;
  /** Arguments (JSONata): the task's or branches' input. */
  afterArguments?: Json;
  /** The task's (or Pass's `Result`, Parallel's or Map's) result. */
  result?: Json;
  afterResultSelector?: Json;
  afterResultPath?: Json;
  /** After OutputPath (JSONPath) or Output (JSONata): what the next state gets. */
  output?: Json;
  /** What `Assign` set, by name. */
  assignedVariables?: { [name: string]: Json };
  /** Every error the visit met, one per failed attempt (empty if none). */
  errors: { error: string; cause?: string }[];
  /** Retries taken. */
  retries: number;
  /** Where it went: a Next, a Choice's choice or a Catch's Next. */
  nextState?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** How an execution ended. `output` only when SUCCEEDED; `error`/`cause` only when given. */
export interface ExecutionResult {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: Json;
  error?: string;
  cause?: string;
}

/** One event of AWS's GetExecutionHistory, e.g. `{ type: 'TaskStateEntered', stateEnteredEventDetails: {...} }`. */
export interface HistoryEvent {
  /** ISO 8601 with milliseconds. */
  timestamp: string;
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

/** A task waiting for its handler's answer or for its token. */
export interface PendingTask {
  taskId: number;
  stateName: string;
  resource: string;
  /** `.waitForTaskToken` tasks only, else null. */
  token: string | null;
  input: Json;
}

export class StateMachine {
  /** Parses and validates a definition. Throws DefinitionError, or TypeError for bad options. */
  static create(definition: Definition, options?: CreateOptions): StateMachine;
  private constructor();
  readonly name: string;
  readonly type: StateMachineType;
  readonly roleArn: string;
  /** What validate() warns about (the definition is valid). */
  readonly warnings: Diagnostic[];
  /** Starts an execution and returns it at once. `input` defaults to `{}`. */
  start(input?: unknown, options?: StartOptions): Execution;
  /**
   * RedriveExecution: a FAILED, TIMED_OUT or ABORTED execution starts again from the
   * top-level state where it stopped; returns the same execution with a new `done`.
   */
  redrive(execution: Execution): Execution;
}

export class Execution {
  private constructor();
  readonly executionArn: string;
  /** Resolves when the execution ends; never rejects because the execution failed. */
  readonly done: Promise<ExecutionResult>;
  readonly status: ExecutionStatus;
  /** The events so far (a copy; read it again to see new ones). */
  readonly history: HistoryEvent[];
  /** The objects the `ResultWriter`s of Distributed Map states wrote so far, in order. */
  readonly resultFiles: (ResultFile & { stateName: string })[];
  /**
   * The data-flow values of the visit whose state-entered event has this id; undefined
   * unless started with `trace: true`, or when no visit entered with that event.
   */
  inspect(enteredEventId: number): StateInspection | undefined;
  pendingTasks(): PendingTask[];
  /**
   * No pending task will be answered (no handler settles, no token is sent): the virtual clock
   * may run on to their timeouts. Returns how many tasks were pending.
   */
  abandonPendingTasks(): number;
  /** Throws ApiError `InvalidToken` (unknown), `TaskTimedOut` (task ended), `InvalidOutput` (not JSON). */
  sendTaskSuccess(token: string, output: unknown): void;
  sendTaskFailure(token: string, error?: string, cause?: string): void;
  sendTaskHeartbeat(token: string): void;
  /** StopExecution: status ABORTED. Does nothing once the execution has ended. */
  stop(error?: string, cause?: string): void;
  /**
   * Frees the engine's memory for this execution (its history lives there); stops it first if
   * it runs. Afterwards `status` and `done` still answer; `history`, `redrive` and task answers
   * throw an ApiError named ExecutionDisposed. Also `[Symbol.dispose]`, for `using`.
   */
  dispose(): void;
  pause(): void;
  resume(): void;
  /** Pauses and does one unit of work; resolves to the events it added. */
  step(): Promise<HistoryEvent[]>;
}

export interface TestStateOptions {
  inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  /** Workflow variables in scope when the state starts. */
  variables?: Record<string, unknown>;
  /** The Task's result (the engine calls no service). */
  result?: unknown;
  /**
   * How `result` is checked against the answer of the API the Task calls, as AWS checks a mock
   * (for Lambda Invoke, EventBridge PutEvents, StartExecution, DynamoDB item calls, SNS Publish,
   * SQS SendMessage, and the AWS SDK's S3 GetObject, KMS Encrypt, Lambda GetFunction): STRICT
   * (default) wants its required fields and every field given as the API's model allows it
   * (type, enumeration, length, range), PRESENT only the latter, NONE nothing. A wrong mock throws.
   */
  fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  /** The Task's error instead of a result. */
  error?: { error: string; cause?: string };
  revealSecrets?: boolean;
  /**
   * The name the state runs under (default "StateName", as AWS names it). When the definition
   * is a whole state machine, the state to test (nested ones too); it keeps the machine's
   * QueryLanguage.
   */
  stateName?: string;
  /**
   * The whole Context object (`$$`) the state sees, as an object or JSON text; only with a
   * mock. It may have Execution (Id, Input, Name, RoleArn, StartTime), State (EnteredTime,
   * Name, RetryCount), StateMachine (Id, Name), and Task (Token) for a `.sync` or
   * `.waitForTaskToken` Task; anything else throws AWS's "Invalid Context object provided" error.
   */
  context?: Record<string, unknown> | string;
  /** What happened before the moment tested, as AWS's TestState takes it. */
  stateConfiguration?: TestStateConfiguration;
}

export interface TestStateConfiguration {
  /**
   * Retries the Retry rule matching the mocked error has already made: it retries with the
   * backoff for the next attempt, or, spent, the error goes on to Catch or fails the state.
   */
  retrierRetryCount?: number;
  /**
   * A mocked Map's failed iterations: over its ToleratedFailureCount or Percentage, the Map fails
   * with States.ExceedToleratedFailureThreshold (its Retry and Catch apply). A Map that names
   * no tolerance keeps its mocked result.
   */
  mapIterationFailureCount?: number;
  /** The state inside a mocked Map or Parallel that raised the mocked error. */
  errorCausedByState?: string;
  /**
   * What the Map's ItemReader would have read, as its source holds it: the object's text (JSON,
   * JSON Lines or CSV, read with the Map's ReaderConfig), or for `s3:listObjectsV2` the listed
   * objects as JSON text.
   */
  mapItemReaderData?: string;
}

export interface TestStateResponse {
  status: 'SUCCEEDED' | 'FAILED' | 'RETRIABLE' | 'CAUGHT_ERROR';
  /** JSON text, as AWS returns it. */
  output?: string;
  error?: string;
  cause?: string;
  nextState?: string;
  inspectionData?: {
    input: string;
    afterInputPath?: string;
    afterParameters?: string;
    afterArguments?: string;
    result?: string;
    afterResultSelector?: string;
    afterResultPath?: string;
    /** A JSONPath Map's items, as its ItemsPath selected them. */
    afterItemsPath?: string;
    maxConcurrency?: number;
    toleratedFailureCount?: number;
    toleratedFailurePercentage?: number;
    variables?: string;
    errorDetails?: { catchIndex?: number; retryIndex?: number; retryBackoffIntervalSeconds?: number };
  };
}

/**
 * AWS TestState: runs one state on its own and reports every data-flow stage. `state` is a state
 * definition, or a whole state machine with `options.stateName` naming the state to test.
 */
export function testState(state: unknown, input?: unknown, options?: TestStateOptions): TestStateResponse;
