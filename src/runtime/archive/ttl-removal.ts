import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/** What DynamoDB Streams puts in `userIdentity` when its TTL process, not a caller, deleted the item. */
export const TTL_PRINCIPAL = 'dynamodb.amazonaws.com';

/** The partition of the daily report snapshots: not history, and already kept by the report bucket. */
export const SNAPSHOT_PARTITION_PREFIX = 'REPORT#';

/**
 * Whether the record is an expiry by TTL. The event source filter already lets only these through; checked again
 * so that a mapping created without the filter (by hand, or a future edit) never archives a user's own delete.
 */
export function isTtlRemoval(record: DynamoDBRecord): boolean {
  return record.eventName === 'REMOVE'
    && record.userIdentity?.type === 'Service'
    && record.userIdentity?.principalId === TTL_PRINCIPAL;
}

/** The expired item, plain JavaScript, or undefined when the stream did not carry the old image. */
export function expiredItem(record: DynamoDBRecord): Record<string, unknown> | undefined {
  const image = record.dynamodb?.OldImage;
  if (!image) return undefined;
  // aws-lambda's AttributeValue and the SDK's describe the same DynamoDB JSON.
  return unmarshall(image as Record<string, AttributeValue>);
}
