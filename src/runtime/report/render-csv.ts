import { compliancePercent, sortedEntries, type Breakdown, type DailyReport, type Dimension } from './report-model';

export const CSV_HEADER = [
  'dimension', 'key', 'compliant', 'non_compliant', 'not_applicable', 'insufficient_data', 'total',
  'compliance_percent', 'non_compliant_change',
];

/**
 * Text a spreadsheet may run as a formula: `=`, `+`, `-` or `@` as the first character that is not blank (spreadsheets
 * skip leading spaces, tabs and line breaks before they look for one), or any control character first (tab, CR and
 * the like start formulas or break cells in some of them).
 */
const FORMULA_BEHIND_BLANKS = /^[ \t\r\n]*[=+\-@]/;
const CONTROL_FIRST = /^\p{Cc}/u;

/**
 * One CSV cell (RFC 4180). A cell that could run as a formula is prefixed with `'`, which makes it text: rule names
 * and resource ids come from member accounts and are not trusted. Then quoted when it holds a quote, comma or line break.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = FORMULA_BEHIND_BLANKS.test(value) || CONTROL_FIRST.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const SECTIONS: [Dimension, keyof DailyReport['changes'] & ('byAccount' | 'byRegion' | 'byRule' | 'byResourceType'), keyof DailyReport['current'] & ('byAccount' | 'byRegion' | 'byRule' | 'byResourceType')][] = [
  ['account', 'byAccount', 'byAccount'],
  ['region', 'byRegion', 'byRegion'],
  ['rule', 'byRule', 'byRule'],
  ['resourceType', 'byResourceType', 'byResourceType'],
];

/**
 * Long format: one row per (dimension, value), the organization total first; opens in any spreadsheet. Compliance items
 * the counts leave out close the file, one `excluded` row per reason with their number in `total`.
 */
export function renderCsv(report: DailyReport): string {
  const rows: (string | number | undefined)[][] = [CSV_HEADER];
  const hasPrevious = report.changes.previousDate !== undefined;
  const t = report.current.totals;
  rows.push(['total', 'all', t.COMPLIANT, t.NON_COMPLIANT, t.NOT_APPLICABLE, t.INSUFFICIENT_DATA, t.total,
    compliancePercent(t), hasPrevious ? report.changes.totals.NON_COMPLIANT : undefined]);
  for (const [dimension, changeKey, currentKey] of SECTIONS) {
    const breakdown: Breakdown = report.current[currentKey];
    const changes = new Map(report.changes[changeKey].map((c) => [c.key, c.nonCompliantNow - c.nonCompliantBefore]));
    for (const [key, c] of sortedEntries(breakdown)) {
      rows.push([dimension, key, c.COMPLIANT, c.NON_COMPLIANT, c.NOT_APPLICABLE, c.INSUFFICIENT_DATA, c.total,
        compliancePercent(c), hasPrevious ? changes.get(key) ?? 0 : undefined]);
    }
  }
  for (const [reason, count] of Object.entries(report.source.excluded.byReason).sort(([x], [y]) => (x < y ? -1 : 1))) {
    rows.push(['excluded', reason, undefined, undefined, undefined, undefined, count, undefined, undefined]);
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
