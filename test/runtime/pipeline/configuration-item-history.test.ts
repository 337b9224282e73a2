import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ComplianceResult } from '../../../src/runtime/models/compliance-result';
import type { ConfigItemChange } from '../../../src/runtime/models/config-item';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import { applyConfigItem } from '../../../src/runtime/pipeline/apply-config-item';
import type { WriteContext } from '../../../src/runtime/pipeline/write-context';
import { resourceKey } from '../../../src/runtime/store/keys';
import { ResourceCompliancePresence } from '../../../src/runtime/store/resource-compliance-presence';
import { securityGroupDeletion } from '../../support/security-group-deletion';
import { writePathSuite } from '../../support/write-path-harness';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const SG = { account: '222222222222', region: 'eu-west-1', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0a1b2c3d' };
const BUCKET = { account: '222222222222', region: 'eu-west-1', resourceType: 'AWS::S3::Bucket', resourceId: 'logs' };

function change(resource: typeof SG, atMs: number): ConfigItemChange {
  return {
    ...resource,
    changeType: 'UPDATE',
    configurationItemStatus: 'OK',
    capturedAtMs: atMs,
    configurationStateId: String(atMs),
    changedProperties: ['Configuration.IpPermissions.0'],
    oversized: false,
    tags: {},
  };
}

function evaluation(atMs: number): ComplianceResult {
  return {
    ...SG,
    configRuleName: 'restricted-ssh',
    complianceStatus: 'NON_COMPLIANT',
    evaluatedAtMs: atMs,
    resultRecordedTime: new Date(atMs).toISOString(),
    configRuleArn: 'arn:aws:config:eu-west-1:222222222222:config-rule/config-rule-abc123',
    sourceEventId: `event-${atMs}`,
    origin: 'event',
  };
}

const suite = writePathSuite();

/** The harness's context with a history choice, the presence read counted. */
function withHistory(mode: WriteContext['configurationItemHistory']) {
  const presence = new ResourceCompliancePresence(suite.db.documentClient, suite.harness.tables.complianceTable);
  let reads = 0;
  const context: WriteContext = {
    ...suite.harness.context,
    configurationItemHistory: mode,
    compliancePresence: { hasComplianceItem: async (pk) => { reads++; return presence.hasComplianceItem(pk); } },
  };
  return { context, presence, reads: () => reads };
}

async function configurationRecords(resource: typeof SG) {
  return (await suite.harness.history()).filter((r) => r.config_item_type === 'ConfigurationItemChange' && r.pk === resourceKey(resource));
}

describe('configuration-item history', () => {
  test('ALL records every change, of resources with and without compliance', async () => {
    const { context } = withHistory('ALL');
    expect((await applyConfigItem(change(SG, T0), context)).outcome).toBe('recorded');
    expect((await applyConfigItem(change(BUCKET, T0), context)).outcome).toBe('recorded');
    expect(await configurationRecords(SG)).toHaveLength(1);
    expect(await configurationRecords(BUCKET)).toHaveLength(1);
  });

  test('a context without the setting records every change (as before the setting)', async () => {
    expect((await applyConfigItem(change(BUCKET, T0), suite.harness.context)).outcome).toBe('recorded');
  });

  test('NONE records no change, but still records a deletion exactly as ALL does', async () => {
    const { context } = withHistory('NONE');
    await applyComplianceResult(evaluation(T0), context);
    expect(await applyConfigItem(change(SG, T0 + 1000), context)).toEqual({ outcome: 'not-kept', retired: 0 });
    expect(await configurationRecords(SG)).toEqual([]);

    expect(await applyConfigItem(securityGroupDeletion(T0 + 2000), context)).toEqual({ outcome: 'deleted', retired: 1 });
    const [deletion] = await configurationRecords(SG);
    expect(deletion).toMatchObject({ configuration_state: 'ResourceDeleted', deletion_order: expect.any(Number) });
    expect((await suite.harness.complianceItems()).find((i) => i.sk === 'RESOURCE')).toMatchObject({ deleted_at_ms: T0 + 2000 });
    expect((await suite.harness.complianceItems()).find((i) => i.sk === 'RULE#restricted-ssh')).toMatchObject({ retired_at_ms: expect.any(Number) });
  });

  test('RESOURCES_WITH_COMPLIANCE skips a resource without a compliance item and records one with, one read per container', async () => {
    const { context, reads } = withHistory('RESOURCES_WITH_COMPLIANCE');
    // The change before the first evaluation: no compliance item yet, left to AWS Config.
    expect((await applyConfigItem(change(SG, T0), context)).outcome).toBe('not-kept');
    expect((await applyConfigItem(change(BUCKET, T0), context)).outcome).toBe('not-kept');
    await applyComplianceResult(evaluation(T0 + 1000), context);
    const readsBefore = reads();
    for (let i = 0; i < 5; i++) expect((await applyConfigItem(change(SG, T0 + 2000 + i), context)).outcome).toBe('recorded');
    expect(reads() - readsBefore).toBe(5);
    expect(await configurationRecords(SG)).toHaveLength(5);
    expect(await configurationRecords(BUCKET)).toEqual([]);
  });

  test('the presence read: a Query with Limit 1 on the key condition, eventually consistent, then the cache', async () => {
    const { presence } = withHistory('RESOURCES_WITH_COMPLIANCE');
    const sent: unknown[] = [];
    const original = suite.db.documentClient.send.bind(suite.db.documentClient);
    const spy = jest.spyOn(suite.db.documentClient, 'send').mockImplementation(((command: unknown) => {
      sent.push(command);
      return original(command as never);
    }) as never);
    try {
      expect(await presence.hasComplianceItem(resourceKey(SG))).toBe(false);
      await applyComplianceResult(evaluation(T0), suite.harness.context);
      sent.length = 0;
      expect(await presence.hasComplianceItem(resourceKey(SG))).toBe(true);
      expect(await presence.hasComplianceItem(resourceKey(SG))).toBe(true);
      const queries = sent.filter((c): c is QueryCommand => c instanceof QueryCommand);
      expect(queries).toHaveLength(1);
      expect(queries[0].input).toMatchObject({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rule)',
        Limit: 1,
        ConsistentRead: false,
        ExpressionAttributeValues: { ':pk': resourceKey(SG), ':rule': 'RULE#' },
      });
      expect(queries[0].input.FilterExpression).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  test('a deletion marker alone is no compliance: the key condition reads only RULE# items', async () => {
    const { context } = withHistory('RESOURCES_WITH_COMPLIANCE');
    await applyConfigItem({ ...securityGroupDeletion(T0), ...BUCKET }, context);
    const partition = await suite.db.documentClient.send(new QueryCommand({
      TableName: suite.harness.tables.complianceTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': resourceKey(BUCKET) },
    }));
    expect(partition.Items?.map((i) => i.sk)).toEqual(['RESOURCE']);
    expect((await applyConfigItem(change(BUCKET, T0 + 1000), context)).outcome).toBe('not-kept');
  });

  test.each(['ALL', 'RESOURCES_WITH_COMPLIANCE', 'NONE'] as const)('%s: a deletion of a resource never evaluated is recorded, with its deletion_order', async (mode) => {
    const { context } = withHistory(mode);
    expect((await applyConfigItem(securityGroupDeletion(T0), context)).outcome).toBe('deleted');
    expect(await configurationRecords(SG)).toEqual([expect.objectContaining({ configuration_state: 'ResourceDeleted', deletion_order: expect.any(Number) })]);
  });
});
