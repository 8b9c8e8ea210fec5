// Experiments list: status, units, last event time, filter by status.
import { api, enc, experimentList, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { int, ago, time } from '../format.js';
import { STATUSES, experimentId, unitsOf, lastEventOf, unitsFromAnalysis } from '../model.js';

const REFRESH_MS = 10000;

export function renderList(main, { status }) {
  let disposed = false;
  let timer = null;
  const analysisCache = new Map();

  const filter = h('select', { id: 'status-filter', name: 'status', onchange: (e) => {
    location.hash = e.target.value ? `#/experiments?status=${enc(e.target.value)}` : '#/experiments';
  } },
  h('option', { value: '' }, 'All statuses'),
  STATUSES.map((st) => h('option', { value: st, selected: st === status }, st)));

  const body = h('div', { id: 'experiments-body', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading experiments…'));
  replace(main,
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, 'Experiments'), h('p', { class: 'sub muted' }, 'Every experiment in the catalog; units and last event refresh every 10 s.')),
      h('a', { class: 'button primary', href: '#/new', id: 'new-experiment' }, '+ New experiment')),
    h('section', { class: 'panel' },
      h('div', { class: 'filters' },
        h('div', { class: 'field' }, h('label', { for: 'status-filter' }, 'Status'), filter)),
      body));

  function unitsCell(e) {
    const td = h('td', { class: 'num', 'data-testid': 'units' });
    const direct = unitsOf(e);
    if (direct !== null) { td.textContent = int(direct); return td; }
    if (e.status === 'draft') { td.textContent = '0'; return td; }
    const id = experimentId(e);
    const cached = analysisCache.get(id);
    td.textContent = cached ? int(cached.units) : '…';
    return td;
  }

  function lastCell(e) {
    const d = lastEventOf(e) ?? analysisCache.get(experimentId(e))?.last;
    return h('td', { 'data-testid': 'last-event', title: d ? time(d) : '' }, d ? ago(d) : '–');
  }

  function draw(list) {
    if (list.length === 0) {
      replace(body, h('p', { class: 'empty', id: 'experiments-empty' },
        status ? `No ${status} experiments.` : 'No experiments yet. ', !status && h('a', { href: '#/new' }, 'Create the first one.')));
      return;
    }
    const rows = list.map((e) => h('tr', { 'data-experiment': experimentId(e), 'data-status': e.status },
      h('td', null, h('a', { href: `#/experiments/${enc(experimentId(e))}` }, h('strong', null, e.name || e.key)),
        h('div', { class: 'muted mono' }, e.key)),
      h('td', null, h('span', { class: `badge status-${e.status}` }, e.status)),
      h('td', { class: 'num hide-narrow' }, int((e.variants ?? []).length)),
      unitsCell(e),
      lastCell(e)));
    replace(body, h('div', { class: 'table-wrap' },
      h('table', { id: 'experiments-table' },
        h('caption', { class: 'visually-hidden' }, 'Experiments'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, 'Experiment'), h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col', class: 'num hide-narrow' }, 'Variants'), h('th', { scope: 'col', class: 'num' }, 'Units'),
          h('th', { scope: 'col' }, 'Last event'))),
        h('tbody', null, rows))));
  }

  async function fillFromAnalysis(list) {
    const todo = list.filter((e) => e.status !== 'draft' && unitsOf(e) === null);
    let changed = false;
    const worker = async () => {
      while (todo.length && !disposed) {
        const e = todo.shift();
        try {
          const doc = await api.get(`/experiments/${enc(experimentId(e))}/analysis`);
          analysisCache.set(experimentId(e), { units: unitsFromAnalysis(doc) ?? 0, last: lastEventOf(doc) });
          changed = true;
        } catch {
          analysisCache.set(experimentId(e), { units: NaN, last: null });
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    return changed;
  }

  async function load() {
    try {
      const data = await api.get(`/experiments${status ? `?status=${enc(status)}` : ''}`);
      if (disposed) return;
      const list = experimentList(data).slice().sort((a, b) =>
        (lastEventOf(b)?.getTime() ?? 0) - (lastEventOf(a)?.getTime() ?? 0));
      draw(list);
      if (await fillFromAnalysis(list) && !disposed) draw(list);
    } catch (err) {
      if (disposed) return;
      replace(body, h('div', { class: 'error-box', role: 'alert' },
        `Could not load experiments: ${err instanceof ApiError ? err.message : String(err)}`));
    }
    if (!disposed) timer = setTimeout(load, REFRESH_MS);
  }
  load();

  return () => { disposed = true; clearTimeout(timer); };
}
