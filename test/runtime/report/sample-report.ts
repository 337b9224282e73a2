import { counts, snapshot } from './report-test-data';
import { buildReport } from '../../../src/runtime/report/build-report';
import { daysBefore, type DailyReport, type DailySnapshot, type StatusCounts } from '../../../src/runtime/report/report-model';
import type { ComplianceAggregate } from '../../../src/runtime/report/scan-compliance';

export const HOSTILE_RULE = '<img src="https://attacker.example/x.png" onerror="alert(1)">';

/**
 * A report of 2026-11-26 with 29 earlier daily snapshots (30 trend points), 3 accounts, 20 rules (one with a
 * hostile name), 2 regions and 2 resource types: 40 compliant, 12 non-compliant, 3 not applicable, 1 insufficient.
 */
export function sampleReport(): DailyReport {
  const byRule: Record<string, StatusCounts> = {};
  for (let i = 0; i < 19; i++) byRule[`rule-${String(i).padStart(2, '0')}`] = counts({ COMPLIANT: 2, NON_COMPLIANT: i < 11 ? 1 : 0 });
  byRule[HOSTILE_RULE] = counts({ COMPLIANT: 2, NON_COMPLIANT: 1, NOT_APPLICABLE: 3, INSUFFICIENT_DATA: 1 });
  const totals = counts({ COMPLIANT: 40, NON_COMPLIANT: 12, NOT_APPLICABLE: 3, INSUFFICIENT_DATA: 1 });
  const aggregate: ComplianceAggregate = {
    totals,
    resources: 31,
    byAccount: {
      222222222222: counts({ COMPLIANT: 20, NON_COMPLIANT: 9 }),
      333333333333: counts({ COMPLIANT: 15, NON_COMPLIANT: 3, NOT_APPLICABLE: 3 }),
      444444444444: counts({ COMPLIANT: 5, INSUFFICIENT_DATA: 1 }),
    },
    byRegion: {
      'eu-west-1': counts({ COMPLIANT: 30, NON_COMPLIANT: 10, NOT_APPLICABLE: 3 }),
      'us-east-1': counts({ COMPLIANT: 10, NON_COMPLIANT: 2, INSUFFICIENT_DATA: 1 }),
    },
    byRule,
    byResourceType: {
      'AWS::EC2::SecurityGroup': counts({ COMPLIANT: 25, NON_COMPLIANT: 10, NOT_APPLICABLE: 3, INSUFFICIENT_DATA: 1 }),
      'AWS::S3::Bucket': counts({ COMPLIANT: 15, NON_COMPLIANT: 2 }),
    },
    recentNonCompliant: [{
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0a1b2c3d',
      configRuleName: HOSTILE_RULE,
      evaluatedAt: '2026-11-26T03:00:00.000Z',
    }],
    recentNonCompliantCount: 3,
    itemsRead: 56,
    itemsSkipped: 2,
    excluded: { count: 0, byReason: {}, examples: [] },
  };
  const history: DailySnapshot[] = Array.from({ length: 29 }, (_, i) => {
    const date = daysBefore('2026-11-26', 29 - i);
    return snapshot(date, counts({ COMPLIANT: 30 + Math.floor(i / 3), NON_COMPLIANT: 20 - Math.floor(i / 3) }), {
      byAccount: {
        222222222222: counts({ COMPLIANT: 20, NON_COMPLIANT: 7 }),
        333333333333: counts({ COMPLIANT: 15, NON_COMPLIANT: 3, NOT_APPLICABLE: 3 }),
      },
    });
  });
  return buildReport({ aggregate, history, now: new Date('2026-11-26T06:00:00.000Z'), complianceTable: 'ConfigCompliance' });
}
