import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

// Stream records built from the documented shapes, not captured from an account:
// - the Lambda event record for DynamoDB Streams (eventID, eventName, eventVersion 1.1, eventSource aws:dynamodb,
//   awsRegion, dynamodb { ApproximateCreationDateTime (epoch seconds), Keys, OldImage, SequenceNumber, SizeBytes,
//   StreamViewType }, eventSourceARN): https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
// - the `userIdentity` of a TTL deletion, `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`:
//   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
// OldImage and Keys are DynamoDB JSON (`{ S: … }`, `{ N: '…' }`), as the stream carries them.

export const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:111111111111:table/Master-EventsTable/stream/2026-11-01T00:00:00.000';

export interface HistoryItemOverrides {
  readonly account?: string;
  readonly resourceId?: string;
  readonly eventTime?: string;
  readonly rule?: string;
  readonly status?: string;
}

/** A history item as the write path stores it (src/runtime/store/history-repository.ts). */
export function historyItem(overrides: HistoryItemOverrides = {}): Record<string, unknown> {
  const account = overrides.account ?? '222222222222';
  const resourceId = overrides.resourceId ?? 'sg-0123456789abcdef0';
  const eventTime = overrides.eventTime ?? '2025-11-20T08:15:30.000Z';
  const rule = overrides.rule ?? 'restricted-ssh';
  const status = overrides.status ?? 'NON_COMPLIANT';
  return {
    pk: `${account}#eu-west-1#AWS::EC2::SecurityGroup#${resourceId}`,
    sk: `${eventTime}#COMPLIANCE#${rule}#${status}`,
    account,
    region: 'eu-west-1',
    resource_type: 'AWS::EC2::SecurityGroup',
    resource_id: resourceId,
    event_time: eventTime,
    expires_at: Math.floor(Date.parse(eventTime) / 1000) + 365 * 86_400,
    config_item_type: 'ComplianceChange',
    config_rule_name: rule,
    compliance_status: status,
    previous_status: 'COMPLIANT',
    changed_properties: ['Configuration.IpPermissions.0'],
  };
}

let counter = 0;

/** A TTL removal of `item`, as Lambda receives it; sequence numbers rise with each call unless given. */
export function ttlRemoval(item: Record<string, unknown>, options: { sequenceNumber?: string; removedAt?: number } = {}): DynamoDBRecord {
  counter++;
  const sequenceNumber = options.sequenceNumber ?? `${4421584500000000017450439091n + BigInt(counter) * 100n}`;
  const keys = marshall({ pk: item.pk, sk: item.sk });
  const oldImage = marshall(item, { removeUndefinedValues: true });
  return {
    eventID: `c4ca4238a0b923820dcc509a6f7${String(counter).padStart(5, '0')}`,
    eventName: 'REMOVE',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    dynamodb: {
      ApproximateCreationDateTime: options.removedAt ?? 1795162530,
      Keys: keys as any,
      OldImage: oldImage as any,
      SequenceNumber: sequenceNumber,
      SizeBytes: JSON.stringify(oldImage).length,
      StreamViewType: 'OLD_IMAGE',
    },
    eventSourceARN: STREAM_ARN,
    userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
  };
}

/** A delete made by a caller (no userIdentity): not an expiry. */
export function userRemoval(item: Record<string, unknown>): DynamoDBRecord {
  const record = ttlRemoval(item);
  delete (record as { userIdentity?: unknown }).userIdentity;
  return record;
}
