import { readdirSync } from 'fs';
import { join } from 'path';
import { parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { awsConfigEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';

describe('parseEventBridgeEvent (aws.config)', () => {
  test('parses the real CREATE configuration-item event', () => {
    // Prepare
    const event = loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed).toEqual({
      kind: 'configuration-item',
      item: {
        account: '123456789012',
        region: 'us-east-1',
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'i-12345678901234567',
        arn: 'arn:aws:ec2:us-east-1:123456789012:instance/i-12345678901234567',
        changeType: 'CREATE',
        configurationItemStatus: 'ResourceDiscovered',
        capturedAtMs: 1525278055108,
        configurationStateId: '1525278055108',
        changedProperties: [],
        oversized: false,
        tags: { Name: 'ec2-instance-name' },
        sourceEventId: '11111111-2222-3333-4444-555555555555',
      },
    });
  });

  test('parses the real oversized configuration-item event', () => {
    // Prepare
    const event = loadFixture('eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json');

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed).toEqual({
      kind: 'configuration-item',
      item: {
        account: '123456789012',
        region: 'us-east-1',
        resourceType: 'AWS::SSM::ManagedInstanceInventory',
        resourceId: 'mi-1234567890123456',
        arn: 'arn:aws:ssm:us-east-1:123456789012:managed-instance-inventory/mi-1234567890123456',
        changeType: 'UPDATE',
        configurationItemStatus: 'OK',
        capturedAtMs: Date.UTC(2018, 4, 17, 6, 31, 40, 400),
        configurationStateId: '1526538700400',
        changedProperties: [],
        oversized: true,
        s3BucketLocation: 'bucket/file.json.gz',
        tags: {},
        sourceEventId: '11111111-2222-3333-4444-555555555555',
      },
    });
  });

  test('parses an SQS body: the event as a JSON string', () => {
    // Prepare
    const body = JSON.stringify(loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json'));

    // Act
    const parsed = parseEventBridgeEvent(body);

    // Assess
    expect(parsed.kind === 'configuration-item' && parsed.item.resourceId).toBe('i-12345678901234567');
  });

  test('parses a compliance change event (real SNS body as detail) with oldEvaluationResult', () => {
    // Prepare
    const event = complianceChangeEvent();

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed).toEqual({
      kind: 'compliance',
      result: {
        account: '123456789012',
        region: 'us-east-2',
        resourceType: 'AWS::::Account',
        resourceId: '123456789012',
        configRuleName: 'cloudtrail-enabled',
        complianceStatus: 'COMPLIANT',
        previousStatus: 'NON_COMPLIANT',
        evaluatedAtMs: Date.UTC(2016, 8, 27, 19, 48, 41, 405),
        configRuleArn: 'arn:aws:config:us-east-2:123456789012:config-rule/config-rule-9rpvxc',
        resultRecordedTime: '2016-09-27T19:48:41.405Z',
        configRuleInvokedTime: '2016-09-27T19:48:40.914Z',
        orderingTimestamp: '2016-09-27T19:48:40.619Z',
        sourceEventId: '8e2f9a4c-0000-4000-8000-000000000001',
        origin: 'event',
      },
    });
  });

  test('parses a compliance change event without oldEvaluationResult nor annotation (fields deleted from the real body)', () => {
    // Prepare: EventBridge captures omit both on a first evaluation.
    const event = complianceChangeEvent();
    delete event.detail.oldEvaluationResult;
    delete event.detail.newEvaluationResult.annotation;
    delete event.detail.newEvaluationResult.resultToken;

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed.kind).toBe('compliance');
    if (parsed.kind !== 'compliance') return;
    expect(parsed.result).not.toHaveProperty('previousStatus');
    expect(parsed.result).not.toHaveProperty('annotation');
    expect(parsed.result.complianceStatus).toBe('COMPLIANT');
  });

  test('parses account and region from the envelope when the detail lacks them', () => {
    // Prepare
    const event = complianceChangeEvent();
    delete event.detail.awsAccountId;
    delete event.detail.awsRegion;
    event.account = '210987654321';
    event.region = 'ap-southeast-2';

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed.kind === 'compliance' && [parsed.result.account, parsed.result.region]).toEqual(['210987654321', 'ap-southeast-2']);
  });

  test('parses the IAM "global" region of a configuration item as the envelope region', () => {
    // Prepare: the real RDK IAM role item inside a configuration-item event of eu-central-1.
    const event = awsConfigEvent('Config Configuration Item Change', {
      recordVersion: '1.3',
      messageType: 'ConfigurationItemChangeNotification',
      configurationItemDiff: null,
      notificationCreationTime: '2016-11-06T03:41:53.000Z',
      configurationItem: loadFixture('configuration-items/rdk-AWS_IAM_Role.json'),
    }, { account: '264683526309', region: 'eu-central-1' });

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed.kind === 'configuration-item' && parsed.item.region).toBe('eu-central-1');
    expect(parsed.kind === 'configuration-item' && parsed.item.resourceId).toBe('AROAIY7FPU7KRV7IZBNPC');
  });

  test.each([
    ['Config Rules Re-evaluation Status', 'sns/awsdocs-config-rules-evaluation-started.json'],
    ['Config Configuration Snapshot Delivery Status', 'sns/awsdocs-configuration-snapshot-delivery-started.json'],
    ['Config Configuration Snapshot Delivery Status', 'sns/awsdocs-configuration-snapshot-delivery-completed.json'],
    ['Config Configuration History Delivery Status', 'sns/awsdocs-configuration-history-delivery-completed.json'],
  ])('parses %s (detail from %s) as a skipped status notification', (detailType, fixture) => {
    // Prepare
    const event = awsConfigEvent(detailType, loadFixture(fixture).Message);

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed).toEqual({ kind: 'skipped', detailType, reason: 'status-notification' });
  });

  test('parses a status detail-type with an undocumented message type as skipped, not invalid', () => {
    // Prepare: ConfigurationHistoryDeliveryFailed appears in public event patterns but not in the AWS list.
    const detail = { ...loadFixture('sns/antiope-message-body-history-delivery-completed.json'), messageType: 'ConfigurationHistoryDeliveryFailed' };

    // Act
    const parsed = parseEventBridgeEvent(awsConfigEvent('Config Configuration History Delivery Status', detail));

    // Assess
    expect(parsed).toEqual({ kind: 'skipped', detailType: 'Config Configuration History Delivery Status', reason: 'status-notification' });
  });

  test('parses a detail-type naming an Object.prototype member as unknown', () => {
    expect(parseEventBridgeEvent(awsConfigEvent('constructor', {}))).toEqual({ kind: 'skipped', detailType: 'constructor', reason: 'unknown-detail-type' });
  });

  test('parses an unknown detail-type as skipped', () => {
    // Prepare: Config API calls reach EventBridge through CloudTrail under source aws.config.
    const event = awsConfigEvent('AWS API Call via CloudTrail', { eventName: 'PutConfigRule' });

    // Act
    const parsed = parseEventBridgeEvent(event);

    // Assess
    expect(parsed).toEqual({ kind: 'skipped', detailType: 'AWS API Call via CloudTrail', reason: 'unknown-detail-type' });
  });

  test('covers every copied EventBridge sample', () => {
    // A sample added to the folder without a test here fails this, so "every EventBridge sample parses" stays true.
    const covered = ['c7n-omnissm-ci-change-ec2-create.json', 'c7n-omnissm-ci-change-oversized-ssm-inventory.json'];

    expect(readdirSync(join(__dirname, '../../fixtures/aws-config/eventbridge')).sort()).toEqual(covered);
  });
});
