import type { ComplianceResult } from '../../../src/runtime/models/compliance-result';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import { writePathSuite } from '../../support/write-path-harness';

// Review of 7e5e2a1: the annotation "whole in the evaluation log", and in the notification of an item whose resource
// id is an ARN (too big for one write unit whatever its annotation).

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const LB_ARN = 'arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/internal-payments-api-prod-alb/50dc6c495c0c9188';

function evaluation(annotation: string, overrides: Partial<ComplianceResult> = {}): ComplianceResult {
  return {
    account: '123456789012',
    region: 'ap-southeast-2',
    resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    resourceId: LB_ARN,
    configRuleName: 'elb-logging-enabled-conformance-pack-abcdefghi',
    complianceStatus: 'NON_COMPLIANT',
    evaluatedAtMs: T0,
    resultRecordedTime: new Date(T0).toISOString(),
    annotation,
    configRuleArn: 'arn:aws:config:ap-southeast-2:123456789012:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-a1b2c3',
    sourceEventId: `event-${T0}`,
    origin: 'event',
    ...overrides,
  };
}

/** True when the string has no unpaired UTF-16 surrogate (DynamoDB and SNS take UTF-8). */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const suite = writePathSuite();

describe('annotations', () => {
  test('the evaluation log keeps a 256-character annotation with characters outside the BMP whole, never splitting a surrogate pair', async () => {
    // 256 characters (code points) as Config counts them, 511 UTF-16 code units.
    const annotation = `!${'\u{1F525}'.repeat(255)}`;
    await applyComplianceResult(evaluation(annotation, { resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0a1b2c3d' }), suite.harness.context);
    const [record] = (await suite.harness.history()).filter((r) => typeof r.annotation === 'string');
    expect(wellFormed(record.annotation as string)).toBe(true);
    expect(record.annotation).toBe(annotation);
  });

  test('an item whose resource id is an ARN keeps its annotation, and its notification carries it', async () => {
    const annotation = 'Access logging is disabled on this load balancer.';
    const result = await applyComplianceResult(evaluation(annotation), suite.harness.context);
    expect(result).toEqual({ outcome: 'transition', notified: true });
    const [item] = await suite.harness.complianceItems();
    expect(item.annotation).toBe(annotation);
    expect(JSON.parse(suite.harness.notifications()[0].Message!).annotation).toBe(annotation);
  });
});
