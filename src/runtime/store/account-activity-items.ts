import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { activityPartitionKeys, type AccountActivityItem } from './account-activity-keys';

/**
 * Every account-activity item: a Query of each of the few activity partitions, every page, never a Scan of the
 * compliance table. Read by the scheduled silence check and by the fleet coverage check.
 */
export async function readAccountActivityItems(client: DynamoDBDocumentClient, tableName: string): Promise<AccountActivityItem[]> {
  const items: AccountActivityItem[] = [];
  for (const pk of activityPartitionKeys()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: startKey,
      }));
      items.push(...(page.Items ?? []) as AccountActivityItem[]);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  return items;
}
