// The inspector: for one visit of a state, every data-flow stage AWS applies, with the value the
// history shows for it and a plain-language line. Values come from the history events (and the
// context object the task handler received) at once, and from the engine's trace of the visit
// (execution.inspect: the value after every stage) when the worker answers; until then a stage
// the history does not record shows the definition's field only.
import { detailsOf } from './history.js';

const h = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
};
export { h };

const code = (text) => h('code', {}, text);
const show = (value) => (value === undefined ? '' : JSON.stringify(value, null, 2));
const fieldText = (v) => (typeof v === 'string' ? v : JSON.stringify(v, null, 2));

function stage(label, { field, line, value, hasValue = value !== undefined, tone, open = true }) {
  const body = [];
  if (line) body.push(h('p', { class: 'stage-line' }, ...line));
  if (field !== undefined) body.push(h('pre', { class: 'field' }, fieldText(field)));
  if (hasValue) body.push(h('pre', { class: 'value' }, show(value)));
  return h('details', { class: `stage${tone ? ` ${tone}` : ''}`, open, 'data-stage': label }, h('summary', {}, label), ...body);
}

/** The states that may have Retry and Catch fields. */
const CAN_CATCH = new Set(['Task', 'Map', 'Parallel']);

/** The next state entered after this visit ended (for Choice and Catch). */
function nextVisit(analysis, visit) {
  const exit = visit.events.find((e) => e.type.endsWith('StateExited'));
  if (!exit) return null;
  return analysis.visits.find((v) => v.events[0]?.previousEventId === exit.id) ?? null;
}

/** Whether a Retry (or Catch) rule takes an error: States.ALL takes any, States.TaskFailed any but States.Timeout. */
function takes(rule, error) {
  const names = Array.isArray(rule?.ErrorEquals) ? rule.ErrorEquals : [];
  return names.some((n) => n === error || n === 'States.ALL' || (n === 'States.TaskFailed' && error !== 'States.Timeout'));
}

/**
 * The retry that the last failure waits for, worked out from the definition: the history says
 * nothing of it until the next attempt starts. Each failure was taken by the first rule whose
 * ErrorEquals names its error; MaxAttempts counts per rule, and the delay grows by BackoffRate
 * with each retry of that rule. -> { rule, retry, max, seconds (null when not a plain number),
 * upTo (FULL jitter) }, or null when no rule retries it.
 */
function pendingRetry(retry, failures) {
  if (!Array.isArray(retry) || !failures.length) return null;
  const used = new Map();
  let rule = -1;
  for (const f of failures) {
    rule = retry.findIndex((r) => takes(r, f.error));
    if (rule >= 0) used.set(rule, (used.get(rule) ?? 0) + 1);
  }
  if (rule < 0) return null;
  const r = retry[rule];
  const number = (v, fallback) => (v === undefined ? fallback : typeof v === 'number' ? v : null);
  const max = number(r.MaxAttempts, 3);
  const nth = used.get(rule); // this is the rule's nth retry
  if (max !== null && nth > max) return null;
  const [interval, backoff, cap] = [number(r.IntervalSeconds, 1), number(r.BackoffRate, 2), number(r.MaxDelaySeconds, Infinity)];
  const seconds = interval === null || backoff === null || cap === null ? null : Math.min(interval * backoff ** (nth - 1), cap);
  return { rule, retry: nth, max, seconds, upTo: r.JitterStrategy === 'FULL' };
}

/** "Waiting to retry: attempt 3 starts after 4 s (retry 2 of 3 allowed by Retry rule 1)." */
function waitingLine({ rule, retry, max, seconds, upTo }, attempts) {
  const after = seconds === null ? 'after the rule\'s interval' : `after ${upTo ? 'up to ' : ''}${Number(seconds.toFixed(3))} s`;
  return `Waiting to retry: attempt ${attempts + 1} starts ${after} (retry ${retry}${max !== null ? ` of ${max}` : ''} allowed by Retry rule ${rule + 1}).`;
}

/**
 * Renders the visit into `root`. def: the state's definition object (may be missing). trace:
 * the engine's values for this visit (execution.inspect), when the worker has answered: the
 * value after InputPath, Parameters or Arguments, the result, ResultSelector, ResultPath and
 * OutputPath or Output.
 */
export function renderVisit(root, { analysis, visit, def = {}, jsonata = false, invocations = [], trace }) {
  const t = trace ?? {};
  root.replaceChildren();
  const type = visit.type;
  const head = h('div', { class: `visit-head ${visit.status}` },
    h('div', {}, h('strong', {}, visit.name), ' ', h('span', { class: 'muted' }, `${type} state`)),
    h('span', { class: `pill ${visit.status}` }, {
      active: 'running', retrying: 'waiting to retry', succeeded: 'succeeded', caught: 'failed, then caught', failed: 'failed', aborted: 'stopped',
    }[visit.status] ?? visit.status));
  root.append(head);
  if (def.Comment) root.append(h('p', { class: 'comment' }, def.Comment));

  const stages = [];
  stages.push(stage('Input', { line: jsonata ? ['What the state received (', code('$states.input'), ').'] : ['What the state received.'], value: visit.input }));
  const ran = visit.params.length > 0;
  const lastParams = 'afterParameters' in t ? t.afterParameters : 'afterArguments' in t ? t.afterArguments : visit.params[visit.params.length - 1];
  const lastResult = 'result' in t ? t.result : visit.results[visit.results.length - 1];
  const traced = (key) => key in t;

  if (jsonata) {
    if (def.Arguments !== undefined || ran || traced('afterArguments')) {
      stages.push(stage('Arguments', {
        field: def.Arguments, line: def.Arguments !== undefined ? ['The task was called with these arguments, computed from the input.'] : ['No Arguments: the task was called with the input as it is.'],
        value: ran || traced('afterArguments') ? lastParams : undefined,
      }));
    }
  } else {
    if (def.InputPath !== undefined) {
      stages.push(stage('InputPath', {
        field: def.InputPath, line: [def.InputPath === null ? 'null: the state starts from an empty object {}.' : 'Selects the part of the input the state works on.'],
        value: traced('afterInputPath') ? t.afterInputPath : ran && def.Parameters === undefined ? lastParams : undefined,
      }));
    }
    if (def.Parameters !== undefined || def.ItemSelector !== undefined) {
      const key = def.Parameters !== undefined ? 'Parameters' : 'ItemSelector';
      stages.push(stage(key, {
        field: def[key], line: [key === 'ItemSelector' ? 'Builds the input of each Map iteration (fields ending in .$ are looked up).' : 'Builds a new object: fields ending in .$ are looked up in the input or the context.'],
        value: ran || traced('afterParameters') ? lastParams : undefined,
      }));
    } else if (ran && def.InputPath === undefined) {
      stages.push(stage('Task input', { line: ['The task received the state input unchanged.'], value: lastParams }));
    }
  }

  if (type === 'Task') {
    const attempts = visit.attempts;
    if (attempts > 1 || visit.failures.length) {
      const items = [];
      visit.failures.forEach((f, i) => items.push(h('li', {}, `Attempt ${i + 1} failed: `, code(f.error ?? 'error'), f.cause ? ` · ${f.cause}` : '')));
      if (attempts > visit.failures.length) items.push(h('li', {}, `Attempt ${attempts} ${visit.status === 'active' ? 'is running' : 'succeeded'}.`));
      const pending = visit.status === 'retrying' ? pendingRetry(def.Retry, visit.failures) : null;
      const retryLine = pending ? waitingLine(pending, attempts)
        : attempts > 1 ? `Retried ${attempts - 1} time${attempts > 2 ? 's' : ''}: a Retry rule matched the error.` : 'Not retried: no Retry rule matched, or none is left.';
      const recovered = attempts > visit.failures.length || visit.caught || pending;
      stages.push(h('details', { class: `stage ${recovered ? 'warn' : 'bad'}`, open: true }, h('summary', {}, 'Errors and retries'), h('p', { class: 'stage-line' }, retryLine), h('ul', { class: 'attempts' }, items),
        def.Retry ? h('pre', { class: 'field' }, JSON.stringify(def.Retry, null, 2)) : null));
    }
    if (visit.results.length || traced('result')) {
      const undefinedResult = invocations.some((i) => i.stateName === visit.name && i.visitStart === visit.events[0]?.timestamp && i.returnedUndefined);
      stages.push(stage(jsonata ? 'Task result ($states.result)' : 'Task result', {
        tone: undefinedResult ? 'warn' : undefined,
        line: undefinedResult ? ['Your handler returned ', code('undefined'), ', so the result is ', code('null'), '. Did it miss a ', code('return'), '?'] : ['What the task returned.'],
        value: lastResult,
      }));
    }
  }
  if (type === 'Map' && def.ItemReader !== undefined) {
    const own = invocations.some((i) => i.stateName === visit.name && i.via === 'handler');
    stages.push(stage('ItemReader', {
      field: def.ItemReader, open: false,
      line: own ? ['Your handler ', code(visit.name), ' gave the content the items were read from.']
        : ['The items were read from the content set for ', code(visit.name), ' in Task responses (a handler named after the Map would give it instead).'],
    }));
  }
  // A Map's or Parallel's result (what ResultSelector and ResultPath work on) is the array of
  // what its iterations or branches returned, in their order.
  if (type === 'Map' && (visit.iterations || traced('result'))) {
    const it = visit.iterations;
    const n = it ? it.total ?? it.started : Array.isArray(t.result) ? t.result.length : 0;
    const counts = it ? `${n} item${n === 1 ? '' : 's'}: ${it.succeeded} succeeded${it.failed ? `, ${it.failed} failed` : ''}.` : `${n} item${n === 1 ? '' : 's'}.`;
    // With a ResultWriter, the result is where the iterations' results were written, not them.
    const what = def.ResultWriter !== undefined ? 'where the ResultWriter wrote what the iterations returned (the files are shown with the execution\'s result).' : 'what each iteration returned, in the items\' order.';
    stages.push(stage('Iterations', { line: [counts, traced('result') ? ` The result${jsonata ? ' ($states.result)' : ''}: ${what}` : ''], value: t.result }));
  }
  if (type === 'Parallel' && traced('result')) {
    stages.push(stage('Branch results', { line: [`The result${jsonata ? ' ($states.result)' : ''}: what each branch returned, in the branches' order.`], value: t.result }));
  }
  if (type === 'Wait') {
    const how = def.Seconds !== undefined ? `${def.Seconds} seconds` : def.SecondsPath ? `the seconds at ${def.SecondsPath}` : def.Timestamp ? `until ${def.Timestamp}` : def.TimestampPath ? `until the time at ${def.TimestampPath}` : 'as configured';
    const exit = visit.events.find((e) => e.type.endsWith('StateExited'));
    const waited = exit ? (Date.parse(exit.timestamp) - visit.startMs) / 1000 : null;
    stages.push(stage('Wait', { line: [`Waits ${how}.`, waited !== null ? ` It waited ${waited} s (virtual time unless you chose Real time).` : ''] }));
  }
  if (type === 'Choice') {
    const next = nextVisit(analysis, visit);
    if (!next && visit.status === 'failed') {
      stages.push(stage('Decision', { tone: 'bad', line: [`No rule matched${def.Default === undefined ? ', and there is no Default' : ''}.`], field: def.Choices }));
    } else if (next) {
      const idx = (def.Choices ?? []).findIndex((c) => c?.Next === next.name);
      const why = idx >= 0 ? [`Rule ${idx + 1} matched, so it went to “${next.name}”.`] : def.Default === next.name ? [`No rule matched: Default went to “${next.name}”.`] : [`It went to “${next.name}”.`];
      stages.push(stage('Decision', { line: why, field: idx >= 0 ? def.Choices[idx] : undefined }));
    }
  }

  if (!jsonata) {
    if (def.ResultSelector !== undefined) stages.push(stage('ResultSelector', { field: def.ResultSelector, line: ['Picks and reshapes fields of the task result.'], value: t.afterResultSelector }));
    if (def.Result !== undefined) stages.push(stage('Result', { field: def.Result, line: ['A Pass state uses this fixed value as its result.'], value: t.result }));
    if (def.ResultPath !== undefined) {
      stages.push(stage('ResultPath', {
        field: def.ResultPath,
        line: [def.ResultPath === null ? 'null: the result is dropped and the input passes through unchanged.' : def.ResultPath === '$' ? 'The result replaces the input.' : 'The result is put into the input at this path (the rest of the input is kept).'],
        value: t.afterResultPath,
      }));
    }
    if (def.OutputPath !== undefined) stages.push(stage('OutputPath', { field: def.OutputPath, line: ['Selects the part that becomes the output.'], value: t.output }));
  }
  // JSONata: the Output field is the last stage, so it and what the state passed on are one.
  const outputExpression = jsonata && def.Output !== undefined;

  if (visit.caught) {
    const next = nextVisit(analysis, visit);
    const lastFailure = visit.failures[visit.failures.length - 1];
    const idx = (def.Catch ?? []).findIndex((c) => c?.Next === next?.name);
    stages.push(stage('Caught', {
      tone: 'warn',
      line: [`The error `, code(lastFailure?.error ?? '?'), ` was caught by Catch ${idx >= 0 ? `#${idx + 1}` : ''}`, next ? ` and the execution went on at “${next.name}”.` : '.'],
      field: idx >= 0 ? def.Catch[idx] : undefined,
    }));
  }
  if (visit.status === 'failed') {
    // Some failure events carry no details (MapStateFailed, for one): the engine's trace of the
    // visit, else the execution's own failure, says which error it was.
    const recorded = visit.failures[visit.failures.length - 1];
    const tracedError = Array.isArray(t.errors) ? t.errors[t.errors.length - 1] : undefined;
    const f = recorded?.error ? recorded : tracedError?.error ? tracedError
      : recorded && analysis.execution.error ? { error: analysis.execution.error, cause: analysis.execution.cause } : recorded;
    const error = f?.error ?? analysis.execution.error ?? '?';
    stages.push(stage('Failed here', {
      tone: 'bad',
      line: type === 'Fail'
        ? ['A Fail state ends the execution with an error: ', code(def.Error ?? def.ErrorPath ?? 'error'), '.']
        : error === 'States.NoChoiceMatched'
          ? ['No rule matched the input and the state has no ', code('Default'), ', so the execution failed with ', code(error), '. Add a Default, or a rule that matches this input.']
          : CAN_CATCH.has(type)
            ? ['Nothing caught the error ', code(error), ', so the execution failed here. Add a Retry or a Catch for it to handle it.']
            // Only Task, Map and Parallel states may have Retry and Catch.
            : ['The error ', code(error), ` failed the execution here. A ${type} state cannot Retry or Catch: fix what it reads, or let an enclosing Map or Parallel catch it.`],
      value: f ? { error: f.error ?? null, cause: f.cause ?? null } : analysis.execution.error ? { error: analysis.execution.error, cause: analysis.execution.cause } : undefined,
    }));
  }
  const outputField = outputExpression ? def.Output : undefined;
  if (visit.exited) {
    stages.push(stage('Output', {
      field: outputField,
      line: outputExpression ? ['The Output expression computed what the state passed on.'] : ['What the state passed on', type === 'Choice' ? ' (a Choice passes its input through)' : '', '.'],
      value: visit.output,
    }));
  } else if (visit.status === 'active' || visit.status === 'retrying') {
    stages.push(stage('Output', { field: outputField, line: ['Not yet: the state is still running.'] }));
  } else if (outputExpression) {
    stages.push(stage('Output', { field: outputField, line: ['The Output expression was not reached.'] }));
  }
  const assignField = def.Assign;
  if (visit.assigned || assignField !== undefined) {
    stages.push(stage('Variables assigned', { field: visit.assigned ? undefined : assignField, line: ['Assign stored these variables; later states read them as ', code('$name'), '.'], value: visit.assigned ?? undefined }));
  }

  const invocation = invocations.filter((i) => i.stateName === visit.name && i.visitStart === visit.events[0]?.timestamp).pop()
    ?? invocations.filter((i) => i.stateName === visit.name).pop();
  const context = invocation?.context ?? {
    Execution: { Input: analysis.execution.input, StartTime: new Date(analysis.execution.startMs ?? 0).toISOString() },
    State: { Name: visit.name, EnteredTime: visit.events[0]?.timestamp },
  };
  stages.push(stage('Context object ($$)', {
    open: false,
    line: [invocation ? 'The context as the task saw it' : 'Part of the context, rebuilt from the history', invocation?.via ? ` (answered by ${invocation.via === 'handler' ? 'your handler' : invocation.via === 'callback' ? 'a callback' : 'a simulated response'})` : '', '.'],
    value: context,
  }));

  const events = h('details', { class: 'stage', open: false }, h('summary', {}, `Events (${visit.events.length})`),
    h('ul', { class: 'visit-events' }, visit.events.map((e) => h('li', {}, h('span', { class: 'muted' }, `#${e.id} `), e.type, detailsOf(e)?.error ? ` · ${detailsOf(e).error}` : ''))));
  root.append(h('div', { class: 'stages' }, stages, events));
}
