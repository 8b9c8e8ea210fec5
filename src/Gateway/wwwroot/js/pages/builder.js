// Experiment builder: definition form, live checks, sample-size calculator, POST /experiments.
import { api, ApiError, enc } from '../api.js';
import { h, replace } from '../dom.js';
import { int, duration } from '../format.js';
import { validateCondition, EXAMPLE_CONDITION } from '../condition.js';

const KEY_PATTERN = /^[a-z0-9._-]{1,64}$/;
const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7e22ce', '#be123c', '#0e7490', '#a16207', '#4338ca'];

/** Normalizes a problem+json field name ("$.Variants[0].Key", "variants.0.key") to "variants[0].key". */
export function normalizeField(name) {
  return String(name)
    .replace(/^\$\.?/, '')
    .replace(/\.(\d+)(?=\.|$)/g, '[$1]')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function slug(text) {
  return text.toLowerCase().trim().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64);
}

function fieldId(name) {
  return `f-${name.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-+$/, '')}`;
}

export function renderBuilder(main) {
  const state = {
    variants: [
      { key: 'control', name: 'Control', weight: 50 },
      { key: 'treatment', name: 'Treatment', weight: 50 },
    ],
    control: 0,
    metrics: [{ name: 'conversion', kind: 'binary', role: 'primary', direction: 'increase' }],
    keyTouched: false,
  };
  /** field name -> { input, error } for showing messages next to the field they name. */
  const fields = new Map();
  const serverErrors = new Map();
  let disposed = false;
  let calcTimer = null;
  let calcSeq = 0;

  function field(name, labelText, input, hint) {
    const id = input.id || fieldId(name);
    input.id = id;
    input.dataset.field = name;
    if (!input.name) input.name = name;
    const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true });
    const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
    input.setAttribute('aria-describedby', [hintEl ? hintEl.id : '', error.id].filter(Boolean).join(' '));
    fields.set(name, { input, error });
    const isCheck = input.type === 'checkbox' || input.type === 'radio';
    return h('div', { class: 'field', 'data-field-wrap': name },
      isCheck ? h('label', { class: 'inline', for: id }, input, labelText) : [h('label', { for: id }, labelText), input],
      hintEl, error);
  }

  /** An error slot for a group (e.g. "variants") that has no single input. */
  function groupError(name) {
    const error = h('p', { class: 'field-error', id: `${fieldId(name)}-error`, 'data-error-for': name, hidden: true });
    fields.set(name, { input: null, error });
    return error;
  }

  function setError(name, messages) {
    const f = fields.get(name);
    if (!f) return false;
    const text = (messages ?? []).filter(Boolean).join(' ');
    f.error.textContent = text;
    f.error.hidden = !text;
    if (f.input) {
      if (text) f.input.setAttribute('aria-invalid', 'true');
      else f.input.removeAttribute('aria-invalid');
    }
    return true;
  }

  const inputs = {
    key: h('input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false', pattern: '[a-z0-9._\\-]{1,64}', maxlength: '64', placeholder: 'checkout-button' }),
    name: h('input', { type: 'text', required: true, placeholder: 'Checkout button colour' }),
    description: h('textarea', { rows: '2', placeholder: 'What changes, for whom', style: { 'font-family': 'var(--font)', 'min-height': '3.5rem' } }),
    hypNull: h('input', { type: 'text', placeholder: 'no change' }),
    hypAlt: h('input', { type: 'text', placeholder: 'green converts better' }),
    mde: h('input', { type: 'number', step: 'any', min: '0', value: '0.02', required: true }),
    mdeRelative: h('input', { type: 'checkbox' }),
    alpha: h('input', { type: 'number', step: 'any', min: '0.0001', max: '0.5', value: '0.05', required: true }),
    power: h('input', { type: 'number', step: 'any', min: '0.5', max: '0.9999', value: '0.8', required: true }),
    coverage: h('input', { type: 'number', step: 'any', min: '0', max: '100', value: '100' }),
    hashAttribute: h('input', { type: 'text', value: 'id', spellcheck: 'false' }),
    seed: h('input', { type: 'text', spellcheck: 'false', placeholder: 'defaults to the key' }),
    sticky: h('input', { type: 'checkbox' }),
    nsName: h('input', { type: 'text', spellcheck: 'false', placeholder: 'checkout' }),
    nsStart: h('input', { type: 'number', step: 'any', min: '0', max: '1', value: '0' }),
    nsEnd: h('input', { type: 'number', step: 'any', min: '0', max: '1', value: '1' }),
    overrides: h('textarea', { rows: '3', spellcheck: 'false', placeholder: 'qa-user-1: treatment' }),
    condition: h('textarea', { rows: '6', spellcheck: 'false', placeholder: '{ "country": { "$in": ["US", "CA"] } }' }),
    engine: h('select', null, h('option', { value: 'frequentist' }, 'Frequentist'), h('option', { value: 'bayesian' }, 'Bayesian')),
    sequential: h('input', { type: 'checkbox' }),
    correction: h('select', null, h('option', { value: 'holm' }, 'Holm'), h('option', { value: 'benjamini_hochberg' }, 'Benjamini–Hochberg'), h('option', { value: 'none' }, 'None')),
    banditOn: h('input', { type: 'checkbox' }),
    banditAlgorithm: h('select', null, h('option', { value: 'thompson' }, 'Thompson sampling'), h('option', { value: 'ucb1' }, 'UCB1'), h('option', { value: 'epsilon_greedy' }, 'ε-greedy')),
    banditMetric: h('select'),
    banditEpsilon: h('input', { type: 'number', step: 'any', min: '0', max: '1', value: '0.1' }),
    banditMinUnits: h('input', { type: 'number', step: '1', min: '0', value: '100' }),
    banditInterval: h('input', { type: 'number', step: 'any', min: '1', value: '10' }),
    calcBaseline: h('input', { type: 'number', step: 'any', min: '0', value: '0.1' }),
    calcSd: h('input', { type: 'number', step: 'any', min: '0', placeholder: 'for count and sum metrics' }),
    calcTraffic: h('input', { type: 'number', step: '1', min: '1', value: '1000' }),
  };
  inputs.key.id = 'f-key';
  inputs.name.id = 'f-name';

  const variantRows = h('div', { class: 'rows', id: 'variant-rows' });
  const metricRows = h('div', { class: 'rows', id: 'metric-rows' });
  const weightSum = h('span', { class: 'sum-status', id: 'weights-sum', role: 'status', 'aria-live': 'polite' });
  const weightBar = h('div', { class: 'weight-bar', 'aria-hidden': 'true' });
  const conditionStatus = h('p', { class: 'hint', id: 'condition-status', role: 'status', 'aria-live': 'polite' });
  const overridesStatus = h('p', { class: 'hint', id: 'overrides-status' });
  const formErrors = h('div', { class: 'error-box', id: 'form-errors', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'create-experiment' }, 'Create experiment');
  const submitStatus = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const calcOut = h('div', { class: 'calc-result', id: 'sample-size-result', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Fill in the hypothesis and a baseline to see the sample size.'));
  const banditFields = h('div', { class: 'fields', id: 'bandit-fields', hidden: true });

  // ---------- variants ----------
  function weightTotal() {
    return state.variants.reduce((a, v) => a + (Number.isFinite(v.weight) ? v.weight : 0), 0);
  }

  function updateWeights() {
    const total = weightTotal();
    const ok = Math.abs(total - 100) < 0.01 && state.variants.every((v) => Number.isFinite(v.weight) && v.weight >= 0);
    weightSum.className = `sum-status ${ok ? 'ok' : 'bad'}`;
    weightSum.textContent = ok
      ? 'Weights add up to 100% ✓'
      : `Weights add up to ${Math.round(total * 100) / 100}%: they must add up to 100%`;
    replace(weightBar, state.variants.map((v, i) => h('span', {
      title: `${v.key}: ${v.weight}%`,
      style: { width: `${Math.max(0, Math.min(100, (v.weight / Math.max(total, 100)) * 100))}%`, background: PALETTE[i % PALETTE.length] },
    })));
    return ok;
  }

  function renderVariants() {
    for (const k of [...fields.keys()]) if (k.startsWith('variants[')) fields.delete(k);
    replace(variantRows, state.variants.map((v, i) => {
      const key = h('input', { type: 'text', value: v.key, required: true, spellcheck: 'false', autocomplete: 'off',
        oninput: (e) => { v.key = e.target.value.trim(); checkVariants(); refreshOverrides(); } });
      const name = h('input', { type: 'text', value: v.name, oninput: (e) => { v.name = e.target.value; } });
      const weight = h('input', { type: 'number', step: 'any', min: '0', max: '100', value: String(v.weight), required: true,
        oninput: (e) => { v.weight = e.target.value === '' ? NaN : Number(e.target.value); updateWeights(); checkVariants(); } });
      const control = h('input', { type: 'radio', name: 'control-variant', value: String(i), checked: state.control === i,
        onchange: () => { state.control = i; } });
      const remove = h('button', { type: 'button', class: 'small remove', 'data-action': 'remove-variant',
        'aria-label': `Remove variant ${i + 1}`, disabled: state.variants.length <= 2,
        onclick: () => {
          state.variants.splice(i, 1);
          if (state.control >= state.variants.length || state.control === i) state.control = 0;
          else if (state.control > i) state.control -= 1;
          renderVariants();
        } }, 'Remove');
      return h('div', { class: 'row-edit variant-row', 'data-variant-index': String(i) },
        field(`variants[${i}].key`, `Variant ${i + 1} key`, key),
        field(`variants[${i}].name`, 'Name', name),
        field(`variants[${i}].weight`, 'Weight %', weight),
        field(`variants[${i}].is_control`, 'Control', control),
        remove);
    }));
    updateWeights();
    checkVariants();
    refreshOverrides();
    scheduleCalc();
  }

  function checkVariants() {
    const seen = new Map();
    let ok = true;
    state.variants.forEach((v, i) => {
      const msgs = [];
      if (!KEY_PATTERN.test(v.key)) msgs.push('Use 1–64 of a-z 0-9 . _ -.');
      if (seen.has(v.key)) msgs.push(`Duplicate of variant ${seen.get(v.key) + 1}.`);
      else seen.set(v.key, i);
      if (!serverErrors.has(`variants[${i}].key`)) setError(`variants[${i}].key`, msgs);
      const wMsg = !Number.isFinite(v.weight) || v.weight < 0 ? ['Enter a weight ≥ 0.'] : [];
      if (!serverErrors.has(`variants[${i}].weight`)) setError(`variants[${i}].weight`, wMsg);
      if (msgs.length || wMsg.length) ok = false;
    });
    return ok;
  }

  // ---------- metrics ----------
  function renderMetrics() {
    for (const k of [...fields.keys()]) if (k.startsWith('metrics[')) fields.delete(k);
    replace(metricRows, state.metrics.map((m, i) => {
      const name = h('input', { type: 'text', value: m.name, required: true, spellcheck: 'false', autocomplete: 'off',
        oninput: (e) => { m.name = e.target.value.trim(); checkMetrics(); refreshBanditMetrics(); } });
      const kind = h('select', { onchange: (e) => { m.kind = e.target.value; scheduleCalc(); } },
        ['binary', 'count', 'sum'].map((k) => h('option', { value: k, selected: m.kind === k }, k)));
      const role = h('select', { onchange: (e) => { m.role = e.target.value; checkMetrics(); scheduleCalc(); } },
        ['primary', 'secondary', 'guardrail'].map((k) => h('option', { value: k, selected: m.role === k }, k)));
      const direction = h('select', { onchange: (e) => { m.direction = e.target.value; } },
        ['increase', 'decrease'].map((k) => h('option', { value: k, selected: m.direction === k }, k)));
      const remove = h('button', { type: 'button', class: 'small remove', 'data-action': 'remove-metric',
        'aria-label': `Remove metric ${i + 1}`, disabled: state.metrics.length <= 1,
        onclick: () => { state.metrics.splice(i, 1); renderMetrics(); } }, 'Remove');
      return h('div', { class: 'row-edit metric-row', 'data-metric-index': String(i) },
        field(`metrics[${i}].name`, `Metric ${i + 1} name`, name),
        field(`metrics[${i}].kind`, 'Kind', kind),
        field(`metrics[${i}].role`, 'Role', role),
        field(`metrics[${i}].direction`, 'Good direction', direction),
        remove);
    }));
    checkMetrics();
    refreshBanditMetrics();
    scheduleCalc();
  }

  function checkMetrics() {
    const seen = new Set();
    let ok = true;
    let primaries = 0;
    state.metrics.forEach((m, i) => {
      const msgs = [];
      if (!m.name) msgs.push('Enter a name.');
      else if (seen.has(m.name)) msgs.push('Names must be unique.');
      seen.add(m.name);
      if (!serverErrors.has(`metrics[${i}].name`)) setError(`metrics[${i}].name`, msgs);
      if (msgs.length) ok = false;
      if (m.role === 'primary') primaries += 1;
    });
    const roleMsg = primaries > 1 ? ['At most one metric can be primary.'] : [];
    if (!serverErrors.has('metrics')) setError('metrics', roleMsg);
    return ok && primaries <= 1;
  }

  function refreshBanditMetrics() {
    const current = inputs.banditMetric.value;
    replace(inputs.banditMetric, state.metrics.filter((m) => m.name).map((m) =>
      h('option', { value: m.name, selected: m.name === current }, m.name)));
  }

  // ---------- assignment extras ----------
  function parseOverrides() {
    const out = {};
    const problems = [];
    const keys = new Set(state.variants.map((v) => v.key));
    inputs.overrides.value.split('\n').forEach((line, n) => {
      const t = line.trim();
      if (!t) return;
      const m = /^(.+?)\s*[:=]\s*(\S+)$/.exec(t);
      if (!m) { problems.push(`line ${n + 1}: write "user-id: variant"`); return; }
      if (!keys.has(m[2])) problems.push(`line ${n + 1}: no variant "${m[2]}"`);
      out[m[1].trim()] = m[2];
    });
    return { out, problems };
  }

  function refreshOverrides() {
    const { out, problems } = parseOverrides();
    const n = Object.keys(out).length;
    overridesStatus.textContent = n ? `${n} override${n === 1 ? '' : 's'}.` : 'One "user-id: variant-key" per line; forced assignments for QA.';
    if (!serverErrors.has('assignment.overrides')) setError('assignment.overrides', problems);
    return problems.length === 0;
  }

  function refreshCondition() {
    const result = validateCondition(inputs.condition.value);
    conditionStatus.textContent = result.message + (result.warnings.length ? ` Warning: ${result.warnings.join('; ')}.` : '');
    conditionStatus.dataset.valid = String(result.ok);
    conditionStatus.className = result.ok ? (result.warnings.length ? 'hint' : 'hint') : 'field-error';
    if (!serverErrors.has('assignment.condition')) setError('assignment.condition', []);
    if (!result.ok) inputs.condition.setAttribute('aria-invalid', 'true');
    else inputs.condition.removeAttribute('aria-invalid');
    return result;
  }

  // ---------- sample size ----------
  function primaryMetric() {
    return state.metrics.find((m) => m.role === 'primary') ?? state.metrics[0];
  }

  function calcRequest() {
    const metric = primaryMetric();
    const kind = metric?.kind ?? 'binary';
    const num = (el) => (el.value === '' ? NaN : Number(el.value));
    const req = {
      kind,
      baseline_mean: num(inputs.calcBaseline),
      mde: num(inputs.mde),
      mde_relative: inputs.mdeRelative.checked,
      baseline_sd: kind === 'binary' || inputs.calcSd.value === '' ? null : num(inputs.calcSd),
      alpha: num(inputs.alpha),
      power: num(inputs.power),
      variants: state.variants.length,
    };
    const problems = {};
    if (!(req.baseline_mean > 0) || (kind === 'binary' && req.baseline_mean >= 1)) {
      problems.baseline_mean = kind === 'binary' ? 'Enter a baseline rate between 0 and 1.' : 'Enter a baseline mean > 0.';
    }
    if (!(req.mde > 0)) problems.mde = 'Enter an MDE > 0.';
    if (!(req.alpha > 0 && req.alpha <= 0.5)) problems.alpha = 'α must be in (0, 0.5].';
    if (!(req.power > 0 && req.power < 1)) problems.power = 'Power must be between 0 and 1.';
    if (kind !== 'binary' && !(req.baseline_sd > 0)) problems.baseline_sd = `A ${kind} metric needs its baseline standard deviation.`;
    if (kind === 'binary' && !req.mde_relative && req.baseline_mean + req.mde >= 1) problems.mde = 'Baseline + MDE must stay below 1.';
    return { req, problems };
  }

  function scheduleCalc() {
    clearTimeout(calcTimer);
    calcTimer = setTimeout(runCalc, 350);
  }

  async function runCalc() {
    if (disposed) return;
    const { req, problems } = calcRequest();
    setError('calc.baseline_mean', problems.baseline_mean ? [problems.baseline_mean] : []);
    setError('calc.baseline_sd', problems.baseline_sd ? [problems.baseline_sd] : []);
    const other = ['mde', 'alpha', 'power'].map((k) => problems[k]).filter(Boolean);
    if (Object.keys(problems).length) {
      replace(calcOut, h('p', { class: 'muted', id: 'sample-size-pending' },
        other.length ? `Check the hypothesis: ${other.join(' ')}` : 'Fill in the baseline to see the sample size.'));
      return;
    }
    const seq = ++calcSeq;
    try {
      const res = await api.post('/stats/sample-size', req);
      if (disposed || seq !== calcSeq) return;
      const perVariant = Number(res.units_per_variant);
      const total = Number(res.total_units ?? perVariant * req.variants);
      const traffic = Number(inputs.calcTraffic.value);
      const coverage = Math.max(0, Math.min(100, Number(inputs.coverage.value || 100))) / 100;
      const days = traffic > 0 && coverage > 0 ? total / (traffic * coverage) : NaN;
      replace(calcOut,
        h('div', { class: 'stat' }, h('div', { class: 'v', id: 'calc-units-per-variant' }, int(perVariant)), h('div', { class: 'k' }, 'units per variant')),
        h('div', { class: 'stat' }, h('div', { class: 'v', id: 'calc-total-units' }, int(total)), h('div', { class: 'k' }, `total units (${req.variants} variants)`)),
        h('div', { class: 'stat' }, h('div', { class: 'v', id: 'calc-duration' }, duration(days)),
          h('div', { class: 'k' }, Number.isFinite(days) ? `at ${int(traffic)} units/day × ${Math.round(coverage * 100)}% coverage` : 'enter a daily traffic')));
    } catch (err) {
      if (disposed || seq !== calcSeq) return;
      const fe = err instanceof ApiError ? err.fieldErrors : {};
      let placed = false;
      for (const [k, v] of Object.entries(fe)) {
        const n = normalizeField(k);
        if (n === 'baseline_mean' || n === 'baseline_sd') placed = setError(`calc.${n}`, v) || placed;
      }
      replace(calcOut, h('p', { class: 'field-error' }, placed ? 'See the calculator fields.' : `Sample size unavailable: ${err.message}`));
    }
  }

  // ---------- payload and submit ----------
  function numberOrNull(el) {
    return el.value === '' ? null : Number(el.value);
  }

  function buildPayload(condition, overrides) {
    const total = weightTotal();
    const body = {
      key: inputs.key.value.trim(),
      name: inputs.name.value.trim(),
      description: inputs.description.value.trim(),
      hypothesis: {
        null: inputs.hypNull.value.trim() || undefined,
        alternative: inputs.hypAlt.value.trim() || undefined,
        mde: numberOrNull(inputs.mde),
        mde_relative: inputs.mdeRelative.checked,
        alpha: numberOrNull(inputs.alpha),
        power: numberOrNull(inputs.power),
      },
      variants: state.variants.map((v, i) => ({
        key: v.key, name: v.name || v.key, weight: total > 0 ? v.weight / 100 : 0, is_control: i === state.control,
      })),
      metrics: state.metrics.map((m) => ({ name: m.name, kind: m.kind, role: m.role, direction: m.direction })),
      assignment: {
        coverage: inputs.coverage.value === '' ? 1 : Number(inputs.coverage.value) / 100,
        hash_attribute: inputs.hashAttribute.value.trim() || 'id',
        sticky: inputs.sticky.checked,
      },
      analysis: {
        engine: inputs.engine.value,
        sequential: inputs.sequential.checked,
        correction: inputs.correction.value,
      },
      bandit: null,
    };
    if (inputs.seed.value.trim()) body.assignment.seed = inputs.seed.value.trim();
    if (condition) body.assignment.condition = condition;
    if (inputs.nsName.value.trim()) {
      body.assignment.namespace = [inputs.nsName.value.trim(), Number(inputs.nsStart.value || 0), Number(inputs.nsEnd.value || 1)];
    }
    if (Object.keys(overrides).length) body.assignment.overrides = overrides;
    if (inputs.banditOn.checked) {
      body.bandit = {
        algorithm: inputs.banditAlgorithm.value,
        metric: inputs.banditMetric.value,
        epsilon: Number(inputs.banditEpsilon.value || 0.1),
        min_units_per_arm: Number(inputs.banditMinUnits.value || 100),
        update_interval_s: Number(inputs.banditInterval.value || 10),
      };
    }
    return body;
  }

  function clearServerErrors() {
    for (const name of serverErrors.keys()) setError(name, []);
    serverErrors.clear();
    formErrors.hidden = true;
    replace(formErrors);
  }

  /** Shows each problem+json error next to the field it names (or its closest named parent). */
  function showServerErrors(err) {
    const unplaced = [];
    for (const [rawName, messages] of Object.entries(err.fieldErrors)) {
      let name = normalizeField(rawName);
      while (name && !fields.has(name)) {
        const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
        name = cut > 0 ? name.slice(0, cut) : '';
      }
      if (name) {
        const prior = serverErrors.get(name) ?? [];
        serverErrors.set(name, prior.concat(messages));
        setError(name, serverErrors.get(name));
      } else {
        unplaced.push(`${rawName}: ${messages.join(' ')}`);
      }
    }
    const title = err.problem.title || `The server refused the experiment (${err.status}).`;
    const detail = err.problem.detail && err.problem.detail !== title ? err.problem.detail : '';
    replace(formErrors, h('strong', null, title), detail ? h('div', null, detail) : null,
      unplaced.length ? h('ul', null, unplaced.map((u) => h('li', null, u))) : null,
      serverErrors.size ? h('div', null, 'See the highlighted fields.') : null);
    formErrors.hidden = false;
  }

  function focusFirstError() {
    const el = form.querySelector('[aria-invalid="true"]');
    if (el) el.focus();
    else if (!formErrors.hidden) formErrors.scrollIntoView({ block: 'center' });
  }

  function clientCheck() {
    const problems = [];
    const key = inputs.key.value.trim();
    if (!KEY_PATTERN.test(key)) { setError('key', ['Use 1–64 of a-z 0-9 . _ -.']); problems.push('key'); } else setError('key', []);
    if (!inputs.name.value.trim()) { setError('name', ['Enter a name.']); problems.push('name'); } else setError('name', []);
    if (!updateWeights()) { setError('variants', ['The weights must add up to 100%.']); problems.push('weights'); } else setError('variants', []);
    if (!checkVariants()) problems.push('variants');
    if (!checkMetrics()) problems.push('metrics');
    const condition = refreshCondition();
    if (!condition.ok) problems.push('condition');
    if (!refreshOverrides()) problems.push('overrides');
    const numbers = [['hypothesis.mde', inputs.mde, (x) => x > 0, 'Enter an MDE > 0.'],
      ['hypothesis.alpha', inputs.alpha, (x) => x > 0 && x <= 0.5, 'α must be in (0, 0.5].'],
      ['hypothesis.power', inputs.power, (x) => x > 0 && x < 1, 'Power must be between 0 and 1.'],
      ['assignment.coverage', inputs.coverage, (x) => x >= 0 && x <= 100, 'Coverage is 0–100%.']];
    for (const [name, el, ok, msg] of numbers) {
      const v = Number(el.value);
      if (el.value === '' || !ok(v)) { setError(name, [msg]); problems.push(name); } else setError(name, []);
    }
    if (inputs.nsName.value.trim()) {
      const start = Number(inputs.nsStart.value || 0);
      const end = Number(inputs.nsEnd.value || 1);
      if (!(start >= 0 && start < end && end <= 1)) { setError('assignment.namespace', ['Needs 0 ≤ start < end ≤ 1.']); problems.push('namespace'); } else setError('assignment.namespace', []);
    } else setError('assignment.namespace', []);
    return { ok: problems.length === 0, condition: condition.value, overrides: parseOverrides().out };
  }

  async function onSubmit(e) {
    e.preventDefault();
    clearServerErrors();
    const check = clientCheck();
    if (!check.ok) {
      replace(formErrors, h('strong', null, 'Fix the highlighted fields before creating the experiment.'));
      formErrors.hidden = false;
      focusFirstError();
      return;
    }
    submit.disabled = true;
    submitStatus.textContent = 'Creating…';
    try {
      const created = await api.post('/experiments', buildPayload(check.condition, check.overrides));
      if (disposed) return;
      submitStatus.textContent = 'Created.';
      location.hash = `#/experiments/${enc(created?.id ?? created?.key ?? inputs.key.value.trim())}`;
    } catch (err) {
      if (disposed) return;
      submitStatus.textContent = '';
      if (err instanceof ApiError) showServerErrors(err);
      else showServerErrors(new ApiError(0, { title: String(err) }));
      focusFirstError();
    } finally {
      submit.disabled = false;
    }
  }

  // ---------- layout ----------
  inputs.name.addEventListener('input', () => {
    if (!state.keyTouched) inputs.key.value = slug(inputs.name.value);
  });
  inputs.key.addEventListener('input', () => {
    state.keyTouched = inputs.key.value !== '';
    if (serverErrors.has('key')) return;
    setError('key', inputs.key.value && !KEY_PATTERN.test(inputs.key.value.trim()) ? ['Use 1–64 of a-z 0-9 . _ -.'] : []);
  });
  inputs.condition.addEventListener('input', refreshCondition);
  inputs.overrides.addEventListener('input', refreshOverrides);
  inputs.banditOn.addEventListener('change', () => { banditFields.hidden = !inputs.banditOn.checked; });
  for (const el of [inputs.mde, inputs.alpha, inputs.power, inputs.calcBaseline, inputs.calcSd, inputs.calcTraffic, inputs.coverage]) {
    el.addEventListener('input', scheduleCalc);
  }
  inputs.mdeRelative.addEventListener('change', scheduleCalc);

  replace(banditFields,
    field('bandit.algorithm', 'Algorithm', inputs.banditAlgorithm),
    field('bandit.metric', 'Reward metric', inputs.banditMetric),
    field('bandit.epsilon', 'ε (epsilon-greedy)', inputs.banditEpsilon),
    field('bandit.min_units_per_arm', 'Min units per arm', inputs.banditMinUnits),
    field('bandit.update_interval_s', 'Update interval (s)', inputs.banditInterval));

  const form = h('form', { id: 'experiment-form', novalidate: true, onsubmit: onSubmit },
    formErrors,
    h('fieldset', null, h('legend', null, 'Experiment'),
      h('div', { class: 'fields wide' },
        field('name', 'Name', inputs.name),
        field('key', 'Key', inputs.key, 'Lower-case letters, digits, . _ - (used by SDKs and events).')),
      field('description', 'Description', inputs.description)),
    h('fieldset', null, h('legend', null, 'Hypothesis'),
      h('div', { class: 'fields wide' },
        field('hypothesis.null', 'Null hypothesis', inputs.hypNull),
        field('hypothesis.alternative', 'Alternative hypothesis', inputs.hypAlt)),
      h('div', { class: 'fields' },
        field('hypothesis.mde', 'Minimum detectable effect', inputs.mde, 'Absolute unless relative is ticked.'),
        field('hypothesis.mde_relative', 'MDE is relative (0.05 = 5%)', inputs.mdeRelative),
        field('hypothesis.alpha', 'Significance level α', inputs.alpha),
        field('hypothesis.power', 'Power (1 − β)', inputs.power))),
    h('fieldset', null, h('legend', null, 'Variants'),
      variantRows,
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'small', 'data-action': 'add-variant', onclick: () => {
          if (state.variants.length >= 16) return;
          state.variants.push({ key: `variant-${state.variants.length}`, name: '', weight: 0 });
          renderVariants();
          variantRows.lastElementChild?.querySelector('input')?.focus();
        } }, '+ Add variant'),
        h('button', { type: 'button', class: 'small', 'data-action': 'split-evenly', onclick: () => {
          const n = state.variants.length;
          const base = Math.floor((100 / n) * 100) / 100;
          state.variants.forEach((v, i) => { v.weight = i === n - 1 ? Math.round((100 - base * (n - 1)) * 100) / 100 : base; });
          renderVariants();
        } }, 'Split evenly'),
        weightSum),
      weightBar,
      groupError('variants')),
    h('fieldset', null, h('legend', null, 'Metrics'),
      metricRows,
      h('button', { type: 'button', class: 'small', 'data-action': 'add-metric', onclick: () => {
        if (state.metrics.length >= 32) return;
        state.metrics.push({ name: '', kind: 'binary', role: 'secondary', direction: 'increase' });
        renderMetrics();
        metricRows.lastElementChild?.querySelector('input')?.focus();
      } }, '+ Add metric'),
      groupError('metrics')),
    h('fieldset', null, h('legend', null, 'Assignment'),
      h('div', { class: 'fields' },
        field('assignment.coverage', 'Coverage %', inputs.coverage, 'Share of eligible units in the experiment.'),
        field('assignment.hash_attribute', 'Hash attribute', inputs.hashAttribute),
        field('assignment.seed', 'Seed', inputs.seed),
        field('assignment.sticky', 'Sticky bucketing', inputs.sticky)),
      h('div', { class: 'fields' },
        field('assignment.namespace', 'Namespace', inputs.nsName, 'Optional, for mutually exclusive experiments.'),
        field('assignment.namespace_start', 'Namespace start', inputs.nsStart),
        field('assignment.namespace_end', 'Namespace end', inputs.nsEnd)),
      h('div', { class: 'fields wide' },
        h('div', null,
          field('assignment.condition', 'Targeting condition (JSON)', inputs.condition),
          conditionStatus,
          h('button', { type: 'button', class: 'small', 'data-action': 'condition-example', onclick: () => {
            inputs.condition.value = JSON.stringify(EXAMPLE_CONDITION, null, 2);
            refreshCondition();
            inputs.condition.focus();
          } }, 'Insert example')),
        h('div', null, field('assignment.overrides', 'Overrides', inputs.overrides), overridesStatus))),
    h('fieldset', null, h('legend', null, 'Analysis'),
      h('div', { class: 'fields' },
        field('analysis.engine', 'Engine', inputs.engine),
        field('analysis.correction', 'Multiple-comparison correction', inputs.correction),
        field('analysis.sequential', 'Sequential testing (always-valid p)', inputs.sequential),
        field('bandit', 'Multi-armed bandit', inputs.banditOn)),
      banditFields),
    h('fieldset', { id: 'sample-size' }, h('legend', null, 'Sample size'),
      h('p', { class: 'hint' }, 'Uses the hypothesis above, the primary metric\'s kind and the number of variants.'),
      h('div', { class: 'fields' },
        field('calc.baseline_mean', 'Baseline mean / rate', inputs.calcBaseline),
        field('calc.baseline_sd', 'Baseline std. deviation', inputs.calcSd),
        field('calc.daily_traffic', 'Daily traffic (units/day)', inputs.calcTraffic)),
      calcOut),
    h('div', { class: 'form-actions' }, submit, h('a', { href: '#/experiments' }, 'Cancel'), submitStatus));

  // Editing a field withdraws the server's complaint about it (capture: before the field's own checks run).
  form.addEventListener('input', (e) => {
    const name = e.target?.dataset?.field;
    if (name && serverErrors.has(name)) { serverErrors.delete(name); setError(name, []); }
  }, true);

  replace(main,
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'New experiment'),
      h('p', { class: 'sub muted' }, 'Created as a draft; start it from its page.'))),
    form);

  renderVariants();
  renderMetrics();
  refreshCondition();
  refreshOverrides();
  inputs.name.focus();

  return () => { disposed = true; clearTimeout(calcTimer); };
}
