// Draws a state machine as a flowchart: elkjs lays it out, this file turns the layout into SVG
// and paints run progress on it. Reads only the definition's shape (states, transitions,
// branches); whether the definition is valid is the engine's call.
import ELK from 'elkjs/lib/elk.bundled.js';
import { describeResource } from './mocks.js';

const SVG = 'http://www.w3.org/2000/svg';
const elk = new ELK();

const el = (name, attrs = {}, parent = null) => {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
};

let measureCtx = null;
function textWidth(text, font) {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  measureCtx.font = font;
  return measureCtx.measureText(text).width;
}
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** `s`, shortened to `n` characters with an ellipsis when longer. */
export const truncate = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// ---- Choice rules as short labels -------------------------------------------------------------

const ops = [
  ['Equals', '=='], ['GreaterThanEquals', '>='], ['LessThanEquals', '<='], ['GreaterThan', '>'], ['LessThan', '<'], ['Matches', 'matches'],
];
function ruleText(rule) {
  if (!rule || typeof rule !== 'object') return '';
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (Array.isArray(rule.And)) return rule.And.map(ruleText).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map(ruleText).join(' or ');
  if (rule.Not) return `not (${ruleText(rule.Not)})`;
  const variable = String(rule.Variable ?? '').replace(/^\$\./, '');
  for (const key of Object.keys(rule)) {
    if (key === 'Variable' || key === 'Next' || key === 'Comment' || key === 'Assign' || key === 'Output') continue;
    const m = key.match(/^(?:String|Numeric|Boolean|Timestamp)?(Equals|GreaterThanEquals|LessThanEquals|GreaterThan|LessThan|Matches)(Path)?$/);
    if (m) {
      const op = ops.find(([k]) => k === m[1])?.[1] ?? m[1];
      const value = m[2] ? String(rule[key]).replace(/^\$\./, '') : JSON.stringify(rule[key]);
      return `${variable} ${op} ${value}`;
    }
    const is = key.match(/^Is(Null|Present|Numeric|String|Boolean|Timestamp)$/);
    if (is) return `${variable} ${rule[key] ? 'is' : 'is not'} ${is[1].toLowerCase()}`;
  }
  return variable;
}

// ---- Definition -> ELK graph -----------------------------------------------------------------

function leafSize(name, sub) {
  // Room on the name's line for a badge (retries, visits).
  const w = Math.max(textWidth(name, `600 13px ${FONT}`) + 44, textWidth(sub, `11px ${FONT}`));
  return { width: Math.max(120, Math.ceil(w) + 28), height: 48 };
}

/** The type shown beside a Map's or Parallel's name. */
function compoundSub(node) {
  return node.type === 'Map' ? (node.distributed ? 'Map · distributed' : 'Map') : 'Parallel';
}

function labelOf(text, kind) {
  const shown = truncate(text, 30);
  return { text: shown, full: text, kind, width: Math.ceil(textWidth(shown, `11px ${FONT}`)) + 10, height: 16 };
}

/** Builds the ELK graph for one scope (the machine, a branch, a Map processor). */
function scopeGraph(scope, prefix, info) {
  const states = scope && typeof scope.States === 'object' && scope.States ? scope.States : {};
  const children = [];
  const edges = [];
  const id = (name) => `${prefix}/${name}`;
  const startId = `${prefix}/^start`;
  const endId = `${prefix}/^end`;
  const top = prefix === 'root';
  children.push({ id: startId, width: top ? 56 : 14, height: top ? 26 : 14, kind: top ? 'start' : 'dot-start' });
  let ends = 0;
  let n = 0;
  const missing = new Map(); // a Next, Default or Catch naming no state: drawn as a marked box
  const edge = (from, to, label, kind = 'next') => {
    if (!to) return;
    let target = to === '^end' ? endId : Object.hasOwn(states, to) ? id(to) : null;
    if (!target && typeof to === 'string') {
      target = `${prefix}/^missing/${to}`;
      if (!missing.has(to)) {
        const text = `“${truncate(to, 24)}”: no such state`;
        missing.set(to, { id: target, kind: 'missing', name: to, text, width: Math.ceil(textWidth(text, `600 11px ${FONT}`)) + 20, height: 26 });
      }
    }
    if (!target) return;
    edges.push({ id: `${prefix}#${n++}`, sources: [from], targets: [target], kind, labels: label ? [labelOf(label, kind)] : [] });
    if (to === '^end') ends++;
  };
  if (states[scope?.StartAt]) edges.push({ id: `${prefix}#start`, sources: [startId], targets: [id(scope.StartAt)], kind: 'start', labels: [] });

  for (const [name, state] of Object.entries(states)) {
    if (!state || typeof state !== 'object') continue;
    const type = String(state.Type ?? '?');
    const nodeId = id(name);
    info.nodes.set(name, nodeId);
    info.types.set(name, type);
    if (type === 'Parallel' || type === 'Map') {
      // The header has two lines: the name and type, then the badge ("1000/1000 items  ×5").
      const node = { id: nodeId, name, type, kind: 'compound', children: [], edges: [], layoutOptions: { 'elk.padding': '[top=46,left=14,bottom=14,right=14]' } };
      if (type === 'Parallel') {
        // Its branches side by side in their order. Laid out with the rest of the machine,
        // crossing minimization put Branch 3 before Branch 1; laid out on their own (no edge
        // crosses a branch's border), they are placed in the order given.
        Object.assign(node.layoutOptions, LAYOUT, {
          'elk.hierarchyHandling': 'SEPARATE_CHILDREN', 'elk.separateConnectedComponents': 'false',
          'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES', 'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
        });
      }
      if (type === 'Parallel') {
        (Array.isArray(state.Branches) ? state.Branches : []).forEach((branch, i) => {
          const inner = scopeGraph(branch, `${nodeId}/${i}`, info);
          node.children.push({ id: `${nodeId}/${i}`, kind: 'branch', label: `Branch ${i + 1}`, children: inner.children, edges: inner.edges,
            layoutOptions: { ...LAYOUT, 'elk.alignment': 'TOP', 'elk.padding': '[top=26,left=12,bottom=12,right=12]' } });
        });
      } else {
        const processor = state.ItemProcessor ?? state.Iterator;
        const inner = scopeGraph(processor, `${nodeId}/p`, info);
        node.children.push(...inner.children);
        node.edges.push(...inner.edges);
        node.distributed = processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
      }
      // Wide enough for its header (name and type, up to a limit): a Map around one small state
      // was narrower than its name, which was cut to "…". The layout sizes a box from what it
      // holds, so the sides are padded by what the widest state inside leaves short.
      const header = Math.min(textWidth(name, `600 13px ${FONT}`) + textWidth(compoundSub(node), `11px ${FONT}`) + 40, 320);
      const widths = node.children.map((c) => c.width);
      if (widths.length && widths.every((w) => w > 0)) {
        const side = Math.max(14, Math.ceil((header - Math.max(...widths)) / 2));
        node.layoutOptions['elk.padding'] = `[top=46,left=${side},bottom=14,right=${side}]`;
      }
      children.push(node);
    } else {
      const resource = type === 'Task' ? describeResource(state.Resource).label : '';
      const sub = resource ? `Task · ${truncate(resource, 30)}` : type;
      children.push({ id: nodeId, name, type, kind: 'state', sub, ...leafSize(name, sub) });
    }
    if (type === 'Choice') {
      (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule) => edge(nodeId, rule?.Next, ruleText(rule) || 'rule', 'choice'));
      if (state.Default) edge(nodeId, state.Default, 'Default', 'default');
    } else if (state.End === true || type === 'Succeed' || type === 'Fail') {
      edge(nodeId, '^end', null, type === 'Fail' ? 'fail' : 'next');
    } else if (state.Next) {
      edge(nodeId, state.Next, null, 'next');
    }
    for (const c of Array.isArray(state.Catch) ? state.Catch : []) {
      edge(nodeId, c?.Next, `catch ${(Array.isArray(c?.ErrorEquals) ? c.ErrorEquals : []).join(', ')}`, 'catch');
    }
  }
  children.push(...missing.values());
  if (ends > 0) children.push({ id: endId, width: top ? 56 : 14, height: top ? 26 : 14, kind: top ? 'end' : 'dot-end' });
  return { children, edges };
}

/** How a scope is laid out: the machine, and each branch of a Parallel (laid out on its own). */
const LAYOUT = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.spacing.nodeNode': '26',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '18',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

export function definitionGraph(definition) {
  const info = { nodes: new Map(), types: new Map() };
  const { children, edges } = scopeGraph(definition, 'root', info);
  return {
    info,
    graph: {
      id: 'root',
      layoutOptions: { ...LAYOUT, 'elk.padding': '[top=12,left=12,bottom=12,right=12]' },
      children,
      edges,
    },
  };
}

// ---- Layout -> SVG ---------------------------------------------------------------------------

function roundedPath(points, r = 8) {
  let d = `M${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length; i++) {
    const p = points[i];
    const prev = points[i - 1];
    const next = points[i + 1];
    if (!next) {
      d += ` L${p.x},${p.y}`;
      break;
    }
    const l1 = Math.hypot(p.x - prev.x, p.y - prev.y);
    const l2 = Math.hypot(next.x - p.x, next.y - p.y);
    const k = Math.min(r, l1 / 2, l2 / 2);
    const a = { x: p.x - ((p.x - prev.x) / l1) * k, y: p.y - ((p.y - prev.y) / l1) * k };
    const b = { x: p.x + ((next.x - p.x) / l2) * k, y: p.y + ((next.y - p.y) / l2) * k };
    d += ` L${a.x},${a.y} Q${p.x},${p.y} ${b.x},${b.y}`;
  }
  return d;
}

function drawNode(node, layer, edgeLayer, labelLayer, index) {
  const { x, y, width: w, height: h } = node;
  if (node.kind === 'start' || node.kind === 'end') {
    const g = el('g', { class: `terminal ${node.kind}` }, layer);
    el('rect', { x, y, width: w, height: h, rx: h / 2 }, g);
    const t = el('text', { x: x + w / 2, y: y + h / 2 + 4, 'text-anchor': 'middle' }, g);
    t.textContent = node.kind === 'start' ? 'Start' : 'End';
  } else if (node.kind === 'missing') {
    const g = el('g', { class: 'missing', role: 'img', 'aria-label': `Missing state: ${node.name} is not one of the States` }, layer);
    el('rect', { x, y, width: w, height: h, rx: 6 }, g);
    el('text', { x: x + w / 2, y: y + h / 2 + 4, 'text-anchor': 'middle' }, g).textContent = node.text;
    el('title', {}, g).textContent = `“${node.name}” is not one of the States: fix the name, or add the state.`;
  } else if (node.kind === 'dot-start' || node.kind === 'dot-end') {
    el('circle', { class: `dot ${node.kind}`, cx: x + w / 2, cy: y + h / 2, r: w / 2 - 1 }, layer);
  } else if (node.kind === 'branch') {
    const g = el('g', { class: 'branch' }, layer);
    el('rect', { x, y, width: w, height: h, rx: 8 }, g);
    el('text', { x: x + 10, y: y + 17 }, g).textContent = node.label;
  } else {
    const label = `${node.name}, ${node.type} state`;
    const g = el('g', { class: `node ${node.kind} type-${node.type}`, 'data-state': node.name, 'data-label': label, tabindex: 0, role: 'button',
      'aria-label': label }, layer);
    index.set(node.name, g);
    el('rect', { class: 'box', x, y, width: w, height: h, rx: node.kind === 'compound' ? 12 : 10 }, g);
    if (node.kind === 'compound') {
      // A name too long for the box is shortened (in full on hover).
      const sub = compoundSub(node);
      const room = w - 32 - textWidth(sub, `11px ${FONT}`);
      let shown = node.name;
      while (shown.length > 1 && textWidth(shown, `600 13px ${FONT}`) > room) shown = `${shown.slice(0, -2)}…`;
      const name = el('text', { class: 'name', x: x + 12, y: y + 21 }, g);
      name.textContent = shown;
      if (shown !== node.name) el('title', {}, name).textContent = node.name;
      el('text', { class: 'sub', x: x + 20 + textWidth(shown, `600 13px ${FONT}`), y: y + 21 }, g).textContent = sub;
      el('text', { class: 'badge', x: x + 12, y: y + 37 }, g);
    } else {
      el('text', { class: 'name', x: x + 14, y: y + 21 }, g).textContent = node.name;
      el('text', { class: 'sub', x: x + 14, y: y + 37 }, g).textContent = node.sub;
      el('text', { class: 'badge', x: x + w - 10, y: y + 21, 'text-anchor': 'end' }, g);
    }
  }
  for (const child of node.children ?? []) drawNode(child, layer, edgeLayer, labelLayer, index);
  for (const edge of node.edges ?? []) drawEdge(edge, edgeLayer, labelLayer);
}

function drawEdge(edge, layer, labelLayer) {
  for (const section of edge.sections ?? []) {
    const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    el('path', { class: `edge ${edge.kind}${edge.targets[0].includes('/^missing/') ? ' to-missing' : ''}`, d: roundedPath(points), 'marker-end': 'url(#asl-arrow)', 'data-from': edge.sources[0], 'data-to': edge.targets[0] }, layer);
  }
  for (const label of edge.labels ?? []) {
    if (label.x === undefined) continue;
    const g = el('g', { class: `edge-label ${label.kind}` }, labelLayer);
    el('rect', { x: label.x, y: label.y, width: label.width, height: label.height, rx: 4 }, g);
    el('text', { x: label.x + label.width / 2, y: label.y + 12, 'text-anchor': 'middle' }, g).textContent = label.text;
    if (label.full !== label.text) el('title', {}, g).textContent = label.full;
  }
}

const SPOKEN_STATUS = { active: 'running', retrying: 'waiting to retry', succeeded: 'succeeded', caught: 'failed, then caught', failed: 'failed', aborted: 'stopped' };

/** What a screen reader says of a node: its name and type, and how the run went there (the colours say it to the eye). */
function spokenLabel(base, s) {
  if (!s?.status) return base;
  const parts = [base, SPOKEN_STATUS[s.status] ?? s.status];
  if (s.retries) parts.push(`retried ${s.retries} time${s.retries === 1 ? '' : 's'}`);
  if (s.visits.length > 1) parts.push(`visited ${s.visits.length} times`);
  if (s.iterations) parts.push(`${s.iterations.succeeded}${s.iterations.total !== null ? ` of ${s.iterations.total}` : ''} items succeeded${s.iterations.failed ? `, ${s.iterations.failed} failed` : ''}`);
  return parts.join(', ');
}

/**
 * A graph view in `container`. setDefinition(object) lays out and draws (keeping the previous
 * drawing if the new one cannot be drawn); paint(states, selected) shows run progress.
 */
export function createGraph(container, { onSelect = null } = {}) {
  let index = new Map();
  let svg = null;
  let lastKey = null;
  let generation = 0;
  let painted = { states: new Map(), selected: null };

  container.addEventListener('click', (e) => {
    const node = e.target.closest?.('.node');
    if (node) onSelect?.(node.dataset.state);
  });
  container.addEventListener('keydown', (e) => {
    const node = e.target.closest?.('.node');
    if (node && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      onSelect?.(node.dataset.state);
    }
  });

  async function setDefinition(definition) {
    const key = JSON.stringify(definition);
    if (key === lastKey) return true;
    const mine = ++generation;
    const { graph } = definitionGraph(definition);
    let layout;
    try {
      layout = await elk.layout(graph);
    } catch (e) {
      console.warn('asl-sim: the graph could not be laid out', e);
      return false;
    }
    if (mine !== generation) return false;
    lastKey = key;
    const next = el('svg', { class: 'graph-svg', viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`, role: 'group', 'aria-label': 'State machine graph' });
    next.style.maxWidth = `${Math.ceil(layout.width)}px`;
    const defs = el('defs', {}, next);
    const marker = el('marker', { id: 'asl-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }, marker);
    const nodeLayer = el('g', { class: 'nodes' }, next);
    const edgeLayer = el('g', { class: 'edges' }, next);
    const labelLayer = el('g', { class: 'labels' }, next);
    index = new Map();
    for (const child of layout.children ?? []) drawNode(child, nodeLayer, edgeLayer, labelLayer, index);
    for (const edge of layout.edges ?? []) drawEdge(edge, edgeLayer, labelLayer);
    // Without onSelect (the embed) a state is a picture, not a button: no tab stop that does nothing.
    if (!onSelect) {
      for (const node of next.querySelectorAll('.node[tabindex]')) {
        node.removeAttribute('tabindex');
        node.setAttribute('role', 'img');
      }
    }
    svg?.remove();
    svg = next;
    container.appendChild(svg);
    paint(painted.states, painted.selected);
    return true;
  }

  /** states: Map(name -> { status, retries, iterations, visits }); selected: a state name. */
  function paint(states = new Map(), selected = null) {
    painted = { states, selected };
    for (const [name, g] of index) {
      const s = states.get(name);
      g.classList.remove('active', 'succeeded', 'failed', 'caught', 'retrying', 'aborted', 'selected', 'visited', 'retried');
      if (s?.status) g.classList.add(s.status, 'visited');
      if (s?.retries) g.classList.add('retried');
      if (name === selected) g.classList.add('selected');
      g.setAttribute('aria-pressed', name === selected ? 'true' : 'false');
      g.setAttribute('aria-label', spokenLabel(g.dataset.label, s));
      const badge = g.querySelector(':scope > .badge');
      if (!badge) continue;
      const parts = [];
      if (s?.iterations) {
        const it = s.iterations;
        parts.push(`${it.succeeded}${it.total !== null ? `/${it.total}` : ''} items${it.failed ? `, ${it.failed} failed` : ''}`);
      }
      if (s?.retries) parts.push(`↻ ${s.retries}`);
      if (s && s.visits.length > 1) parts.push(`×${s.visits.length}`);
      badge.textContent = parts.join('  ');
    }
  }

  // Scrolls the graph's own box (never the page) so that a state is in view.
  function reveal(name) {
    const g = index.get(name);
    if (!g || !svg) return;
    const box = g.getBoundingClientRect();
    const view = container.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom) container.scrollTop += box.top - view.top - view.height / 3;
    if (box.left < view.left || box.right > view.right) container.scrollLeft += box.left - view.left - view.width / 3;
  }

  return { setDefinition, paint, reveal, get hasDrawing() { return svg !== null; } };
}
