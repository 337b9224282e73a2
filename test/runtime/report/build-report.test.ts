import { counts, snapshot } from './report-test-data';
import { buildReport, diffBreakdown, recentSince } from '../../../src/runtime/report/build-report';
import { compliancePercent, daysBefore, type DailySnapshot } from '../../../src/runtime/report/report-model';
import type { ComplianceAggregate } from '../../../src/runtime/report/scan-compliance';

const NOW = new Date('2026-11-26T06:00:05.000Z');

function aggregate(overrides: Partial<ComplianceAggregate> = {}): ComplianceAggregate {
  const totals = counts({ COMPLIANT: 8, NON_COMPLIANT: 2 });
  return {
    totals,
    resources: 7,
    byAccount: { 222222222222: counts({ COMPLIANT: 5, NON_COMPLIANT: 2 }), 333333333333: counts({ COMPLIANT: 3 }) },
    byRegion: { 'eu-west-1': totals },
    byRule: { 'restricted-ssh': counts({ COMPLIANT: 4, NON_COMPLIANT: 2 }), 's3-bucket-ssl-requests-only': counts({ COMPLIANT: 4 }) },
    byResourceType: { 'AWS::EC2::SecurityGroup': totals },
    recentNonCompliant: [],
    recentNonCompliantCount: 0,
    itemsRead: 10,
    itemsSkipped: 0,
    excluded: { count: 0, byReason: {}, examples: [] },
    ...overrides,
  };
}

describe('buildReport', () => {
  test('the first report: today\'s counts, no previous date, zero changes, a one-point trend', () => {
    const report = buildReport({ aggregate: aggregate(), history: [], now: NOW, complianceTable: 'compliance' });

    expect(report.schemaVersion).toBe('1');
    expect(report.date).toBe('2026-11-26');
    expect(report.generatedAt).toBe('2026-11-26T06:00:05.000Z');
    expect(report.current.totals).toEqual(counts({ COMPLIANT: 8, NON_COMPLIANT: 2 }));
    expect(report.changes.previousDate).toBeUndefined();
    expect(report.changes.totals).toEqual(counts({}));
    expect(report.changes.byAccount).toEqual([]);
    expect(report.trend).toEqual([{ date: '2026-11-26', compliant: 8, nonCompliant: 2, total: 10, compliancePercent: 80 }]);
    expect(report.source).toEqual({ complianceTable: 'compliance', itemsRead: 10, itemsSkipped: 0, excluded: { count: 0, byReason: {}, examples: [] } });
  });

  test('changes are against the newest earlier snapshot, value by value, largest change first', () => {
    const history: DailySnapshot[] = [
      snapshot('2026-11-24', counts({ COMPLIANT: 10 })),
      snapshot('2026-11-25', counts({ COMPLIANT: 9, NON_COMPLIANT: 1 }), {
        byAccount: { 222222222222: counts({ COMPLIANT: 5, NON_COMPLIANT: 1 }), 444444444444: counts({ COMPLIANT: 4 }) },
        byRule: { 'restricted-ssh': counts({ COMPLIANT: 5, NON_COMPLIANT: 1 }), 's3-bucket-ssl-requests-only': counts({ COMPLIANT: 4 }) },
      }),
    ];

    const report = buildReport({ aggregate: aggregate(), history, now: NOW, complianceTable: 'compliance' });

    expect(report.changes.previousDate).toBe('2026-11-25');
    expect(report.changes.totals).toEqual({ COMPLIANT: -1, NON_COMPLIANT: 1, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0, total: 0 });
    expect(report.changes.byAccount).toEqual([
      { key: '222222222222', nonCompliantBefore: 1, nonCompliantNow: 2, totalBefore: 6, totalNow: 7 },
      { key: '333333333333', nonCompliantBefore: 0, nonCompliantNow: 0, totalBefore: 0, totalNow: 3 },
      { key: '444444444444', nonCompliantBefore: 0, nonCompliantNow: 0, totalBefore: 4, totalNow: 0 },
    ]);
    expect(report.changes.byRule).toEqual([
      { key: 'restricted-ssh', nonCompliantBefore: 1, nonCompliantNow: 2, totalBefore: 6, totalNow: 6 },
    ]);
    expect(report.trend.map((p) => p.date)).toEqual(['2026-11-24', '2026-11-25', '2026-11-26']);
  });

  test('the trend keeps 30 days, today included, oldest first; a snapshot of today (an earlier run) is replaced', () => {
    const history = Array.from({ length: 40 }, (_, i) => snapshot(daysBefore('2026-11-26', i), counts({ COMPLIANT: 100 - i, NON_COMPLIANT: i })));

    const report = buildReport({ aggregate: aggregate(), history: [...history].reverse(), now: NOW, complianceTable: 'compliance' });

    expect(report.trend).toHaveLength(30);
    expect(report.trend[0].date).toBe('2026-10-28');
    expect(report.trend[28].date).toBe('2026-11-25');
    expect(report.trend[29]).toEqual({ date: '2026-11-26', compliant: 8, nonCompliant: 2, total: 10, compliancePercent: 80 });
    expect(report.changes.previousDate).toBe('2026-11-25');
  });

  test('a gap of days compares with the newest snapshot there is', () => {
    const report = buildReport({ aggregate: aggregate(), history: [snapshot('2026-11-20', counts({ COMPLIANT: 10 }))], now: NOW, complianceTable: 't' });
    expect(report.changes.previousDate).toBe('2026-11-20');
    expect(report.trend.map((p) => p.date)).toEqual(['2026-11-20', '2026-11-26']);
  });

  test('rules left out of a truncated snapshot are not reported as new', () => {
    const previous = snapshot('2026-11-25', counts({ COMPLIANT: 10 }), {
      truncated: true,
      byRule: { 'restricted-ssh': counts({ COMPLIANT: 6 }) },
    });
    const report = buildReport({ aggregate: aggregate(), history: [previous], now: NOW, complianceTable: 't' });
    expect(report.changes.byRule.map((c) => c.key)).toEqual(['restricted-ssh']);
  });
});

describe('diffBreakdown', () => {
  test('unchanged values are left out; ties sort by key', () => {
    const same = counts({ COMPLIANT: 1 });
    expect(diffBreakdown({ a: same, c: counts({ NON_COMPLIANT: 1 }), b: counts({ NON_COMPLIANT: 1 }) }, { a: same })).toEqual([
      { key: 'b', nonCompliantBefore: 0, nonCompliantNow: 1, totalBefore: 0, totalNow: 1 },
      { key: 'c', nonCompliantBefore: 0, nonCompliantNow: 1, totalBefore: 0, totalNow: 1 },
    ]);
  });
});

describe('compliancePercent', () => {
  test('compliant over compliant plus non-compliant, one decimal; undefined when nothing was evaluated', () => {
    expect(compliancePercent(counts({ COMPLIANT: 2, NON_COMPLIANT: 1, NOT_APPLICABLE: 50 }))).toBe(66.7);
    expect(compliancePercent(counts({ NOT_APPLICABLE: 3 }))).toBeUndefined();
  });
});

describe('recentSince', () => {
  test('from the previous report\'s read time', () => {
    expect(recentSince([snapshot('2026-11-24', counts({})), snapshot('2026-11-25', counts({}))], NOW))
      .toBe(Date.parse('2026-11-25T06:00:00.000Z'));
  });

  test('24 hours back without an earlier report, or when the only snapshot is today\'s', () => {
    const dayAgo = NOW.getTime() - 86_400_000;
    expect(recentSince([], NOW)).toBe(dayAgo);
    expect(recentSince([snapshot('2026-11-26', counts({}))], NOW)).toBe(dayAgo);
  });
});
