import type { ComplianceResult, ComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import { applyConfigItem } from '../../../src/runtime/pipeline/apply-config-item';
import { securityGroupDeletion } from '../../support/security-group-deletion';
import { seededRandom, shuffled } from '../../support/seeded-random';
import { writePathSuite } from '../../support/write-path-harness';

// Review of 7e5e2a1: every message describes its own evaluation (annotation, rule ARN), whatever the arrival order,
// duplicates, concurrency, deletions and revivals. Each evaluation carries a distinct annotation and rule ARN.

const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const STATUSES: ComplianceStatus[] = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'];

function evaluation(status: ComplianceStatus, atMs: number, n: number): ComplianceResult {
  return {
    account: '222222222222',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0a1b2c3d',
    configRuleName: 'restricted-ssh',
    complianceStatus: status,
    evaluatedAtMs: atMs,
    resultRecordedTime: new Date(atMs).toISOString(),
    // Some long, so that items near the budget get shortened (the notification then says so with an ellipsis).
    annotation: `evaluation ${n} ${status}${n % 3 === 0 ? ` ${'detail '.repeat(30)}` : ''}`,
    configRuleArn: `arn:aws:config:eu-west-1:222222222222:config-rule/config-rule-${n}`,
    sourceEventId: `event-${n}`,
    origin: 'event',
  };
}

const suite = writePathSuite();

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

describe('every notification describes its own evaluation (seeded)', () => {
  test.each(SEEDS)('seed %i', async (seed) => {
    const random = seededRandom(seed);
    const evaluations = Array.from({ length: 6 }, (_, n) => evaluation(STATUSES[Math.floor(random() * 3)], T0 + n * 60_000 + 1, n));
    const deletions = random() < 0.5 ? [securityGroupDeletion(T0 + Math.floor(random() * 6) * 60_000 + 30_000)] : [];
    type Delivery = { kind: 'eval'; result: ComplianceResult } | { kind: 'del'; atMs: number };
    const deliveries: Delivery[] = [
      ...evaluations.flatMap((result) => (random() < 0.3 ? [result, result] : [result]).map((r) => ({ kind: 'eval' as const, result: r }))),
      ...deletions.map((d) => ({ kind: 'del' as const, atMs: d.capturedAtMs })),
    ];
    // Publishing fails transiently 40% of the time: owed entries stay, and newer evaluations replace the item meanwhile.
    const notifier = suite.harness.context.notifier;
    const notify = notifier.notify.bind(notifier);
    notifier.notify = async (...args) => {
      if (random() < 0.4) throw Object.assign(new Error('throttled'), { name: 'ThrottledException' });
      return notify(...args);
    };
    const order = [...shuffled(deliveries, random), ...shuffled(deliveries, random), ...shuffled(deliveries, random)];
    // Two concurrent lanes.
    const lanes: Delivery[][] = [[], []];
    order.forEach((d) => lanes[Math.floor(random() * 2)].push(d));
    await Promise.all(lanes.map(async (lane) => {
      for (const d of lane) {
        for (let attempt = 0; ; attempt++) {
          try {
            if (d.kind === 'eval') await applyComplianceResult(d.result, suite.harness.context);
            else await applyConfigItem(securityGroupDeletion(d.atMs), suite.harness.context);
            break;
          } catch (error) {
            if (attempt > 20) break;
            await new Promise((r) => setTimeout(r, 5));
            if (random() < 0.5) break; // left to a later redelivery
          }
        }
      }
    }));
    for (const message of suite.harness.notifications()) {
      const body = JSON.parse(message.Message!);
      const own = evaluations.find((e) => new Date(e.evaluatedAtMs).toISOString() === body.evaluated_at
        && e.complianceStatus === body.compliance_status)!;
      expect(own).toBeDefined();
      expect(body.config_rule_arn).toBe(own.configRuleArn);
      const annotation = body.annotation as string | undefined;
      expect(annotation).toBeDefined();
      const whole = annotation!.endsWith('\u2026') ? annotation!.slice(0, -1) : annotation!;
      expect(own.annotation!.startsWith(whole)).toBe(true);
    }
  });
});
