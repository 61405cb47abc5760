// Reads an AWS execution history (GetExecutionHistory events) into state visits: which state each
// event belongs to, what each visit received and returned, how it ended. Display only: the
// engine decides what happens, this reads what it wrote down.

export const detailsOf = (event) => {
  for (const key of Object.keys(event)) if (key.endsWith('EventDetails')) return event[key];
  return null;
};

const parse = (text) => {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const isEntered = (t) => t.endsWith('StateEntered');
const isExited = (t) => t.endsWith('StateExited');
const isFailure = (t) => /(Failed|TimedOut)$/.test(t) && !t.startsWith('Execution') && !t.startsWith('MapIteration');
// TaskStateAborted, WaitStateAborted, ...: the state was stopped (StopExecution, or a failing sibling branch).
const isStateAborted = (t) => t.endsWith('StateAborted');
const isScheduled = (t) => t === 'TaskScheduled' || t === 'LambdaFunctionScheduled' || t === 'ActivityScheduled';
const isTaskSuccess = (t) => t === 'TaskSucceeded' || t === 'LambdaFunctionSucceeded' || t === 'ActivitySucceeded';

/**
 * events -> {
 *   visits: [{ id, name, type, events, input, output, exited, attempts, params, results, failures,
 *              caught, iterations, assigned, status, firstEvent, startMs }],
 *   owner: Map(eventId -> visit), states: Map(name -> { visits, status, retries, iterations }),
 *   execution: { status, error, cause, input, output, startMs }
 * }
 * stopped: the run was ended without an ExecutionAborted (its worker terminated).
 */
/** What still ran (or waited to retry) when the execution ended ends with it, as `status`. */
function endOpenVisits(visits, status) {
  for (const v of visits) if (!v.exited && (v.status === 'active' || v.status === 'retrying')) v.status = status;
}

export function analyze(events, { stopped = false } = {}) {
  const byId = new Map();
  const visits = [];
  const owner = new Map();
  const open = new Map(); // name -> visits not yet exited (latest last)
  const execution = { status: events.length ? 'RUNNING' : null, error: null, cause: null, input: undefined, output: undefined, startMs: null };

  const latestOf = (name) => {
    const list = open.get(name);
    if (list?.length) return list[list.length - 1];
    for (let i = visits.length - 1; i >= 0; i--) if (visits[i].name === name) return visits[i];
    return null;
  };

  /** Walks back along previousEventId to an event of a visit named `name`. */
  const followedVisit = (event, name) => {
    let prev = byId.get(event.previousEventId);
    for (let steps = 0; prev && steps < 1000; steps++) {
      const v = owner.get(prev.id);
      if (v && v.name === name) return v.exited ? null : v;
      prev = byId.get(prev.previousEventId);
    }
    return null;
  };

  for (const event of events) {
    byId.set(event.id, event);
    const t = event.type;
    const d = detailsOf(event) ?? {};
    const ms = Date.parse(event.timestamp);
    if (execution.startMs === null && !Number.isNaN(ms)) execution.startMs = ms;
    let visit = null;
    if (isEntered(t)) {
      visit = {
        id: event.id, name: d.name, type: t.slice(0, -'StateEntered'.length), events: [], input: parse(d.input),
        output: undefined, exited: false, attempts: 0, params: [], results: [], failures: [], caught: false,
        iterations: null, assigned: null, status: 'active', startMs: ms, lastFailed: false,
      };
      visits.push(visit);
      if (!open.has(d.name)) open.set(d.name, []);
      open.get(d.name).push(visit);
      if (visit.type === 'Fail') visit.status = 'failed';
    } else if (isExited(t) || t.startsWith('MapIteration')) {
      // The visit of that name this event follows from: two visits of one state can be open at
      // once (a state inside a Map whose iterations interleave).
      visit = followedVisit(event, d.name) ?? latestOf(d.name);
    } else if (!t.startsWith('Execution')) {
      let prev = byId.get(event.previousEventId);
      while (prev && !owner.has(prev.id) && !isEntered(prev.type)) prev = byId.get(prev.previousEventId);
      visit = prev ? owner.get(prev.id) ?? null : null;
    }
    if (visit) {
      owner.set(event.id, visit);
      visit.events.push(event);
    }

    if (t === 'ExecutionStarted') {
      execution.input = parse(d.input);
    } else if (t.startsWith('Execution')) {
      const status = { ExecutionSucceeded: 'SUCCEEDED', ExecutionFailed: 'FAILED', ExecutionAborted: 'ABORTED', ExecutionTimedOut: 'TIMED_OUT' }[t];
      if (status) {
        execution.status = status;
        execution.error = d.error ?? null;
        execution.cause = d.cause ?? null;
        if (status === 'SUCCEEDED') execution.output = parse(d.output);
        // The state the execution ended in failed there (or was stopped there).
        const culprit = owner.get(event.previousEventId) ?? null;
        if (culprit && !culprit.exited && status !== 'SUCCEEDED') {
          culprit.status = status === 'ABORTED' ? 'aborted' : 'failed';
          if (status !== 'ABORTED' && !culprit.failures.length) culprit.failures.push({ error: d.error, cause: d.cause, eventId: event.id });
        }
        // Whatever still ran (or waited to retry) ended with the execution. ExecutionAborted
        // follows no event (AWS gives it previousEventId 0), so this is how a stop shows.
        endOpenVisits(visits, status === 'ABORTED' ? 'aborted' : 'failed');
      }
    }
    if (!visit) continue;
    if (isScheduled(t)) {
      visit.attempts++;
      visit.params.push(parse(d.parameters ?? d.input));
      visit.lastFailed = false;
      if (visit.status === 'retrying') visit.status = 'active';
    } else if (isTaskSuccess(t)) {
      visit.results.push(parse(d.output));
      visit.lastFailed = false;
    } else if (isStateAborted(t)) {
      // A task that had just failed (its branch's failure stops it) shows as failed.
      visit.status = visit.lastFailed ? 'failed' : 'aborted';
    } else if (isFailure(t)) {
      visit.failures.push({ error: d.error ?? null, cause: d.cause ?? null, eventId: event.id, type: t });
      visit.lastFailed = true;
      visit.status = 'retrying';
    } else if (t === 'MapStateStarted' || t === 'MapRunStarted') {
      visit.iterations = visit.iterations ?? { total: d.length ?? null, started: 0, succeeded: 0, failed: 0 };
      if (d.length !== undefined) visit.iterations.total = d.length;
    } else if (t === 'MapRunSucceeded' && visit.iterations?.started === 0 && visit.iterations.total !== null) {
      // A Distributed Map's items run as child executions, with no events in this history:
      // its run succeeding is what tells that every item did.
      visit.iterations.started = visit.iterations.succeeded = visit.iterations.total;
    } else if (t.startsWith('MapIteration')) {
      visit.iterations = visit.iterations ?? { total: null, started: 0, succeeded: 0, failed: 0 };
      if (t === 'MapIterationStarted') visit.iterations.started++;
      else if (t === 'MapIterationSucceeded') visit.iterations.succeeded++;
      else if (t === 'MapIterationFailed' || t === 'MapIterationAborted') visit.iterations.failed++;
    } else if (isExited(t)) {
      visit.exited = true;
      visit.output = parse(d.output);
      if (d.assignedVariables) visit.assigned = Object.fromEntries(Object.entries(d.assignedVariables).map(([k, v]) => [k, parse(v)]));
      visit.caught = visit.lastFailed;
      visit.status = visit.caught ? 'caught' : 'succeeded';
      const list = open.get(visit.name);
      if (list) list.splice(list.indexOf(visit), 1);
    }
  }

  // The run was ended by terminating its worker (a handler did not return): the history has no
  // ExecutionAborted, yet nothing runs any more. What was open shows as stopped, as after a Stop.
  if (stopped) endOpenVisits(visits, 'aborted');

  const states = new Map();
  for (const v of visits) {
    if (!states.has(v.name)) states.set(v.name, { visits: [], status: null, retries: 0, iterations: null });
    const s = states.get(v.name);
    s.visits.push(v);
    s.retries += Math.max(0, v.attempts - 1);
    if (v.iterations) {
      // Summed over the state's visits: a Map inside another Map (or in a loop) runs once per
      // visit, and the graph's badge counts the items of all its runs.
      const it = s.iterations ?? { total: 0, started: 0, succeeded: 0, failed: 0 };
      s.iterations = {
        total: it.total === null || v.iterations.total === null ? null : it.total + v.iterations.total,
        started: it.started + v.iterations.started,
        succeeded: it.succeeded + v.iterations.succeeded,
        failed: it.failed + v.iterations.failed,
      };
    }
  }
  const rank = { active: 6, retrying: 5, failed: 4, aborted: 3, caught: 2, succeeded: 1 };
  for (const s of states.values()) {
    // The most telling status among this state's visits (a loop may visit it many times).
    s.status = s.visits.reduce((best, v) => ((rank[v.status] ?? 0) > (rank[best] ?? 0) ? v.status : best), null);
  }
  return { visits, owner, states, execution, byId };
}

const plain = {
  ExecutionStarted: 'The execution started with its input.',
  ExecutionSucceeded: 'The execution finished successfully.',
  ExecutionFailed: 'The execution failed.',
  ExecutionAborted: 'The execution was stopped.',
  ExecutionTimedOut: 'The execution ran past its TimeoutSeconds.',
  TaskScheduled: 'The task was asked to run, with these parameters.',
  TaskStarted: 'The task started.',
  TaskSubmitted: 'The task was submitted; it now waits for the job or the callback.',
  TaskSucceeded: 'The task returned a result.',
  TaskFailed: 'The task failed with an error.',
  TaskTimedOut: 'The task took longer than its timeout.',
  ParallelStateStarted: 'The branches started, all at once.',
  ParallelStateSucceeded: 'Every branch finished.',
  ParallelStateFailed: 'A branch failed, so the Parallel state failed.',
  MapStateStarted: 'The Map state started its iterations.',
  MapIterationStarted: 'One item started its iteration.',
  MapIterationSucceeded: 'One item finished its iteration.',
  MapIterationFailed: 'One item failed its iteration.',
  MapStateSucceeded: 'Every item was processed.',
  MapStateFailed: 'The Map state failed.',
  WaitStateAborted: 'The wait was interrupted.',
};

/** One plain-language sentence about an event, for people new to Step Functions. */
export function explain(event) {
  const t = event.type;
  if (plain[t]) return plain[t];
  const d = detailsOf(event) ?? {};
  if (isEntered(t)) return `Entered ${t.slice(0, -12)} state “${d.name}” with its input.`;
  if (isExited(t)) return `Left “${d.name}” with its output${d.assignedVariables ? ' and assigned variables' : ''}.`;
  // LambdaFunctionTimedOut: "timed out", StartFailed: "start failed" (words, in lower case).
  if (t.startsWith('LambdaFunction')) return `The Lambda function ${t.slice(14).replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase()}.`;
  return '';
}

export { parse as parseJsonText };
