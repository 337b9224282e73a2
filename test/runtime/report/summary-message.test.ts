import { HOSTILE_RULE, sampleReport } from './sample-report';
import { summaryMessage } from '../../../src/runtime/report/summary-message';

describe('summaryMessage', () => {
  const summary = summaryMessage(sampleReport(), 's3://reports-bucket/reports/2026/11/26/compliance-report.html');

  test('the subject: date, score, non-compliant and its change, within SNS\'s 100 printable ASCII characters', () => {
    expect(summary.subject).toBe('Config compliance 2026-11-26: 76.9%, 12 non-compliant (+1)');
    expect(summary.subject.length).toBeLessThanOrEqual(100);
    expect(summary.subject).toMatch(/^[\x20-\x7e]+$/);
  });

  test('the body: totals with changes, the worst accounts and rules, where the report is', () => {
    const lines = summary.message.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'Score: 76.9% (compliant / (compliant + non-compliant))',
      'Non-compliant: 12 (+1)',
      'Compliant: 40 (+1)',
      'Not applicable: 3, insufficient data: 1',
      'Resources: 31 in 3 accounts',
      'Compared with: 2026-11-25',
      'Evaluated non-compliant since then: 3',
      'Most non-compliant accounts:',
      '  222222222222: 9',
      '  333333333333: 3',
      'Most non-compliant rules:',
      `  ${HOSTILE_RULE}: 1`,
      'Full report: s3://reports-bucket/reports/2026/11/26/compliance-report.html',
    ]));
    // Accounts without non-compliant items are not "most non-compliant"; five rules at most.
    expect(lines).not.toContain('  444444444444: 0');
    expect(lines.filter((l) => l.startsWith('  rule-') || l.startsWith('  <img'))).toHaveLength(5);
    expect(Buffer.byteLength(summary.message)).toBeLessThan(1024);
  });

  test('message attributes tell reports from transition messages', () => {
    expect(summary.attributes).toEqual({ message_type: 'DAILY_REPORT', report_date: '2026-11-26' });
  });

  test('a subject that would exceed 100 characters is cut; non-ASCII is replaced', () => {
    const report = sampleReport();
    const long = summaryMessage({ ...report, date: `${'é'.repeat(120)}` }, 'x');
    expect(long.subject).toHaveLength(100);
    expect(long.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
