import { marshall } from '@aws-sdk/util-dynamodb';
import * as fc from 'fast-check';
import { itemSize, type Item } from '../../../bench/billing';
import type { ComplianceResult } from '../../../src/runtime/models/compliance-result';
import { ITEM_BYTES_BUDGET, toComplianceItem, withinWriteUnit, type ComplianceItem } from '../../../src/runtime/store/compliance-item';
import { itemBytes } from '../../../src/runtime/store/item-size';

/** The bench's billing rules, an implementation of their own over the wire format: the oracle here. */
const billedBytes = (item: object) => itemSize(marshall(item, { removeUndefinedValues: true }) as unknown as Item);

const AT = Date.parse('2026-12-01T10:00:00.123Z');

/** A conformance-pack rule on a security group, with Config's 256-character annotation limit. */
function evaluation(annotation: string, overrides: Partial<ComplianceResult> = {}): ComplianceResult {
  return {
    account: '123456789012',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0123456789abcdef0',
    configRuleName: 'restricted-ssh-conformance-pack-abcdefghi',
    complianceStatus: 'NON_COMPLIANT',
    evaluatedAtMs: AT,
    annotation,
    configRuleArn: 'arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-a1b2c3',
    resultRecordedTime: new Date(AT + 900).toISOString(),
    sourceEventId: '01234567-89ab-cdef-0123-456789abcdef',
    origin: 'event',
    ...overrides,
  };
}

/** The longest names seen in practice: a long pack rule name, a service-linked rule's ARN. */
const LONG_NAMES: Partial<ComplianceResult> = {
  region: 'ap-southeast-2',
  configRuleName: 'vpc-sg-open-only-to-authorized-ports-conformance-pack-abcdefghi',
  configRuleArn: 'arn:aws:config:ap-southeast-2:123456789012:config-rule/aws-service-rule/config-conforms.amazonaws.com/config-rule-a1b2c3',
};

/** The item as the write path commits a transition: a version and the notification it owes. */
function owing(item: ComplianceItem): ComplianceItem {
  const key = `${AT}#NON_COMPLIANT`;
  return { ...item, version: 12, notifications: { [key]: { from: 'COMPLIANT', to: 'NON_COMPLIANT', at_ms: AT, lease_until_ms: AT + 900_000 } } };
}

describe('compliance items fit one write unit', () => {
  test('an item owing a notification, with a pack rule\'s name and a 200-character annotation, is under 1 KB and keeps the annotation whole', () => {
    const annotation = 'a'.repeat(200);
    const item = withinWriteUnit(owing(toComplianceItem(evaluation(annotation))));
    expect(item.annotation).toBe(annotation);
    expect(billedBytes(item)).toBeLessThanOrEqual(ITEM_BYTES_BUDGET);
  });

  test.each([
    ['an oversized annotation', `${'é'.repeat(300)}${'z'.repeat(400)}`, {}],
    ['Config\'s longest annotation with the longest names', 'é'.repeat(256), LONG_NAMES],
  ])('%s is shortened to fit, ending in an ellipsis, never split inside a character', (_name, annotation, overrides) => {
    const item = withinWriteUnit(owing(toComplianceItem(evaluation(annotation, overrides))));
    expect(item.annotation!.endsWith('\u2026')).toBe(true);
    expect(annotation.startsWith(item.annotation!.slice(0, -1))).toBe(true);
    expect(billedBytes(item)).toBeLessThanOrEqual(ITEM_BYTES_BUDGET);
    // Not shortened more than needed: one more two-byte character would not fit.
    expect(billedBytes(item)).toBeGreaterThan(ITEM_BYTES_BUDGET - 2);
  });

  test('an item that fits is written as it is', () => {
    const item = owing(toComplianceItem(evaluation('port 22 open to 0.0.0.0/0')));
    expect(withinWriteUnit(item)).toBe(item);
  });

  test('the runtime size agrees with the bench billing rules on any item (seeded)', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double({ min: -1e15, max: 1e15, noNaN: true }), fc.boolean()),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.dictionary(fc.string({ minLength: 1 }), tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }), value, { maxKeys: 8 }), (item) => {
      expect(itemBytes(item)).toBe(billedBytes(item));
    }), { seed: 20261204, numRuns: 300 });
  });

  // Review: Config names an ELBv2 load balancer (and SNS topics, ECS services…) by its ARN, which the item carries three
  // times (pk, resource_id, status_sort): such an item exceeds 1 KB with no annotation at all. Shortening cannot make it
  // fit, yet withinWriteUnit dropped the annotation entirely, from the item, the API and the owed notification.
  test('an item that cannot fit one write unit even without its annotation keeps the annotation whole', () => {
    const arn = 'arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/internal-payments-api-prod-alb/50dc6c495c0c9188';
    const annotation = 'Access logging is disabled on this load balancer.';
    const item = owing(toComplianceItem(evaluation(annotation, {
      ...LONG_NAMES, resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', resourceId: arn,
    })));
    const { annotation: _dropped, ...withoutAnnotation } = item;
    expect(billedBytes(withoutAnnotation)).toBeGreaterThan(ITEM_BYTES_BUDGET);
    expect(withinWriteUnit(item).annotation).toBe(annotation);
  });
});

test('an oversized item with a forged, huge annotation keeps at most Config\'s 256 characters of it (review)', () => {
  const arn = 'arn:aws:elasticloadbalancing:ap-southeast-2:123456789012:loadbalancer/app/internal-payments-api-prod-alb/50dc6c495c0c9188';
  const item = withinWriteUnit(toComplianceItem(evaluation('x'.repeat(100_000), {
    ...LONG_NAMES, resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer', resourceId: arn,
  })));
  expect(Array.from(item.annotation!)).toHaveLength(256);
  expect(item.annotation!.endsWith('\u2026')).toBe(true);
});
