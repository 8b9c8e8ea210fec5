// Time-series line chart with optional interval bands (cumulative lift, bandit weights).
import { s } from '../dom.js';
import { linear, niceDomain } from './scale.js';

const PAD = { l: 56, r: 16, t: 14, b: 34 };

function timeLabel(ms, spanMs) {
  const d = new Date(ms);
  const iso = d.toISOString();
  if (spanMs <= 600000) return iso.slice(11, 19);
  if (spanMs <= 2 * 86400000) return iso.slice(11, 16);
  return iso.slice(5, 10);
}

/**
 * series: [{ name, color, points: [{ t: ms, y, lo, hi }] }]
 * options: { id, yFormat, yMin, yMax, zero, label }
 */
export function lineChart(series, { id, yFormat = (v) => String(v), yMin, yMax, zero = true, label = '', width = 760 } = {}) {
  const WIDTH = Math.max(300, Math.round(width));
  const HEIGHT = WIDTH < 520 ? 220 : 280;
  const svg = s('svg', { id, class: 'chart line', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': label });
  const all = series.flatMap((se) => se.points);
  svg.dataset.points = String(all.length);
  if (all.length === 0) {
    svg.append(s('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle' }, 'No data yet'));
    return svg;
  }
  let t0 = Math.min(...all.map((p) => p.t));
  let t1 = Math.max(...all.map((p) => p.t));
  if (t0 === t1) { t0 -= 1800000; t1 += 1800000; }
  let lo = yMin ?? Infinity;
  let hi = yMax ?? -Infinity;
  if (yMin === undefined || yMax === undefined) {
    // Early cumulative points have very wide intervals: let the later two thirds set the scale
    // (the early bands are clipped at the edges) so the settled estimate stays readable.
    const settled = new Set(series.flatMap((se) => {
      const pts = se.points.slice().sort((a, b) => a.t - b.t);
      return pts.slice(Math.floor(pts.length / 3));
    }));
    for (const p of all) {
      if (!settled.has(p)) continue;
      for (const v of [p.y, p.lo, p.hi]) {
        if (!Number.isFinite(v)) continue;
        const c = Math.max(-2, Math.min(2, v));
        if (yMin === undefined) lo = Math.min(lo, c);
        if (yMax === undefined) hi = Math.max(hi, c);
      }
    }
    if (zero) { lo = Math.min(lo, 0); hi = Math.max(hi, 0); }
  }
  const dom = niceDomain(lo, hi, 5);
  const x = linear(t0, t1, PAD.l, WIDTH - PAD.r);
  const y = linear(dom.lo, dom.hi, HEIGHT - PAD.b, PAD.t);
  const clampY = (v) => y(Math.max(dom.lo, Math.min(dom.hi, v)));

  for (const t of dom.ticks) {
    svg.append(s('line', { class: t === 0 && zero ? 'zero' : 'grid', x1: PAD.l, x2: WIDTH - PAD.r, y1: y(t), y2: y(t) }));
    svg.append(s('text', { x: PAD.l - 6, y: y(t) + 4, 'text-anchor': 'end' }, yFormat(t)));
  }
  const xticks = WIDTH < 520 ? 3 : 5;
  let previousLabel = '';
  for (let i = 0; i <= xticks; i++) {
    const t = t0 + ((t1 - t0) * i) / xticks;
    const text = timeLabel(t, t1 - t0);
    if (text === previousLabel) continue;
    previousLabel = text;
    svg.append(s('text', { x: x(t), y: HEIGHT - PAD.b + 18, 'text-anchor': i === 0 ? 'start' : i === xticks ? 'end' : 'middle' }, text));
  }
  svg.append(s('line', { class: 'axis', x1: PAD.l, x2: WIDTH - PAD.r, y1: HEIGHT - PAD.b, y2: HEIGHT - PAD.b }));
  svg.append(s('text', { x: WIDTH - PAD.r, y: HEIGHT - 2, 'text-anchor': 'end', fill: '#57606a', 'font-size': '11' }, 'time (UTC)'));

  for (const se of series) {
    const pts = se.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.t - b.t);
    const g = s('g', { 'data-series': se.name });
    const banded = pts.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
    if (banded.length > 1) {
      const top = banded.map((p) => `${x(p.t)},${clampY(p.hi)}`);
      const bottom = banded.slice().reverse().map((p) => `${x(p.t)},${clampY(p.lo)}`);
      g.append(s('polygon', { points: [...top, ...bottom].join(' '), fill: se.color, 'fill-opacity': '0.14', stroke: 'none' }));
    }
    if (pts.length > 1) {
      g.append(s('polyline', { points: pts.map((p) => `${x(p.t)},${clampY(p.y)}`).join(' '), fill: 'none', stroke: se.color, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }));
    }
    for (const p of pts.length <= 40 ? pts : [pts[pts.length - 1]]) {
      if (Number.isFinite(p.lo) && Number.isFinite(p.hi) && pts.length === 1) {
        g.append(s('line', { x1: x(p.t), x2: x(p.t), y1: clampY(p.lo), y2: clampY(p.hi), stroke: se.color, 'stroke-width': 2 }));
      }
      g.append(s('circle', { cx: x(p.t), cy: clampY(p.y), r: 3.5, fill: se.color }, s('title', null, `${se.name} ${new Date(p.t).toISOString()}: ${yFormat(p.y)}`)));
    }
    svg.append(g);
  }
  return svg;
}
