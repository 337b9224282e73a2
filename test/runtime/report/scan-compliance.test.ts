import { counts, evaluation, putEvaluations, putItems, smallOrganization } from './report-test-data';
import { RECENT_LIMIT } from '../../../src/runtime/report/report-model';
import { EXCLUSION_REASONS, scanComplianceTable } from '../../../src/runtime/report/scan-compliance';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

const SINCE = Date.parse('2026-11-25T06:00:00.000Z');

describe('scanComplianceTable', () => {
  test('counts every compliance item by account, region, rule and resource type, across segments and pages', async () => {
    // Prepare
    const { complianceTable } = await db.createTables();
    await putEvaluations(db.documentClient, complianceTable, smallOrganization());

    // Act: 4 segments, 2 items a page, so every segment pages.
    const aggregate = await scanComplianceTable({
      client: db.documentClient, tableName: complianceTable, segments: 4, recentSinceMs: SINCE, pageLimit: 2,
    });

    // Assess
    expect(aggregate.totals).toEqual(counts({ COMPLIANT: 3, NON_COMPLIANT: 2, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }));
    expect(aggregate.resources).toBe(6);
    expect(aggregate.byAccount).toEqual({
      222222222222: counts({ COMPLIANT: 2, NON_COMPLIANT: 2 }),
      333333333333: counts({ COMPLIANT: 1, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }),
    });
    expect(aggregate.byRegion).toEqual({
      'eu-west-1': counts({ COMPLIANT: 3, NON_COMPLIANT: 1, NOT_APPLICABLE: 1 }),
      'us-east-1': counts({ NON_COMPLIANT: 1, INSUFFICIENT_DATA: 1 }),
    });
    expect(aggregate.byRule).toEqual({
      'restricted-ssh': counts({ COMPLIANT: 1, NON_COMPLIANT: 1, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }),
      'vpc-sg-open-only-to-authorized-ports': counts({ COMPLIANT: 1 }),
      's3-bucket-ssl-requests-only': counts({ COMPLIANT: 1, NON_COMPLIANT: 1 }),
    });
    expect(aggregate.byResourceType).toEqual({
      'AWS::EC2::SecurityGroup': counts({ COMPLIANT: 2, NON_COMPLIANT: 1, NOT_APPLICABLE: 1, INSUFFICIENT_DATA: 1 }),
      'AWS::S3::Bucket': counts({ COMPLIANT: 1, NON_COMPLIANT: 1 }),
    });
    expect(aggregate.itemsRead).toBe(7);
    expect(aggregate.itemsSkipped).toBe(0);
  });

  test('lists only the non-compliant evaluations since the given instant', async () => {
    const { complianceTable } = await db.createTables();
    await putEvaluations(db.documentClient, complianceTable, smallOrganization());

    const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 2, recentSinceMs: SINCE });

    expect(aggregate.recentNonCompliantCount).toBe(1);
    expect(aggregate.recentNonCompliant).toEqual([{
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-1',
      configRuleName: 'restricted-ssh',
      evaluatedAt: '2026-11-26T03:00:00.000Z',
    }]);
  });

  test('keeps the newest RECENT_LIMIT non-compliant evaluations, newest first, and counts them all', async () => {
    const { complianceTable } = await db.createTables();
    const base = Date.parse('2026-11-25T12:00:00.000Z');
    const many = Array.from({ length: 5 * RECENT_LIMIT }, (_, i) => evaluation({
      resourceId: `sg-${String(i).padStart(4, '0')}`, complianceStatus: 'NON_COMPLIANT', evaluatedAtMs: base + i * 1000,
    }));
    await putEvaluations(db.documentClient, complianceTable, many);

    const aggregate = await scanComplianceTable({
      client: db.documentClient, tableName: complianceTable, segments: 3, recentSinceMs: SINCE, pageLimit: 40,
    });

    expect(aggregate.recentNonCompliantCount).toBe(5 * RECENT_LIMIT);
    expect(aggregate.recentNonCompliant).toHaveLength(RECENT_LIMIT);
    expect(aggregate.recentNonCompliant[0].resourceId).toBe(`sg-${String(5 * RECENT_LIMIT - 1).padStart(4, '0')}`);
    expect(aggregate.recentNonCompliant[RECENT_LIMIT - 1].resourceId).toBe(`sg-${String(4 * RECENT_LIMIT).padStart(4, '0')}`);
  });

  test('skips whatever is not a compliance item of a resource, and lists the resource items it cannot count', async () => {
    // Prepare: one real item and every kind of neighbour the table may hold.
    const { complianceTable } = await db.createTables();
    await putEvaluations(db.documentClient, complianceTable, [evaluation({ complianceStatus: 'NON_COMPLIANT' })]);
    const seedAttributes = {
      account: '222222222222',
      region: 'eu-west-1',
      resource_type: 'AWS::EC2::SecurityGroup',
      resource_id: 'sg-x',
      config_rule_name: 'restricted-ssh',
      compliance_status: 'NON_COMPLIANT',
      evaluated_at_ms: 1,
    };
    await putItems(db.documentClient, complianceTable, [
      { pk: 'REPORT#daily', sk: 'RULE#2026-11-25', ...seedAttributes },
      { pk: 'RECONCILIATION#222222222222#eu-west-1', sk: 'RULE#restricted-ssh', ...seedAttributes },
      { pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-0a1b2c3d', sk: 'RESOURCE', deleted_at_ms: 5 },
      { pk: 'not-an-account#eu-west-1#AWS::EC2::SecurityGroup#sg-x', sk: 'RULE#restricted-ssh', ...seedAttributes },
      { pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-y', sk: 'RULE#restricted-ssh', ...seedAttributes, compliance_status: 'BROKEN' },
      { pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-z', sk: 'RULE#restricted-ssh', ...seedAttributes, account: undefined },
    ]);

    const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 2, recentSinceMs: SINCE });

    expect(aggregate.totals).toEqual(counts({ NON_COMPLIANT: 1 }));
    expect(Object.keys(aggregate.byAccount)).toEqual(['222222222222']);
    // The RESOURCE marker never leaves the server (sk filter); of the other five, the three whose key names no account
    // are not a resource's and are skipped; the two that are a resource's but cannot be counted are listed as excluded.
    expect(aggregate.itemsRead).toBe(6);
    expect(aggregate.itemsSkipped).toBe(3);
    expect(aggregate.excluded).toEqual({
      count: 2,
      byReason: { [EXCLUSION_REASONS.status]: 1, [EXCLUSION_REASONS.attribute('account')]: 1 },
      examples: [
        { pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-y', sk: 'RULE#restricted-ssh', reason: EXCLUSION_REASONS.status },
        { pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-z', sk: 'RULE#restricted-ssh', reason: 'account is missing or not text' },
      ],
    });
  });

  test('accepts account-level items (AWS::::Account) and the global region', async () => {
    const { complianceTable } = await db.createTables();
    await putEvaluations(db.documentClient, complianceTable, [
      evaluation({ resourceType: 'AWS::::Account', resourceId: '222222222222', configRuleName: 'cloudtrail-enabled', complianceStatus: 'COMPLIANT' }),
      evaluation({ region: 'global', resourceType: 'AWS::IAM::Role', resourceId: 'AROAEXAMPLE', configRuleName: 'iam-no-inline-policy', complianceStatus: 'NON_COMPLIANT' }),
    ]);

    const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 1, recentSinceMs: SINCE });

    expect(aggregate.totals).toEqual(counts({ COMPLIANT: 1, NON_COMPLIANT: 1 }));
    expect(Object.keys(aggregate.byResourceType).sort()).toEqual(['AWS::::Account', 'AWS::IAM::Role']);
    expect(aggregate.byRegion.global).toEqual(counts({ NON_COMPLIANT: 1 }));
  });

  test('an empty table gives zero counts', async () => {
    const { complianceTable } = await db.createTables();
    const aggregate = await scanComplianceTable({ client: db.documentClient, tableName: complianceTable, segments: 4, recentSinceMs: SINCE });
    expect(aggregate.totals).toEqual(counts({}));
    expect(aggregate.resources).toBe(0);
    expect(aggregate.recentNonCompliant).toEqual([]);
  });
});
