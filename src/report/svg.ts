/**
 * Two small chart kinds as inline SVG strings, enough for the report: a line chart (series of
 * points on numeric axes) and a bar chart (labelled values). No script, no external font or
 * style: every mark is an SVG element with its own attributes, so the charts print as they show.
 */

/** Escapes text for HTML and SVG (element content and attribute values). */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color: string;
  /** Dashed line (reference lines: random, perfect, the diagonal). */
  dashed?: boolean;
  /** Draw dots at the points too. */
  dots?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Axis ranges; default: the data's, widened to include 0 (unless zero is false) and to round ticks. */
  x?: [number, number];
  y?: [number, number];
  /** Widen the default ranges to include 0 (default true; false for e.g. a loss curve). */
  zero?: boolean;
  /** Tick label formats. */
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
}

const W = 420;
const H = 280;
const M = { top: 30, right: 16, bottom: 44, left: 56 };

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Number(v.toPrecision(3)));
}

/** A round step near range/5: 1, 2 or 5 times a power of ten. */
function niceStep(range: number): number {
  const raw = range / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** The axis range: as given, or the data's (with 0 unless zero is false) widened to round ticks. */
function domain(values: number[], given?: [number, number], zero = true): [number, number] {
  if (given) return given;
  let lo = Math.min(...values, ...(zero ? [0] : []));
  let hi = Math.max(...values, ...(zero ? [0] : []));
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = niceStep(hi - lo);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

function ticks([lo, hi]: [number, number], count = 5): number[] {
  const step = niceStep(((hi - lo) * 5) / count);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Keeps at most `max` points of a long series, evenly, always the first and the last. */
export function thin<T>(points: readonly T[], max = 400): T[] {
  if (points.length <= max) return points.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]);
  return out;
}

function frame(title: string, xLabel: string, yLabel: string, body: string): string {
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">` +
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>` +
    body +
    `<text x="${M.left + (W - M.left - M.right) / 2}" y="${H - 6}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>` +
    `<text transform="translate(14 ${M.top + (H - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>` +
    '</svg>'
  );
}

/**
 * A line chart of one or more series, with axes, ticks and a legend.
 *
 * @example
 * lineChart({ title: 'ROC', xLabel: 'FPR', yLabel: 'TPR', series: [{ name: 'model', color: '#1f77b4', points: [[0, 0], [0.2, 0.7], [1, 1]] }] });
 * // '<svg class="chart" …><path class="mark" d="M56,236…"/>…</svg>'
 */
export function lineChart(spec: LineChartSpec): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = domain(xs, spec.x, spec.zero);
  const [y0, y1] = domain(ys, spec.y, spec.zero);
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const xf = spec.xFormat ?? fmt;
  const yf = spec.yFormat ?? fmt;
  let body = `<g stroke="#ccc" stroke-width="1">`;
  for (const t of ticks([y0, y1])) body += `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}"/>`;
  body += '</g><g font-size="10" fill="#333">';
  for (const t of ticks([y0, y1])) body += `<text x="${M.left - 4}" y="${(py(t) + 3).toFixed(1)}" text-anchor="end">${esc(yf(t))}</text>`;
  for (const t of ticks([x0, x1])) body += `<text x="${px(t).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(xf(t))}</text>`;
  body += `</g><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`;
  spec.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
    body += `<path class="mark" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`;
    if (s.dots) for (const p of s.points) body += `<circle class="mark" cx="${px(p[0]).toFixed(1)}" cy="${py(p[1]).toFixed(1)}" r="3" fill="${s.color}"/>`;
    const ly = M.top + 12 + i * 14;
    body += `<line x1="${M.left + 8}" x2="${M.left + 26}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`;
    body += `<text x="${M.left + 30}" y="${ly}" font-size="11">${esc(s.name)}</text>`;
  });
  return frame(spec.title, spec.xLabel, spec.yLabel, body);
}

export interface BarChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  bars: readonly { label: string; value: number }[];
  color: string;
  /** Horizontal bars (long labels, e.g. column names), largest first as given. */
  horizontal?: boolean;
  /** A reference value drawn as a dashed line (e.g. lift 1). */
  reference?: number;
}

/**
 * A bar chart with a zero line (bars may be negative).
 *
 * @example
 * barChart({ title: 'Lift', xLabel: 'decile', yLabel: 'lift', color: '#2ca02c', bars: [{ label: '1', value: 4.2 }] });
 */
export function barChart(spec: BarChartSpec): string {
  const values = spec.bars.map((b) => b.value);
  // the line charts' rule: 0 included, widened to round ticks (so the tallest bar has headroom)
  const [lo, hi] = domain([...values, spec.reference ?? 0]);
  const n = Math.max(1, spec.bars.length);
  let body = `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/><g font-size="10" fill="#333">`;
  if (spec.horizontal) {
    const left = 110;
    const pv = (v: number) => left + ((v - lo) / (hi - lo)) * (W - left - M.right);
    const band = (H - M.top - M.bottom) / n;
    spec.bars.forEach((b, i) => {
      const y = M.top + i * band;
      const x = Math.min(pv(0), pv(b.value));
      body += `<text x="${left - 4}" y="${(y + band / 2 + 3).toFixed(1)}" text-anchor="end">${esc(b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label)}</text>`;
      body += `<rect class="mark" x="${x.toFixed(1)}" y="${(y + band * 0.15).toFixed(1)}" width="${Math.max(0.5, Math.abs(pv(b.value) - pv(0))).toFixed(1)}" height="${(band * 0.7).toFixed(1)}" fill="${spec.color}"><title>${esc(`${b.label}: ${fmt(b.value)}`)}</title></rect>`;
    });
    for (const t of ticks([lo, hi], 4)) body += `<text x="${pv(t).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(fmt(t))}</text>`;
    body += `<line x1="${pv(0).toFixed(1)}" x2="${pv(0).toFixed(1)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`;
  } else {
    const pv = (v: number) => H - M.bottom - ((v - lo) / (hi - lo)) * (H - M.top - M.bottom);
    const band = (W - M.left - M.right) / n;
    spec.bars.forEach((b, i) => {
      const x = M.left + i * band;
      const y = Math.min(pv(0), pv(b.value));
      body += `<rect class="mark" x="${(x + band * 0.15).toFixed(1)}" y="${y.toFixed(1)}" width="${(band * 0.7).toFixed(1)}" height="${Math.max(0.5, Math.abs(pv(b.value) - pv(0))).toFixed(1)}" fill="${spec.color}"><title>${esc(`${b.label}: ${fmt(b.value)}`)}</title></rect>`;
      body += `<text x="${(x + band / 2).toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="middle">${esc(b.label)}</text>`;
    });
    for (const t of ticks([lo, hi], 4)) body += `<text x="${M.left - 4}" y="${(pv(t) + 3).toFixed(1)}" text-anchor="end">${esc(fmt(t))}</text>`;
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${pv(0).toFixed(1)}" y2="${pv(0).toFixed(1)}" stroke="#333"/>`;
    if (spec.reference !== undefined) body += `<line x1="${M.left}" x2="${W - M.right}" y1="${pv(spec.reference).toFixed(1)}" y2="${pv(spec.reference).toFixed(1)}" stroke="#d62728" stroke-dasharray="5 4"/>`;
  }
  body += '</g>';
  return frame(spec.title, spec.xLabel, spec.yLabel, body);
}
