import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ComplianceItem, ResourceMarker } from './compliance-item';
import { sendConditionalWrite } from './conditional-write';
import { RESOURCE_MARKER_SK, isRuleSortKey } from './keys';

/**
 * Current compliance state. Every write that replaces an item is conditional on the version it read (optimistic
 * concurrency), and every other write of the item bumps that version, so no writer ever overwrites what it did not see.
 */
export class ConfigComplianceRepository {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  /**
   * The rule's item and the resource's deletion marker, in one strongly consistent Query (the write that follows is
   * conditional on exactly this state): the marker's sort key `RESOURCE` sorts before every `RULE#…`, so the range
   * from the marker to the rule holds both, and the rules that sort between them (a few small items: one read unit
   * covers 4 KB of them).
   */
  async readRule(pk: string, sk: string): Promise<{ item?: ComplianceItem; marker?: ResourceMarker }> {
    let item: ComplianceItem | undefined;
    let marker: ResourceMarker | undefined;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :marker AND :rule',
        ExpressionAttributeValues: { ':pk': pk, ':marker': RESOURCE_MARKER_SK, ':rule': sk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }));
      for (const found of page.Items ?? []) {
        if (found.sk === sk) item = found as ComplianceItem;
        else if (found.sk === RESOURCE_MARKER_SK) marker = found as ResourceMarker;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { item, marker };
  }

  /**
   * Writes the item if the stored one is still the version read (or still absent); the item carries the next version.
   * @returns false when another writer got there first: the caller reads again.
   */
  async replace(item: ComplianceItem, expected: ComplianceItem | undefined): Promise<boolean> {
    const condition = expected
      ? expected.version === undefined
        ? { ConditionExpression: 'attribute_not_exists(version) AND evaluated_at_ms = :at', ExpressionAttributeValues: { ':at': expected.evaluated_at_ms } }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expected.version } }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
  }

  /**
   * Takes over an owed notification whose lease ran out (its sender died), or releases one (lease 0): only one caller
   * wins for a given lease.
   */
  async setNotificationLease(pk: string, sk: string, key: string, expectedLeaseUntilMs: number, leaseUntilMs: number): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET notifications.#key.lease_until_ms = :lease ADD version :one',
      ConditionExpression: 'notifications.#key.lease_until_ms = :expected',
      ExpressionAttributeNames: { '#key': key },
      ExpressionAttributeValues: { ':lease': leaseUntilMs, ':expected': expectedLeaseUntilMs, ':one': 1 },
    }));
  }

  /** Drops an owed notification once sent (or dead-lettered), if the lease is still the caller's. */
  async removeNotification(pk: string, sk: string, key: string, leaseUntilMs: number): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'REMOVE notifications.#key ADD version :one',
      ConditionExpression: 'notifications.#key.lease_until_ms = :lease',
      ExpressionAttributeNames: { '#key': key },
      ExpressionAttributeValues: { ':lease': leaseUntilMs, ':one': 1 },
    }));
  }

  /** Records a deletion unless a newer (or the same) deletion is already recorded: the marker keeps the latest. */
  async markResourceDeleted(marker: ResourceMarker & Record<string, unknown>): Promise<boolean> {
    return this.conditional(new PutCommand({
      TableName: this.tableName,
      Item: marker,
      ConditionExpression: 'attribute_not_exists(pk) OR deleted_at_ms < :at',
      ExpressionAttributeValues: { ':at': marker.deleted_at_ms },
    }));
  }

  /** Every compliance item of one resource, retired ones included (the deletion marker excluded). */
  async listResourceItems(pk: string): Promise<ComplianceItem[]> {
    const items: ComplianceItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }));
      items.push(...(page.Items ?? []).filter((item) => isRuleSortKey(item.sk as string)) as ComplianceItem[]);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /**
   * Retires an item evaluated no later than `atMs`: it stops being current state and leaves every index (their key
   * attributes go), but stays in the table with the notifications it still owes. A newer evaluation survives, and
   * brings a retired item back.
   */
  async retireIfNotNewer(pk: string, sk: string, atMs: number): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET retired_at_ms = :at REMOVE status_shard, account_shard, rule_shard ADD version :one',
      ConditionExpression: 'evaluated_at_ms <= :at AND attribute_not_exists(retired_at_ms)',
      ExpressionAttributeValues: { ':at': atMs, ':one': 1 },
    }));
  }

  private async conditional(command: PutCommand | UpdateCommand): Promise<boolean> {
    return sendConditionalWrite(this.client, command);
  }
}
