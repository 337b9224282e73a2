import { readdirSync } from 'fs';
import { join } from 'path';
import { parseConfigMessage } from '../../../src/runtime/parsing/parse-event';
import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { loadFixture } from '../../fixtures/aws-config/fixtures';

/** The AWS-doc samples are whole SNS envelopes; the antiope and oversized samples are the message body alone. */
function snsMessage(fixture: string): Record<string, any> {
  const sample = loadFixture(fixture);
  return sample.Type === 'Notification' ? sample.Message : sample;
}

describe('parseConfigMessage (every SNS sample)', () => {
  test('parses the compliance change, keeping the SNS MessageId as sourceEventId', () => {
    // Prepare
    const envelope = loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json');

    // Act
    const parsed = parseConfigMessage(envelope.Message, { eventId: envelope.MessageId, time: envelope.Timestamp });

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
        sourceEventId: '11fd05dd-47e1-5523-bc01-55b988bb9478',
        origin: 'event',
      },
    });
  });

  test('parses a Message delivered as a JSON string, as real SNS deliveries carry it', () => {
    // Prepare
    const message = JSON.stringify(snsMessage('sns/awsdocs-compliance-change-cloudtrail-enabled.json'));

    // Act
    const parsed = parseConfigMessage(message);

    // Assess
    expect(parsed.kind === 'compliance' && parsed.result.evaluatedAtMs).toBe(Date.UTC(2016, 8, 27, 19, 48, 41, 405));
  });

  test.each([
    // [fixture, resourceType, resourceId, region, changeType, status, capture time, state id, changed property count, tags]
    ['sns/awsdocs-ci-change-ec2-instance-sg-replaced.json', 'AWS::EC2::Instance', 'i-007d374c8912e3e90', 'us-east-2', 'UPDATE', 'OK',
      '2017-01-09T22:50:14.328Z', '1484002214328', 6, { Name: 'value' }],
    ['sns/awsdocs-ci-change-securitygroup-created.json', 'AWS::EC2::SecurityGroup', 'sg-3f1fef43', 'us-east-2', 'CREATE', 'ResourceDiscovered',
      '2017-01-09T22:50:15.156Z', '1484002215156', 0, {}],
    ['sns/antiope-message-body-ci-change-ebs-volume-create.json', 'AWS::EC2::Volume', 'vol-004bcxxxxxxx', 'us-east-1', 'CREATE', 'ResourceDiscovered',
      '2018-12-16T12:44:50.026Z', '56789123456', 0, {}],
  ])('parses %s', (fixture, resourceType, resourceId, region, changeType, status, capturedAt, stateId, changedCount, tags) => {
    // Prepare
    const message = snsMessage(fixture);

    // Act
    const parsed = parseConfigMessage(message);

    // Assess
    expect(parsed.kind).toBe('configuration-item');
    if (parsed.kind !== 'configuration-item') return;
    expect(parsed.item).toMatchObject({
      account: '123456789012',
      region,
      resourceType,
      resourceId,
      changeType,
      configurationItemStatus: status,
      capturedAtMs: Date.parse(capturedAt as string),
      configurationStateId: stateId,
      oversized: false,
      tags,
    });
    expect(parsed.item.changedProperties).toHaveLength(changedCount as number);
    // resourceName is null in all three: absent, not null.
    expect(parsed.item).not.toHaveProperty('resourceName');
  });

  test('parses the oversized message body with its S3 location', () => {
    // Prepare
    const message = snsMessage('sns/awsdocs-oversized-ci-change-message-body.json');

    // Act
    const parsed = parseConfigMessage(message);

    // Assess
    expect(parsed).toEqual({
      kind: 'configuration-item',
      item: {
        account: '123456789012',
        region: 'us-west-2',
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'resourceId_14b76876-7969-4097-ab8e-a31942b02e80',
        arn: 'arn:aws:ec2:us-west-2:123456789012:instance/resourceId_14b76876-7969-4097-ab8e-a31942b02e80',
        changeType: 'UPDATE',
        configurationItemStatus: 'OK',
        capturedAtMs: Date.UTC(2016, 9, 6, 16, 46, 16, 261),
        configurationStateId: '0',
        changedProperties: [],
        oversized: true,
        s3BucketLocation: 'my-bucket/AWSLogs/123456789012/Config/us-west-2/2016/10/6/OversizedChangeNotification/AWS::EC2::Instance/'
          + 'resourceId_14b76876-7969-4097-ab8e-a31942b02e80/123456789012_Config_us-west-2_ChangeNotification_AWS::EC2::Instance_'
          + 'resourceId_14b76876-7969-4097-ab8e-a31942b02e80_20161006T164616Z_0.json.gz',
        tags: {},
      },
    });
  });

  test('parses the oversized delivery-failed message body with its error code', () => {
    // Prepare
    const message = snsMessage('sns/awsdocs-oversized-ci-change-delivery-failed-message-body.json');

    // Act
    const parsed = parseConfigMessage(message);

    // Assess
    expect(parsed).toEqual({
      kind: 'configuration-item',
      item: {
        account: '123456789012',
        region: 'us-west-2',
        resourceType: 'AWS::EC2::Instance',
        resourceId: 'test_resourceId_014b953d-75e3-40ce-96b9-c7240b975457',
        arn: 'arn:aws:ec2:us-west-2:123456789012:instance/test_resourceId_014b953d-75e3-40ce-96b9-c7240b975457',
        changeType: 'UPDATE',
        configurationItemStatus: 'OK',
        capturedAtMs: Date.UTC(2016, 9, 6, 16, 46, 13, 749),
        configurationStateId: '0',
        changedProperties: [],
        oversized: true,
        deliveryErrorCode: 'NoSuchBucket',
        tags: {},
      },
    });
  });

  test.each([
    ['sns/awsdocs-config-rules-evaluation-started.json', 'Config Rules Re-evaluation Status'],
    ['sns/awsdocs-configuration-snapshot-delivery-started.json', 'Config Configuration Snapshot Delivery Status'],
    ['sns/awsdocs-configuration-snapshot-delivery-completed.json', 'Config Configuration Snapshot Delivery Status'],
    ['sns/antiope-message-body-snapshot-delivery-completed.json', 'Config Configuration Snapshot Delivery Status'],
    ['sns/awsdocs-configuration-history-delivery-completed.json', 'Config Configuration History Delivery Status'],
    ['sns/antiope-message-body-history-delivery-completed.json', 'Config Configuration History Delivery Status'],
  ])('parses %s as a skipped %s notification', (fixture, detailType) => {
    expect(parseConfigMessage(snsMessage(fixture))).toEqual({ kind: 'skipped', detailType, reason: 'status-notification' });
  });

  test('fails on the legacy 2014 format (decision: rejected, not parsed) naming the format', () => {
    // Prepare: MessageVersion / configurationItems array / no awsRegion: not what Config sends today.
    const message = snsMessage('sns/awsdocs-ci-change-ebs-volume-attached.json');

    // Act
    const act = () => parseConfigMessage(message, { region: 'us-west-2' });

    // Assess
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow('message.MessageVersion: legacy 2014 notification format (MessageVersion, configurationItems array) is not supported, got MessageVersion "1.0"');
  });

  test('covers every copied SNS sample', () => {
    // A sample added to the folder without a test here fails this, so "every SNS sample parses" stays true.
    const covered = [
      'antiope-message-body-ci-change-ebs-volume-create.json',
      'antiope-message-body-history-delivery-completed.json',
      'antiope-message-body-snapshot-delivery-completed.json',
      'awsdocs-ci-change-ebs-volume-attached.json',
      'awsdocs-ci-change-ec2-instance-sg-replaced.json',
      'awsdocs-ci-change-securitygroup-created.json',
      'awsdocs-compliance-change-cloudtrail-enabled.json',
      'awsdocs-config-rules-evaluation-started.json',
      'awsdocs-configuration-history-delivery-completed.json',
      'awsdocs-configuration-snapshot-delivery-completed.json',
      'awsdocs-configuration-snapshot-delivery-started.json',
      'awsdocs-oversized-ci-change-delivery-failed-message-body.json',
      'awsdocs-oversized-ci-change-message-body.json',
    ];

    expect(readdirSync(join(__dirname, '../../fixtures/aws-config/sns')).sort()).toEqual(covered);
  });
});
