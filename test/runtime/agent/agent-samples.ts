import { gzipSync } from 'zlib';
import type { SQSRecord } from 'aws-lambda';
import type { ForwardingSettings } from '../../../src/runtime/agent/forwarding-settings';
import { awsConfigEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';
import { sqsRecord } from '../../support/config-events';

/**
 * The real samples of test/fixtures/aws-config as the events the agent's rule delivers to its buffer queue.
 * Where no EventBridge capture exists, the SNS message body becomes the `detail` (aws-config-facts.md §D).
 */
export const CENTRAL_BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';
export const DELIVERY_BUCKET = 'config-delivery-123456789012';

export function settings(overrides: Partial<ForwardingSettings> = {}): ForwardingSettings {
  return {
    centralEventBusArn: CENTRAL_BUS_ARN,
    includeResourceTypes: [],
    excludeResourceTypes: [],
    dropNotApplicable: false,
    dropRelationshipOnlyChanges: false,
    samplingRates: {},
    labels: {},
    remediationDocuments: {},
    ...overrides,
  };
}

/** eventbridge/c7n-omnissm-ci-change-ec2-create.json: a CREATE of an EC2 instance tagged Name. */
export function instanceCreated(): Record<string, any> {
  return loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
}

/**
 * eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json: oversized, delivered to `bucket/file.json.gz`.
 * Its sanitised id is the same as the EC2 sample's: a different event under the same id.
 */
export function oversizedInventory(): Record<string, any> {
  return loadFixture('eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json');
}

/** sns/awsdocs-ci-change-ec2-instance-sg-replaced.json: an UPDATE of configuration and relationships. */
export function securityGroupsReplaced(): Record<string, any> {
  const message = loadFixture('sns/awsdocs-ci-change-ec2-instance-sg-replaced.json').Message;
  return awsConfigEvent('Config Configuration Item Change', message, {
    id: '5a0c4f1e-0000-4000-8000-00000000a001',
    account: '123456789012',
    region: 'us-east-2',
    time: '2017-01-09T22:50:15Z',
    resources: [message.configurationItem.ARN],
  });
}

/** The same real update with only its relationship changes left in the diff. */
export function relationshipsOnlyChanged(): Record<string, any> {
  const event = securityGroupsReplaced();
  event.id = '5a0c4f1e-0000-4000-8000-00000000a002';
  const changed = event.detail.configurationItemDiff.changedProperties;
  for (const key of Object.keys(changed)) if (!key.startsWith('Relationships.')) delete changed[key];
  return event;
}

/** sns/awsdocs-compliance-change-cloudtrail-enabled.json: NON_COMPLIANT → COMPLIANT on AWS::::Account. */
export function complianceChanged(): Record<string, any> {
  return complianceChangeEvent();
}

/** The real compliance change as a first evaluation to NOT_APPLICABLE (no oldEvaluationResult). */
export function firstNotApplicable(): Record<string, any> {
  const event = complianceChangeEvent();
  event.id = '8e2f9a4c-0000-4000-8000-0000000000na';
  event.detail.newEvaluationResult.complianceType = 'NOT_APPLICABLE';
  delete event.detail.oldEvaluationResult;
  return event;
}

/** sns/awsdocs-oversized-ci-change-delivery-failed-message-body.json: `s3BucketLocation: null`, NoSuchBucket. */
export function oversizedDeliveryFailed(): Record<string, any> {
  const body = loadFixture('sns/awsdocs-oversized-ci-change-delivery-failed-message-body.json');
  return awsConfigEvent('Config Configuration Item Change', body, {
    id: 'c0ffee05-0000-4000-8000-000000000000',
    account: '123456789012',
    region: 'us-west-2',
    time: '2016-10-06T16:46:14Z',
    resources: [body.configurationItemSummary.ARN],
  });
}

/** sns/awsdocs-config-rules-evaluation-started.json: a status notification (no resource). */
export function evaluationStarted(): Record<string, any> {
  return awsConfigEvent('Config Rules Re-evaluation Status',
    loadFixture('sns/awsdocs-config-rules-evaluation-started.json').Message,
    { id: '7b7b7b7b-0000-4000-8000-000000000e01' });
}

/**
 * An oversized notification for the real sg-replaced item, shaped like the documented one
 * (sns/awsdocs-oversized-ci-change-message-body.json) with the item's own summary fields, delivered to the
 * documented key layout in DELIVERY_BUCKET. Returns the event and the S3 object Config would have written.
 * The item is captured one minute later than the sample (capture time and state id moved together), so that it is
 * a change of its own next to securityGroupsReplaced(), not a redelivery of it.
 */
export function oversizedResolvable(): { event: Record<string, any>; bucket: string; key: string; object: Buffer; message: Record<string, any> } {
  const message = loadFixture('sns/awsdocs-ci-change-ec2-instance-sg-replaced.json').Message;
  const item = message.configurationItem;
  item.configurationItemCaptureTime = '2017-01-09T22:51:14.328Z';
  item.configurationStateId += 60_000;
  const body = loadFixture('sns/awsdocs-oversized-ci-change-message-body.json');
  for (const field of Object.keys(body.configurationItemSummary)) {
    if (field in item) body.configurationItemSummary[field] = item[field];
  }
  body.configurationItemSummary.changeType = message.configurationItemDiff.changeType;
  const key = `AWSLogs/${item.awsAccountId}/Config/${item.awsRegion}/2017/1/9/OversizedChangeNotification/${item.resourceType}/`
    + `${item.resourceId}/${item.awsAccountId}_Config_${item.awsRegion}_ChangeNotification_${item.resourceType}_${item.resourceId}_20170109T225014Z_0.json.gz`;
  body.s3DeliverySummary.s3BucketLocation = `${DELIVERY_BUCKET}/${key}`;
  body.notificationCreationTime = message.notificationCreationTime;
  const event = awsConfigEvent('Config Configuration Item Change', body, {
    id: '9d9d9d9d-0000-4000-8000-00000000b001',
    account: item.awsAccountId,
    region: item.awsRegion,
    time: '2017-01-09T22:50:16Z',
    resources: [item.ARN],
  });
  return { event, bucket: DELIVERY_BUCKET, key, object: gzipSync(JSON.stringify(message)), message };
}

export function records(events: Array<Record<string, unknown>>, prefix = 'm'): SQSRecord[] {
  return events.map((event, index) => sqsRecord(event, `${prefix}${index + 1}`));
}

/** A GetObject response body as the SDK v3 returns it (a stream with transformToByteArray). */
export function objectBody(bytes: Buffer) {
  return { transformToByteArray: async () => new Uint8Array(bytes) } as never;
}
