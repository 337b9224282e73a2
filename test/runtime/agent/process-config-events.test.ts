import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CENTRAL_BUS_ARN,
  complianceChanged,
  DELIVERY_BUCKET,
  evaluationStarted,
  firstNotApplicable,
  instanceCreated,
  objectBody,
  oversizedDeliveryFailed,
  oversizedInventory,
  oversizedResolvable,
  relationshipsOnlyChanged,
  securityGroupsReplaced,
  settings,
} from './agent-samples';
import type { ForwardingSettings } from '../../../src/runtime/agent/forwarding-settings';
import { OversizedItemResolver } from '../../../src/runtime/agent/oversized-item-resolver';
import { processConfigEvents } from '../../../src/runtime/agent/process-config-events';
import { PutEventsSender } from '../../../src/runtime/agent/put-events-sender';
import { Logger } from '../../../src/runtime/observability/logger';
import { DeadLetterQueue } from '../../../src/runtime/pipeline/dead-letter';
import { processBatch } from '../../../src/runtime/pipeline/process-batch';
import { sqsRecord } from '../../support/config-events';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';
import { writePathHarness } from '../../support/write-path-harness';

const AGENT_DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/agent-dlq';

const SETTINGS: ForwardingSettings = settings({
  excludeResourceTypes: ['AWS::SSM::ManagedInstanceInventory'],
  dropNotApplicable: true,
  dropRelationshipOnlyChanges: true,
  // Keeps the EC2 samples (their ids hash to 0.05, 0.10, 0.40 and 0.74), drops the copy with id c0ffee00 (0.85).
  samplingRates: { 'AWS::EC2::Instance': 0.8 },
  accountName: 'workloads-prod',
  labels: { team: 'platform', environment: 'production' },
  oversizedItemsBucket: DELIVERY_BUCKET,
});

/** The agent's whole world: PutEvents, S3 and its dead-letter queue, answering as the services do. */
function agentWorld(failWith: (eventId: string, attempt: number) => string | undefined) {
  const eventBridge = mockClient(EventBridgeClient);
  const s3 = mockClient(S3Client);
  const sqs = mockClient(SQSClient);
  const attempts = new Map<string, number>();
  const delivered: PutEventsRequestEntry[] = [];
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    const results = input.Entries!.map((entry) => {
      const id = JSON.parse(entry.Detail!).event.id as string;
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const code = failWith(id, attempt);
      if (code) return { ErrorCode: code, ErrorMessage: `${code} (attempt ${attempt})` };
      delivered.push(entry);
      return { EventId: `central-${delivered.length}` };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  });
  const resolvable = oversizedResolvable();
  s3.on(GetObjectCommand, { Bucket: resolvable.bucket, Key: resolvable.key }).resolves({ Body: objectBody(resolvable.object) });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  const logLines: string[] = [];
  const logger = new Logger('DEBUG', (line) => logLines.push(line));
  const dependencies = {
    settings: SETTINGS,
    sender: new PutEventsSender(new EventBridgeClient({ region: 'eu-west-1' }), { sleep: async () => {} }),
    resolver: new OversizedItemResolver(new S3Client({ region: 'us-east-1' }), SETTINGS.oversizedItemsBucket, logger),
    deadLetters: new DeadLetterQueue(new SQSClient({ region: 'us-east-1' }), AGENT_DLQ_URL),
    logger,
  };
  return {
    dependencies,
    delivered,
    logLines,
    requests: () => eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!),
    deadLettered: () => sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input),
    restore: () => { eventBridge.restore(); s3.restore(); sqs.restore(); },
  };
}

/** The batch: every real sample, plus the copies that exercise duplicates, sampling and a malformed body. */
function batch(): SQSRecord[] {
  const sampledOut = { ...instanceCreated(), id: 'c0ffee00-0000-4000-8000-000000000000' };
  const events: Array<[string, Record<string, unknown> | string]> = [
    ['m-created', instanceCreated()],
    ['m-compliance', complianceChanged()],
    ['m-sg', securityGroupsReplaced()],
    ['m-relationships', relationshipsOnlyChanged()],
    ['m-not-applicable', firstNotApplicable()],
    ['m-inventory', oversizedInventory()],
    ['m-delivery-failed', oversizedDeliveryFailed()],
    ['m-resolvable', oversizedResolvable().event],
    ['m-status', evaluationStarted()],
    ['m-sampled-out', sampledOut],
    ['m-compliance-again', complianceChanged()],
    ['m-garbage', 'not json at all'],
  ];
  return events.map(([messageId, body]) => sqsRecord(body, messageId));
}

const FORWARDED_IDS = [
  '11111111-2222-3333-4444-555555555555', // instance created
  '8e2f9a4c-0000-4000-8000-000000000001', // compliance change
  '5a0c4f1e-0000-4000-8000-00000000a001', // security groups replaced
  'c0ffee05-0000-4000-8000-000000000000', // oversized, delivery failed: the summary
  '9d9d9d9d-0000-4000-8000-00000000b001', // oversized, resolved from S3
];

/**
 * ThrottlingException once, InternalFailure twice (both retried in the invocation); AccessDenied once (redelivered
 * by SQS); MalformedDetail always.
 */
function failures(id: string, attempt: number): string | undefined {
  if (id === '11111111-2222-3333-4444-555555555555' && attempt === 1) return 'ThrottlingException';
  if (id === '8e2f9a4c-0000-4000-8000-000000000001' && attempt <= 2) return 'InternalFailure';
  if (id === '5a0c4f1e-0000-4000-8000-00000000a001' && attempt === 1) return 'AccessDeniedException';
  if (id === '7b7b7b7b-0000-4000-8000-000000000e01') return 'MalformedDetail';
  return undefined;
}

const idOf = (entry: PutEventsRequestEntry) => JSON.parse(entry.Detail!).event.id as string;

describe('processConfigEvents over the real samples', () => {
  let world: ReturnType<typeof agentWorld>;
  let first: Awaited<ReturnType<typeof processConfigEvents>>;
  let second: Awaited<ReturnType<typeof processConfigEvents>>;

  beforeAll(async () => {
    // Prepare
    world = agentWorld(failures);
    const records = batch();
    // Act: the batch, then SQS redelivering what the first invocation reported as failed.
    first = await processConfigEvents(records, world.dependencies);
    const failed = new Set(first.batchItemFailures.map((f) => f.itemIdentifier));
    second = await processConfigEvents(records.filter((r) => failed.has(r.messageId)), world.dependencies);
  });
  afterAll(() => world.restore());

  test('every event that should pass is forwarded exactly once, and nothing it should drop', () => {
    expect(world.delivered.map(idOf).sort()).toEqual([...FORWARDED_IDS].sort());
  });

  test('only the entry refused with a non-retryable code is left to SQS; the redelivery forwards it', () => {
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-sg' }]);
    expect(second.batchItemFailures).toEqual([]);
    expect(second.metrics.get('EventsForwarded')).toBe(1);
  });

  test('retryable failures are resent in the invocation, only the failed entries', () => {
    const requests = world.requests();
    expect(requests.every((entries) => entries.length <= 10)).toBe(true);
    const sends = (id: string) => requests.flat().filter((entry) => idOf(entry) === id).length;
    expect(sends('11111111-2222-3333-4444-555555555555')).toBe(2);
    expect(sends('8e2f9a4c-0000-4000-8000-000000000001')).toBe(3);
    expect(sends('c0ffee05-0000-4000-8000-000000000000')).toBe(1);
    expect(sends('7b7b7b7b-0000-4000-8000-000000000e01')).toBe(1);
    expect(first.metrics.get('PutEventsResends')).toBe(3);
  });

  test('what can never be forwarded goes to the dead-letter queue at once, with its reason', () => {
    const dead = world.deadLettered();
    expect(dead.map((d) => [d.QueueUrl, d.MessageAttributes?.source_message_id?.StringValue]).sort()).toEqual([
      [AGENT_DLQ_URL, 'm-garbage'],
      [AGENT_DLQ_URL, 'm-status'],
    ]);
    const reasons = Object.fromEntries(dead.map((d) => [
      d.MessageAttributes!.source_message_id!.StringValue,
      d.MessageAttributes!.reason!.StringValue,
    ]));
    expect(reasons['m-garbage']).toMatch(/not JSON/);
    expect(reasons['m-status']).toMatch(/^PutEvents MalformedDetail/);
    expect(dead.find((d) => d.MessageAttributes?.source_message_id?.StringValue === 'm-status')?.MessageBody).toBe(JSON.stringify(evaluationStarted()));
  });

  test('counts every decision', () => {
    const m = first.metrics;
    expect([
      m.get('EventsReceived'), m.get('EventsForwarded'), m.get('EventsDroppedByResourceType'), m.get('EventsDroppedNotApplicable'),
      m.get('EventsDroppedRelationshipOnly'), m.get('EventsSampledOut'), m.get('DuplicateEvents'), m.get('OversizedItemsResolved'),
      m.get('OversizedItemsUnresolved'), m.get('EventsFailed'), m.get('EventsDeadLettered'),
    ]).toEqual([12, 4, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
  });

  test('every entry is the agent envelope: source, detail-type of the original, the central bus, the enrichment', () => {
    for (const entry of world.delivered) {
      const detail = JSON.parse(entry.Detail!);
      expect(entry.Source).toBe('monitoring.agent.config');
      expect(entry.EventBusName).toBe(CENTRAL_BUS_ARN);
      expect(entry.DetailType).toBe(detail.event['detail-type']);
      expect(detail.schemaVersion).toBe('1');
      expect(detail.enrichment).toEqual(expect.objectContaining({ accountName: 'workloads-prod', labels: { team: 'platform', environment: 'production' } }));
    }
  });

  test('tags come from the item; a compliance change and a summary carry none', () => {
    const enrichment = (id: string) => JSON.parse(world.delivered.find((e) => idOf(e) === id)!.Detail!).enrichment;
    expect(enrichment('11111111-2222-3333-4444-555555555555').tags).toEqual({ Name: 'ec2-instance-name' });
    expect(enrichment('9d9d9d9d-0000-4000-8000-00000000b001').tags).toEqual({ Name: 'value' });
    expect(enrichment('8e2f9a4c-0000-4000-8000-000000000001').tags).toBeUndefined();
    expect(enrichment('c0ffee05-0000-4000-8000-000000000000').tags).toBeUndefined();
  });

  test('oversized items: the resolved oversized item replaces the summary; the failed delivery (s3BucketLocation null) is forwarded as its summary', () => {
    const event = (id: string) => JSON.parse(world.delivered.find((e) => idOf(e) === id)!.Detail!).event;
    const resolved = event('9d9d9d9d-0000-4000-8000-00000000b001');
    expect(resolved.detail).toEqual(oversizedResolvable().message);
    expect(resolved.source).toBe('aws.config');
    expect(event('c0ffee05-0000-4000-8000-000000000000').detail).toEqual(oversizedDeliveryFailed().detail);
  });
});

describe('processConfigEvents: the resolved item gets the content filter the summary could not have', () => {
  test('a resolved update that changed only relationships is dropped', async () => {
    const world = agentWorld(() => undefined);
    try {
      const resolvable = oversizedResolvable();
      const changed = resolvable.message.configurationItemDiff.changedProperties;
      for (const key of Object.keys(changed)) if (!key.startsWith('Relationships.')) delete changed[key];
      const s3 = mockClient(S3Client);
      s3.on(GetObjectCommand).resolves({ Body: objectBody(Buffer.from(JSON.stringify(resolvable.message))) });

      const result = await processConfigEvents([sqsRecord(resolvable.event, 'm1')], world.dependencies);

      expect(result.metrics.get('EventsDroppedRelationshipOnly')).toBe(1);
      expect(result.metrics.get('OversizedItemsResolved')).toBe(1);
      expect(world.delivered).toHaveLength(0);
      s3.restore();
    } finally {
      world.restore();
    }
  });
});

describe('end to end: the forwarded entries, as EventBridge delivers them, through the master', () => {
  let db: LocalDynamoDb;
  beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
  afterAll(async () => db.close());

  test('land in the compliance state and the history, with the original event ids', async () => {
    // Prepare: the agent's output for the whole batch (with its redelivery), captured from PutEvents.
    const world = agentWorld(failures);
    let delivered: PutEventsRequestEntry[];
    try {
      const records = batch();
      const first = await processConfigEvents(records, world.dependencies);
      const failed = new Set(first.batchItemFailures.map((f) => f.itemIdentifier));
      await processConfigEvents(records.filter((r) => failed.has(r.messageId)), world.dependencies);
      delivered = world.delivered;
    } finally {
      world.restore();
    }
    const harness = await writePathHarness(db);
    try {
      // The event EventBridge builds from an entry and hands to the master's SQS buffer.
      const masterRecords = delivered.map((entry, index) => sqsRecord({
        'version': '0',
        'id': `central-${index + 1}`,
        'detail-type': entry.DetailType,
        'source': entry.Source,
        'account': JSON.parse(entry.Detail!).event.account,
        'time': entry.Time!.toISOString().replace(/\.\d+Z$/, 'Z'),
        'region': JSON.parse(entry.Detail!).event.region,
        'resources': entry.Resources,
        'detail': JSON.parse(entry.Detail!),
      }, `central-${index + 1}`));

      // Act
      const { batchItemFailures, metrics } = await processBatch(masterRecords, harness.dependencies);

      // Assess
      expect(batchItemFailures).toEqual([]);
      expect(harness.deadLettered()).toEqual([]);
      expect(metrics.get('EventsProcessed')).toBe(5);
      const compliance = await harness.complianceItems();
      expect(compliance.map((i) => [i.account, i.resource_type, i.resource_id, i.config_rule_name, i.compliance_status])).toEqual([
        ['123456789012', 'AWS::::Account', '123456789012', 'cloudtrail-enabled', 'COMPLIANT'],
      ]);
      // The event id is the evaluation's, kept in its history record (below); the item carries what the API shows.
      expect(compliance[0]).toMatchObject({ source: 'event' });
      const history = await harness.history();
      expect(history.map((h) => [h.config_item_type, h.resource_id, h.source_event_id]).sort()).toEqual([
        ['ComplianceChange', '123456789012', '8e2f9a4c-0000-4000-8000-000000000001'],
        ['ConfigurationItemChange', 'i-007d374c8912e3e90', '5a0c4f1e-0000-4000-8000-00000000a001'],
        ['ConfigurationItemChange', 'i-007d374c8912e3e90', '9d9d9d9d-0000-4000-8000-00000000b001'],
        ['ConfigurationItemChange', 'i-12345678901234567', '11111111-2222-3333-4444-555555555555'],
        ['ConfigurationItemChange', 'test_resourceId_014b953d-75e3-40ce-96b9-c7240b975457', 'c0ffee05-0000-4000-8000-000000000000'],
      ].sort());
      // The resolved item reaches the master with the diff the summary lacked.
      const resolved = history.find((h) => h.source_event_id === '9d9d9d9d-0000-4000-8000-00000000b001')!;
      expect(resolved.changed_properties).toContain('Configuration.SecurityGroups.0');
    } finally {
      harness.restore();
    }
  });
});

describe('processConfigEvents: the edges', () => {
  test('an event the master cannot parse is forwarded as it is, unfiltered, so the master dead-letters it centrally', async () => {
    const world = agentWorld(() => undefined);
    try {
      const broken = complianceChanged();
      broken.detail.newEvaluationResult.complianceType = 'MAYBE';

      const result = await processConfigEvents([sqsRecord(broken, 'm1')], { ...world.dependencies, settings: { ...SETTINGS, includeResourceTypes: ['AWS::S3::Bucket'] } });

      expect(result.batchItemFailures).toEqual([]);
      expect(world.delivered.map((e) => JSON.parse(e.Detail!).event)).toEqual([broken]);
      expect(world.logLines.some((line) => line.includes('complianceType') && line.includes('MAYBE'))).toBe(true);
    } finally {
      world.restore();
    }
  });

  test('an entry that fits in no form goes to the dead-letter queue with its size', async () => {
    const world = agentWorld(() => undefined);
    try {
      const result = await processConfigEvents([sqsRecord(complianceChanged(), 'm1')], { ...world.dependencies, maxEntryBytes: 200 });

      expect(world.delivered).toEqual([]);
      expect(result.batchItemFailures).toEqual([]);
      expect(world.deadLettered().map((d) => d.MessageAttributes?.reason?.StringValue)).toEqual([
        expect.stringMatching(/^entry too large for PutEvents even reduced to a summary: \d+ bytes$/),
      ]);
    } finally {
      world.restore();
    }
  });

  test('a record the dead-letter queue refuses is left to SQS, never acknowledged', async () => {
    const world = agentWorld(() => undefined);
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    try {
      const result = await processConfigEvents([sqsRecord('garbage', 'm1')], world.dependencies);

      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
      expect(result.metrics.get('EventsDeadLettered')).toBe(0);
    } finally {
      sqs.restore();
      world.restore();
    }
  });

  test('the metrics leave as one embedded-metric-format line', () => {
    const lines: string[] = [];
    const world = agentWorld(() => undefined);
    world.restore();
    return processConfigEvents([], world.dependencies).then(({ metrics }) => {
      metrics.add('EventsForwarded', 3);
      metrics.flush('ProcessConfigEvents-abc', (line) => lines.push(line));
      const document = JSON.parse(lines[0]);
      expect(document._aws.CloudWatchMetrics).toEqual([{
        Namespace: 'ConfigMonitoring',
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'EventsForwarded', Unit: 'Count' }],
      }]);
      expect([document.FunctionName, document.EventsForwarded, document.EventsReceived]).toEqual(['ProcessConfigEvents-abc', 3, undefined]);
    });
  });
});
