import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { processBatch } from '../../../src/runtime/pipeline/process-batch';
import { complianceChangeEvent, configItemChangeEvent, sqsRecord, type ComplianceEventInput } from '../../support/config-events';
import { seededRandom, shuffled } from '../../support/seeded-random';
import { writePathHarness, writePathSuite } from '../../support/write-path-harness';

const suite = writePathSuite();

const base: Omit<ComplianceEventInput, 'id' | 'status' | 'recordedAt'> = {
  account: '222222222222', region: 'eu-west-1', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-0a1b2c3d', rule: 'restricted-ssh',
};

describe('processBatch', () => {
  test('a malformed record goes to the dead-letter queue with its reason and never fails the other records', async () => {
    const records = [
      sqsRecord(complianceChangeEvent({ ...base, id: 'e1', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' }), 'm1'),
      sqsRecord('{"version":"0","source":"aws.config", truncated', 'm2'),
      sqsRecord({ ...complianceChangeEvent({ ...base, id: 'e3', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' }), source: 'aws.guardduty' }, 'm3'),
      sqsRecord(complianceChangeEvent({ ...base, id: 'e4', resourceId: 'sg-99', status: 'MAYBE', recordedAt: '2026-11-20T10:00:00.000Z' }), 'm4'),
      sqsRecord(complianceChangeEvent({ ...base, id: 'e5', resourceId: 'sg-77', status: 'COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' }), 'm5'),
    ];

    const { batchItemFailures, metrics } = await processBatch(records, suite.harness.dependencies);

    expect(batchItemFailures).toEqual([]);
    expect((await suite.harness.complianceItems()).map((i) => i.resource_id).sort()).toEqual(['sg-0a1b2c3d', 'sg-77']);
    const dead = suite.harness.deadLettered();
    expect(dead.map((d) => d.MessageAttributes?.source_message_id?.StringValue).sort()).toEqual(['m2', 'm3', 'm4']);
    const attributes = dead.map((d) => d.MessageAttributes!);
    const reasons = Object.fromEntries(attributes.map((a) => [a.source_message_id!.StringValue, a.reason!.StringValue]));
    expect(reasons.m2).toMatch(/not JSON/);
    expect(reasons.m3).toMatch(/source.*aws\.guardduty/);
    expect(reasons.m4).toMatch(/complianceType.*MAYBE/);
    expect(dead.find((d) => d.MessageAttributes?.source_message_id?.StringValue === 'm2')?.MessageBody).toBe(records[1].body);
    expect(metrics.get('EventsDeadLettered')).toBe(3);
    expect(metrics.get('EventsProcessed')).toBe(2);
  });

  test('status notifications and unknown detail-types are counted and skipped, not dead-lettered', async () => {
    const reEvaluation = {
      'version': '0',
      'id': 'r1',
      'source': 'aws.config',
      'detail-type': 'Config Rules Re-evaluation Status',
      'account': '222222222222',
      'region': 'eu-west-1',
      'time': '2026-11-20T10:00:00Z',
      'resources': [],
      'detail': { messageType: 'ConfigRulesEvaluationStarted' },
    };
    const unknown = { ...reEvaluation, 'id': 'r2', 'detail-type': 'Config Something New' };

    const { batchItemFailures, metrics } = await processBatch([sqsRecord(reEvaluation, 'm1'), sqsRecord(unknown, 'm2')], suite.harness.dependencies);

    expect(batchItemFailures).toEqual([]);
    expect(metrics.get('EventsSkipped')).toBe(2);
    expect(suite.harness.deadLettered()).toHaveLength(0);
  });

  test('a transient failure reports only that record for redelivery', async () => {
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput'), { name: 'ThrottlingException', $fault: 'client' });
    const readRule = suite.harness.context.compliance.readRule.bind(suite.harness.context.compliance);
    jest.spyOn(suite.harness.context.compliance, 'readRule').mockImplementation(async (pk, sk) => {
      if (pk.endsWith('sg-throttled')) throw throttled;
      return readRule(pk, sk);
    });
    const records = [
      sqsRecord(complianceChangeEvent({ ...base, id: 'e1', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' }), 'm1'),
      sqsRecord(complianceChangeEvent({ ...base, id: 'e2', resourceId: 'sg-throttled', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' }), 'm2'),
    ];

    const { batchItemFailures, metrics } = await processBatch(records, suite.harness.dependencies);

    expect(batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(metrics.get('EventsFailed')).toBe(1);
    expect(suite.harness.deadLettered()).toHaveLength(0);
    expect((await suite.harness.complianceItems()).map((i) => i.resource_id)).toEqual(['sg-0a1b2c3d']);
  });

  test('a record that cannot be dead-lettered is reported as failed, so it is not lost', async () => {
    suite.harness.sqs.on(SendMessageCommand).rejects(Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' }));

    const { batchItemFailures } = await processBatch([sqsRecord('not json', 'm1')], suite.harness.dependencies);

    expect(batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  test('the same evaluation twice in one batch is written once and both records are acknowledged', async () => {
    const event = complianceChangeEvent({ ...base, id: 'e1', status: 'NON_COMPLIANT', recordedAt: '2026-11-20T10:00:00.000Z' });

    const { batchItemFailures, metrics } = await processBatch([sqsRecord(event, 'm1'), sqsRecord(event, 'm2')], suite.harness.dependencies);

    expect(batchItemFailures).toEqual([]);
    expect(metrics.get('StaleOrDuplicateEvents')).toBe(1);
    expect(suite.harness.notifications()).toHaveLength(1);
    expect(await suite.harness.history()).toHaveLength(1);
  });
});

describe('replaying a scenario out of order and more than once', () => {
  // Two accounts × two regions, three resources each with two rules and several transitions, one deletion.
  function scenario(): Array<Record<string, unknown>> {
    const events: Array<{ at: number; event: Record<string, unknown> }> = [];
    let n = 0;
    const start = Date.parse('2026-11-20T00:00:00.000Z');
    for (const account of ['222222222222', '333333333333']) {
      for (const region of ['eu-west-1', 'us-east-1']) {
        for (const resourceId of ['sg-a', 'sg-b', 'sg-c']) {
          const identity = { account, region, resourceType: 'AWS::EC2::SecurityGroup', resourceId };
          const created = start + n * 1000;
          events.push({ at: created, event: configItemChangeEvent({ ...identity, id: `ci-${n++}`, capturedAt: new Date(created).toISOString(), status: 'ResourceDiscovered', changeType: 'CREATE' }) });
          for (const rule of ['restricted-ssh', 'sg-tagged']) {
            let previous: string | undefined;
            ['NON_COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT', 'COMPLIANT'].slice(0, rule === 'restricted-ssh' ? 4 : 2).forEach((status, step) => {
              const at = created + (step + 1) * 60_000;
              events.push({ at, event: complianceChangeEvent({ ...identity, rule, id: `cc-${n++}`, status, previousStatus: previous, recordedAt: new Date(at).toISOString() }) });
              previous = status;
            });
          }
          if (resourceId === 'sg-c') {
            const at = created + 10 * 60_000;
            events.push({ at, event: configItemChangeEvent({ ...identity, id: `ci-${n++}`, capturedAt: new Date(at).toISOString(), status: 'ResourceDeleted', changeType: 'DELETE' }) });
          }
        }
      }
    }
    return events.sort((a, b) => a.at - b.at).map((e) => e.event);
  }

  function comparable(items: Array<Record<string, unknown>>) {
    // The current state: a retired item (its resource deleted) is not in it, whether it exists or never did.
    // The write count (version) and the emptied map of owed notifications depend on the order.
    return items.filter((item) => item.retired_at_ms === undefined).map(({ version: _version, notifications, ...rest }) => {
      expect(Object.keys((notifications as object | undefined) ?? {})).toEqual([]);
      return rest;
    }).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
  }

  test('unordered, duplicated delivery: three shuffled deliveries give exactly the state of one in-order delivery, with no duplicate history or notification', async () => {
    const events = scenario();
    for (const [i, event] of events.entries()) {
      expect((await processBatch([sqsRecord(event, `in-order-${i}`)], suite.harness.dependencies)).batchItemFailures).toEqual([]);
    }
    const expectedState = comparable(await suite.harness.complianceItems());
    const inOrderHistory = await suite.harness.history();

    const replay = await writePathHarness(suite.db);
    const random = seededRandom(20261126);
    const deliveries = shuffled([...events, ...events, ...events], random).map((event, i) => sqsRecord(event, `replay-${i}`));
    for (let offset = 0; offset < deliveries.length;) {
      const size = 1 + Math.floor(random() * 25);
      const { batchItemFailures } = await processBatch(deliveries.slice(offset, offset + size), replay.dependencies);
      expect(batchItemFailures).toEqual([]);
      offset += size;
    }

    const state = comparable(await replay.complianceItems());
    const history = await replay.history();
    const notifications = replay.notifications();
    replay.restore();
    expect(state).toEqual(expectedState);
    expect(state.filter((i) => i.sk === 'RESOURCE')).toHaveLength(4);
    expect(state.some((i) => String(i.pk).endsWith('#sg-c') && i.sk !== 'RESOURCE')).toBe(false);
    expect((await replay.complianceItems()).every((i) => Object.keys(i.notifications ?? {}).length === 0)).toBe(true);
    const historyKeys = history.map((h) => `${h.pk}|${h.sk}`);
    expect(new Set(historyKeys).size).toBe(historyKeys.length);
    // The history is the in-order one, record for record (only when each was learnt differs).
    const records = (h: Array<Record<string, unknown>>) => h.map(({ recorded_at: _learnt, ...rest }) => rest).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
    expect(records(history)).toEqual(records(inOrderHistory));
    const transitions = history.filter((h) => h.config_item_type === 'ComplianceChange');
    const notifiable = transitions.filter((h) => h.previous_status !== 'NONE' || h.compliance_status === 'NON_COMPLIANT');
    expect(notifiable.length).toBeGreaterThan(20);
    // Out of order, a transition already superseded when it arrives is history, not news: never more messages.
    expect(notifications.length).toBeLessThanOrEqual(notifiable.length);
    expect(notifications.length).toBeGreaterThan(0);
    const notified = notifications.map((n) => JSON.parse(n.Message!)).map((m) => `${m.account}|${m.resource_id}|${m.config_rule_name}|${m.evaluated_at}`);
    expect(new Set(notified).size).toBe(notified.length);
    // Configuration-item changes are recorded whatever the order: the same set as in order.
    const ciKeys = (h: Array<Record<string, unknown>>) => h.filter((r) => r.config_item_type === 'ConfigurationItemChange').map((r) => `${r.pk}|${r.sk}`).sort();
    expect(ciKeys(history)).toEqual(ciKeys(inOrderHistory));
  });
});
