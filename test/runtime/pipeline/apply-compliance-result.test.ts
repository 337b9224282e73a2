import { PublishCommand } from '@aws-sdk/client-sns';
import type { ComplianceResult, ComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import { applyConfigItem } from '../../../src/runtime/pipeline/apply-config-item';
import { NOTIFICATION_LEASE_MS } from '../../../src/runtime/pipeline/write-context';
import { resourceKey, ruleSortKey, statusShard } from '../../../src/runtime/store/keys';
import { securityGroupDeletion } from '../../support/security-group-deletion';
import { TOPIC_ARN, writePathHarness, writePathSuite } from '../../support/write-path-harness';

const T0 = Date.parse('2026-11-20T10:00:00.000Z');

function evaluation(status: ComplianceStatus, atMs: number, overrides: Partial<ComplianceResult> = {}): ComplianceResult {
  return {
    account: '222222222222',
    region: 'eu-west-1',
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: 'sg-0a1b2c3d',
    configRuleName: 'restricted-ssh',
    complianceStatus: status,
    evaluatedAtMs: atMs,
    resultRecordedTime: new Date(atMs).toISOString(),
    annotation: status === 'NON_COMPLIANT' ? 'port 22 open to 0.0.0.0/0' : undefined,
    configRuleArn: 'arn:aws:config:eu-west-1:222222222222:config-rule/config-rule-abc123',
    sourceEventId: `event-${status}-${atMs}`,
    origin: 'event',
    ...overrides,
  };
}

const deletion = securityGroupDeletion;

const suite = writePathSuite();

describe('applyComplianceResult', () => {
  test('stores a first evaluation with the documented attributes (docs/guide/data-model.md), one history record and one notification', async () => {
    const result = await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);

    expect(result).toEqual({ outcome: 'transition', notified: true });
    const [item] = await suite.harness.complianceItems();
    expect(item).toMatchObject({
      pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-0a1b2c3d',
      sk: 'RULE#restricted-ssh',
      account: '222222222222',
      region: 'eu-west-1',
      resource_id: 'sg-0a1b2c3d',
      resource_type: 'AWS::EC2::SecurityGroup',
      config_rule_name: 'restricted-ssh',
      compliance_status: 'NON_COMPLIANT',
      last_evaluated: T0 / 1000,
    });
    expect(item.pending_transition).toBeUndefined();
    expect(item).toMatchObject({ annotation: 'port 22 open to 0.0.0.0/0', source: 'event' });
    expect(item.compliance_details).toBeUndefined();
    const history = await suite.harness.history();
    expect(history).toHaveLength(1);
    expect(history[0].source_event_id).toBe(`event-NON_COMPLIANT-${T0}`);
    expect(history[0]).toMatchObject({ config_item_type: 'ComplianceChange', compliance_status: 'NON_COMPLIANT', previous_status: 'NONE', config_rule_name: 'restricted-ssh' });
    expect(history[0].expires_at).toBe(T0 / 1000 + 30 * 86400);
    const [notification] = suite.harness.notifications();
    expect(notification.TopicArn).toBe(TOPIC_ARN);
    expect(notification.MessageAttributes).toMatchObject({
      compliance_status: { DataType: 'String', StringValue: 'NON_COMPLIANT' },
      previous_status: { DataType: 'String', StringValue: 'NONE' },
      account: { DataType: 'String', StringValue: '222222222222' },
      config_rule_name: { DataType: 'String', StringValue: 'restricted-ssh' },
      resource_type: { DataType: 'String', StringValue: 'AWS::EC2::SecurityGroup' },
    });
  });

  test('a first evaluation that is not NON_COMPLIANT is recorded in the history but not notified', async () => {
    const first = await applyComplianceResult(evaluation('COMPLIANT', T0), suite.harness.context);
    const notApplicable = await applyComplianceResult(evaluation('NOT_APPLICABLE', T0, { configRuleName: 'ebs-optimized' }), suite.harness.context);

    expect(first).toEqual({ outcome: 'transition', notified: false });
    expect(notApplicable).toEqual({ outcome: 'transition', notified: false });
    expect((await suite.harness.history()).map((h) => h.compliance_status).sort()).toEqual(['COMPLIANT', 'NOT_APPLICABLE']);
    expect(suite.harness.notifications()).toHaveLength(0);
    expect((await suite.harness.complianceItems()).every((i) => i.pending_transition === undefined)).toBe(true);
  });

  test('the same evaluation delivered again changes, appends and notifies nothing', async () => {
    await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);
    const before = await suite.harness.complianceItems();

    const again = await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);

    expect(again).toEqual({ outcome: 'duplicate', notified: false });
    expect(await suite.harness.complianceItems()).toEqual(before);
    expect(await suite.harness.history()).toHaveLength(1);
    expect(suite.harness.notifications()).toHaveLength(1);
  });

  test('an evaluation older than the stored one never overwrites it', async () => {
    await applyComplianceResult(evaluation('COMPLIANT', T0 + 60_000), suite.harness.context);

    const late = await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);

    expect(late.outcome).toBe('stale');
    const [item] = await suite.harness.complianceItems();
    expect(item).toMatchObject({ compliance_status: 'COMPLIANT', evaluated_at_ms: T0 + 60_000 });
    // Both are in the history, in their order, whatever the order they arrived in; only the newest is the state.
    expect((await suite.harness.auditHistory()).map((h) => `${h.previous_status}->${h.compliance_status}`).sort()).toEqual(['NONE->NON_COMPLIANT', 'NON_COMPLIANT->COMPLIANT']);
    expect(suite.harness.notifications()).toHaveLength(0);
  });

  test('a newer evaluation with the same status refreshes the time without a transition', async () => {
    await applyComplianceResult(evaluation('COMPLIANT', T0), suite.harness.context);

    const refreshed = await applyComplianceResult(evaluation('COMPLIANT', T0 + 3_600_000), suite.harness.context);

    expect(refreshed).toEqual({ outcome: 'refreshed', notified: false });
    const [item] = await suite.harness.complianceItems();
    expect(item.last_evaluated).toBe((T0 + 3_600_000) / 1000);
    expect(await suite.harness.auditHistory()).toHaveLength(1);
    expect((await suite.harness.history()).map((h) => h.config_item_type).sort()).toEqual(['ComplianceChange', 'ComplianceEvaluation']);
    expect(suite.harness.notifications()).toHaveLength(0);
  });

  test('a status change appends exactly one history record and sends one notification naming both statuses', async () => {
    await applyComplianceResult(evaluation('COMPLIANT', T0), suite.harness.context);

    const changed = await applyComplianceResult(evaluation('NON_COMPLIANT', T0 + 1000), suite.harness.context);

    expect(changed).toEqual({ outcome: 'transition', notified: true });
    const history = (await suite.harness.history()).map((h) => `${h.previous_status}->${h.compliance_status}`).sort();
    expect(history).toEqual(['COMPLIANT->NON_COMPLIANT', 'NONE->COMPLIANT']);
    expect(suite.harness.notifications()).toHaveLength(1);
    const last = suite.harness.notifications()[0];
    expect(last.MessageAttributes?.previous_status?.StringValue).toBe('COMPLIANT');
    expect(JSON.parse(last.Message!)).toMatchObject({ compliance_status: 'NON_COMPLIANT', previous_status: 'COMPLIANT', resource_id: 'sg-0a1b2c3d' });
  });

  test('two results with the same evaluation time resolve to the same status in either order', async () => {
    const a = evaluation('COMPLIANT', T0);
    const b = evaluation('NON_COMPLIANT', T0);
    await applyComplianceResult(a, suite.harness.context);
    await applyComplianceResult(b, suite.harness.context);
    const other = await writePathHarness(suite.db);
    await applyComplianceResult(b, other.context);
    await applyComplianceResult(a, other.context);

    const [first] = await suite.harness.complianceItems();
    const [second] = await other.complianceItems();
    other.restore();
    expect(first.compliance_status).toBe('NON_COMPLIANT');
    expect(second.compliance_status).toBe('NON_COMPLIANT');
  });

  test('the item is listed under its status shard in ConfigCompliance-Index', async () => {
    await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);
    const pk = resourceKey(evaluation('NON_COMPLIANT', T0));

    const listed = await suite.harness.byStatusIndex(statusShard('NON_COMPLIANT', pk, ruleSortKey('restricted-ssh')));

    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ resource_id: 'sg-0a1b2c3d', compliance_status: 'NON_COMPLIANT', status_sort: 'AWS::EC2::SecurityGroup#222222222222#eu-west-1#sg-0a1b2c3d#restricted-ssh' });
  });

  test('a failed notification is retried by the redelivery and sent exactly once', async () => {
    suite.harness.sns.on(PublishCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context)).rejects.toThrow('Rate exceeded');
    const [pending] = await suite.harness.complianceItems();
    // Owed, and given back: the redelivery needs not wait for the lease.
    expect(pending.notifications[`${T0}#NON_COMPLIANT`]).toMatchObject({ to: 'NON_COMPLIANT', at_ms: T0, lease_until_ms: 0 });

    suite.harness.sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const redelivered = await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);

    expect(redelivered).toEqual({ outcome: 'duplicate', notified: true });
    expect(suite.harness.sns.commandCalls(PublishCommand)).toHaveLength(2);
    expect(await suite.harness.history()).toHaveLength(1);
    const [done] = await suite.harness.complianceItems();
    expect(done.notifications).toEqual({});
    const third = await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);
    expect(third.outcome).toBe('duplicate');
    expect(suite.harness.sns.commandCalls(PublishCommand)).toHaveLength(2);
  });

  test('a notification left owed by a crash survives a newer evaluation and is sent by the redelivery once the lease ran out', async () => {
    let clock = Date.parse('2026-11-26T12:00:00Z');
    const context = { ...suite.harness.context, now: () => new Date(clock) };
    // The container dies right after committing the state: neither the publish nor the lease's release happen.
    const dying = {
      ...context,
      notifier: { notify: async () => { throw new Error('Lambda timed out'); } },
      compliance: Object.assign(Object.create(suite.harness.context.compliance), { setNotificationLease: async () => { throw new Error('Lambda timed out'); } }),
    } as never;
    await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0), dying)).rejects.toThrow('Lambda timed out');

    await applyComplianceResult(evaluation('COMPLIANT', T0 + 1000), context);
    // The item holds the newer evaluation now; the owed notification took its own evaluation's description along.
    const [moved] = await suite.harness.complianceItems();
    expect(moved.annotation).toBeUndefined();
    expect(moved.notifications[`${T0}#NON_COMPLIANT`].described).toEqual({
      annotation: 'port 22 open to 0.0.0.0/0', config_rule_arn: 'arn:aws:config:eu-west-1:222222222222:config-rule/config-rule-abc123',
    });
    // Redelivered while the lease still runs: not sent, and failed so SQS tries again.
    await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0), context)).rejects.toThrow('being sent by another invocation');
    clock += NOTIFICATION_LEASE_MS + 1;
    await expect(applyComplianceResult(evaluation('NON_COMPLIANT', T0), context)).resolves.toMatchObject({ outcome: 'stale', notified: true });

    const history = (await suite.harness.auditHistory()).map((h) => `${h.previous_status}->${h.compliance_status}`).sort();
    expect(history).toEqual(['NONE->NON_COMPLIANT', 'NON_COMPLIANT->COMPLIANT']);
    expect(suite.harness.notifications().map((n) => n.MessageAttributes?.compliance_status?.StringValue)).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
    expect(JSON.parse(suite.harness.notifications()[1].Message!).annotation).toBe('port 22 open to 0.0.0.0/0');
    expect((await suite.harness.complianceItems())[0].notifications).toEqual({});
  });

  test('concurrent deliveries of different evaluations end in the newest, each transition recorded once', async () => {
    const results = [evaluation('COMPLIANT', T0), evaluation('NON_COMPLIANT', T0 + 1000), evaluation('COMPLIANT', T0 + 2000), evaluation('NON_COMPLIANT', T0 + 1000)];

    const settled = await Promise.allSettled(results.map((r) => applyComplianceResult(r, suite.harness.context)));
    // What failed (a copy finding the other's notification in flight) is redelivered after the visibility timeout.
    const later = { ...suite.harness.context, now: () => new Date(suite.harness.context.now().getTime() + 10 * 60_000) };
    for (const [i, outcome] of settled.entries()) if (outcome.status === 'rejected') await applyComplianceResult(results[i], later);

    const [item] = await suite.harness.complianceItems();
    expect(item).toMatchObject({ compliance_status: 'COMPLIANT', evaluated_at_ms: T0 + 2000 });
    expect(item.notifications ?? {}).toEqual({});
    const history = (await suite.harness.auditHistory()).map((h) => `${h.event_time} ${h.previous_status}->${h.compliance_status}`).sort();
    expect(history).toEqual([
      '2026-11-20T10:00:00.000Z NONE->COMPLIANT',
      '2026-11-20T10:00:01.000Z COMPLIANT->NON_COMPLIANT',
      '2026-11-20T10:00:02.000Z NON_COMPLIANT->COMPLIANT',
    ]);
    const sent = suite.harness.notifications().map((n) => n.Message);
    expect(new Set(sent).size).toBe(sent.length);
  });
});

describe('deletion', () => {
  test('a deleted resource retires its compliance items, and an evaluation recorded before the deletion does not bring it back', async () => {
    await applyComplianceResult(evaluation('NON_COMPLIANT', T0), suite.harness.context);
    await applyComplianceResult(evaluation('COMPLIANT', T0, { configRuleName: 'sg-tagged' }), suite.harness.context);

    const deleted = await applyConfigItem(deletion(T0 + 10_000), suite.harness.context);
    const late = await applyComplianceResult(evaluation('COMPLIANT', T0 + 5_000), suite.harness.context);
    const lateNewRule = await applyComplianceResult(evaluation('NON_COMPLIANT', T0 + 5_000, { configRuleName: 'never-seen' }), suite.harness.context);

    expect(deleted).toEqual({ outcome: 'deleted', retired: 2 });
    expect(late.outcome).toBe('retired');
    expect(lateNewRule.outcome).toBe('retired');
    const remaining = await suite.harness.complianceItems();
    // Retired, not deleted: out of every index, kept with what it still owes; the late rule was never current.
    expect(remaining.map((i) => i.sk).sort()).toEqual(['RESOURCE', 'RULE#restricted-ssh', 'RULE#sg-tagged']);
    expect(remaining.filter((i) => i.sk !== 'RESOURCE').every((i) => i.retired_at_ms === T0 + 10_000 && i.status_shard === undefined)).toBe(true);
    expect(suite.harness.notifications()).toHaveLength(1);
    expect((await suite.harness.history()).filter((h) => h.config_item_type === 'ConfigurationItemChange')).toHaveLength(1);
  });

  test('an evaluation newer than the deletion (a re-created resource) is kept', async () => {
    await applyConfigItem(deletion(T0), suite.harness.context);

    const newer = await applyComplianceResult(evaluation('COMPLIANT', T0 + 1), suite.harness.context);

    expect(newer.outcome).toBe('transition');
    expect((await suite.harness.complianceItems()).map((i) => i.sk).sort()).toEqual(['RESOURCE', 'RULE#restricted-ssh']);
  });

  test('a deletion older than the stored evaluation leaves that evaluation in place', async () => {
    await applyComplianceResult(evaluation('COMPLIANT', T0 + 10_000), suite.harness.context);

    const deleted = await applyConfigItem(deletion(T0), suite.harness.context);

    expect(deleted.retired).toBe(0);
    expect((await suite.harness.complianceItems()).find((i) => i.sk === 'RULE#restricted-ssh')).toBeDefined();
  });

  test('the same deletion delivered twice records one history record', async () => {
    await applyConfigItem(deletion(T0), suite.harness.context);
    await applyConfigItem(deletion(T0), suite.harness.context);

    expect(await suite.harness.history()).toHaveLength(1);
  });
});
