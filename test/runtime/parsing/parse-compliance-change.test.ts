import { isComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { parseComplianceChange } from '../../../src/runtime/parsing/parse-compliance-change';
import { loadFixture } from '../../fixtures/aws-config/fixtures';

/** The real ComplianceChangeNotification body (SNS doc example: NON_COMPLIANT → COMPLIANT, annotation null). */
function complianceMessage(): Record<string, any> {
  return loadFixture('sns/awsdocs-compliance-change-cloudtrail-enabled.json').Message;
}

describe('parseComplianceChange', () => {
  test('parses a change with oldEvaluationResult into every field', () => {
    // Prepare
    const message = complianceMessage();

    // Act
    const result = parseComplianceChange(message, { eventId: '11fd05dd-47e1-5523-bc01-55b988bb9478' });

    // Assess
    expect(result).toEqual({
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
    });
  });

  test('parses a first evaluation without oldEvaluationResult (field deleted from a copy of the real sample)', () => {
    // Prepare: no public sample of a first evaluation is stored; Config omits the field in that case.
    const message = complianceMessage();
    delete message.oldEvaluationResult;

    // Act
    const result = parseComplianceChange(message);

    // Assess
    expect(result).not.toHaveProperty('previousStatus');
    expect(result.complianceStatus).toBe('COMPLIANT');
    expect(result.evaluatedAtMs).toBe(Date.UTC(2016, 8, 27, 19, 48, 41, 405));
  });

  test('parses oldEvaluationResult: null like a missing one', () => {
    const message = complianceMessage();
    message.oldEvaluationResult = null;

    expect(parseComplianceChange(message)).not.toHaveProperty('previousStatus');
  });

  test('parses a null annotation and resultToken (SNS doc form) as no annotation', () => {
    // Prepare
    const message = complianceMessage();

    // Act
    const result = parseComplianceChange(message);

    // Assess
    expect(message.newEvaluationResult.annotation).toBeNull();
    expect(result).not.toHaveProperty('annotation');
    expect(Object.keys(result)).not.toContain('annotation');
  });

  test('parses a missing annotation and resultToken (EventBridge capture form) as no annotation', () => {
    const message = complianceMessage();
    delete message.newEvaluationResult.annotation;
    delete message.newEvaluationResult.resultToken;

    expect(parseComplianceChange(message)).not.toHaveProperty('annotation');
  });

  test('parses a string annotation', () => {
    const message = complianceMessage();
    message.newEvaluationResult.annotation = 'Trail is not multi-region.';

    expect(parseComplianceChange(message).annotation).toBe('Trail is not multi-region.');
  });

  test('parses INSUFFICIENT_DATA and NOT_APPLICABLE', () => {
    for (const status of ['INSUFFICIENT_DATA', 'NOT_APPLICABLE']) {
      const message = complianceMessage();
      message.newEvaluationResult.complianceType = status;
      expect(parseComplianceChange(message).complianceStatus).toBe(status);
    }
  });

  test('parses the conformance-pack suffix of a rule name unchanged', () => {
    // Prepare
    const message = complianceMessage();
    const name = 'cloudtrail-enabled-conformance-pack-abcdefghi';
    message.configRuleName = name;
    message.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier.configRuleName = name;

    // Act / Assess
    expect(parseComplianceChange(message).configRuleName).toBe(name);
  });

  test('parses configRuleArn spelled as in rule-invocation events', () => {
    const message = complianceMessage();
    message.configRuleArn = message.configRuleARN;
    delete message.configRuleARN;

    expect(parseComplianceChange(message).configRuleArn).toBe('arn:aws:config:us-east-2:123456789012:config-rule/config-rule-9rpvxc');
  });

  test('parses resource and rule from the qualifier when the top-level fields are missing', () => {
    // Prepare
    const message = complianceMessage();
    delete message.resourceType;
    delete message.resourceId;
    delete message.configRuleName;

    // Act
    const result = parseComplianceChange(message);

    // Assess
    expect([result.resourceType, result.resourceId, result.configRuleName]).toEqual(['AWS::::Account', '123456789012', 'cloudtrail-enabled']);
  });

  test('parses account and region from the context when the message lacks them', () => {
    const message = complianceMessage();
    delete message.awsAccountId;
    delete message.awsRegion;

    const result = parseComplianceChange(message, { account: '210987654321', region: 'eu-west-1' });

    expect([result.account, result.region]).toEqual(['210987654321', 'eu-west-1']);
  });

  test('parses the region from the message rather than the context, and the account the message names must be the context\'s', () => {
    const result = parseComplianceChange(complianceMessage(), { account: '123456789012', region: 'eu-west-1' });

    expect([result.account, result.region]).toEqual(['123456789012', 'us-east-2']);
    // The context's account is the sender's (EventBridge's): a message naming another is refused, never stored as it.
    expect(() => parseComplianceChange(complianceMessage(), { account: '210987654321', region: 'eu-west-1' })).toThrow(/^account mismatch: message\.awsAccountId/);
  });

  test('parses an evaluation without evaluationResultIdentifier from the top-level fields', () => {
    // Prepare
    const message = complianceMessage();
    delete message.newEvaluationResult.evaluationResultIdentifier;

    // Act
    const result = parseComplianceChange(message);

    // Assess
    expect(result).not.toHaveProperty('orderingTimestamp');
    expect([result.resourceId, result.evaluatedAtMs]).toEqual(['123456789012', Date.UTC(2016, 8, 27, 19, 48, 41, 405)]);
  });

  describe('evaluatedAtMs falls back in order', () => {
    test('parses orderingTimestamp when resultRecordedTime is missing', () => {
      const message = complianceMessage();
      delete message.newEvaluationResult.resultRecordedTime;

      const result = parseComplianceChange(message);

      expect(result.evaluatedAtMs).toBe(Date.UTC(2016, 8, 27, 19, 48, 40, 619));
      expect(result).not.toHaveProperty('resultRecordedTime');
    });

    test('parses notificationCreationTime when the evaluation carries no time', () => {
      const message = complianceMessage();
      delete message.newEvaluationResult.resultRecordedTime;
      delete message.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;

      expect(parseComplianceChange(message).evaluatedAtMs).toBe(Date.UTC(2016, 8, 27, 19, 48, 42, 620));
    });

    test('parses the envelope time last', () => {
      const message = complianceMessage();
      delete message.newEvaluationResult.resultRecordedTime;
      delete message.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;
      delete message.notificationCreationTime;

      expect(parseComplianceChange(message, { time: '2016-09-27T19:48:43Z' }).evaluatedAtMs).toBe(Date.UTC(2016, 8, 27, 19, 48, 43));
    });
  });
});

describe('isComplianceStatus', () => {
  test('accepts exactly the four Config compliance types', () => {
    expect(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'].every(isComplianceStatus)).toBe(true);
    expect([undefined, null, 'compliant', 'UNKNOWN', 1].some(isComplianceStatus)).toBe(false);
  });
});
