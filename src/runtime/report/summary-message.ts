import { formatChange, formatCount, formatPercent } from './html-escape';
import { compliancePercent, sortedEntries, type DailyReport } from './report-model';
import { isStale } from '../fleet/coverage-snapshot';

/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
const MAX_SUBJECT = 100;

/** Lines listing the worst accounts and rules in the summary. */
const TOP = 5;

export interface SummaryMessage {
  readonly subject: string;
  readonly message: string;
  /** String message attributes: `message_type` lets subscribers filter reports from transition messages. */
  readonly attributes: Record<string, string>;
}

function fleetLine(f: NonNullable<DailyReport['fleetCoverage']>, nowMs: number): string {
  return `Fleet: ${formatCount(f.reporting)} of ${formatCount(f.expected)} expected account-regions report, `
    + `${formatCount(f.neverReportedCount)} never reported, ${formatCount(f.silentCount)} silent${f.truncated ? ' (expected list partial)' : ''}`
    + `${isStale(f, nowMs) ? ` (stale: last checked ${f.checkedAt})` : ''}`;
}

/**
 * The short SNS summary: the score, the totals and their change, the worst accounts and rules, where the full
 * report is. Kept to a few hundred bytes: email and chat subscribers read it on a phone.
 */
export function summaryMessage(report: DailyReport, reportLocation: string): SummaryMessage {
  const t = report.current.totals;
  const c = report.changes;
  const hasPrevious = c.previousDate !== undefined;
  const change = (delta: number) => (hasPrevious ? ` (${formatChange(delta)})` : '');
  const subject = `Config compliance ${report.date}: ${formatPercent(compliancePercent(t))}, ${formatCount(t.NON_COMPLIANT)} non-compliant${change(c.totals.NON_COMPLIANT)}`
    .replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_SUBJECT);

  const worst = (breakdown: Record<string, { NON_COMPLIANT: number }>) => sortedEntries(breakdown as never)
    .filter(([, counts]) => counts.NON_COMPLIANT > 0).slice(0, TOP)
    .map(([key, counts]) => `  ${key}: ${formatCount(counts.NON_COMPLIANT)}`);
  const accounts = worst(report.current.byAccount);
  const rules = worst(report.current.byRule);

  const lines = [
    `AWS Config compliance on ${report.date}`,
    '',
    `Score: ${formatPercent(compliancePercent(t))} (compliant / (compliant + non-compliant))`,
    `Non-compliant: ${formatCount(t.NON_COMPLIANT)}${change(c.totals.NON_COMPLIANT)}`,
    `Compliant: ${formatCount(t.COMPLIANT)}${change(c.totals.COMPLIANT)}`,
    `Not applicable: ${formatCount(t.NOT_APPLICABLE)}, insufficient data: ${formatCount(t.INSUFFICIENT_DATA)}`,
    `Resources: ${formatCount(report.current.resources)} in ${formatCount(Object.keys(report.current.byAccount).length)} accounts`,
    hasPrevious ? `Compared with: ${c.previousDate}` : 'First report: nothing to compare with yet.',
    `Evaluated non-compliant since then: ${formatCount(c.recentNonCompliantCount)}`,
    ...(report.source.excluded.count > 0
      ? [`Left out of the counts: ${formatCount(report.source.excluded.count)} item(s) with unusable fields (listed in the full report)`] : []),
    ...(report.fleetCoverage ? [fleetLine(report.fleetCoverage, Date.parse(report.generatedAt))] : []),
    ...(accounts.length ? ['', 'Most non-compliant accounts:', ...accounts] : []),
    ...(rules.length ? ['', 'Most non-compliant rules:', ...rules] : []),
    '',
    `Full report: ${reportLocation}`,
  ];
  return {
    subject,
    message: lines.join('\n'),
    attributes: { message_type: 'DAILY_REPORT', report_date: report.date },
  };
}
