import { parseConfigMessage, parseEventBridgeEvent } from '../../../src/runtime/parsing/parse-event';
import { InvalidEventError } from '../../../src/runtime/parsing/parsed-event';
import { agentEvent, awsConfigEvent, complianceChangeEvent, loadFixture } from '../../fixtures/aws-config/fixtures';

type Event = Record<string, any>;

/** The reason of the InvalidEventError `act` throws; fails the test on any other outcome. */
function invalidReason(act: () => unknown): string {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidEventError);
  const error = thrown as InvalidEventError;
  expect(error.message).toBe(error.reason);
  expect(error.name).toBe('InvalidEventError');
  return error.reason;
}

function ciEvent(): Event {
  return loadFixture('eventbridge/c7n-omnissm-ci-change-ec2-create.json');
}

function oversizedEvent(): Event {
  return loadFixture('eventbridge/c7n-omnissm-ci-change-oversized-ssm-inventory.json');
}

/** Applies a change to a fresh copy of a real event; returns the copy. */
function changed(event: Event, change: (e: Event) => void): Event {
  change(event);
  return event;
}

describe('parseEventBridgeEvent fails on an envelope it cannot trust', () => {
  test.each<[string, unknown, string]>([
    ['is a number', 42, 'event: expected an object, got 42'],
    ['is null', null, 'event: expected an object, got null'],
    ['is an array', [complianceChangeEvent()], 'event: expected an object, got [{'],
    ['is JSON that does not parse', '{"source": "aws.config",', 'event: expected a JSON object ('],
    ['is JSON of a non-object', '"aws.config"', 'event: expected an object, got "aws.config"'],
    ['has another source', awsConfigEvent('Config Rules Compliance Change', {}, { source: 'aws.ec2' }), 'source: expected "aws.config", "aws.ssm" or "monitoring.agent.config", got "aws.ec2"'],
    ['has no source', changed(ciEvent(), (e) => delete e.source), 'source: expected a non-empty string, got undefined'],
    ['has no detail-type', changed(ciEvent(), (e) => delete e['detail-type']), 'detail-type: expected a non-empty string, got undefined'],
    ['has no detail', changed(ciEvent(), (e) => delete e.detail), 'detail: expected an object, got undefined'],
    ['has a detail that is not an object', changed(ciEvent(), (e) => e.detail = ['x']), 'detail: expected an object, got ["x"]'],
    ['has no messageType', changed(ciEvent(), (e) => delete e.detail.messageType), 'detail.messageType: expected a non-empty string, got undefined'],
    ['has an unknown messageType in a known detail-type', changed(ciEvent(), (e) => e.detail.messageType = 'ConfigurationItemChangeNotificationV2'),
      'detail.messageType: expected a message type of "Config Configuration Item Change" (ConfigurationItemChangeNotification, '
      + 'OversizedConfigurationItemChangeNotification, OversizedConfigurationItemChangeDeliveryFailed), got "ConfigurationItemChangeNotificationV2"'],
    ['has the messageType of another detail-type', changed(complianceChangeEvent(), (e) => e.detail.messageType = 'ConfigurationItemChangeNotification'),
      'detail.messageType: expected a message type of "Config Rules Compliance Change" (ComplianceChangeNotification), got "ConfigurationItemChangeNotification"'],
  ])('fails when the event %s', (_name, event, reason) => {
    expect(invalidReason(() => parseEventBridgeEvent(event))).toContain(reason);
  });
});

describe('parseEventBridgeEvent fails on a compliance change missing what the state needs', () => {
  test.each<[string, (e: Event) => void, string]>([
    // The envelope's account (set by EventBridge) is the one stored: without it nothing is trusted, whatever the detail says.
    ['no account anywhere', (e) => { delete e.detail.awsAccountId; delete e.account; },
      'account: expected a 12-digit AWS account id, got undefined'],
    ['an 11-digit account', (e) => e.detail.awsAccountId = '12345678901', 'detail.awsAccountId: expected a 12-digit AWS account id, got "12345678901"'],
    ['a numeric account', (e) => e.detail.awsAccountId = 123456789012, 'detail.awsAccountId: expected a 12-digit AWS account id, got 123456789012'],
    ['a bad envelope account it falls back to', (e) => { delete e.detail.awsAccountId; e.account = 'acme'; },
      'account: expected a 12-digit AWS account id, got "acme"'],
    ['no region anywhere', (e) => { delete e.detail.awsRegion; delete e.region; }, 'detail.awsRegion or region: expected a non-empty string, got undefined'],
    ['no resource type', (e) => { delete e.detail.resourceType; delete e.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceType; },
      'detail.resourceType or detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceType: expected a non-empty string, got undefined'],
    ['no resource id', (e) => { delete e.detail.resourceId; delete e.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId; },
      'detail.resourceId or detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.resourceId: expected a non-empty string, got undefined'],
    ['an empty rule name', (e) => e.detail.configRuleName = '', 'detail.configRuleName: expected a non-empty string, got ""'],
    ['no rule name', (e) => { delete e.detail.configRuleName; delete e.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.configRuleName; },
      'detail.configRuleName or detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.configRuleName: expected a non-empty string, got undefined'],
    ['no newEvaluationResult', (e) => delete e.detail.newEvaluationResult, 'detail.newEvaluationResult: expected an object, got undefined'],
    ['no complianceType', (e) => delete e.detail.newEvaluationResult.complianceType,
      'detail.newEvaluationResult.complianceType: expected one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA, got undefined'],
    ['a complianceType outside the four', (e) => e.detail.newEvaluationResult.complianceType = 'compliant',
      'detail.newEvaluationResult.complianceType: expected one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA, got "compliant"'],
    ['an old complianceType outside the four', (e) => e.detail.oldEvaluationResult.complianceType = 'UNKNOWN',
      'detail.oldEvaluationResult.complianceType: expected one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA, got "UNKNOWN"'],
    ['no evaluation time anywhere', (e) => {
      delete e.detail.newEvaluationResult.resultRecordedTime;
      delete e.detail.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;
      delete e.detail.notificationCreationTime;
      delete e.time;
    }, 'detail.newEvaluationResult.resultRecordedTime: expected an evaluation time (resultRecordedTime, orderingTimestamp, notificationCreationTime or the envelope time), got undefined'],
    ['an unreadable resultRecordedTime', (e) => e.detail.newEvaluationResult.resultRecordedTime = 'yesterday',
      'detail.newEvaluationResult.resultRecordedTime: expected an ISO-8601 timestamp or epoch time, got "yesterday"'],
    ['an annotation that is not a string', (e) => e.detail.newEvaluationResult.annotation = { text: 'x' },
      'detail.newEvaluationResult.annotation: expected a string, got {"text":"x"}'],
  ])('fails when it has %s', (_name, change, reason) => {
    expect(invalidReason(() => parseEventBridgeEvent(changed(complianceChangeEvent(), change)))).toBe(reason);
  });
});

describe('parseEventBridgeEvent fails on a configuration item missing what the state needs', () => {
  test.each<[string, () => Event, string]>([
    ['no configurationItem', () => changed(ciEvent(), (e) => delete e.detail.configurationItem), 'detail.configurationItem: expected an object, got undefined'],
    ['no resource type', () => changed(ciEvent(), (e) => delete e.detail.configurationItem.resourceType),
      'detail.configurationItem.resourceType: expected a non-empty string, got undefined'],
    ['no resource id', () => changed(ciEvent(), (e) => e.detail.configurationItem.resourceId = null),
      'detail.configurationItem.resourceId: expected a non-empty string, got null'],
    ['no configurationItemStatus', () => changed(ciEvent(), (e) => delete e.detail.configurationItem.configurationItemStatus),
      'detail.configurationItem.configurationItemStatus: expected a non-empty string, got undefined'],
    ['no capture time', () => changed(ciEvent(), (e) => delete e.detail.configurationItem.configurationItemCaptureTime),
      'detail.configurationItem.configurationItemCaptureTime: expected an ISO-8601 timestamp or epoch time, got undefined'],
    ['an unreadable capture time', () => changed(ciEvent(), (e) => e.detail.configurationItem.configurationItemCaptureTime = '02/05/2018'),
      'detail.configurationItem.configurationItemCaptureTime: expected an ISO-8601 timestamp or epoch time, got "02/05/2018"'],
    ['a non-12-digit account', () => changed(ciEvent(), (e) => e.detail.configurationItem.awsAccountId = '1234567890123'),
      'detail.configurationItem.awsAccountId: expected a 12-digit AWS account id, got "1234567890123"'],
    ['a configurationStateId that is neither integer nor string', () => changed(ciEvent(), (e) => e.detail.configurationItem.configurationStateId = 1.5),
      'detail.configurationItem.configurationStateId: expected an integer or a non-empty string, got 1.5'],
    ['a changedProperties that is not an object', () => changed(ciEvent(), (e) => e.detail.configurationItemDiff.changedProperties = 'Configuration.State'),
      'detail.configurationItemDiff.changedProperties: expected an object, got "Configuration.State"'],
    ['an oversized message without summary', () => changed(oversizedEvent(), (e) => delete e.detail.configurationItemSummary),
      'detail.configurationItemSummary: expected an object, got undefined'],
    ['a "global" region and no envelope region', () => changed(ciEvent(), (e) => { e.detail.configurationItem.awsRegion = 'global'; delete e.region; }),
      'detail.configurationItem.awsRegion: expected a region, or an envelope region to map "global" to (none given), got "global"'],
  ])('fails when it has %s', (_name, event, reason) => {
    expect(invalidReason(() => parseEventBridgeEvent(event()))).toBe(reason);
  });
});

describe('parseEventBridgeEvent fails on a broken agent envelope', () => {
  test.each<[string, (e: Event) => void, string]>([
    ['no detail.event', (e) => delete e.detail.event, 'detail.event: expected an object, got undefined'],
    ['another schemaVersion', (e) => e.detail.schemaVersion = '2', 'detail.schemaVersion: expected "1", got "2"'],
    ['an inner event from another source', (e) => e.detail.event.source = 'monitoring.agent.config',
      'detail.event.source: expected "aws.config" or "aws.ssm", got "monitoring.agent.config"'],
    ['an inner compliance change with a bad status', (e) => e.detail.event.detail.newEvaluationResult.complianceType = 'PASSED',
      'detail.event.detail.newEvaluationResult.complianceType: expected one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA, got "PASSED"'],
  ])('fails when it has %s', (_name, change, reason) => {
    expect(invalidReason(() => parseEventBridgeEvent(changed(agentEvent(complianceChangeEvent()), change)))).toBe(reason);
  });
});

describe('parseConfigMessage fails on a message it cannot read', () => {
  test('fails when the message is not an object', () => {
    expect(invalidReason(() => parseConfigMessage(42))).toBe('message: expected an object, got 42');
  });

  test('fails when the message is the e-mail rendering (text before the JSON)', () => {
    // Prepare: the oversized doc sample as the e-mail shows it, after "New State Record Summary:".
    const email = `New State Record Summary:\n${JSON.stringify(loadFixture('sns/awsdocs-oversized-ci-change-message-body.json'))}`;

    // Act / Assess
    expect(invalidReason(() => parseConfigMessage(email))).toMatch(/^message: expected a JSON object \(.*\), got "New State Record Summary:/);
  });

  test('fails when the messageType names an Object.prototype member', () => {
    const message = { ...loadFixture('sns/awsdocs-configuration-history-delivery-completed.json').Message, messageType: 'toString' };

    expect(invalidReason(() => parseConfigMessage(message))).toMatch(/^message\.messageType: expected one of .*, got "toString"$/);
  });

  test('fails when the messageType is missing', () => {
    const message = loadFixture('sns/awsdocs-oversized-ci-change-message-body.json');
    delete message.messageType;

    expect(invalidReason(() => parseConfigMessage(message))).toBe('message.messageType: expected a non-empty string, got undefined');
  });

  test('fails when the messageType is not an aws.config notification (rule invocation ScheduledNotification)', () => {
    // Prepare: the real periodic rule-invocation event's invokingEvent, a message type the monitor never receives.
    const invokingEvent = loadFixture('rule-invocation/lambda-console-template-periodic.json').invokingEvent;

    // Act
    const reason = invalidReason(() => parseConfigMessage(invokingEvent));

    // Assess
    expect(reason).toMatch(/^message\.messageType: expected one of ComplianceChangeNotification, ConfigurationItemChangeNotification, .*, got "ScheduledNotification"$/);
  });

  test('fails when a "global" item comes without a context region', () => {
    // Prepare
    const message = { messageType: 'ConfigurationItemChangeNotification', configurationItem: loadFixture('configuration-items/rdk-AWS_IAM_Role.json') };

    // Act / Assess
    expect(invalidReason(() => parseConfigMessage(message))).toBe(
      'message.configurationItem.awsRegion: expected a region, or an envelope region to map "global" to (none given), got "global"',
    );
  });

  test('fails when a compliance change has no account and the context none either', () => {
    const message = loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json').Message;
    delete message.awsAccountId;

    expect(invalidReason(() => parseConfigMessage(message))).toBe('message.awsAccountId or context.account: expected a 12-digit AWS account id, got undefined');
  });

  test('fails with a readable reason when the bad value cannot be JSON-encoded', () => {
    const message = loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json').Message;
    message.newEvaluationResult.complianceType = BigInt(1);

    expect(invalidReason(() => parseConfigMessage(message))).toMatch(/complianceType: expected one of .*, got 1$/);
  });

  test('fails with a shortened value when the bad value is long', () => {
    // Prepare: real result tokens are kilobytes of base64; the reason must stay one readable line.
    const message = loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json').Message;
    message.newEvaluationResult.complianceType = 'X'.repeat(5000);

    // Act
    const reason = invalidReason(() => parseConfigMessage(message));

    // Assess
    expect(reason.length).toBeLessThan(250);
    expect(reason).toMatch(/got "XXXX+\.\.\.$/);
  });
});
