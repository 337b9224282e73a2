import { escapeHtml, formatCount, formatPercent } from './html-escape';
import type { TrendPoint } from './report-model';

// Charts are inline SVG built here: the page needs no script, font or network to show them, and stays readable
// when the report is opened from an S3 download, an email attachment or an air-gapped workstation.

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"';

/** One bar of a horizontal bar chart. */
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The part of the value drawn in the alert colour (non-compliant items). */
  readonly highlighted: number;
}

/**
 * A horizontal bar chart: one row per bar, the full bar the total items, its red part the non-compliant ones.
 * Each bar is a `<g class="bar">` with a `<title>`, so a browser shows the exact counts on hover.
 */
export function barChart(id: string, caption: string, bars: Bar[]): string {
  const rowHeight = 22;
  const labelWidth = 280;
  const barWidth = 320;
  const width = labelWidth + barWidth + 90;
  const height = Math.max(1, bars.length) * rowHeight + 10;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars.map((bar, i) => {
    const y = 5 + i * rowHeight;
    const total = (bar.value / max) * barWidth;
    const red = (bar.highlighted / max) * barWidth;
    const label = bar.label.length > 42 ? `${bar.label.slice(0, 41)}…` : bar.label;
    return `<g class="bar" data-label="${escapeHtml(bar.label)}" data-value="${bar.highlighted}">`
      + `<title>${escapeHtml(bar.label)}: ${formatCount(bar.highlighted)} non-compliant of ${formatCount(bar.value)}</title>`
      + `<text x="${labelWidth - 6}" y="${y + 15}" text-anchor="end" font-size="12" ${FONT}>${escapeHtml(label)}</text>`
      + `<rect x="${labelWidth}" y="${y + 3}" width="${total.toFixed(1)}" height="${rowHeight - 6}" fill="#d5dbe1"/>`
      + `<rect x="${labelWidth}" y="${y + 3}" width="${red.toFixed(1)}" height="${rowHeight - 6}" fill="#c0392b"/>`
      + `<text x="${(labelWidth + total + 6).toFixed(1)}" y="${y + 15}" font-size="12" ${FONT}>${formatCount(bar.highlighted)} / ${formatCount(bar.value)}</text>`
      + '</g>';
  }).join('');
  const empty = bars.length === 0
    ? `<text x="${width / 2}" y="20" text-anchor="middle" font-size="12" ${FONT}>no compliance items</text>` : '';
  return `<svg id="${escapeHtml(id)}" class="chart" role="img" aria-label="${escapeHtml(caption)}" xmlns="http://www.w3.org/2000/svg" `
    + `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rows}${empty}</svg>`;
}

/**
 * The compliance score over the trend window: one `<circle class="trend-point">` per day with a score, joined by a
 * line (broken where a day has none), on a fixed 0–100% axis so two reports compare at a glance.
 */
export function trendChart(id: string, caption: string, points: TrendPoint[]): string {
  const width = 700;
  const height = 220;
  const left = 44;
  const right = 16;
  const top = 12;
  const bottom = 36;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (i: number) => left + (points.length === 1 ? plotWidth / 2 : (i / (points.length - 1)) * plotWidth);
  const y = (percent: number) => top + plotHeight - (percent / 100) * plotHeight;

  const grid = [0, 25, 50, 75, 100].map((p) => `<line x1="${left}" x2="${width - right}" y1="${y(p)}" y2="${y(p)}" stroke="#e5e8eb"/>`
    + `<text x="${left - 6}" y="${y(p) + 4}" text-anchor="end" font-size="11" ${FONT}>${p}%</text>`).join('');

  const segments: string[][] = [[]];
  points.forEach((p, i) => {
    if (p.compliancePercent === undefined) {
      segments.push([]);
    } else {
      segments[segments.length - 1].push(`${x(i).toFixed(1)},${y(p.compliancePercent).toFixed(1)}`);
    }
  });
  const lines = segments.filter((s) => s.length > 1)
    .map((s) => `<polyline class="trend-line" fill="none" stroke="#1f6feb" stroke-width="2" points="${s.join(' ')}"/>`).join('');
  const dots = points.map((p, i) => (p.compliancePercent === undefined ? '' : `<circle class="trend-point" data-date="${escapeHtml(p.date)}" `
    + `data-value="${p.compliancePercent}" cx="${x(i).toFixed(1)}" cy="${y(p.compliancePercent).toFixed(1)}" r="3.5" fill="#1f6feb">`
    + `<title>${escapeHtml(p.date)}: ${formatPercent(p.compliancePercent)} compliant, ${formatCount(p.nonCompliant)} non-compliant</title></circle>`)).join('');

  const first = points[0];
  const last = points[points.length - 1];
  const labels = first
    ? `<text x="${x(0)}" y="${height - 12}" text-anchor="${points.length === 1 ? 'middle' : 'start'}" font-size="11" ${FONT}>${escapeHtml(first.date)}</text>`
      + (points.length > 1 ? `<text x="${x(points.length - 1)}" y="${height - 12}" text-anchor="end" font-size="11" ${FONT}>${escapeHtml(last.date)}</text>` : '')
    : '';
  return `<svg id="${escapeHtml(id)}" class="chart" role="img" aria-label="${escapeHtml(caption)}" xmlns="http://www.w3.org/2000/svg" `
    + `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${grid}${lines}${dots}${labels}</svg>`;
}
