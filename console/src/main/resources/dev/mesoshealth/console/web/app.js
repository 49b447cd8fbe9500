// mesos-health console: one page, fed by server-sent events from /events. The server sends the
// full view ("snapshot") on connect and batches of changes ("delta") after; a reconnect starts
// again from a snapshot, and while disconnected the page says so instead of showing stale data as
// live. No libraries: the DOM is built with textContent (no HTML from data), charts are SVG.
'use strict';

const SEVERITY = ['UNREACHABLE', 'UNHEALTHY', 'DEGRADED', 'DRAINING', 'UNKNOWN', 'HEALTHY', 'GONE'];
// a shape as well as a colour for every state, for colour-blind eyes and greyscale screens
const GLYPH = { HEALTHY: '✓', DEGRADED: '!', UNHEALTHY: '✕', UNREACHABLE: '⊘', DRAINING: '↓', GONE: '–', UNKNOWN: '?' };
const STATUS_GLYPH = { UP: '▲', DRAIN: '◆', DOWN: '▼' };
const TILE = 30, GAP = 4, GRID_MAX_HEIGHT = 420, STALE_AFTER_MS = 20000;

const S = {
  clusters: new Map(), nodes: new Map(), transitions: [], capacity: new Map(), endpoints: new Map(),
  lastEventAt: null, cluster: null, capacityGroup: null, detail: null, expandedApps: new Set(),
};
const F = { states: new Set(), attr: '', text: '', sort: 'severity' };
let source = null, disconnectedSince = null, lastMessageAt = 0, dirty = true;
let kafkaSilentSince = null; // the console server is reachable but no longer hears from Kafka

// ------------------------------------------------------------------ helpers

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}
function svg(tag, attrs) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}
function badge(state) {
  return el('span', { class: 'badge', 'data-state': state, text: (GLYPH[state] || '') + ' ' + state });
}
function statusBadge(status) {
  return el('span', { class: 'badge', 'data-status': status, text: STATUS_GLYPH[status] + ' ' + status });
}
function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '';
}
function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.round(s / 60) + ' min ago';
  return Math.round(s / 3600) + ' h ago';
}
function duration(seconds) {
  if (seconds === undefined || seconds === null) return '';
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m`;
}
function pct(x) { return x === undefined || x === null ? '' : (100 * x).toFixed(1) + '%'; }
function num(x, digits) { return x === undefined || x === null ? '' : Number(x).toFixed(digits || 0); }
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function reasonText(r) {
  if (r.message) return r.message;
  return r.rule + (r.observed !== null && r.observed !== undefined ? ` (${r.observed} vs ${r.threshold})` : '');
}

// ------------------------------------------------------------------ live connection

function connect() {
  if (source) source.close();
  source = new EventSource('events');
  source.addEventListener('snapshot', (e) => { applySnapshot(JSON.parse(e.data)); connected(); });
  source.addEventListener('delta', (e) => { applyDelta(JSON.parse(e.data)); connected(); });
  source.addEventListener('heartbeat', () => connected());
  source.addEventListener('feed', (e) => {
    const f = JSON.parse(e.data);
    kafkaSilentSince = f.kafkaReachable ? null : new Date(f.lastHeardFromKafka);
    connected();
    showBanner();
  });
  source.onerror = () => {
    disconnected();
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, 3000); // refused: try again
  };
}
function connected() {
  lastMessageAt = Date.now();
  if (disconnectedSince !== null) {
    disconnectedSince = null;
    showBanner();
  }
}
function disconnected() {
  if (disconnectedSince === null) {
    disconnectedSince = new Date();
    showBanner();
  }
}
function showBanner() {
  const b = $('banner');
  const since = (d) => d.toLocaleTimeString([], { hour12: false });
  if (disconnectedSince !== null) {
    b.textContent = `Disconnected since ${since(disconnectedSince)}: `
      + 'what you see is the last known state, not live. Reconnecting…';
  } else if (kafkaSilentSince !== null) {
    b.textContent = `Kafka unreachable since ${since(kafkaSilentSince)}: `
      + 'what you see is the last known state, not live. The console keeps trying.';
  } else {
    b.hidden = true;
    document.body.classList.remove('stale');
    return;
  }
  b.hidden = false;
  document.body.classList.add('stale');
}
setInterval(() => {
  if (lastMessageAt && Date.now() - lastMessageAt > STALE_AFTER_MS) {
    disconnected(); // a silent stream is a dead stream: start over
    connect();
    lastMessageAt = Date.now();
  }
  $('last-event').textContent = 'last event ' + ago(S.lastEventAt);
}, 1000);

// ------------------------------------------------------------------ state

// the schema lets a node come without a host name: the page then names it by its id
const named = (n) => (n.hostname ? n : { ...n, hostname: n.id });
function applySnapshot(v) {
  S.clusters = new Map(v.clusters.map((c) => [c.name, c]));
  S.nodes = new Map(v.nodes.map((n) => [n.id, named(n)]));
  S.transitions = v.transitions;
  S.capacity = new Map(v.capacity.map((g) => [g.group, g]));
  S.endpoints = new Map(v.endpoints.map((e) => [e.key, e]));
  S.lastEventAt = v.lastEventAt;
  dirty = true;
}
function applyDelta(d) {
  d.clusters.forEach((c) => S.clusters.set(c.name, c));
  d.removedClusters.forEach((n) => S.clusters.delete(n));
  d.nodes.forEach((n) => S.nodes.set(n.id, named(n)));
  d.removedNodes.forEach((id) => S.nodes.delete(id));
  if (d.transitions.length) S.transitions = d.transitions.concat(S.transitions).slice(0, 500);
  d.capacity.forEach((g) => S.capacity.set(g.group, g));
  d.endpoints.forEach((e) => S.endpoints.set(e.key, e));
  d.removedEndpoints.forEach((k) => S.endpoints.delete(k));
  S.lastEventAt = d.lastEventAt || S.lastEventAt;
  if (S.detail && d.nodes.some((n) => n.id === S.detail)) loadDetail(S.detail);
  dirty = true;
}
function currentCluster() {
  const names = [...new Set([...S.clusters.keys(), ...[...S.nodes.values()].map((n) => n.cluster)])].sort();
  if (!S.cluster || !names.includes(S.cluster)) S.cluster = names[0] || null;
  return names;
}

// ------------------------------------------------------------------ rendering

function render() {
  if (dirty) {
    dirty = false;
    try {
      const names = currentCluster();
      renderHeader(names);
      renderMasters();
      renderAgents();
      renderTransitions();
      renderCapacity();
      renderEndpoints();
    } catch (e) {
      // one bad record must not freeze the page: the next change draws it all again
      console.error('could not draw the view', e);
    }
  }
  requestAnimationFrame(render);
}

function renderHeader(names) {
  const select = $('cluster-select');
  if (select.options.length !== names.length || [...select.options].some((o, i) => o.value !== names[i])) {
    clear(select);
    names.forEach((n) => select.append(el('option', { value: n, text: n })));
  }
  select.value = S.cluster || '';
  const c = S.clusters.get(S.cluster);
  const state = c ? c.state : 'UNKNOWN';
  const badgeEl = $('cluster-state');
  badgeEl.dataset.state = state;
  badgeEl.textContent = GLYPH[state] + ' ' + state + (c ? ' since ' + clock(c.since) : '');
  const reasons = clear($('cluster-reasons'));
  (c ? c.reasons : []).forEach((r) => reasons.append(el('li', { text: reasonText(r) })));
  // machines in the leader's maintenance schedule: ahead of the window (DRAINING) or in it (DOWN)
  const maintenance = clear($('maintenance'));
  [...S.nodes.values()]
    .filter((n) => n.cluster === S.cluster && n.maintenance)
    .sort((a, b) => (a.maintenance.start < b.maintenance.start ? -1 : 1))
    .forEach((n) => maintenance.append(el('li', {
      text: `maintenance: ${n.hostname} ${n.maintenance.mode}, window ${clock(n.maintenance.start)}`
        + (n.maintenance.end ? ` to ${clock(n.maintenance.end)}` : ''),
    })));
  const leader = [...S.nodes.values()].find((n) => n.cluster === S.cluster && n.role === 'MASTER' && n.elected);
  $('leader').textContent = 'leader: ' + (leader ? leader.hostname : 'none known');
  const counts = {};
  for (const n of S.nodes.values()) {
    if (n.cluster === S.cluster && n.role === 'AGENT') counts[n.state] = (counts[n.state] || 0) + 1;
  }
  const box = clear($('agent-counts'));
  SEVERITY.filter((s) => counts[s]).forEach((s) => {
    box.append(el('span', { class: 'count', 'data-state': s }, badge(s), ' ' + counts[s]));
  });
  $('last-event').textContent = 'last event ' + ago(S.lastEventAt);
}

function renderMasters() {
  const body = clear($('masters').tBodies[0]);
  [...S.nodes.values()]
    .filter((n) => n.cluster === S.cluster && n.role === 'MASTER')
    .sort((a, b) => a.hostname.localeCompare(b.hostname))
    .forEach((m) => {
      const g = m.gauges || {};
      const queue = (g['mesos.cluster.event_queue_messages'] || 0) + (g['mesos.cluster.event_queue_dispatches'] || 0);
      body.append(el('tr', { 'data-id': m.id, onclick: () => openDetail(m.id) },
        el('td', { text: m.hostname + (m.elected ? ' ★ leader' : '') }),
        el('td', {}, badge(m.state)),
        el('td', { class: 'num', text: g['mesos.registrar.state_store_ms.p99'] === undefined ? '' : num(g['mesos.registrar.state_store_ms.p99'], 1) + ' ms' }),
        el('td', { class: 'num', text: m.elected ? num(queue) : '' }),
        el('td', { class: 'num', text: duration(g['mesos.stats.uptime_secs']) })));
    });
}

function agentTags(n) {
  const tags = new Set();
  for (const [k, v] of Object.entries(n.attributes || {})) tags.add(k + '=' + v);
  (n.roles || []).forEach((r) => tags.add('role=' + r));
  if (n.zone) tags.add('zone=' + n.zone);
  return [...tags];
}

function visibleAgents() {
  const text = F.text.toLowerCase();
  const list = [...S.nodes.values()].filter((n) => n.cluster === S.cluster && n.role === 'AGENT'
    && (F.states.size === 0 || F.states.has(n.state))
    && (!F.attr || agentTags(n).includes(F.attr))
    && (!text || n.hostname.toLowerCase().includes(text) || n.id.toLowerCase().includes(text)));
  const bySeverity = (a, b) => SEVERITY.indexOf(a.state) - SEVERITY.indexOf(b.state) || a.hostname.localeCompare(b.hostname);
  const sorts = {
    severity: bySeverity,
    hostname: (a, b) => a.hostname.localeCompare(b.hostname),
    since: (a, b) => (b.since || '').localeCompare(a.since || ''),
  };
  return list.sort(sorts[F.sort] || bySeverity);
}

let gridAgents = [];
function renderAgents() {
  // filters: state chips and attribute options follow the data
  const chips = $('state-filters');
  if (!chips.childElementCount) {
    SEVERITY.forEach((s) => chips.append(el('button', {
      class: 'chip', type: 'button', 'data-state': s, 'aria-pressed': 'false', text: GLYPH[s] + ' ' + s,
      onclick: (e) => {
        if (F.states.has(s)) F.states.delete(s); else F.states.add(s);
        e.currentTarget.setAttribute('aria-pressed', String(F.states.has(s)));
        dirty = true;
      },
    })));
  }
  const tags = new Set();
  for (const n of S.nodes.values()) if (n.cluster === S.cluster && n.role === 'AGENT') agentTags(n).forEach((t) => tags.add(t));
  const attr = $('filter-attr');
  const wanted = ['', ...[...tags].sort()];
  if (attr.options.length !== wanted.length || [...attr.options].some((o, i) => o.value !== wanted[i])) {
    const keep = attr.value;
    clear(attr);
    wanted.forEach((t) => attr.append(el('option', { value: t, text: t || 'any attribute, role, zone' })));
    attr.value = wanted.includes(keep) ? keep : '';
  }
  gridAgents = visibleAgents();
  const total = [...S.nodes.values()].filter((n) => n.cluster === S.cluster && n.role === 'AGENT').length;
  $('agents-shown').textContent = gridAgents.length === total ? `${total}` : `${gridAgents.length} of ${total}`;
  drawGrid();
}

// Only the tiles in view are in the DOM, so ten thousand agents scroll smoothly.
function drawGrid() {
  const grid = $('grid'), inner = $('grid-inner');
  const perRow = Math.max(1, Math.floor((grid.clientWidth - GAP) / (TILE + GAP)));
  const rows = Math.ceil(gridAgents.length / perRow);
  inner.style.height = (rows * (TILE + GAP) + GAP) + 'px';
  grid.style.height = Math.min(GRID_MAX_HEIGHT, Math.max(1, rows) * (TILE + GAP) + GAP + 2) + 'px';
  const first = Math.max(0, Math.floor(grid.scrollTop / (TILE + GAP)) - 2);
  const last = Math.min(rows, Math.ceil((grid.scrollTop + grid.clientHeight) / (TILE + GAP)) + 2);
  clear(inner);
  for (let r = first; r < last; r++) {
    for (let c = 0; c < perRow; c++) {
      const n = gridAgents[r * perRow + c];
      if (!n) break;
      const reason = n.reasons.length ? ': ' + reasonText(n.reasons[0]) : '';
      inner.append(el('div', {
        class: 'tile', tabindex: '0', role: 'button', 'data-id': n.id, 'data-state': n.state,
        title: `${n.hostname}: ${n.state}${reason}`, 'aria-label': `${n.hostname} ${n.state}`,
        style: `left:${GAP + c * (TILE + GAP)}px;top:${GAP + r * (TILE + GAP)}px`,
        text: GLYPH[n.state] || '?',
        onclick: () => openDetail(n.id),
        onkeydown: (e) => { if (e.key === 'Enter') openDetail(n.id); },
      }));
    }
  }
}

function renderTransitions() {
  const list = clear($('transitions'));
  S.transitions.filter((t) => t.cluster === S.cluster).slice(0, 150).forEach((t) => {
    list.append(el('li', { 'data-node': t.node, 'data-to': t.to },
      el('time', { datetime: t.at, text: clock(t.at) }),
      el('a', { href: '#', text: t.hostname || t.node, onclick: (e) => { e.preventDefault(); openDetail(t.node); } }),
      ` (${t.role.toLowerCase()}) `, badge(t.from), ' → ', badge(t.to),
      t.reasons.length ? el('span', { class: 'why', text: reasonText(t.reasons[0]) }) : null));
  });
}

// ------------------------------------------------------------------ detail

function openDetail(id) {
  S.detail = id;
  $('detail').hidden = false;
  loadDetail(id);
  $('detail').scrollIntoView({ block: 'nearest' });
}
$('detail-close').addEventListener('click', () => { S.detail = null; $('detail').hidden = true; });

async function loadDetail(id) {
  const [node, history] = await Promise.all([
    fetch('api/nodes/' + encodeURIComponent(id)).then((r) => (r.ok ? r.json() : null)).catch(() => null),
    fetch('api/nodes/' + encodeURIComponent(id) + '/history').then((r) => r.json().then((j) => (r.ok ? j : { error: j.error }))).catch((e) => ({ error: String(e) })),
  ]);
  if (S.detail !== id) return;
  const body = clear($('detail-body'));
  if (!node) {
    body.append(el('p', { text: `No node ${id} (it may have been forgotten).` }));
    return;
  }
  body.append(el('h2', {}, `${node.hostname || node.id} `, badge(node.state), el('span', { class: 'muted', text: ` since ${clock(node.since)} (${ago(node.since)})` })));
  const facts = el('dl', {},
    el('dt', { text: 'id' }), el('dd', { text: node.id }),
    el('dt', { text: 'role' }), el('dd', { text: node.role.toLowerCase() + (node.elected ? ', elected leader' : '') }),
    el('dt', { text: 'address' }), el('dd', { text: node.address || '' }),
    el('dt', { text: 'last snapshot' }), el('dd', { text: ago(node.lastSnapshotAt) }));
  if (node.attributes) facts.append(el('dt', { text: 'attributes' }), el('dd', { text: agentTags(node).join(', ') }));
  body.append(facts);
  body.append(el('h3', { text: node.reasons.length ? 'Why' : 'Nothing wrong' }));
  const why = el('ul');
  node.reasons.forEach((r) => why.append(el('li', {}, badge(r.severity), ' ' + reasonText(r), el('span', { class: 'muted', text: ` (${r.rule})` }))));
  body.append(why);
  body.append(el('h3', { text: 'Last hour' }));
  body.append(history && history.minutes ? sparkline(history.minutes) : el('p', { class: 'muted', text: 'history unavailable: ' + (history ? history.error : '') }));
  const metrics = el('table', { class: 'metrics' }, el('thead', {}, el('tr', {}, el('th', { text: 'metric' }), el('th', { class: 'num', text: 'value' }))));
  const mbody = el('tbody');
  Object.entries(node.metrics || {}).forEach(([k, v]) => mbody.append(el('tr', {}, el('td', { text: k }), el('td', { class: 'num', text: String(Math.round(v * 1000) / 1000) }))));
  metrics.append(mbody);
  body.append(el('h3', { text: 'Metrics' }), metrics);
  if (node.endpoints && node.endpoints.length) {
    const eps = el('ul');
    node.endpoints.forEach((e) => eps.append(el('li', {}, statusBadge(e.status), ` ${e.appId} ${e.host || ''}:${e.port || ''} (${e.backend})`, e.reasons.length ? el('span', { class: 'muted', text: ' ' + e.reasons.join('; ') }) : null)));
    body.append(el('h3', { text: 'Tasks and endpoints' }), eps);
  }
}

// one bar per minute, coloured (and titled) by the worst state of that minute
function sparkline(minutes) {
  const w = 6, h = 24, box = svg('svg', { class: 'spark', width: String(Math.max(60, minutes.length * w)), height: String(h), role: 'img', 'aria-label': 'state per minute, last hour' });
  minutes.forEach((m, i) => {
    const rect = svg('rect', { x: String(i * w), y: '0', width: String(w - 1), height: String(h), style: `fill: var(--${m.worst.toLowerCase()})` });
    const title = svg('title', {});
    title.textContent = `${clock(m.start)} worst ${m.worst}`;
    rect.append(title);
    box.append(rect);
  });
  return box;
}

// ------------------------------------------------------------------ capacity

function renderCapacity() {
  const groups = [...S.capacity.values()].filter((g) => g.latest.cluster === S.cluster).sort((a, b) => a.group.localeCompare(b.group));
  const select = $('capacity-group');
  const ids = groups.map((g) => g.group);
  if (select.options.length !== ids.length || [...select.options].some((o, i) => o.value !== ids[i])) {
    clear(select);
    ids.forEach((id) => select.append(el('option', { value: id, text: id })));
  }
  if (!S.capacityGroup || !ids.includes(S.capacityGroup)) S.capacityGroup = ids.includes(S.cluster) ? S.cluster : ids[0];
  select.value = S.capacityGroup || '';
  const charts = clear($('capacity-charts'));
  const g = S.capacity.get(S.capacityGroup);
  $('capacity-note').textContent = g
    ? `${g.latest.agents} agents count (${g.latest.agentsExcluded} left out: inactive or draining); window ${clock(g.latest.windowStart)}–${clock(g.latest.windowEnd)}; fragmentation index ${num(g.latest.fragmentationIndex, 2)}`
    : 'No capacity point yet: the first one is final a minute or so after the collector starts.';
  const shapes = clear($('capacity-shapes').tBodies[0]);
  if (g) {
    g.latest.resources.filter((r) => r.total > 0).forEach((r) => charts.append(chart(r, g.history)));
    g.latest.shapes.forEach((s) => shapes.append(el('tr', {}, el('td', { text: s.shape }), el('td', { class: 'num', text: num(s.cpus, 1) }), el('td', { class: 'num', text: num(s.memMb) + ' MiB' }), el('td', { class: 'num', text: num(s.diskMb) + ' MiB' }), el('td', { class: 'num', text: String(s.placeable) }))));
  }
  const table = clear($('capacity-groups').tBodies[0]);
  groups.forEach((grp) => {
    const r = Object.fromEntries(grp.latest.resources.map((x) => [x.resource, x]));
    table.append(el('tr', { onclick: () => { S.capacityGroup = grp.group; dirty = true; } },
      el('td', { text: grp.group }), el('td', { class: 'num', text: String(grp.latest.agents) }),
      el('td', { class: 'num', text: pct(r.cpus && r.cpus.usedRatio) }), el('td', { class: 'num', text: pct(r.mem && r.mem.usedRatio) }),
      el('td', { class: 'num', text: num(r.cpus && r.cpus.free, 1) }), el('td', { class: 'num', text: num(grp.latest.fragmentationIndex, 2) })));
  });
}
$('capacity-group').addEventListener('change', (e) => { S.capacityGroup = e.target.value; dirty = true; });

// used ratio over the kept history, the 90 % and 100 % lines, and the 1 h trend carried forward
function chart(resource, history) {
  const W = 300, H = 100, points = history.filter((p) => p[resource.resource] !== undefined);
  const trend = (resource.trends || [])[0];
  const t0 = points.length ? new Date(points[0].t).getTime() : Date.now();
  const tLast = points.length ? new Date(points[points.length - 1].t).getTime() : Date.now();
  const span = Math.max(60000, tLast - t0);
  const tEnd = tLast + span / 3; // a third of the chart looks ahead
  const x = (t) => ((t - t0) / (tEnd - t0)) * W;
  const y = (v) => H - Math.max(0, Math.min(1.05, v)) / 1.05 * H;
  const box = svg('svg', { id: 'chart-' + resource.resource, viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': resource.resource + ' used ratio over time' });
  [0.9, 1.0].forEach((v) => box.append(svg('line', { class: 'limit', x1: '0', x2: String(W), y1: String(y(v)), y2: String(y(v)) })));
  box.append(svg('polyline', { class: 'used', points: points.map((p) => `${x(new Date(p.t).getTime()).toFixed(1)},${y(p[resource.resource]).toFixed(1)}`).join(' ') }));
  if (trend && trend.slopePerHour !== null && trend.verdict !== 'UNDECIDED' && points.length) {
    const last = points[points.length - 1][resource.resource];
    const end = last + trend.slopePerHour * ((tEnd - tLast) / 3600000);
    box.append(svg('line', { class: 'trend', x1: String(x(tLast)), y1: String(y(last)), x2: String(W), y2: String(y(end)) }));
  }
  let forecast;
  if (!trend) forecast = 'no trend yet';
  else if (trend.verdict === 'GROWING') forecast = `90% ${trend.reach90At ? 'at ' + new Date(trend.reach90At).toLocaleString() : 'already'}, 100% at ${trend.reach100At ? new Date(trend.reach100At).toLocaleString() : '?'}`;
  else if (trend.verdict === 'STABLE') forecast = 'stable: not growing';
  else forecast = `undecided (${trend.samples} points${trend.r2 !== null ? ', r² ' + num(trend.r2, 2) : ''})`;
  return el('div', { class: 'chart', 'data-resource': resource.resource },
    el('div', {}, el('strong', { text: resource.resource }), ` ${pct(resource.usedRatio)} used of ${num(resource.total, 1)}; forecast (${trend ? trend.horizon.replace('PT', '') : '1H'} trend): `, el('span', { class: 'forecast', text: forecast })),
    box);
}

// ------------------------------------------------------------------ endpoints

function renderEndpoints() {
  const apps = new Map();
  for (const e of S.endpoints.values()) {
    if (e.cluster !== S.cluster) continue;
    if (!apps.has(e.appId)) apps.set(e.appId, []);
    apps.get(e.appId).push(e);
  }
  const body = clear($('endpoints').tBodies[0]);
  [...apps.keys()].sort().forEach((app) => {
    const eps = apps.get(app);
    const count = (s) => eps.filter((e) => e.status === s).length;
    body.append(el('tr', { class: 'app', 'data-app': app, onclick: () => { if (S.expandedApps.has(app)) S.expandedApps.delete(app); else S.expandedApps.add(app); dirty = true; } },
      el('td', { text: (S.expandedApps.has(app) ? '▾ ' : '▸ ') + app }), el('td', { text: eps[0].backend }),
      el('td', { class: 'num', text: String(count('UP')) }), el('td', { class: 'num', text: String(count('DRAIN')) }), el('td', { class: 'num', text: String(count('DOWN')) })));
    if (S.expandedApps.has(app)) {
      eps.sort((a, b) => a.taskId.localeCompare(b.taskId)).forEach((e) => body.append(el('tr', { class: 'task' },
        el('td', { colspan: '2' }, statusBadge(e.status), ` ${e.host || ''}:${e.port || ''} `, el('span', { text: e.reasons.join('; ') })),
        el('td', { colspan: '3', text: e.taskId }))));
    }
  });
}

// ------------------------------------------------------------------ wiring

$('cluster-select').addEventListener('change', (e) => { S.cluster = e.target.value; S.capacityGroup = null; dirty = true; });
$('filter-attr').addEventListener('change', (e) => { F.attr = e.target.value; dirty = true; });
$('filter-text').addEventListener('input', (e) => { F.text = e.target.value; dirty = true; });
$('sort').addEventListener('change', (e) => { F.sort = e.target.value; dirty = true; });
$('grid').addEventListener('scroll', () => drawGrid());
window.addEventListener('resize', () => drawGrid());
SEVERITY.forEach((s) => $('legend').append(el('span', {}, el('span', { class: 'tile', 'data-state': s, text: GLYPH[s] }), s)));

connect();
requestAnimationFrame(render);
