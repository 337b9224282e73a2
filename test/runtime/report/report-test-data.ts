import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ComplianceResult, ComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { emptyCounts, type DailySnapshot, type StatusCounts } from '../../../src/runtime/report/report-model';
import { toComplianceItem } from '../../../src/runtime/store/compliance-item';

/** An evaluation as the write path receives it; the stored item is built by the write path's own `toComplianceItem`. */
export function evaluation(overrides: Partial<ComplianceResult> & { complianceStatus: ComplianceStatus }): ComplianceResult {
  const evaluatedAtMs = overrides.evaluatedAtMs ?? Date.parse('2026-11-25T08:00:00.000Z');
  return {
    account: '222222222222',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0a1b2c3d',
    configRuleName: 'restricted-ssh',
    evaluatedAtMs,
    resultRecordedTime: new Date(evaluatedAtMs).toISOString(),
    configRuleArn: 'arn:aws:config:eu-west-1:222222222222:config-rule/config-rule-abc123',
    sourceEventId: `event-${evaluatedAtMs}`,
    origin: 'event',
    ...overrides,
  };
}

/** Writes items 25 at a time. */
export async function putItems(client: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    await client.send(new BatchWriteCommand({
      RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
    }));
  }
}

export async function putEvaluations(client: DynamoDBDocumentClient, tableName: string, evaluations: ComplianceResult[]): Promise<void> {
  await putItems(client, tableName, evaluations.map((e) => ({ ...toComplianceItem(e) })));
}

/**
 * A small organization: two accounts, two regions, three rules, two resource types.
 *
 * | account | region | type | resource | rule | status |
 * |---|---|---|---|---|---|
 * | 222… | eu-west-1 | SG | sg-1 | restricted-ssh | NON_COMPLIANT (recent) |
 * | 222… | eu-west-1 | SG | sg-1 | vpc-sg-open-only-to-authorized-ports | COMPLIANT |
 * | 222… | eu-west-1 | SG | sg-2 | restricted-ssh | COMPLIANT |
 * | 222… | us-east-1 | Bucket | logs-bucket | s3-bucket-ssl-requests-only | NON_COMPLIANT (old) |
 * | 333… | eu-west-1 | Bucket | data-bucket | s3-bucket-ssl-requests-only | COMPLIANT |
 * | 333… | eu-west-1 | SG | sg-3 | restricted-ssh | NOT_APPLICABLE |
 * | 333… | us-east-1 | SG | sg-4 | restricted-ssh | INSUFFICIENT_DATA |
 */
export function smallOrganization(): ComplianceResult[] {
  const recent = Date.parse('2026-11-26T03:00:00.000Z');
  const old = Date.parse('2026-11-20T03:00:00.000Z');
  const sg = 'AWS::EC2::SecurityGroup';
  const bucket = 'AWS::S3::Bucket';
  return [
    evaluation({ resourceId: 'sg-1', configRuleName: 'restricted-ssh', complianceStatus: 'NON_COMPLIANT', evaluatedAtMs: recent }),
    evaluation({ resourceId: 'sg-1', configRuleName: 'vpc-sg-open-only-to-authorized-ports', complianceStatus: 'COMPLIANT', evaluatedAtMs: old }),
    evaluation({ resourceId: 'sg-2', configRuleName: 'restricted-ssh', complianceStatus: 'COMPLIANT', evaluatedAtMs: recent }),
    evaluation({ region: 'us-east-1', resourceType: bucket, resourceId: 'logs-bucket', configRuleName: 's3-bucket-ssl-requests-only', complianceStatus: 'NON_COMPLIANT', evaluatedAtMs: old }),
    evaluation({ account: '333333333333', resourceType: bucket, resourceId: 'data-bucket', configRuleName: 's3-bucket-ssl-requests-only', complianceStatus: 'COMPLIANT', evaluatedAtMs: old }),
    evaluation({ account: '333333333333', resourceType: sg, resourceId: 'sg-3', configRuleName: 'restricted-ssh', complianceStatus: 'NOT_APPLICABLE', evaluatedAtMs: old }),
    evaluation({ account: '333333333333', region: 'us-east-1', resourceType: sg, resourceId: 'sg-4', configRuleName: 'restricted-ssh', complianceStatus: 'INSUFFICIENT_DATA', evaluatedAtMs: old }),
  ];
}

export function counts(values: Partial<StatusCounts>): StatusCounts {
  const c = { ...emptyCounts(), ...values };
  return { ...c, total: c.COMPLIANT + c.NON_COMPLIANT + c.NOT_APPLICABLE + c.INSUFFICIENT_DATA };
}

/** A stored snapshot with the given totals (and the same breakdown by a single account/region/rule/type). */
export function snapshot(date: string, totals: StatusCounts, overrides: Partial<DailySnapshot> = {}): DailySnapshot {
  return {
    date,
    generatedAt: `${date}T06:00:00.000Z`,
    totals,
    resources: totals.total,
    byAccount: { 222222222222: totals },
    byRegion: { 'eu-west-1': totals },
    byRule: { 'restricted-ssh': totals },
    byResourceType: { 'AWS::EC2::SecurityGroup': totals },
    ...overrides,
  };
}
