// Forest plot of relative-lift intervals: one row per (metric, variant) comparison.
import { s } from '../dom.js';
import { linear, niceDomain } from './scale.js';
import { signedPct } from '../format.js';

const TOP = 12;
const AXIS = 34;
const CLIP = 2; // intervals wider than +-200% are clipped and marked

/**
 * rows: [{ label, sub, lift, ci: [lo, hi], state: 'good' | 'bad' | 'neutral' }]
 * Returns an <svg id=forest-plot>.
 */
export function forestPlot(rows, { id = 'forest-plot', width = 760 } = {}) {
  const WIDTH = Math.max(300, Math.round(width));
  const narrow = WIDTH < 520;
  // Narrow: each row's label sits above its interval, so the interval gets nearly the full width.
  const ROW = narrow ? 40 : 30;
  const LABEL_W = narrow ? 12 : Math.round(Math.min(200, WIDTH * 0.27));
  const VALUE_W = narrow ? 70 : Math.round(Math.min(215, WIDTH * 0.3));
  const height = TOP + Math.max(1, rows.length) * ROW + AXIS;
  const svg = s('svg', {
    id, class: 'chart forest', viewBox: `0 0 ${WIDTH} ${height}`, role: 'img',
    'aria-label': `Forest plot of relative lift with confidence intervals, ${rows.length} comparison${rows.length === 1 ? '' : 's'}`,
    'data-rows': String(rows.length),
  });
  if (rows.length === 0) {
    svg.append(s('text', { x: WIDTH / 2, y: TOP + ROW / 2 + 4, 'text-anchor': 'middle', class: 'muted' }, 'No comparisons yet'));
    return svg;
  }
  let lo = 0;
  let hi = 0;
  for (const r of rows) {
    for (const v of [r.lift, ...(r.ci ?? [])]) {
      if (Number.isFinite(v)) { lo = Math.min(lo, Math.max(v, -CLIP)); hi = Math.max(hi, Math.min(v, CLIP)); }
    }
  }
  const dom = niceDomain(lo, hi, narrow ? 3 : 6);
  const x = linear(dom.lo, dom.hi, LABEL_W, WIDTH - VALUE_W);
  const bottom = TOP + rows.length * ROW;

  for (const t of dom.ticks) {
    svg.append(s('line', { class: t === 0 ? 'zero' : 'grid', x1: x(t), x2: x(t), y1: TOP - 4, y2: bottom }));
    svg.append(s('text', { x: x(t), y: bottom + 16, 'text-anchor': 'middle' }, signedPct(t, 0)));
  }
  svg.append(s('line', { class: 'axis', x1: LABEL_W, x2: WIDTH - VALUE_W, y1: bottom, y2: bottom }));
  svg.append(s('text', { x: (LABEL_W + WIDTH - VALUE_W) / 2, y: bottom + 31, 'text-anchor': 'middle', fill: '#57606a' }, 'relative lift vs control'));

  rows.forEach((r, i) => {
    const cy = TOP + i * ROW + (narrow ? 27 : ROW / 2);
    const color = r.state === 'good' ? '#116329' : r.state === 'bad' ? '#a40e26' : '#3d4752';
    const g = s('g', { 'data-row': r.key ?? r.label, 'data-state': r.state });
    g.append(s('title', null, `${r.label} ${r.sub ?? ''}: ${signedPct(r.lift)} [${signedPct(r.ci?.[0])}, ${signedPct(r.ci?.[1])}]`));
    if (narrow) {
      g.append(s('text', { x: 4, y: cy - 12 }, `${truncate(r.label, 24)}${r.sub ? ` · ${truncate(r.sub, 16)}` : ''}`));
    } else {
      g.append(s('text', { x: 4, y: cy + 4 }, truncate(r.label, 20)));
      if (r.sub) g.append(s('text', { x: LABEL_W - 8, y: cy + 4, 'text-anchor': 'end', fill: '#57606a', 'font-size': '11' }, truncate(r.sub, 14)));
    }
    const [a, b] = r.ci ?? [];
    if (Number.isFinite(a) && Number.isFinite(b)) {
      const xa = x(Math.max(a, dom.lo));
      const xb = x(Math.min(b, dom.hi));
      g.append(s('line', { x1: xa, x2: xb, y1: cy, y2: cy, stroke: color, 'stroke-width': 3, 'stroke-linecap': 'round', class: 'ci' }));
      if (a >= dom.lo) g.append(s('line', { x1: xa, x2: xa, y1: cy - 6, y2: cy + 6, stroke: color, 'stroke-width': 2 }));
      else g.append(s('path', { d: `M${xa + 6},${cy - 5} L${xa},${cy} L${xa + 6},${cy + 5}`, stroke: color, fill: 'none', 'stroke-width': 2 }));
      if (b <= dom.hi) g.append(s('line', { x1: xb, x2: xb, y1: cy - 6, y2: cy + 6, stroke: color, 'stroke-width': 2 }));
      else g.append(s('path', { d: `M${xb - 6},${cy - 5} L${xb},${cy} L${xb - 6},${cy + 5}`, stroke: color, fill: 'none', 'stroke-width': 2 }));
    }
    if (Number.isFinite(r.lift)) {
      const px = x(Math.max(dom.lo, Math.min(dom.hi, r.lift)));
      g.append(s('rect', { x: px - 5, y: cy - 5, width: 10, height: 10, fill: color, class: 'point' }));
    }
    g.append(s('text', { x: WIDTH - VALUE_W + 10, y: cy + 4, fill: color, 'font-weight': r.state === 'neutral' ? '400' : '700' },
      !Number.isFinite(r.lift) ? 'n/a (no baseline rate)' : narrow ? signedPct(r.lift) : `${signedPct(r.lift)} [${signedPct(a, 1)}, ${signedPct(b, 1)}]`));
    svg.append(g);
  });
  return svg;
}

function truncate(text, n) {
  const t = String(text ?? '');
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}
