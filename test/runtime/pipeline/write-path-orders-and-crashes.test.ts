import { PublishCommand } from '@aws-sdk/client-sns';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { ComplianceResult, ComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import { applyConfigItem } from '../../../src/runtime/pipeline/apply-config-item';
import { NOTIFICATION_LEASE_MS, type WriteContext } from '../../../src/runtime/pipeline/write-context';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';
import { securityGroupDeletion } from '../../support/security-group-deletion';
import { writePathHarness } from '../../support/write-path-harness';

/**
 * Orders, crashes and refusals that lost or wedged a record or a notification on the write path's design before the
 * evaluation log and the owed notifications: one test each, each failing on that design.
 */
const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const HOUR = 3_600_000;

function evaluation(status: ComplianceStatus, atMs: number, rule = 'restricted-ssh'): ComplianceResult {
  return {
    account: '222222222222',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0a1b2c3d',
    configRuleName: rule,
    complianceStatus: status,
    evaluatedAtMs: atMs,
    resultRecordedTime: new Date(atMs).toISOString(),
    sourceEventId: `event-${status}-${atMs}`,
    origin: 'event',
  };
}

const deletion = securityGroupDeletion;

let db: LocalDynamoDb;
let harness: Awaited<ReturnType<typeof writePathHarness>>;
let clock: number;
let context: WriteContext;

beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());
beforeEach(async () => {
  harness = await writePathHarness(db);
  clock = Date.parse('2026-11-26T12:00:00Z');
  context = { ...harness.context, now: () => new Date(clock) };
});
afterEach(() => harness.restore());

/** The container dies right after it committed the state: no publish, no release of its lease. */
function dyingAfterCommit(): WriteContext {
  const dead = async () => { throw new Error('Task timed out after 60.00 seconds'); };
  return {
    ...context,
    notifier: { notify: dead } as never,
    compliance: Object.assign(Object.create(context.compliance), { setNotificationLease: dead }),
  };
}

async function transitions(): Promise<string[]> {
  return (await harness.auditHistory()).filter((h) => h.config_item_type === 'ComplianceChange')
    .map((h) => `${String(h.event_time).slice(11, 16)} ${h.previous_status}->${h.compliance_status}`).sort();
}

test('C 08:00, N 09:00, C 10:00 leave the non-compliant hour in the history in all six delivery orders', async () => {
  const events = [evaluation('COMPLIANT', T0), evaluation('NON_COMPLIANT', T0 + HOUR), evaluation('COMPLIANT', T0 + 2 * HOUR)];
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const order of orders) {
    harness.restore();
    harness = await writePathHarness(db);
    for (const i of order) await applyComplianceResult(events[i], harness.context);
    expect({ order, history: await transitions() }).toEqual({ order, history: ['08:00 NONE->COMPLIANT', '09:00 COMPLIANT->NON_COMPLIANT', '10:00 NON_COMPLIANT->COMPLIANT'] });
  }
});

test('a deletion after a crash between state and history loses neither the record nor the notification', async () => {
  await applyComplianceResult(evaluation('COMPLIANT', T0), context);
  await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0 + HOUR), dyingAfterCommit())).rejects.toThrow('timed out');

  await applyConfigItem(deletion(T0 + 2 * HOUR), context);
  clock += NOTIFICATION_LEASE_MS + 1;
  await applyComplianceResult(evaluation('NON_COMPLIANT', T0 + HOUR), context);

  expect(await transitions()).toEqual(['08:00 NONE->COMPLIANT', '09:00 COMPLIANT->NON_COMPLIANT']);
  expect(harness.notifications().map((n) => n.Subject)).toEqual(['NON_COMPLIANT: restricted-ssh on AWS::EC2::SecurityGroup']);
  const [item] = (await harness.complianceItems()).filter((i) => i.sk === 'RULE#restricted-ssh');
  expect(item).toMatchObject({ retired_at_ms: T0 + 2 * HOUR, notifications: {} });
});

test('a first evaluation written while a deletion swept is retired by its redelivery, not left current', async () => {
  // The deletion's marker lands after the evaluation read it, and its sweep before the evaluation's write.
  const racing: WriteContext = {
    ...context,
    compliance: Object.assign(Object.create(context.compliance), {
      replace: async (...args: Parameters<WriteContext['compliance']['replace']>) => {
        await applyConfigItem(deletion(T0 + HOUR), context);
        const written = await context.compliance.replace(...args);
        throw Object.assign(new Error(`socket hang up (written: ${written})`), { name: 'TimeoutError' });
      },
    }),
  };
  await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0), racing)).rejects.toThrow('socket hang up (written: true)');

  clock += NOTIFICATION_LEASE_MS + 1;
  await applyComplianceResult(evaluation('NON_COMPLIANT', T0), context);

  const [item] = (await harness.complianceItems()).filter((i) => i.sk === 'RULE#restricted-ssh');
  expect(item).toMatchObject({ retired_at_ms: T0 + HOUR, notifications: {} });
  expect(item.status_shard).toBeUndefined();
  // It was the resource's state until the deletion: notified once, and in the history.
  expect(harness.notifications()).toHaveLength(1);
  expect(await transitions()).toEqual(['08:00 NONE->NON_COMPLIANT']);
});

test('a deletion processed between the state write and the notification does not lose the notification', async () => {
  await applyComplianceResult(evaluation('COMPLIANT', T0), context);
  const slowNotifier: WriteContext = {
    ...context,
    notifier: {
      notify: async (...args: Parameters<WriteContext['notifier']['notify']>) => {
        await applyConfigItem(deletion(T0 + 2 * HOUR), context);
        return context.notifier.notify(...args);
      },
    } as never,
  };

  await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0 + HOUR), slowNotifier)).resolves.toMatchObject({ notified: true });

  expect(harness.notifications()).toHaveLength(1);
  expect((await harness.complianceItems()).find((i) => i.sk === 'RULE#restricted-ssh')).toMatchObject({ notifications: {} });
});

test('an SNS failure, then a newer evaluation before the redelivery: both notifications are sent', async () => {
  harness.sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  await applyComplianceResult(evaluation('COMPLIANT', T0), context);
  await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0 + HOUR), context)).rejects.toThrow('Rate exceeded');
  harness.sns.on(PublishCommand).resolves({ MessageId: 'm-2' });

  await applyComplianceResult(evaluation('COMPLIANT', T0 + 2 * HOUR), context);
  await applyComplianceResult(evaluation('NON_COMPLIANT', T0 + HOUR), context);

  // In call order: the refused attempt, the newer change, then the redelivery's send of the first change.
  expect(harness.notifications().map((n) => n.MessageAttributes?.compliance_status?.StringValue)).toEqual(['NON_COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT']);
});

test('a control character in a rule name is made valid for SNS; a message SNS refuses for good is dead-lettered, and the item moves on', async () => {
  const rule = 'restricted\u0007ssh\nprod';
  await applyComplianceResult(evaluation('NON_COMPLIANT', T0, rule), context);
  const [first] = harness.notifications();
  expect(first.Subject).toBe('NON_COMPLIANT: restricted?ssh?prod on AWS::EC2::SecurityGroup');
  expect(first.MessageAttributes?.config_rule_name?.StringValue).toBe('restricted?ssh\nprod');

  harness.sns.reset();
  harness.sns.on(PublishCommand)
    .rejectsOnce(Object.assign(new Error('Invalid parameter: Subject'), { name: 'InvalidParameterException' }))
    .resolves({ MessageId: 'm-3' });
  await expect(applyComplianceResult(evaluation('COMPLIANT', T0 + HOUR, rule), context)).resolves.toMatchObject({ notified: false, refused: true });
  const [refused] = harness.sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
  expect(refused.MessageAttributes?.reason?.StringValue).toBe('notification refused by SNS: InvalidParameterException: Invalid parameter: Subject');

  // Nothing is retried and nothing blocks: the next change is sent as usual.
  await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0 + 2 * HOUR, rule), context)).resolves.toMatchObject({ notified: true });
  expect((await harness.complianceItems()).find((i) => i.config_rule_name === rule)).toMatchObject({ notifications: {} });
});
