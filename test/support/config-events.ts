import type { SQSRecord } from 'aws-lambda';

/**
 * EventBridge events in exactly the shape AWS Config publishes them (see test/fixtures/aws-config/ for the real
 * samples these builders follow: sns/awsdocs-compliance-change-cloudtrail-enabled.json's Message is the detail
 * of a compliance change, eventbridge/c7n-omnissm-ci-change-ec2-create.json a configuration-item change).
 */
export interface ComplianceEventInput {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly rule: string;
  readonly status: string;
  readonly previousStatus?: string;
  readonly recordedAt: string;
  readonly annotation?: string;
}

function evaluationResult(input: ComplianceEventInput, status: string, recordedAt: string, annotation?: string) {
  const ms = Date.parse(recordedAt);
  return {
    evaluationResultIdentifier: {
      evaluationResultQualifier: { configRuleName: input.rule, resourceType: input.resourceType, resourceId: input.resourceId },
      orderingTimestamp: new Date(ms - 800).toISOString(),
    },
    complianceType: status,
    resultRecordedTime: recordedAt,
    configRuleInvokedTime: new Date(ms - 500).toISOString(),
    ...(annotation ? { annotation } : {}),
  };
}

export function complianceChangeEvent(input: ComplianceEventInput): Record<string, unknown> {
  const created = new Date(Date.parse(input.recordedAt) + 1200).toISOString();
  return {
    'version': '0',
    'id': input.id,
    'detail-type': 'Config Rules Compliance Change',
    'source': 'aws.config',
    'account': input.account,
    'time': created.replace(/\.\d+Z$/, 'Z'),
    'region': input.region,
    'resources': [],
    'detail': {
      resourceId: input.resourceId,
      awsRegion: input.region,
      awsAccountId: input.account,
      configRuleName: input.rule,
      recordVersion: '1.0',
      configRuleARN: `arn:aws:config:${input.region}:${input.account}:config-rule/config-rule-${input.rule.length}abc`,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: evaluationResult(input, input.status, input.recordedAt, input.annotation),
      ...(input.previousStatus
        ? { oldEvaluationResult: evaluationResult(input, input.previousStatus, new Date(Date.parse(input.recordedAt) - 3_600_000).toISOString()) }
        : {}),
      notificationCreationTime: created,
      resourceType: input.resourceType,
    },
  };
}

export interface ConfigItemEventInput {
  readonly id: string;
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly capturedAt: string;
  readonly status: 'OK' | 'ResourceDiscovered' | 'ResourceDeleted';
  readonly changeType: 'CREATE' | 'UPDATE' | 'DELETE';
}

export function configItemChangeEvent(input: ConfigItemEventInput): Record<string, unknown> {
  const deleted = input.status === 'ResourceDeleted';
  const arn = `arn:aws:ec2:${input.region}:${input.account}:security-group/${input.resourceId}`;
  return {
    'version': '0',
    'id': input.id,
    'detail-type': 'Config Configuration Item Change',
    'source': 'aws.config',
    'account': input.account,
    'time': input.capturedAt.replace(/\.\d+Z$/, 'Z'),
    'region': input.region,
    'resources': [arn],
    'detail': {
      recordVersion: '1.3',
      messageType: 'ConfigurationItemChangeNotification',
      configurationItemDiff: deleted ? null : {
        changedProperties: input.changeType === 'UPDATE'
          ? { 'Configuration.IpPermissions.0': { previousValue: null, updatedValue: { ipProtocol: 'tcp', fromPort: 22, toPort: 22 }, changeType: 'CREATE' } }
          : {},
        changeType: input.changeType,
      },
      notificationCreationTime: new Date(Date.parse(input.capturedAt) + 900).toISOString(),
      configurationItem: {
        relatedEvents: [],
        relationships: [],
        configuration: deleted ? null : { groupId: input.resourceId, groupName: 'web', ipPermissions: [] },
        supplementaryConfiguration: {},
        tags: deleted ? {} : { team: 'payments' },
        configurationItemVersion: '1.3',
        configurationItemCaptureTime: input.capturedAt,
        configurationStateId: Date.parse(input.capturedAt),
        awsAccountId: input.account,
        configurationItemStatus: input.status,
        resourceType: input.resourceType,
        resourceId: input.resourceId,
        resourceName: null,
        ARN: arn,
        awsRegion: input.region,
        availabilityZone: 'Not Applicable',
        configurationStateMd5Hash: '',
        resourceCreationTime: deleted ? null : '2026-01-01T00:00:00.000Z',
      },
    },
  };
}

/** How an EventBridge → SQS target delivers an event to the handler: the event JSON is the message body. */
export function sqsRecord(body: string | Record<string, unknown>, messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1764158400000',
      SenderId: 'AIDAEVENTBRIDGE',
      ApproximateFirstReceiveTimestamp: '1764158400000',
    },
    messageAttributes: {},
    md5OfBody: 'not-checked',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111111111111:config-events-buffer',
    awsRegion: 'eu-west-1',
  };
}
