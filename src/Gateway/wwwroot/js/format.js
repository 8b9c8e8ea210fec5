// Number and time formatting for the dashboard.
const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function int(n) {
  return Number.isFinite(n) ? intFmt.format(n) : '–';
}

export function num(n, digits = 3) {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return n.toExponential(2);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function pct(x, digits = 1) {
  if (!Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(digits)}%`;
}

export function signedPct(x, digits = 1) {
  if (!Number.isFinite(x)) return '–';
  const v = (x * 100).toFixed(digits);
  return `${x > 0 ? '+' : ''}${v}%`;
}

export function pValue(p) {
  if (!Number.isFinite(p)) return '–';
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

export function interval(ci, f) {
  if (!Array.isArray(ci) || ci.length < 2 || !Number.isFinite(ci[0]) || !Number.isFinite(ci[1])) return '';
  return `[${f(ci[0])}, ${f(ci[1])}]`;
}

export function parseTime(t) {
  if (t === null || t === undefined || t === '') return null;
  const d = typeof t === 'number' ? new Date(t) : new Date(String(t));
  return Number.isNaN(d.getTime()) ? null : d;
}

export function time(t) {
  const d = parseTime(t);
  if (!d) return '–';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

export function ago(t, now = Date.now()) {
  const d = parseTime(t);
  if (!d) return '–';
  const s = Math.max(0, Math.round((now - d.getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

export function duration(days) {
  if (!Number.isFinite(days) || days < 0) return '–';
  if (days < 1) return `${Math.max(1, Math.ceil(days * 24))} hours`;
  if (days < 60) return `${Math.ceil(days)} days`;
  return `${(days / 7).toFixed(0)} weeks`;
}

export const DECISIONS = {
  keep_running: 'Keep running',
  ship: 'Ship',
  no_effect: 'No effect',
  investigate_srm: 'Investigate SRM',
  guardrail_harm: 'Guardrail harm',
};
