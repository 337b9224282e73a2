import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { COMPLIANCE_STATUSES, type ComplianceResult } from '../../../../src/runtime/models/compliance-result';
import { toComplianceItem, type ComplianceItem } from '../../../../src/runtime/store/compliance-item';
import { seededRandom } from '../../../support/seeded-random';

export type StoredItem = ComplianceItem & Record<string, unknown>;

const TYPES: { type: string; rules: string[]; id: (n: number, random: () => number) => string }[] = [
  { type: 'AWS::EC2::SecurityGroup', rules: ['restricted-ssh', 'vpc-sg-open-only-to-authorized-ports'], id: (n) => `sg-${(0x1000000 + n).toString(16)}0abc` },
  { type: 'AWS::S3::Bucket', rules: ['s3-bucket-public-read-prohibited', 's3-bucket-ssl-requests-only', 's3-bucket-versioning-enabled'], id: (n) => `logs-${n}-bucket` },
  // Log group names carry slashes: they are why resource ids are percent-encoded in paths.
  { type: 'AWS::Logs::LogGroup', rules: ['cloudwatch-log-group-encrypted'], id: (n) => `/aws/lambda/fn-${n}` },
  { type: 'AWS::IAM::Role', rules: ['iam-no-inline-policy-check'], id: (n) => `AROA${String(n).padStart(17, '0')}` },
  { type: 'AWS::::Account', rules: ['root-account-mfa-enabled'], id: () => '' },
];

/**
 * A synthetic organization's compliance items, built with the write path's own item builder (`toComplianceItem`),
 * so they carry exactly the keys and index attributes the handler writes.
 */
export function organizationItems(options: { accounts: number; regions: string[]; resourcesPerType: number; seed: number }): StoredItem[] {
  const random = seededRandom(options.seed);
  const items: StoredItem[] = [];
  for (let a = 0; a < options.accounts; a++) {
    const account = String(100000000000 + a * 7919);
    for (const region of options.regions) {
      for (const { type, rules, id } of TYPES) {
        const count = type === 'AWS::::Account' ? 1 : options.resourcesPerType;
        for (let n = 0; n < count; n++) {
          const resourceId = type === 'AWS::::Account' ? account : id(a * 1000 + n, random);
          for (const rule of rules) {
            // Skewed like real organizations: mostly compliant.
            const r = random();
            const status = r < 0.6 ? 'COMPLIANT' : r < 0.85 ? 'NON_COMPLIANT' : r < 0.95 ? 'NOT_APPLICABLE' : 'INSUFFICIENT_DATA';
            const evaluatedAtMs = Date.parse('2026-11-01T00:00:00Z') + Math.floor(random() * 20 * 86_400_000);
            const result: ComplianceResult = {
              account,
              region,
              resourceType: type,
              resourceId,
              configRuleName: rule,
              complianceStatus: status as typeof COMPLIANCE_STATUSES[number],
              evaluatedAtMs,
              annotation: status === 'NON_COMPLIANT' ? 'The resource is not compliant.' : undefined,
              configRuleArn: `arn:aws:config:${region}:${account}:config-rule/config-rule-${rule.length}abcd`,
              resultRecordedTime: new Date(evaluatedAtMs).toISOString(),
              sourceEventId: `event-${items.length}`,
              origin: 'event',
            };
            const item = toComplianceItem(result);
            items.push(item as StoredItem);
          }
        }
      }
    }
  }
  return items;
}

/** BatchWriteItem in chunks of 25, retrying unprocessed items: the fastest way to load dynalite. */
export async function loadItems(client: DynamoDBDocumentClient, tableName: string, items: readonly Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25) as Record<string, unknown>[]);
  for (let i = 0; i < chunks.length; i += 8) {
    await Promise.all(chunks.slice(i, i + 8).map(async (chunk) => {
      let requests: unknown[] | undefined = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (requests && requests.length > 0) {
        const response: BatchWriteCommandOutput = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests as never } }));
        requests = response.UnprocessedItems?.[tableName];
      }
    }));
  }
}
