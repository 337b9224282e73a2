import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { RULE_SK_PREFIX } from './keys';
import { RecentKeys } from './recent-keys';

/**
 * Whether a resource has at least one compliance item in the compliance table: what the
 * `RESOURCES_WITH_COMPLIANCE` history choice asks before recording a configuration-item change.
 *
 * One Query of the resource's partition with `begins_with(sk, 'RULE#')` as a key condition (not a filter, so
 * `Limit: 1` reads exactly the first compliance item, or none), eventually consistent: 0.5 read unit, against the
 * write unit of the history record it may save. A retired item counts: the resource had compliance.
 *
 * Only positive answers are remembered (a compliance item does not go away while its resource is monitored): a busy
 * resource costs one read per container; a resource without compliance is asked again on each change, since its
 * first evaluation may arrive at any time.
 */
export class ResourceCompliancePresence {
  // About 1 MB of keys, as the history's memory of what it wrote.
  private readonly known = new RecentKeys(10_000);

  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  async hasComplianceItem(pk: string): Promise<boolean> {
    if (this.known.has(pk)) return true;
    const page = await this.client.send(new QueryCommand({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :rule)',
      ExpressionAttributeValues: { ':pk': pk, ':rule': RULE_SK_PREFIX },
      ProjectionExpression: 'pk',
      Limit: 1,
      ConsistentRead: false,
    }));
    const found = (page.Items ?? []).length > 0;
    if (found) this.known.add(pk);
    return found;
  }
}
