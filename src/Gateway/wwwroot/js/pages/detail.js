// Experiment detail: lifecycle, live results, forest plot, cumulative lift, SRM, bandit, recommendation.
import { api, ApiError, enc, liveUrl } from '../api.js';
import { h, replace } from '../dom.js';
import { int, num, pct, signedPct, pValue, interval, time, ago, parseTime, DECISIONS } from '../format.js';
import { TRANSITIONS, ACTION_LABELS, metricDefs, controlKey, banditOf, unitsFromAnalysis } from '../model.js';
import { forestPlot } from '../charts/forest.js';
import { lineChart } from '../charts/line.js';
import { SERIES_COLORS } from '../charts/scale.js';

const TIMESERIES_MIN_INTERVAL_MS = 5000;
const POLL_MS = 5000;
const BANDIT_HISTORY = 600;

function comparisonState(cmp, direction) {
  if (!cmp?.significant) return 'neutral';
  const effect = Number.isFinite(cmp.relative_lift) ? cmp.relative_lift : cmp.difference;
  if (!Number.isFinite(effect) || effect === 0) return 'neutral';
  const good = direction === 'decrease' ? effect < 0 : effect > 0;
  return good ? 'good' : 'bad';
}

export function renderDetail(main, id) {
  let disposed = false;
  let experiment = null;
  let analysis = null;
  let source = null;
  let reconnectTimer = null;
  let reconnectDelay = 1000;
  let pollTimer = null;
  let tickTimer = null;
  let liveState = 'idle';
  let lastUpdate = null;
  let tsMetric = '';
  let tsLastFetch = 0;
  let tsTimer = null;
  const banditHistory = [];
  let lastTimeseries = null;
  let resizeTimer = null;

  /** Charts are drawn at their container's pixel width so their text stays readable. */
  function widthOf(el) {
    return el.clientWidth || main.clientWidth - 40 || 760;
  }

  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (disposed || !analysis) return;
      drawForest();
      drawBandit();
      if (lastTimeseries) drawLift(lastTimeseries);
    }, 150);
  }
  window.addEventListener('resize', onResize);

  const header = h('div', { class: 'page-head', id: 'experiment-header' });
  const liveIndicator = h('span', { class: 'live', id: 'live-indicator', 'data-state': 'idle' },
    h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'label', role: 'status' }, 'Not live'), h('span', { class: 'age' }));
  const lifecycle = h('div', { class: 'lifecycle', id: 'lifecycle' });
  const lifecycleMessage = h('div', { id: 'lifecycle-message', role: 'alert' });
  const srmBanner = h('div', { class: 'banner warn', id: 'srm-banner', role: 'alert', hidden: true });
  const recommendation = h('section', { class: 'panel recommendation', id: 'recommendation', 'aria-labelledby': 'rec-title' });
  const summary = h('div', { id: 'summary' });
  const resultsWrap = h('div', { class: 'table-wrap', id: 'results' });
  const forestWrap = h('div', { id: 'forest-wrap', class: 'chart-box' });
  const metricSelect = h('select', { id: 'timeseries-metric', onchange: (e) => { tsMetric = e.target.value; loadTimeseries(true); } });
  const liftWrap = h('div', { id: 'lift-wrap', class: 'chart-box' });
  const liftLegend = h('div', { class: 'legend', id: 'lift-legend' });
  const banditPanel = h('section', { class: 'panel', id: 'bandit-panel', hidden: true, 'aria-labelledby': 'bandit-title' });
  const definition = h('section', { class: 'panel', id: 'definition', 'aria-labelledby': 'def-title' });

  replace(main, h('p', { class: 'muted' }, 'Loading experiment…'));

  // ---------- header and lifecycle ----------
  function drawHeader() {
    const e = experiment;
    document.title = `${e.name || e.key} · Expothesis.Fast`;
    replace(header,
      h('div', null,
        h('h1', null, e.name || e.key, ' ', h('span', { class: `badge status-${e.status}`, id: 'status-badge', 'data-status': e.status }, e.status)),
        h('p', { class: 'sub muted' }, h('span', { class: 'mono' }, e.key), e.description ? ` · ${e.description}` : ''),
        liveIndicator),
      h('div', null, lifecycle, lifecycleMessage));
    drawLifecycle();
  }

  function drawLifecycle(confirmStop = false) {
    const actions = TRANSITIONS[experiment.status] ?? [];
    const buttons = actions.map((a) => h('button', {
      type: 'button', 'data-action': a, class: a === 'stop' ? 'danger' : a === 'archive' ? '' : 'primary',
      onclick: () => (a === 'stop' ? drawLifecycle(true) : transition(a)),
    }, ACTION_LABELS[a]));
    if (experiment.status === 'stopped') buttons.unshift(h('span', { class: 'muted' }, 'Stopped: results are final.'));
    if (experiment.status === 'archived') buttons.push(h('span', { class: 'muted' }, 'Archived.'));
    replace(lifecycle, buttons);
    if (confirmStop) {
      const confirm = h('button', { type: 'button', class: 'danger', 'data-action': 'confirm-stop', onclick: () => transition('stop') }, 'Stop for good');
      lifecycle.append(h('div', { class: 'confirm', id: 'stop-confirm', role: 'group', 'aria-label': 'Confirm stop' },
        h('span', null, 'Stopping is final: events are rejected and results freeze.'),
        confirm,
        h('button', { type: 'button', 'data-action': 'cancel-stop', onclick: () => drawLifecycle(false) }, 'Cancel')));
      confirm.focus();
    }
  }

  async function transition(action) {
    for (const b of lifecycle.querySelectorAll('button')) b.disabled = true;
    replace(lifecycleMessage);
    try {
      const updated = action === 'archive'
        ? await api.del(`/experiments/${enc(id)}`)
        : await api.post(`/experiments/${enc(id)}/${action}`);
      if (disposed) return;
      experiment = updated && updated.status ? updated : { ...experiment, status: nextStatus(action) };
      drawHeader();
      drawDefinition();
      lifecycle.querySelector('button')?.focus();
      followStatus();
      if (experiment.status !== 'draft') refreshAnalysis();
    } catch (err) {
      if (disposed) return;
      replace(lifecycleMessage, h('p', { class: 'field-error' }, `${ACTION_LABELS[action]} failed: ${err.message}`));
      if (err instanceof ApiError && err.status === 409) reloadExperiment();
      else drawLifecycle();
    }
  }

  function nextStatus(action) {
    return { start: 'running', resume: 'running', pause: 'paused', stop: 'stopped', archive: 'archived' }[action] ?? experiment.status;
  }

  async function reloadExperiment() {
    try {
      experiment = await api.get(`/experiments/${enc(id)}`);
      if (!disposed) { drawHeader(); drawDefinition(); }
    } catch { /* keep the current view */ }
  }

  // ---------- live indicator ----------
  function setLive(state) {
    liveState = state;
    liveIndicator.dataset.state = state;
    drawLiveLabel();
  }

  function drawLiveLabel() {
    const labels = {
      idle: 'Not live (draft)',
      final: 'Final results',
      connecting: 'Connecting…',
      live: 'Live',
      reconnecting: 'Reconnecting…',
      offline: 'Offline: retrying',
    };
    const label = liveIndicator.querySelector('.label');
    const text = labels[liveState] ?? liveState;
    if (label.textContent !== text) label.textContent = text;
    liveIndicator.querySelector('.age').textContent =
      lastUpdate && liveState !== 'idle' && liveState !== 'final' ? `· updated ${ago(lastUpdate)}` : '';
  }

  function connect() {
    if (disposed || source || typeof EventSource === 'undefined') return;
    clearTimeout(reconnectTimer);
    setLive(liveState === 'idle' || liveState === 'final' ? 'connecting' : 'reconnecting');
    const es = new EventSource(liveUrl(`/experiments/${enc(id)}/live`));
    source = es;
    es.addEventListener('open', () => {
      if (source !== es) return;
      reconnectDelay = 1000;
      setLive('live');
      stopPolling();
      refreshAnalysis();
    });
    const onData = (ev) => {
      if (source !== es) return;
      try {
        const doc = JSON.parse(ev.data);
        if (liveState !== 'live') setLive('live');
        acceptAnalysis(doc);
      } catch { /* a malformed frame is skipped; the next one replaces it */ }
    };
    es.addEventListener('analysis', onData);
    es.addEventListener('message', onData);
    es.addEventListener('error', () => {
      if (source !== es) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. a non-200 answer while the server restarted): retry ourselves.
        source = null;
        es.close();
        setLive('offline');
        reconnectTimer = setTimeout(connect, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 15000);
      } else {
        setLive('reconnecting');
      }
      startPolling();
    });
  }

  /** Running and paused experiments stream; stopped and archived ones are final, drafts have nothing yet. */
  function followStatus() {
    const status = experiment?.status;
    if (status === 'running' || status === 'paused') {
      connect();
    } else {
      disconnect();
      stopPolling();
      setLive(status === 'draft' ? 'idle' : 'final');
    }
  }

  function disconnect() {
    if (source) { source.close(); source = null; }
    clearTimeout(reconnectTimer);
  }

  function startPolling() {
    if (pollTimer) return;
    pollTimer = setInterval(() => { if (liveState !== 'live') refreshAnalysis(); }, POLL_MS);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  // ---------- analysis ----------
  async function refreshAnalysis() {
    try {
      const doc = await api.get(`/experiments/${enc(id)}/analysis`);
      if (!disposed) acceptAnalysis(doc);
    } catch (err) {
      if (!disposed && !analysis) {
        replace(summary, h('p', { class: 'field-error' }, `Analysis unavailable: ${err.message}`));
      }
    }
  }

  function acceptAnalysis(doc) {
    if (!doc || typeof doc !== 'object') return;
    analysis = doc;
    lastUpdate = parseTime(doc.computed_at) ?? new Date();
    drawLiveLabel();
    if (doc.status && experiment && doc.status !== experiment.status) {
      experiment = { ...experiment, status: doc.status };
      drawHeader();
      followStatus();
    }
    drawSrm();
    drawRecommendation();
    drawSummary();
    drawResults();
    drawForest();
    drawBandit();
    syncMetricSelect();
    loadTimeseries(false);
  }

  function drawSrm() {
    const srm = analysis?.srm;
    if (!srm?.flagged) {
      srmBanner.hidden = true;
      replace(srmBanner);
      return;
    }
    const observed = srm.observed ?? {};
    const expected = srm.expected_share ?? {};
    const total = Object.values(observed).reduce((a, b) => a + (Number(b) || 0), 0);
    const parts = Object.keys(observed).map((k) =>
      `${k}: ${int(observed[k])} (${pct(total ? observed[k] / total : NaN)} observed, ${pct(expected[k])} expected)`);
    replace(srmBanner,
      h('strong', null, `Sample ratio mismatch (p ${srm.p_value < 0.0001 ? '< 0.0001' : `= ${pValue(srm.p_value)}`})`),
      h('span', null, 'The split of exposed units differs from the configured weights, so the results below are not trustworthy. Check assignment and exposure logging. '),
      h('span', { class: 'mono' }, parts.join(' · ')));
    srmBanner.hidden = false;
  }

  function drawRecommendation() {
    const rec = analysis?.recommendation;
    recommendation.className = `panel recommendation decision-${rec?.decision ?? 'none'}`;
    recommendation.dataset.decision = rec?.decision ?? '';
    if (!rec) {
      replace(recommendation, h('h2', { id: 'rec-title' }, 'Recommendation'), h('p', { class: 'empty' }, 'No recommendation yet.'));
      return;
    }
    const label = DECISIONS[rec.decision] ?? rec.decision;
    replace(recommendation,
      h('h2', { id: 'rec-title' }, 'Recommendation'),
      h('div', { class: 'decision', id: 'recommendation-decision' }, label, rec.variant ? `: ${rec.variant}` : ''),
      h('p', { id: 'recommendation-reason' }, rec.reason ?? ''));
  }

  function drawSummary() {
    const power = analysis?.power;
    const units = unitsFromAnalysis(analysis);
    const progress = Number(power?.progress);
    replace(summary,
      h('div', { class: 'calc-result' },
        h('div', { class: 'stat' }, h('div', { class: 'v', id: 'total-units' }, int(units)), h('div', { class: 'k' }, 'exposed units')),
        h('div', { class: 'stat' }, h('div', { class: 'v' }, power ? int(power.units_per_variant_needed) : '–'), h('div', { class: 'k' }, 'units per variant needed')),
        h('div', { class: 'stat' },
          h('div', { class: 'v' }, Number.isFinite(progress) ? pct(Math.min(progress, 9.99), 0) : '–'),
          h('div', { class: 'k' }, 'of the planned sample'),
          h('div', { class: 'progress', id: 'power-progress', role: 'progressbar', 'aria-label': 'Sample progress',
            'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(Math.min(1, progress || 0) * 100)) },
          h('span', { style: { width: `${Math.min(1, progress || 0) * 100}%` } }))),
        h('div', { class: 'stat' }, h('div', { class: 'v', style: { 'font-size': '1rem' } }, time(analysis?.computed_at)), h('div', { class: 'k' }, 'computed at'))));
  }

  function drawResults() {
    const defs = metricDefs(experiment);
    const metrics = analysis?.metrics ?? [];
    const hasSeq = metrics.some((m) => (m.comparisons ?? []).some((c) => c.sequential));
    const cols = ['Variant', 'Units', 'Mean / rate [CI]', 'Relative lift [CI]', 'p-value', 'P(beat)'];
    if (hasSeq) cols.push('Seq. p');
    const groups = metrics.map((m) => {
      const def = defs.get(m.name) ?? {};
      const direction = def.direction ?? m.direction ?? 'increase';
      const binary = (m.kind ?? def.kind) === 'binary';
      const fmtMean = binary ? (v) => pct(v, 2) : (v) => num(v, 3);
      const cmpBy = new Map((m.comparisons ?? []).map((c) => [c.variant, c]));
      const baseline = (m.comparisons ?? [])[0]?.baseline ?? controlKey(experiment);
      const rows = (m.variants ?? []).map((v) => {
        const c = cmpBy.get(v.variant);
        const st = comparisonState(c, direction);
        const sigClass = st === 'good' ? 'sig-good' : st === 'bad' ? 'sig-bad' : '';
        const cells = [
          h('th', { scope: 'row' }, v.variant, v.variant === baseline ? h('span', { class: 'ci' }, 'baseline') : null),
          h('td', { class: 'num', 'data-testid': 'units' }, int(v.units)),
          h('td', { class: 'num', 'data-testid': 'mean' }, fmtMean(v.mean), h('span', { class: 'ci' }, interval(v.ci, fmtMean))),
        ];
        if (!c) {
          cells.push(h('td', { class: 'num muted' }, v.variant === baseline ? '—' : '…'), h('td', { class: 'num muted' }, '—'), h('td', { class: 'num muted' }, '—'));
          if (hasSeq) cells.push(h('td', { class: 'num muted' }, '—'));
        } else {
          const relative = Number.isFinite(c.relative_lift);
          cells.push(
            h('td', { class: `num ${sigClass}`, 'data-testid': 'lift' },
              relative ? signedPct(c.relative_lift) : `Δ ${num(c.difference)}`,
              h('span', { class: 'ci' }, relative ? interval(c.relative_lift_ci, (x) => signedPct(x)) : interval(c.difference_ci, (x) => num(x)))),
            h('td', { class: `num ${sigClass}`, 'data-testid': 'p-value',
              title: Number.isFinite(c.p_value_adjusted) ? `raw p = ${pValue(c.p_value)}, adjusted p = ${pValue(c.p_value_adjusted)} (${c.test ?? ''})` : (c.test ?? '') },
            pValue(Number.isFinite(c.p_value_adjusted) ? c.p_value_adjusted : c.p_value)),
            h('td', { class: 'num', 'data-testid': 'p-beat' }, Number.isFinite(c.bayesian?.prob_beat_baseline) ? pct(c.bayesian.prob_beat_baseline) : '–'));
          if (hasSeq) cells.push(h('td', { class: 'num', 'data-testid': 'seq-p' }, pValue(c.sequential?.p_value)));
        }
        return h('tr', { 'data-metric': m.name, 'data-variant': v.variant, 'data-significance': c ? st : 'baseline' }, cells);
      });
      const omni = m.omnibus ? ` · ${m.omnibus.test === 'chi_square' ? 'χ²' : m.omnibus.test} p = ${pValue(m.omnibus.p_value)}` : '';
      return h('tbody', { 'data-metric': m.name },
        h('tr', { class: 'metric-head' }, h('th', { colspan: String(cols.length), scope: 'colgroup' },
          m.name, ' ', h('span', { class: 'badge role' }, m.role ?? def.role ?? ''), ' ',
          h('span', { class: 'muted', style: { 'font-weight': '400', 'font-size': '.85rem' } },
            `${m.kind ?? def.kind ?? ''} · ${direction === 'decrease' ? 'lower is better' : 'higher is better'}${omni}`))),
        rows);
    });
    replace(resultsWrap,
      h('table', { id: 'results-table', 'data-metrics': String(metrics.length) },
        h('caption', { class: 'visually-hidden' }, 'Results per metric and variant'),
        h('thead', null, h('tr', null, cols.map((c, i) => h('th', { scope: 'col', class: i === 0 ? '' : 'num' }, c)))),
        groups.length ? groups : h('tbody', null, h('tr', null, h('td', { colspan: String(cols.length), class: 'empty' }, 'No data yet.')))),
      h('p', { class: 'hint' }, 'Green: significant in the good direction; red: significant in the bad direction. p-values are adjusted for multiple comparisons when a correction is set.'));
  }

  function drawForest() {
    const defs = metricDefs(experiment);
    const rows = [];
    for (const m of analysis?.metrics ?? []) {
      const direction = defs.get(m.name)?.direction ?? 'increase';
      for (const c of m.comparisons ?? []) {
        rows.push({ key: `${m.name}:${c.variant}`, label: m.name, sub: c.variant, lift: c.relative_lift, ci: c.relative_lift_ci, state: comparisonState(c, direction) });
      }
    }
    replace(forestWrap, forestPlot(rows, { width: widthOf(forestWrap) }));
  }

  function drawBandit() {
    const bandit = banditOf(analysis);
    if (!bandit && !experiment?.bandit) { banditPanel.hidden = true; return; }
    banditPanel.hidden = false;
    if (bandit) {
      for (const p of bandit.history) {
        if (!banditHistory.some((q) => q.t === p.t)) banditHistory.push(p);
      }
      banditHistory.sort((a, b) => a.t - b.t);
      const t = parseTime(bandit.updatedAt)?.getTime() ?? Date.now();
      const last = banditHistory[banditHistory.length - 1];
      const weights = Object.fromEntries(bandit.arms.map((a) => [a.variant, Number(a.weight)]));
      if (!last || last.t !== t) banditHistory.push({ t, weights });
      if (banditHistory.length > BANDIT_HISTORY) banditHistory.shift();
    }
    const arms = bandit?.arms ?? [];
    const series = arms.map((a, i) => ({
      name: a.variant, color: SERIES_COLORS[i % SERIES_COLORS.length],
      points: banditHistory.filter((p) => Number.isFinite(p.weights[a.variant])).map((p) => ({ t: p.t, y: p.weights[a.variant] })),
    }));
    replace(banditPanel,
      h('h2', { id: 'bandit-title' }, 'Bandit allocation', bandit?.algorithm ? h('span', { class: 'muted', style: { 'font-weight': '400' } }, ` · ${bandit.algorithm}${bandit.metric ? ` on ${bandit.metric}` : ''}`) : null),
      arms.length === 0 ? h('p', { class: 'empty' }, 'No allocation yet.') : h('div', { class: 'grid-2' },
        h('div', { class: 'table-wrap' }, h('table', { id: 'bandit-table' },
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Arm'), h('th', { scope: 'col', class: 'num' }, 'Weight'), h('th', { scope: 'col', class: 'num' }, 'P(best)'), h('th', { scope: 'col', class: 'num' }, 'Units'))),
          h('tbody', null, arms.map((a) => h('tr', { 'data-variant': a.variant },
            h('th', { scope: 'row' }, a.variant), h('td', { class: 'num' }, pct(Number(a.weight))),
            h('td', { class: 'num' }, pct(Number(a.prob_best))), h('td', { class: 'num' }, int(Number(a.units))))))),
        bandit.regret !== null && Number.isFinite(Number(bandit.regret)) ? h('p', { class: 'hint' }, `Cumulative regret estimate: ${num(Number(bandit.regret))}`) : null),
        h('div', null,
          lineChart(series, { id: 'bandit-chart', width: banditPanel.clientWidth > 800 ? (widthOf(banditPanel) - 48) / 2 : widthOf(banditPanel) - 32, yMin: 0, yMax: 1, zero: false, yFormat: (v) => pct(v, 0), label: 'Bandit allocation weights over time' }),
          h('div', { class: 'legend' }, series.map((se) => h('span', { style: { '--c': se.color } }, se.name))),
          h('p', { class: 'hint' }, bandit?.history.length ? 'Allocation history from the server, then live updates.' : 'Weights seen since this page opened.'))));
  }

  // ---------- timeseries ----------
  function syncMetricSelect() {
    const names = (analysis?.metrics ?? []).map((m) => m.name);
    if (names.length === 0) return;
    const current = [...metricSelect.options].map((o) => o.value);
    if (current.join('\n') !== names.join('\n')) {
      if (!tsMetric || !names.includes(tsMetric)) {
        tsMetric = (analysis.metrics.find((m) => m.role === 'primary') ?? analysis.metrics[0]).name;
      }
      replace(metricSelect, names.map((n) => h('option', { value: n, selected: n === tsMetric }, n)));
    }
  }

  function loadTimeseries(force) {
    if (!tsMetric || disposed) return;
    const wait = TIMESERIES_MIN_INTERVAL_MS - (Date.now() - tsLastFetch);
    if (!force && wait > 0) {
      if (!tsTimer) tsTimer = setTimeout(() => { tsTimer = null; loadTimeseries(true); }, wait);
      return;
    }
    clearTimeout(tsTimer);
    tsTimer = null;
    tsLastFetch = Date.now();
    const metric = tsMetric;
    api.get(`/experiments/${enc(id)}/timeseries?metric=${enc(metric)}&granularity=hour`).then((ts) => {
      if (disposed || metric !== tsMetric) return;
      drawLift(ts);
    }).catch((err) => {
      if (!disposed) replace(liftWrap, h('p', { class: 'empty' }, `Time series unavailable: ${err.message}`));
    });
  }

  function drawLift(ts) {
    lastTimeseries = ts;
    const points = Array.isArray(ts) ? ts : ts?.points ?? [];
    const byVariant = new Map();
    for (const p of points) {
      const t = parseTime(p.t)?.getTime();
      if (!Number.isFinite(t)) continue;
      for (const c of p.comparisons ?? []) {
        if (!byVariant.has(c.variant)) byVariant.set(c.variant, []);
        byVariant.get(c.variant).push({ t, y: c.relative_lift, lo: c.relative_lift_ci?.[0], hi: c.relative_lift_ci?.[1] });
      }
    }
    const series = [...byVariant.entries()].map(([name, pts], i) => ({ name, color: SERIES_COLORS[(i + 1) % SERIES_COLORS.length], points: pts }));
    replace(liftWrap, lineChart(series, { id: 'lift-chart', width: widthOf(liftWrap), yFormat: (v) => signedPct(v, 0), label: `Cumulative relative lift of ${tsMetric} over time` }));
    replace(liftLegend, series.map((se) => h('span', { style: { '--c': se.color } }, `${se.name} vs control (band: CI)`)));
  }

  // ---------- definition ----------
  function drawDefinition() {
    const e = experiment;
    const hyp = e.hypothesis ?? {};
    const a = e.assignment ?? {};
    const an = e.analysis ?? {};
    const total = (e.variants ?? []).reduce((s, v) => s + (Number(v.weight) || 0), 0) || 1;
    replace(definition,
      h('h2', { id: 'def-title' }, 'Definition'),
      h('dl', { class: 'meta' },
        h('dt', null, 'Status'), h('dd', null, e.status),
        h('dt', null, 'Created'), h('dd', null, time(e.created_at)),
        h('dt', null, 'Started'), h('dd', null, time(e.started_at)),
        e.stopped_at ? [h('dt', null, 'Stopped'), h('dd', null, time(e.stopped_at))] : null,
        h('dt', null, 'Hypothesis'), h('dd', null, [hyp.alternative, hyp.null ? `(null: ${hyp.null})` : ''].filter(Boolean).join(' ') || '–'),
        h('dt', null, 'MDE / α / power'), h('dd', null, `${hyp.mde_relative ? pct(hyp.mde) + ' relative' : num(hyp.mde)} / ${num(hyp.alpha)} / ${num(hyp.power)}`),
        h('dt', null, 'Variants'), h('dd', null, (e.variants ?? []).map((v) => `${v.key}${v.is_control ? ' (control)' : ''} ${pct(v.weight / total, 0)}`).join(' · ')),
        h('dt', null, 'Metrics'), h('dd', null, (e.metrics ?? []).map((m) => `${m.name} (${m.kind}, ${m.role}${m.direction ? `, ${m.direction}` : ''})`).join(' · ')),
        h('dt', null, 'Coverage'), h('dd', null, pct(a.coverage ?? 1, 0)),
        a.namespace ? [h('dt', null, 'Namespace'), h('dd', null, `${a.namespace[0]} [${a.namespace[1]}, ${a.namespace[2]})`)] : null,
        a.condition ? [h('dt', null, 'Condition'), h('dd', { class: 'mono' }, JSON.stringify(a.condition))] : null,
        a.overrides && Object.keys(a.overrides).length ? [h('dt', null, 'Overrides'), h('dd', null, `${Object.keys(a.overrides).length}`)] : null,
        h('dt', null, 'Analysis'), h('dd', null, `${an.engine ?? 'frequentist'}${an.sequential ? ', sequential' : ''}, correction ${an.correction ?? 'holm'}`),
        e.bandit ? [h('dt', null, 'Bandit'), h('dd', null, `${e.bandit.algorithm} on ${e.bandit.metric}`)] : null));
  }

  // ---------- page ----------
  async function load() {
    try {
      experiment = await api.get(`/experiments/${enc(id)}`);
    } catch (err) {
      if (disposed) return;
      replace(main, h('div', { class: 'panel' }, h('h1', null, err.status === 404 ? 'Experiment not found' : 'Could not load the experiment'),
        h('p', null, err.message), h('a', { href: '#/experiments' }, 'Back to experiments')));
      return;
    }
    if (disposed) return;
    drawHeader();
    drawDefinition();
    replace(main,
      h('p', null, h('a', { href: '#/experiments' }, '← Experiments')),
      header,
      srmBanner,
      recommendation,
      h('section', { class: 'panel', 'aria-labelledby': 'results-title' },
        h('h2', { id: 'results-title' }, 'Results'), summary, resultsWrap),
      h('section', { class: 'panel', 'aria-labelledby': 'forest-title' }, h('h2', { id: 'forest-title' }, 'Relative lift with confidence intervals'), forestWrap),
      h('section', { class: 'panel', 'aria-labelledby': 'lift-title' },
        h('h2', { id: 'lift-title' }, 'Cumulative lift over time'),
        h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'timeseries-metric' }, 'Metric'), metricSelect)),
        liftWrap, liftLegend),
      banditPanel,
      definition);
    if (experiment.status === 'draft') {
      replace(summary, h('p', { class: 'empty', id: 'draft-note' }, 'This experiment is a draft. Start it to collect data.'));
      drawRecommendation();
      drawForest();
      replace(liftWrap, lineChart([], { id: 'lift-chart', width: widthOf(liftWrap) }));
    } else {
      refreshAnalysis();
    }
    followStatus();
    tickTimer = setInterval(drawLiveLabel, 1000);
  }
  load();

  return () => {
    disposed = true;
    disconnect();
    stopPolling();
    clearInterval(tickTimer);
    clearTimeout(tsTimer);
    clearTimeout(resizeTimer);
    window.removeEventListener('resize', onResize);
  };
}
