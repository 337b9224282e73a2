import { escapeHtml, formatChange, formatCount, formatPercent } from './html-escape';
import { compliancePercent, sortedEntries, type Breakdown, type BreakdownChange, type DailyReport } from './report-model';
import { barChart, trendChart, type Bar } from './svg-charts';
import { isStale } from '../fleet/coverage-snapshot';

/** Bars per chart: beyond that a chart stops being readable; the tables and the CSV carry every value. */
export const CHART_BARS = 15;

/** Rows of the per-rule table: organizations with conformance packs have thousands of rules; the CSV has them all. */
export const RULE_TABLE_ROWS = 200;

/** No script, no font, no image, no request of any kind: the page is one file that renders offline. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1b1f24;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;font-size:13px}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.tile{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:130px}
.tile .label{font-size:12px;color:#57606a}.tile .value{font-size:22px;font-weight:600}.tile .change{font-size:12px;color:#57606a}
.tile.bad .value{color:#c0392b}.tile.good .value{color:#1a7f37}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:right}
th{background:#f6f8fa}td.key,th.key{text-align:left;font-family:ui-monospace,Menlo,Consolas,monospace}
.up{color:#c0392b}.down{color:#1a7f37}.note{font-size:12px;color:#57606a}
`;

function tile(testId: string, label: string, value: string, change?: string, tone?: 'bad' | 'good'): string {
  return `<div class="tile${tone ? ` ${tone}` : ''}" data-testid="${testId}"><div class="label">${escapeHtml(label)}</div>`
    + `<div class="value">${escapeHtml(value)}</div>${change !== undefined ? `<div class="change">${escapeHtml(change)}</div>` : ''}</div>`;
}

function bars(breakdown: Breakdown): Bar[] {
  return sortedEntries(breakdown).slice(0, CHART_BARS).map(([label, c]) => ({ label, value: c.total, highlighted: c.NON_COMPLIANT }));
}

function changeClass(delta: number): string {
  return delta > 0 ? ' class="up"' : delta < 0 ? ' class="down"' : '';
}

function breakdownTable(testId: string, keyHeader: string, breakdown: Breakdown, changes: BreakdownChange[] | undefined, limit?: number): string {
  const deltas = new Map((changes ?? []).map((c) => [c.key, c.nonCompliantNow - c.nonCompliantBefore]));
  const entries = sortedEntries(breakdown);
  const shown = limit === undefined ? entries : entries.slice(0, limit);
  const rows = shown.map(([key, c]) => {
    const delta = deltas.get(key) ?? 0;
    return `<tr><td class="key">${escapeHtml(key)}</td><td>${formatCount(c.COMPLIANT)}</td><td>${formatCount(c.NON_COMPLIANT)}</td>`
      + `<td>${formatCount(c.NOT_APPLICABLE)}</td><td>${formatCount(c.INSUFFICIENT_DATA)}</td><td>${formatCount(c.total)}</td>`
      + `<td>${formatPercent(compliancePercent(c))}</td>${changes ? `<td${changeClass(delta)}>${formatChange(delta)}</td>` : ''}</tr>`;
  }).join('');
  const more = entries.length > shown.length
    ? `<p class="note">${formatCount(entries.length - shown.length)} more in the CSV file.</p>` : '';
  return `<table data-testid="${testId}"><thead><tr><th class="key">${escapeHtml(keyHeader)}</th><th>Compliant</th><th>Non-compliant</th>`
    + `<th>Not applicable</th><th>Insufficient data</th><th>Total</th><th>Score</th>${changes ? '<th>Non-compliant change</th>' : ''}</tr></thead>`
    + `<tbody>${rows}</tbody></table>${more}`;
}

function recentTable(report: DailyReport): string {
  const { recentNonCompliant, recentNonCompliantCount } = report.changes;
  if (recentNonCompliantCount === 0) return '<p data-testid="recent-none">No resource was evaluated non-compliant in this period.</p>';
  const rows = recentNonCompliant.map((r) => `<tr><td class="key">${escapeHtml(r.evaluatedAt)}</td><td class="key">${escapeHtml(r.account)}</td>`
    + `<td class="key">${escapeHtml(r.region)}</td><td class="key">${escapeHtml(r.resourceType)}</td><td class="key">${escapeHtml(r.resourceId)}</td>`
    + `<td class="key">${escapeHtml(r.configRuleName)}</td></tr>`).join('');
  const more = recentNonCompliantCount > recentNonCompliant.length
    ? `<p class="note">Showing the ${recentNonCompliant.length} newest of ${formatCount(recentNonCompliantCount)}.</p>` : '';
  return '<table data-testid="recent-table"><thead><tr><th class="key">Evaluated</th><th class="key">Account</th><th class="key">Region</th>'
    + `<th class="key">Resource type</th><th class="key">Resource</th><th class="key">Rule</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** What the counts leave out, said right under them; nothing when nothing is left out. */
function excludedNotice(report: DailyReport): string {
  const { count, byReason, examples } = report.source.excluded;
  if (count === 0) return '';
  const reasons = Object.entries(byReason).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([reason, n]) => `<li>${escapeHtml(reason)}: ${formatCount(n)}</li>`).join('');
  const rows = examples.map((e) => `<tr><td class="key">${escapeHtml(e.pk)}</td><td class="key">${escapeHtml(e.sk)}</td>`
    + `<td class="key">${escapeHtml(e.reason)}</td></tr>`).join('');
  const more = count > examples.length ? `<p class="note">Showing ${examples.length} of ${formatCount(count)}; the JSON file lists the same.</p>` : '';
  return `<div data-testid="excluded"><p class="note">${formatCount(count)} compliance item${count === 1 ? ' is' : 's are'} left out of these counts:</p>`
    + `<ul class="note">${reasons}</ul><table data-testid="excluded-table"><thead><tr><th class="key">pk</th><th class="key">sk</th>`
    + `<th class="key">Reason</th></tr></thead><tbody>${rows}</tbody></table>${more}</div>`;
}

/** The accounts and regions that should report and do not; nothing when the master has no fleet coverage. */
function fleetSection(report: DailyReport): string {
  const f = report.fleetCoverage;
  if (f === undefined) return '';
  const rows = (kind: string, list: { account: string; region: string; name?: string; lastEventAt?: string }[]) => list
    .map((r) => `<tr><td class="key">${escapeHtml(kind)}</td><td class="key">${escapeHtml(r.account)}</td><td class="key">${escapeHtml(r.name ?? '')}</td>`
      + `<td class="key">${escapeHtml(r.region)}</td><td class="key">${escapeHtml(r.lastEventAt ?? '')}</td></tr>`).join('');
  const listed = f.neverReported.length + f.silent.length;
  const more = f.neverReportedCount + f.silentCount > listed
    ? `<p class="note">Showing ${listed} of ${formatCount(f.neverReportedCount + f.silentCount)}; GET /coverage of the compliance API has the same lists.</p>` : '';
  const partial = f.truncated ? '<p class="note">The list of expected accounts is partial (the check stopped reading Organizations early).</p>' : '';
  const stale = isStale(f, Date.parse(report.generatedAt))
    ? `<p class="note" data-testid="fleet-stale">Stale: the check has not succeeded since ${escapeHtml(f.checkedAt)} (see the ActivityCheckErrorsAlarm).</p>` : '';
  const table = listed === 0 ? '<p data-testid="fleet-none">Every expected account and region reports.</p>'
    : '<table data-testid="fleet-table"><thead><tr><th class="key">State</th><th class="key">Account</th><th class="key">Name</th>'
      + `<th class="key">Region</th><th class="key">Last event</th></tr></thead><tbody>${rows('never reported', f.neverReported)}${rows('silent', f.silent)}</tbody></table>`;
  return `<h2>Fleet coverage</h2>
<p class="meta" data-testid="fleet-summary">Checked ${escapeHtml(f.checkedAt)}: ${formatCount(f.reporting)} of ${formatCount(f.expected)} expected account-regions report; `
    + `${formatCount(f.neverReportedCount)} never reported, ${formatCount(f.silentCount)} silent, ${formatCount(f.pendingCount)} joined recently.</p>
${stale}${partial}${table}${more}`;
}

/**
 * The report as one self-contained HTML page: inline CSS and SVG, no script, and a Content-Security-Policy that
 * forbids every request, so opening it can never call out, whatever a rule name or resource id contains.
 */
export function renderHtml(report: DailyReport): string {
  const t = report.current.totals;
  const c = report.changes;
  const hasPrevious = c.previousDate !== undefined;
  const score = compliancePercent(t);
  const previousPoint = report.trend.length > 1 ? report.trend[report.trend.length - 2] : undefined;
  const scoreChange = hasPrevious && score !== undefined && previousPoint?.compliancePercent !== undefined
    ? `${formatChange(Math.round((score - previousPoint.compliancePercent) * 10) / 10)} pts since ${c.previousDate}` : undefined;
  const since = (delta: number) => (hasPrevious ? `${formatChange(delta)} since ${c.previousDate}` : undefined);

  const tiles = [
    tile('total-score', 'Compliance score', formatPercent(score), scoreChange),
    tile('total-non-compliant', 'Non-compliant', formatCount(t.NON_COMPLIANT), since(c.totals.NON_COMPLIANT), t.NON_COMPLIANT > 0 ? 'bad' : 'good'),
    tile('total-compliant', 'Compliant', formatCount(t.COMPLIANT), since(c.totals.COMPLIANT)),
    tile('total-not-applicable', 'Not applicable', formatCount(t.NOT_APPLICABLE)),
    tile('total-insufficient-data', 'Insufficient data', formatCount(t.INSUFFICIENT_DATA)),
    tile('total-items', 'Evaluations', formatCount(t.total), since(c.totals.total)),
    tile('total-resources', 'Resources', formatCount(report.current.resources)),
    tile('total-accounts', 'Accounts', formatCount(Object.keys(report.current.byAccount).length)),
  ].join('');

  const comparedWith = hasPrevious
    ? `Compared with the report of ${escapeHtml(c.previousDate!)}.`
    : 'First report: nothing to compare with yet.';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Config compliance report ${escapeHtml(report.date)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>AWS Config compliance, ${escapeHtml(report.date)}</h1>
<p class="meta">Generated ${escapeHtml(report.generatedAt)} from ${escapeHtml(report.source.complianceTable)}. ${comparedWith}
Score = compliant ÷ (compliant + non-compliant), as AWS Config computes it.</p>
<div class="tiles">${tiles}</div>
${excludedNotice(report)}
${fleetSection(report)}
<h2>Trend, last ${report.trend.length} report${report.trend.length === 1 ? '' : 's'}</h2>
${trendChart('trend-chart', 'Compliance score by day', report.trend)}
<h2>Non-compliant by account</h2>
${barChart('account-chart', 'Non-compliant items by account', bars(report.current.byAccount))}
<h2>Non-compliant by rule</h2>
${barChart('rule-chart', 'Non-compliant items by rule', bars(report.current.byRule))}
<h2>Evaluated non-compliant since ${hasPrevious ? escapeHtml(c.previousDate!) : 'the last 24 hours'}</h2>
${recentTable(report)}
<h2>By account</h2>
${breakdownTable('account-table', 'Account', report.current.byAccount, hasPrevious ? c.byAccount : undefined)}
<h2>By region</h2>
${breakdownTable('region-table', 'Region', report.current.byRegion, hasPrevious ? c.byRegion : undefined)}
<h2>By resource type</h2>
${breakdownTable('resource-type-table', 'Resource type', report.current.byResourceType, hasPrevious ? c.byResourceType : undefined)}
<h2>By rule</h2>
${breakdownTable('rule-table', 'Rule', report.current.byRule, hasPrevious ? c.byRule : undefined, RULE_TABLE_ROWS)}
</body>
</html>
`;
}
