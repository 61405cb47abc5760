// A definition's states and transitions (every scope: the machine, Parallel branches, Map
// item processors), and which of them an execution history exercised.

/** { states: [{ name, type, scope, resource? , state }], edges: [{ from, to, kind, errors? }] } */
export function graph(definition) {
  const states = [];
  const edges = [];
  const walk = (scope, where) => {
    if (!scope || typeof scope !== 'object' || !scope.States || typeof scope.States !== 'object') return;
    for (const [name, state] of Object.entries(scope.States)) {
      if (!state || typeof state !== 'object') continue;
      states.push({ name, type: state.Type, scope: where, resource: state.Resource, state });
      if (typeof state.Next === 'string') edges.push({ from: name, to: state.Next, kind: 'Next' });
      if (state.Type === 'Choice') {
        (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule, i) => {
          if (rule && typeof rule.Next === 'string') edges.push({ from: name, to: rule.Next, kind: `Choices[${i}]` });
        });
        if (typeof state.Default === 'string') edges.push({ from: name, to: state.Default, kind: 'Default' });
      }
      (Array.isArray(state.Catch) ? state.Catch : []).forEach((catcher, i) => {
        if (catcher && typeof catcher.Next === 'string') {
          edges.push({ from: name, to: catcher.Next, kind: `Catch[${i}]`, errors: Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals : [] });
        }
      });
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => walk(branch, `${name}.Branches[${i}]`));
      }
      if (state.Type === 'Map') walk(state.ItemProcessor ?? state.Iterator, `${name}.ItemProcessor`);
    }
  };
  walk(definition, '');
  return { states, edges };
}

/** The names of the states entered, in history order. */
export function path(history) {
  return history.filter((e) => e.type.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
}

function detailsOf(event) {
  for (const [key, value] of Object.entries(event)) if (key.endsWith('EventDetails') && value && typeof value === 'object') return value;
  return {};
}

// Whether a catcher's ErrorEquals catches this error, as the engine decides (errors.rs).
function catches(errors, error) {
  const fatal = error === 'States.Runtime' || error === 'States.DataLimitExceeded';
  return errors.some((e) => (e === 'States.ALL' ? !fatal : e === 'States.TaskFailed' ? !fatal && error !== 'States.Timeout' : e === error));
}

/**
 * The states visited and the transitions taken in one history: { states: Set<name>,
 * edges: Set<edgeKey> }. A transition is a StateEntered whose previous event is the StateExited
 * of another state; it went by a Catch when that state's exit followed a failure event (the
 * first catcher that matches the error), by a Choice rule or Default when the state is a
 * Choice (when several of them lead to the same state, all are counted), else by Next.
 */
export function exercised(g, history) {
  const byId = new Map(history.map((e) => [e.id, e]));
  const stateOf = new Map(g.states.map((s) => [s.name, s]));
  const states = new Set();
  const edges = new Set();
  for (const event of history) {
    if (!event.type.endsWith('StateEntered')) continue;
    const to = event.stateEnteredEventDetails?.name;
    states.add(to);
    const previous = byId.get(event.previousEventId);
    if (!previous || !previous.type.endsWith('StateExited')) continue;
    const from = previous.stateExitedEventDetails?.name;
    const candidates = g.edges.filter((e) => e.from === from && e.to === to);
    const beforeExit = byId.get(previous.previousEventId);
    if (beforeExit && /(Failed|TimedOut|Aborted)$/.test(beforeExit.type)) {
      const error = detailsOf(beforeExit).error;
      const catcher = g.edges.filter((e) => e.from === from && e.kind.startsWith('Catch')).find((e) => catches(e.errors, error));
      if (catcher && catcher.to === to) {
        edges.add(edgeKey(catcher));
        continue;
      }
    }
    const kind = stateOf.get(from)?.type === 'Choice' ? (e) => e.kind.startsWith('Choices') || e.kind === 'Default' : (e) => e.kind === 'Next';
    const taken = candidates.filter(kind);
    for (const e of taken.length ? taken : candidates) edges.add(edgeKey(e));
  }
  return { states, edges };
}

export function edgeKey(e) {
  return `${e.from}\u0000${e.kind}\u0000${e.to}`;
}

export function describeEdge(e) {
  const errors = e.errors ? ` ${JSON.stringify(e.errors)}` : '';
  return `${e.from} --${e.kind}${errors}--> ${e.to}`;
}
