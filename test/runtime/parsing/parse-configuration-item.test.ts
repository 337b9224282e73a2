import { isDeletion } from '../../../src/runtime/models/config-item';
import { parseConfigurationItemChange } from '../../../src/runtime/parsing/parse-configuration-item';
import { loadFixture } from '../../fixtures/aws-config/fixtures';

/** The real CREATE notification of an EC2 instance (EventBridge sample, cloud-custodian omnissm). */
function ec2CreateDetail(): Record<string, any> {
  return loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json').detail;
}

describe('parseConfigurationItemChange', () => {
  test('parses a full notification into every field', () => {
    // Prepare
    const message = ec2CreateDetail();

    // Act
    const item = parseConfigurationItemChange(message, { eventId: '11111111-2222-3333-4444-555555555555' });

    // Assess
    expect(item).toEqual({
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
    });
  });

  test('parses the changed property paths of an UPDATE diff', () => {
    // Prepare
    const message = loadFixture('sns/awsdocs-ci-change-ec2-instance-sg-replaced.json').Message;

    // Act
    const item = parseConfigurationItemChange(message);

    // Assess
    expect(item.changeType).toBe('UPDATE');
    expect(item.changedProperties).toEqual([
      'Configuration.NetworkInterfaces.0',
      'Relationships.0',
      'Configuration.NetworkInterfaces.1',
      'Relationships.1',
      'Configuration.SecurityGroups.1',
      'Configuration.SecurityGroups.0',
    ]);
  });

  test('parses an oversized notification into its summary and S3 location', () => {
    // Prepare
    const message = loadFixture('eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json').detail;

    // Act
    const item = parseConfigurationItemChange(message);

    // Assess
    expect(item).toEqual({
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
    });
  });

  test('parses an oversized delivery failure into its error code, without S3 location', () => {
    // Prepare
    const message = loadFixture('sns/awsdocs-oversized-ci-change-delivery-failed-message-body.json');

    // Act
    const item = parseConfigurationItemChange(message);

    // Assess
    expect(item.oversized).toBe(true);
    expect(item.deliveryErrorCode).toBe('NoSuchBucket');
    expect(item).not.toHaveProperty('s3BucketLocation');
    expect(item.resourceId).toBe('test_resourceId_014b953d-75e3-40ce-96b9-c7240b975457');
  });

  test('parses a deletion (derived from the real CREATE sample: status ResourceDeleted, configuration and diff null)', () => {
    // Prepare: no public deletion notification is stored; this follows the captured deletion shape.
    const message = ec2CreateDetail();
    message.configurationItem.configurationItemStatus = 'ResourceDeleted';
    message.configurationItem.configuration = null;
    message.configurationItem.resourceCreationTime = null;
    message.configurationItem.availabilityZone = null;
    message.configurationItemDiff = null;

    // Act
    const item = parseConfigurationItemChange(message);

    // Assess
    expect(isDeletion(item)).toBe(true);
    expect(item.configurationItemStatus).toBe('ResourceDeleted');
    expect(item).not.toHaveProperty('changeType');
    expect(item.changedProperties).toEqual([]);
    expect(item.resourceId).toBe('i-12345678901234567');
  });

  test('parses a DELETE diff with its change type', () => {
    const message = ec2CreateDetail();
    message.configurationItem.configurationItemStatus = 'ResourceDeleted';
    message.configurationItemDiff = { changedProperties: {}, changeType: 'DELETE' };

    expect(parseConfigurationItemChange(message).changeType).toBe('DELETE');
  });

  test('parses the IAM "global" region as the envelope region', () => {
    // Prepare: the real RDK IAM role item (awsRegion "global", API-style names accountId / arn) in a notification.
    const message = {
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
      notificationCreationTime: '2016-11-06T03:41:53.000Z',
      configurationItemDiff: null,
      configurationItem: loadFixture('configuration-items/rdk-AWS_IAM_Role.json'),
    };

    // Act
    const item = parseConfigurationItemChange(message, { region: 'eu-central-1' });

    // Assess
    expect(message.configurationItem.awsRegion).toBe('global');
    expect(item).toEqual({
      account: '264683526309',
      region: 'eu-central-1',
      resourceType: 'AWS::IAM::Role',
      resourceId: 'AROAIY7FPU7KRV7IZBNPC',
      resourceName: 'config-role-ezcrc2',
      arn: 'arn:aws:iam::264683526309:role/service-role/config-role-ezcrc2',
      configurationItemStatus: 'OK',
      capturedAtMs: Date.UTC(2016, 10, 6, 3, 41, 52, 719),
      configurationStateId: '1478403712719',
      changedProperties: [],
      oversized: false,
      tags: {},
    });
  });

  test('parses an API-shaped item with an epoch-second capture time (derived from the RDK IAM role)', () => {
    // Prepare: the agent may resolve an oversized item through the API, whose wire times are epoch seconds.
    const configurationItem = loadFixture('configuration-items/rdk-AWS_IAM_Role.json');
    configurationItem.configurationItemCaptureTime = 1478403712.719;
    const message = { messageType: 'ConfigurationItemChangeNotification', configurationItem };

    // Act
    const item = parseConfigurationItemChange(message, { region: 'us-east-1' });

    // Assess
    expect(item.capturedAtMs).toBe(Date.UTC(2016, 10, 6, 3, 41, 52, 719));
  });

  test('parses only the string values of tags', () => {
    const message = ec2CreateDetail();
    message.configurationItem.tags = { Name: 'web', Count: 3, Owner: null };

    expect(parseConfigurationItemChange(message).tags).toEqual({ Name: 'web' });
  });
});

describe('parseConfigurationItemChange called directly', () => {
  test('fails when the messageType is not a configuration-item message type', () => {
    // Prepare
    const message = { ...ec2CreateDetail(), messageType: 'ComplianceChangeNotification' };

    // Act / Assess
    expect(() => parseConfigurationItemChange(message)).toThrow(
      'message.messageType: expected one of ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification, '
      + 'OversizedConfigurationItemChangeDeliveryFailed, got "ComplianceChangeNotification"',
    );
  });
});

describe('isDeletion', () => {
  test.each([
    ['ResourceDeleted', true],
    ['ResourceDeletedNotRecorded', true],
    ['OK', false],
    ['ResourceDiscovered', false],
    ['ResourceNotRecorded', false],
  ])('says %s is a deletion: %s', (status, expected) => {
    const message = ec2CreateDetail();
    message.configurationItem.configurationItemStatus = status;

    expect(isDeletion(parseConfigurationItemChange(message))).toBe(expected);
  });
});
