import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ComplianceItem, PendingTransition, ResourceMarker } from './compliance-item';
import { RESOURCE_MARKER_SK, isRuleSortKey } from './keys';

/**
 * Current compliance state. Every write is conditional on what was read (optimistic concurrency),
 * so concurrent or re-delivered evaluations never overwrite a newer state.
 */
export class ConfigComplianceRepository {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Strongly consistent: the write that follows is conditional on exactly this state. */
  async get(pk: string, sk: string): Promise<ComplianceItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }));
    return Item as ComplianceItem | undefined;
  }

  async getResourceMarker(pk: string): Promise<ResourceMarker | undefined> {
    const { Item } = await this.client.send(new GetCommand({
      TableName: this.tableName, Key: { pk, sk: RESOURCE_MARKER_SK }, ConsistentRead: true,
    }));
    return Item as ResourceMarker | undefined;
  }

  /**
   * Writes the item if the stored state is still `expected` (or still absent).
   * @returns false when another writer got there first: the caller reads again.
   */
  async putIfUnchanged(item: ComplianceItem, expected: ComplianceItem | undefined): Promise<boolean> {
    const condition = expected
      ? {
        ConditionExpression: 'evaluated_at_ms = :seenAt AND compliance_status = :seenStatus',
        ExpressionAttributeValues: { ':seenAt': expected.evaluated_at_ms, ':seenStatus': expected.compliance_status },
      }
      : { ConditionExpression: 'attribute_not_exists(pk)' };
    return this.conditional(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
  }

  /**
   * Takes the right to perform a pending transition's notification: only one caller ever gets true.
   */
  async claimPendingTransition(pk: string, sk: string, pending: PendingTransition): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'REMOVE pending_transition',
      ConditionExpression: 'pending_transition.at_ms = :at AND pending_transition.#to = :to',
      ExpressionAttributeNames: { '#to': 'to' },
      ExpressionAttributeValues: { ':at': pending.at_ms, ':to': pending.to },
    }));
  }

  /** Puts a claimed transition back when its notification could not be sent, so a redelivery retries it. */
  async restorePendingTransition(pk: string, sk: string, pending: PendingTransition): Promise<boolean> {
    return this.conditional(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET pending_transition = :pending',
      ConditionExpression: 'attribute_not_exists(pending_transition) AND evaluated_at_ms = :at',
      ExpressionAttributeValues: { ':pending': pending, ':at': pending.at_ms },
    }));
  }

  /** Records a deletion unless a newer (or the same) deletion is already recorded. */
  async markResourceDeleted(marker: ResourceMarker & Record<string, unknown>): Promise<boolean> {
    return this.conditional(new PutCommand({
      TableName: this.tableName,
      Item: marker,
      ConditionExpression: 'attribute_not_exists(pk) OR deleted_at_ms < :at',
      ExpressionAttributeValues: { ':at': marker.deleted_at_ms },
    }));
  }

  /** Every compliance item of one resource (the deletion marker excluded). */
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

  /** Removes an item only if it is not newer than `notAfterMs`: a newer evaluation survives a retirement. */
  async deleteIfNotNewer(pk: string, sk: string, notAfterMs: number): Promise<boolean> {
    return this.conditional(new DeleteCommand({
      TableName: this.tableName,
      Key: { pk, sk },
      ConditionExpression: 'evaluated_at_ms <= :at',
      ExpressionAttributeValues: { ':at': notAfterMs },
    }));
  }

  private async conditional(command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutCommand);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
