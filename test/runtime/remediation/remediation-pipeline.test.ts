import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { OversizedItemResolver } from '../../../src/runtime/agent/oversized-item-resolver';
import { processConfigEvents } from '../../../src/runtime/agent/process-config-events';
import { PutEventsSender } from '../../../src/runtime/agent/put-events-sender';
import { Logger } from '../../../src/runtime/observability/logger';
import { DeadLetterQueue } from '../../../src/runtime/pipeline/dead-letter';
import { processBatch } from '../../../src/runtime/pipeline/process-batch';
import { RemediationRepository } from '../../../src/runtime/store/remediation-repository';
import { REMEDIATION_DOCUMENT, ssmFixture } from '../../fixtures/ssm/fixtures';
import { complianceChangeEvent, sqsRecord } from '../../support/config-events';
import { writePathSuite } from '../../support/write-path-harness';
import { settings } from '../agent/agent-samples';

const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const RULE = 'restricted-common-ports';
const SG = 'AWS::EC2::SecurityGroup';
const CENTRAL_BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';

const suite = writePathSuite();

/** The harness's write path with the remediation repository the handler gets. */
function dependencies() {
  const remediations = new RemediationRepository(suite.db.documentClient, suite.harness.tables.complianceTable, suite.harness.tables.eventsTable);
  return { ...suite.harness.dependencies, context: { ...suite.harness.context, remediations } };
}

/** A non-compliant evaluation of the rule for one security group, evaluated before the executions start (10:01). */
function nonCompliant(resourceId: string, recordedAt = '2026-11-20T10:00:30.000Z', id = `nc-${resourceId}`) {
  return complianceChangeEvent({ id, account: ACCOUNT, region: REGION, resourceType: SG, resourceId, rule: RULE, status: 'NON_COMPLIANT', recordedAt });
}

function compliant(resourceId: string, recordedAt = '2026-11-20T10:05:00.000Z') {
  return complianceChangeEvent({
    id: `c-${resourceId}-${recordedAt}`,
    account: ACCOUNT,
    region: REGION,
    resourceType: SG,
    resourceId,
    rule: RULE,
    status: 'COMPLIANT',
    previousStatus: 'NON_COMPLIANT',
    recordedAt,
  });
}

/** The agent envelope the enriched forwarder puts on the central bus, as delivered (EventBridge adds the envelope). */
function enriched(event: Record<string, any>, hints = { configRuleNames: [RULE], resourceTypes: [SG] }) {
  return {
    'version': '0',
    'id': `central-${event.id}`,
    'detail-type': event['detail-type'],
    'source': 'monitoring.agent.config',
    'account': event.account,
    'time': event.time,
    'region': event.region,
    'resources': event.resources,
    'detail': { schemaVersion: '1', event, enrichment: { accountName: 'workloads-prod', remediation: hints } },
  };
}

const failureNotifications = () => suite.harness.notifications().filter((n) => n.MessageAttributes?.event_type?.StringValue === 'REMEDIATION_FAILED');
const item = async (resourceId: string) => (await suite.harness.complianceItems()).find((i) => i.resource_id === resourceId && i.sk === `RULE#${RULE}`);

describe('remediation outcomes through processBatch (enriched: rule and resource type known)', () => {
  test('a failed execution: one history record on the resource, the link on the item, exactly one notification', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
    const failed = enriched(ssmFixture('remediation-failed.json'));

    const first = await processBatch([sqsRecord(failed, 'm2')], dependencies());
    // Redelivered by SQS, and once more in one batch: nothing is written or sent twice.
    const again = await processBatch([sqsRecord(failed, 'm3'), sqsRecord(failed, 'm4')], dependencies());

    expect(first.batchItemFailures).toEqual([]);
    expect(again.batchItemFailures).toEqual([]);
    expect(first.metrics.get('NotificationsSent')).toBe(1);
    expect(again.metrics.get('NotificationsSent')).toBe(0);
    const notifications = failureNotifications();
    expect(notifications).toHaveLength(1);
    expect(notifications[0].MessageAttributes).toMatchObject({
      remediation_status: { StringValue: 'Failed' },
      document: { StringValue: REMEDIATION_DOCUMENT },
      config_rule_name: { StringValue: RULE },
      account: { StringValue: ACCOUNT },
    });
    expect(JSON.parse(notifications[0].Message!)).toMatchObject({
      event_type: 'REMEDIATION_FAILED',
      resource_id: 'sg-0a1b2c3d',
      resource_link: 'correlated',
      execution_id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      started_at: '2026-11-20T10:01:00.000Z',
      ended_at: '2026-11-20T10:01:04.000Z',
    });

    expect((await item('sg-0a1b2c3d'))?.remediation).toEqual({
      execution_id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
      document: REMEDIATION_DOCUMENT,
      status: 'Failed',
      outcome: 'failed',
      started_at_ms: Date.parse('2026-11-20T10:01:00Z'),
      ended_at_ms: Date.parse('2026-11-20T10:01:04Z'),
      link: 'correlated',
      candidates: 1,
    });
    const history = (await suite.harness.history()).filter((h) => h.config_item_type === 'RemediationExecution');
    expect(history).toEqual([expect.objectContaining({
      pk: `${ACCOUNT}#${REGION}#${SG}#sg-0a1b2c3d`,
      sk: '2026-11-20T10:01:05.000Z#REMEDIATION#7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f#Failed',
      config_rule_name: RULE,
      remediation_status: 'Failed',
      document: REMEDIATION_DOCUMENT,
      document_version: '1',
      // The id SSM gave the event, as for Config events: the same in both forwarding modes.
      source_event_id: '6a1b0c2d-0000-4000-8000-000000000003',
    })]);
  });

  test('a timeout is notified once; a later Cancelled of the same execution is history, not a second message', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
    const timedOut = ssmFixture('remediation-timed-out.json');
    const cancelled = { ...timedOut, id: 'later', time: '2026-11-20T11:02:00Z', detail: { ...timedOut.detail, Status: 'Cancelled' } };

    await processBatch([sqsRecord(enriched(timedOut), 'm2')], dependencies());
    await processBatch([sqsRecord(enriched(cancelled), 'm3')], dependencies());

    expect(failureNotifications().map((n) => n.MessageAttributes?.remediation_status?.StringValue)).toEqual(['TimedOut']);
    const history = (await suite.harness.history()).filter((h) => h.config_item_type === 'RemediationExecution');
    expect(history.map((h) => h.remediation_status).sort()).toEqual(['Cancelled', 'TimedOut']);
    expect((await item('sg-0a1b2c3d'))?.remediation.status).toBe('Cancelled');
  });

  test('success, then the resource evaluates COMPLIANT: one "remediated" notification, and the link is resolved', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
    const sent = suite.harness.notifications().length;

    await processBatch([sqsRecord(enriched(ssmFixture('remediation-in-progress.json')), 'm2')], dependencies());
    await processBatch([sqsRecord(enriched(ssmFixture('remediation-success.json')), 'm3')], dependencies());
    expect(suite.harness.notifications()).toHaveLength(sent);
    await processBatch([sqsRecord(compliant('sg-0a1b2c3d'), 'm4')], dependencies());
    await processBatch([sqsRecord(compliant('sg-0a1b2c3d'), 'm5')], dependencies());

    const after = suite.harness.notifications().slice(sent);
    expect(after).toHaveLength(1);
    expect(after[0].Subject).toBe(`COMPLIANT (remediated): ${RULE} on ${SG}`);
    expect(after[0].MessageAttributes).toMatchObject({ event_type: { StringValue: 'REMEDIATED' }, compliance_status: { StringValue: 'COMPLIANT' } });
    expect(JSON.parse(after[0].Message!).remediation).toEqual({
      execution_id: '0f6f3a1e-5b7c-4d2e-9a10-1c2d3e4f5a61',
      document: REMEDIATION_DOCUMENT,
      status: 'Success',
      started_at: '2026-11-20T10:01:00.000Z',
      link: 'correlated',
    });
    const stored = await item('sg-0a1b2c3d');
    expect(stored?.compliance_status).toBe('COMPLIANT');
    expect(stored?.remediation).toMatchObject({ status: 'Success', resolved_at_ms: Date.parse('2026-11-20T10:05:00Z') });

    // A later non-compliance and return to compliance without a remediation is an ordinary transition.
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d', '2026-11-21T10:00:00.000Z', 'nc-2'), 'm6')], dependencies());
    await processBatch([sqsRecord(compliant('sg-0a1b2c3d', '2026-11-21T11:00:00.000Z'), 'm7')], dependencies());
    const last = suite.harness.notifications().at(-1)!;
    expect(last.Subject).toBe(`COMPLIANT: ${RULE} on ${SG}`);
    expect(last.MessageAttributes?.event_type).toBeUndefined();
  });

  test('success statuses arriving after the item is COMPLIANT again still update the execution, not another item', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1'), sqsRecord(nonCompliant('sg-99', '2026-11-20T09:00:00.000Z'), 'm2')], dependencies());
    await processBatch([sqsRecord(enriched(ssmFixture('remediation-in-progress.json')), 'm3')], dependencies());
    await processBatch([sqsRecord(compliant('sg-0a1b2c3d'), 'm4')], dependencies());
    await processBatch([sqsRecord(enriched(ssmFixture('remediation-success.json')), 'm5')], dependencies());

    expect((await item('sg-99'))?.remediation).toBeUndefined();
    const history = (await suite.harness.history()).filter((h) => h.config_item_type === 'RemediationExecution');
    expect(history.map((h) => [h.resource_id, h.remediation_status]).sort()).toEqual([['sg-0a1b2c3d', 'InProgress'], ['sg-0a1b2c3d', 'Success']]);
  });

  test('two executions for two non-compliant resources take one item each', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-1', '2026-11-20T10:00:10.000Z'), 'm1'), sqsRecord(nonCompliant('sg-2', '2026-11-20T10:00:20.000Z'), 'm2')], dependencies());
    const failed = ssmFixture('remediation-failed.json');
    const other = { ...failed, id: 'other', detail: { ...failed.detail, ExecutionId: '11111111-2222-4333-8444-555555555555' } };

    await processBatch([sqsRecord(enriched(failed), 'm3'), sqsRecord(enriched(other), 'm4')], dependencies());

    const links = [(await item('sg-1'))?.remediation.execution_id, (await item('sg-2'))?.remediation.execution_id].sort();
    expect(links).toEqual(['11111111-2222-4333-8444-555555555555', '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f']);
    expect(failureNotifications()).toHaveLength(2);
  });

  test('Config retries after a failure: the retry takes over the item, and each failed execution is notified once', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
    const failed = ssmFixture('remediation-failed.json');
    const retry = {
      ...failed,
      id: 'retry',
      time: '2026-11-20T10:03:05Z',
      detail: { ...failed.detail, ExecutionId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', StartTime: 'Nov 20, 2026 10:03:00 AM', EndTime: 'Nov 20, 2026 10:03:04 AM' },
    };

    await processBatch([sqsRecord(enriched(failed), 'm2')], dependencies());
    await processBatch([sqsRecord(enriched(retry), 'm3'), sqsRecord(enriched(retry), 'm4')], dependencies());

    expect((await item('sg-0a1b2c3d'))?.remediation).toMatchObject({ execution_id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', candidates: 1 });
    expect(failureNotifications().map((n) => JSON.parse(n.Message!).execution_id)).toEqual([
      '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    ]);
  });

  test('a notification that could not be sent is sent by the redelivery, once', async () => {
    const failed = enriched(ssmFixture('remediation-failed.json'));
    suite.harness.sns.on(PublishCommand).rejectsOnce(new Error('throttled'));

    const first = await processBatch([sqsRecord(failed, 'm1')], dependencies());
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    suite.harness.sns.on(PublishCommand).resolves({ MessageId: 'ok' });
    const second = await processBatch([sqsRecord(failed, 'm1')], dependencies());
    await processBatch([sqsRecord(failed, 'm1')], dependencies());

    expect(second.batchItemFailures).toEqual([]);
    expect(second.metrics.get('NotificationsSent')).toBe(1);
    expect(suite.harness.sns.commandCalls(PublishCommand)).toHaveLength(2);
  });
});

describe('remediation outcomes through processBatch (direct: aws.ssm as it is)', () => {
  test('recorded under the execution and notified once, not linked (the rule is not in the event)', async () => {
    await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
    const failed = ssmFixture('remediation-failed.json');

    await processBatch([sqsRecord(failed, 'm2'), sqsRecord(failed, 'm3')], dependencies());

    expect(failureNotifications()).toHaveLength(1);
    expect(JSON.parse(failureNotifications()[0].Message!)).toMatchObject({ document: REMEDIATION_DOCUMENT, remediation_status: 'Failed' });
    expect((await item('sg-0a1b2c3d'))?.remediation).toBeUndefined();
    const history = (await suite.harness.history()).filter((h) => h.config_item_type === 'RemediationExecution');
    expect(history).toEqual([expect.objectContaining({
      pk: `REMEDIATION#${ACCOUNT}#${REGION}#7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f`,
      resource_type: 'AWS::SSM::AutomationExecution',
      resource_id: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f',
    })]);
  });

  test('a success is history only; other SSM events are skipped; without the repository the events are skipped', async () => {
    const step = { ...ssmFixture('remediation-failed.json'), 'detail-type': 'EC2 Automation Step Status-change Notification' };
    const result = await processBatch([sqsRecord(ssmFixture('remediation-success.json'), 'm1'), sqsRecord(step, 'm2')], dependencies());
    expect(suite.harness.notifications()).toEqual([]);
    expect(result.metrics.get('EventsSkipped')).toBe(1);
    expect(suite.harness.deadLettered()).toEqual([]);

    const without = await processBatch([sqsRecord(ssmFixture('remediation-failed.json'), 'm3')], suite.harness.dependencies);
    expect(without.metrics.get('EventsSkipped')).toBe(1);
    expect(suite.harness.notifications()).toEqual([]);
  });
});

describe('the agent forwarder core with remediation events', () => {
  test('forwards its remediation documents with the rule hints, drops other automations, and the master links them', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    const delivered: PutEventsRequestEntry[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input) => {
      delivered.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map((_: unknown, i: number) => ({ EventId: `e${i}` })) };
    });
    try {
      const forwarderSettings = settings({
        centralEventBusArn: CENTRAL_BUS_ARN,
        accountName: 'workloads-prod',
        remediationDocuments: { [REMEDIATION_DOCUMENT]: { configRuleNames: [RULE], resourceTypes: [SG] } },
      });
      const logger = new Logger('ERROR', () => {});
      const result = await processConfigEvents([
        sqsRecord(ssmFixture('remediation-failed.json'), 'a1'),
        sqsRecord(ssmFixture('aws-docs-automation-execution-status-change.json'), 'a2'),
      ], {
        settings: forwarderSettings,
        sender: new PutEventsSender(new EventBridgeClient({ region: REGION }), { sleep: async () => {} }),
        resolver: new OversizedItemResolver(new S3Client({ region: REGION }), undefined, logger),
        deadLetters: new DeadLetterQueue(new SQSClient({ region: REGION }), 'https://sqs.eu-west-1.amazonaws.com/222222222222/agent-dlq'),
        logger,
      });

      expect(result.batchItemFailures).toEqual([]);
      expect(result.metrics.get('EventsForwarded')).toBe(1);
      expect(result.metrics.get('EventsDroppedUnknownDocument')).toBe(1);
      expect(delivered).toHaveLength(1);
      const entry = delivered[0];
      expect(entry).toMatchObject({ Source: 'monitoring.agent.config', DetailType: 'EC2 Automation Execution Status-change Notification' });
      const detail = JSON.parse(entry.Detail!);
      expect(detail.enrichment).toEqual({ accountName: 'workloads-prod', remediation: { configRuleNames: [RULE], resourceTypes: [SG] } });
      expect(detail.event).toEqual(ssmFixture('remediation-failed.json'));

      // The entry as the master receives it, after EventBridge wraps it.
      await processBatch([sqsRecord(nonCompliant('sg-0a1b2c3d'), 'm1')], dependencies());
      const asDelivered = {
        'version': '0',
        'id': 'central-1',
        'detail-type': entry.DetailType,
        'source': entry.Source,
        'account': ACCOUNT,
        'time': entry.Time!.toISOString().replace('.000', ''),
        'region': REGION,
        'resources': entry.Resources,
        'detail': detail,
      };
      await processBatch([sqsRecord(asDelivered, 'm2')], dependencies());
      expect((await item('sg-0a1b2c3d'))?.remediation.execution_id).toBe('7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
      expect(failureNotifications()).toHaveLength(1);
    } finally {
      eventBridge.restore();
    }
  });
});
