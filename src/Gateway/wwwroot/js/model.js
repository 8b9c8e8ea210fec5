// Readers over the API's documents that tolerate optional and alternative field spellings.
import { parseTime } from './format.js';

export const STATUSES = ['draft', 'running', 'paused', 'stopped', 'archived'];

/** Valid lifecycle transitions per API.md: draft -> running -> paused <-> running -> stopped. */
export const TRANSITIONS = {
  draft: ['start', 'archive'],
  running: ['pause', 'stop'],
  paused: ['resume', 'stop'],
  stopped: ['archive'],
  archived: [],
};

export const ACTION_LABELS = { start: 'Start', pause: 'Pause', resume: 'Resume', stop: 'Stop', archive: 'Archive' };

export function experimentId(e) {
  return e?.id ?? e?.key ?? '';
}

/** Total exposed units from an analysis document: the SRM observation, else the largest metric's units. */
export function unitsFromAnalysis(doc) {
  if (!doc) return null;
  if (Number.isFinite(doc.total_units)) return doc.total_units;
  const observed = doc.srm?.observed;
  if (observed && typeof observed === 'object') {
    return Object.values(observed).reduce((a, b) => a + (Number(b) || 0), 0);
  }
  let best = null;
  for (const m of doc.metrics ?? []) {
    const total = (m.variants ?? []).reduce((a, v) => a + (Number(v.units) || 0), 0);
    if (best === null || total > best) best = total;
  }
  return best;
}

export function unitsOf(e) {
  for (const k of ['units', 'total_units', 'exposed_units']) if (Number.isFinite(e?.[k])) return e[k];
  if (Number.isFinite(e?.stats?.units)) return e.stats.units;
  return null;
}

export function lastEventOf(e) {
  for (const k of ['last_event_at', 'last_event', 'last_event_time', 'last_event_ms']) {
    const d = parseTime(e?.[k]);
    if (d) return d;
  }
  return parseTime(e?.stats?.last_event_at);
}

/** The analysis document's bandit block as { weights: {variant: w}, arms: [{variant, weight, prob_best, units}], regret }. */
export function banditOf(doc) {
  const b = doc?.bandit;
  if (!b || typeof b !== 'object') return null;
  const arms = new Map();
  const arm = (variant) => {
    if (!arms.has(variant)) arms.set(variant, { variant });
    return arms.get(variant);
  };
  const list = Array.isArray(b.arms) ? b.arms : Array.isArray(b.variants) ? b.variants : null;
  if (list) {
    for (const a of list) {
      const x = arm(a.variant ?? a.key ?? a.name);
      x.weight = a.weight ?? a.current_weight ?? a.allocation;
      x.prob_best = a.prob_best ?? a.p_best ?? a.probability_best;
      x.units = a.units;
      x.mean = a.mean ?? a.posterior_mean;
    }
  }
  const mapInto = (obj, field) => {
    if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
      for (const [k, v] of Object.entries(obj)) arm(k)[field] = v;
    }
  };
  mapInto(b.weights ?? b.current_weights, 'weight');
  mapInto(b.prob_best ?? b.p_best, 'prob_best');
  mapInto(b.units, 'units');
  if (Array.isArray(b.weights) && Array.isArray(doc?.srm?.expected_share ? Object.keys(doc.srm.expected_share) : null)) {
    const keys = Object.keys(doc.srm.expected_share);
    b.weights.forEach((w, i) => { if (keys[i] !== undefined) arm(keys[i]).weight = w; });
  }
  const out = [...arms.values()].filter((a) => a.variant !== undefined);
  if (out.length === 0) return null;
  return {
    algorithm: b.algorithm ?? '',
    metric: b.metric ?? '',
    regret: b.cumulative_regret ?? b.regret ?? null,
    history: Array.isArray(b.history)
      ? b.history.map((p) => ({ t: parseTime(p.t)?.getTime(), weights: p.weights ?? {} })).filter((p) => Number.isFinite(p.t))
      : [],
    updatedAt: b.updated_at ?? doc.computed_at ?? null,
    arms: out,
  };
}

/** Metric definitions of the experiment by name (for the direction used in colouring). */
export function metricDefs(experiment) {
  const map = new Map();
  for (const m of experiment?.metrics ?? []) map.set(m.name, m);
  return map;
}

export function controlKey(experiment) {
  const variants = experiment?.variants ?? [];
  return (variants.find((v) => v.is_control) ?? variants[0])?.key ?? null;
}
