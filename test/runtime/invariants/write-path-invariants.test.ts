import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { eventKey, inOrder, orderOf, type ScenarioEvent } from './in-order-oracle';
import { COMPLIANCE_STATUSES } from '../../../src/runtime/models/compliance-result';
import { Logger } from '../../../src/runtime/observability/logger';
import { DeadLetterQueue } from '../../../src/runtime/pipeline/dead-letter';
import { processBatch } from '../../../src/runtime/pipeline/process-batch';
import { TransitionNotifier } from '../../../src/runtime/pipeline/transition-notifier';
import { CLOCK_SKEW_MS, NOTIFICATION_LEASE_MS, type WriteContext } from '../../../src/runtime/pipeline/write-context';
import { ConfigComplianceRepository } from '../../../src/runtime/store/config-compliance-repository';
import { EvaluationLog } from '../../../src/runtime/store/evaluation-log';
import { HistoryRepository } from '../../../src/runtime/store/history-repository';
import { complianceChangeEvent, configItemChangeEvent, sqsRecord } from '../../support/config-events';
import { ContainerFaults, emptyFaultCounts, faultyClient } from '../../support/fault-injection';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';
import { seededRandom, shuffled } from '../../support/seeded-random';

/**
 * The write path's invariants (docs/design/write-path.md), checked on thousands of small random scenarios: the
 * shipped batch logic run as 2–4 concurrent containers against dynalite, every event delivered one to three times in
 * any order and batching, throttling and 5xx injected before and after calls reach DynamoDB or SNS, containers dying
 * at any call and their whole batch redelivered. After all redeliveries, in every scenario:
 *   state         = that of one in-order delivery;
 *   history       = that of one in-order delivery, record for record, previous status included;
 *   notifications = exactly those the state's changes committed, each sent once; a second copy only where a publish
 *                   reached SNS and its acknowledgement or its record was lost (counted and printed);
 *                   and, when delivered in order, exactly those of one in-order delivery;
 *   nothing owed left on any item, nothing dead-lettered.
 *
 * Reproduce a failure with the seed fast-check prints: INVARIANT_SEED=<seed> npx jest write-path-invariants
 */
// Each run checks PARALLEL scenarios at once (on distinct resources of the same tables): more load per second.
const RUNS = Number(process.env.INVARIANT_RUNS ?? 500);
const PARALLEL = 4;
const SEED = process.env.INVARIANT_SEED === undefined ? Date.now() % 2_147_483_647 : Number(process.env.INVARIANT_SEED);

const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const TYPE = 'AWS::EC2::SecurityGroup';
const BASE_MS = Date.parse('2026-11-20T10:00:00.000Z');
const START_MS = Date.parse('2026-11-26T12:00:00.000Z');
// More than the lease and less than a visibility timeout: what separates two receives of a failed record.
const ROUND_MS = NOTIFICATION_LEASE_MS + 30_000;
// Faults stop after this many rounds, so every scenario ends; no scenario comes close to MAX_ROUNDS.
const FAULTY_ROUNDS = 40;
const MAX_ROUNDS = 200;
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111111111111:compliance-transitions';
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/config-events-dlq';

interface Scenario {
  readonly events: ScenarioEvent[];
  readonly copies: number[];
  readonly containers: number;
  readonly ordered: boolean;
  readonly faultRate: number;
  readonly seed: number;
}

const eventArbitrary: fc.Arbitrary<ScenarioEvent> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ rule: fc.constantFrom('restricted-ssh', 'sg-tagged'), slot: fc.integer({ min: 0, max: 5 }), status: fc.constantFrom(...COMPLIANCE_STATUSES) })
      .map(({ rule, slot, status }): ScenarioEvent => ({ kind: 'evaluation', rule, atMs: BASE_MS + slot * 60_000, status })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 }).map((slot): ScenarioEvent => ({ kind: 'deletion', atMs: BASE_MS + slot * 60_000 })) },
);

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  events: fc.array(eventArbitrary, { minLength: 1, maxLength: 7 }),
  copies: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 7, maxLength: 7 }),
  containers: fc.integer({ min: 2, max: 4 }),
  ordered: fc.boolean(),
  faultRate: fc.constantFrom(0, 0.04, 0.1),
  seed: fc.integer({ min: 1, max: 2_147_483_646 }),
});

interface Figures {
  scenarios: number;
  deliveries: number;
  crashes: number;
  notifications: number;
  windowDuplicates: number;
  violations: number;
}

let db: LocalDynamoDb;
let tables: { complianceTable: string; eventsTable: string };
let resourceCounter = 0;
const faults = emptyFaultCounts();
const figures: Figures = { scenarios: 0, deliveries: 0, crashes: 0, notifications: 0, windowDuplicates: 0, violations: 0 };
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

beforeAll(async () => {
  db = await startLocalDynamoDb(masterTableSpecs);
  tables = await db.createTables();
  // Publish and SendMessage answer as the services do (API references: PublishResponse, SendMessageResult).
  sns.on(PublishCommand).callsFake(() => ({ MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5e-${faults.calls}` }));
  sqs.on(SendMessageCommand).resolves({ MessageId: '5fea7756-0ea4-451a-a703-a558b933e274', MD5OfMessageBody: 'fafb00f5732ab283681e124bf8747ed1' });
});
afterAll(async () => {
  sns.restore();
  sqs.restore();
  await db.close();
  process.stdout.write(`write-path invariants (seed ${SEED}): ${figures.scenarios} scenarios, ${figures.deliveries} deliveries, `
    + `${faults.calls} calls, faults injected: ${faults.throttle} throttling, ${faults['error-before'] + faults['error-after']} 5xx/timeouts `
    + `(${faults['error-after']} after the call took effect), ${figures.crashes} container crashes (${faults['crash-after']} after the call took effect); `
    + `${figures.notifications} notifications, ${figures.windowDuplicates} sent twice in the publish-then-record window `
    + `(${(100 * figures.windowDuplicates / Math.max(1, figures.notifications)).toFixed(3)}% of notifications, `
    + `${(100 * figures.windowDuplicates / Math.max(1, figures.scenarios)).toFixed(3)}% of scenarios); ${figures.violations} invariant violations\n`);
});

test(`${RUNS * PARALLEL} random scenarios keep every invariant (2-4 concurrent containers, reordering, duplicates, faults, crashes)`, async () => {
  await fc.assert(fc.asyncProperty(fc.array(scenarioArbitrary, { minLength: PARALLEL, maxLength: PARALLEL }), async (scenarios) => {
    try {
      await Promise.all(scenarios.map(checkScenario));
    } catch (error) {
      figures.violations++;
      throw error;
    }
  }), { numRuns: RUNS, seed: SEED, endOnFailure: true });
}, 30 * 60_000);

/** What the observed calls tell of notifications, keyed `<resource>|<rule>|<at_ms>#<status>`. */
interface NotificationTrail {
  readonly committed: Set<string>;
  readonly published: Map<string, { count: number; from: string }>;
  /** Publishes that reached SNS but whose sender never learnt it, or whose removal never reached DynamoDB. */
  readonly windows: Map<string, number>;
  readonly deadLettered: string[];
}

async function checkScenario(scenario: Scenario): Promise<void> {
  const resourceId = `sg-${(++resourceCounter).toString(16).padStart(8, '0')}`;
  const random = seededRandom(scenario.seed);
  const trail: NotificationTrail = { committed: new Set(), published: new Map(), windows: new Map(), deadLettered: [] };
  const clock = { now: START_MS };
  const containerCount = scenario.ordered ? 1 : scenario.containers;
  let containers = Array.from({ length: containerCount }, () => container(resourceId, random, scenario.faultRate, clock, trail));

  const messages = scenario.events.flatMap((event, i) => Array.from({ length: scenario.copies[i] }, (_, copy) => ({ event, id: `${i}-${copy}` })));
  // In order: by the order of evaluation-order.ts, each copy right after the first.
  const queue = scenario.ordered ? messages.sort((a, b) => orderOf(a.event) - orderOf(b.event)) : shuffled(messages, random);
  let round = 0;
  while (queue.length > 0) {
    if (++round > MAX_ROUNDS) throw new Error(`did not converge in ${MAX_ROUNDS} rounds: ${queue.length} messages left`);
    clock.now += ROUND_MS;
    // In order, one record at a time: a batch's failed record would otherwise be redelivered after its successors.
    const batches = containers.map(() => queue.splice(0, scenario.ordered ? 1 : 1 + Math.floor(random() * 3)));
    const results = await Promise.all(containers.map(async (c, i) => {
      c.faults.rate = round > FAULTY_ROUNDS ? 0 : scenario.faultRate;
      if (batches[i].length === 0) return { retry: [], crashed: false };
      figures.deliveries += batches[i].length;
      const records = batches[i].map((m) => sqsRecord(toEventBridge(m.event, resourceId, m.id), m.id));
      const { batchItemFailures } = await processBatch(records, c.dependencies);
      const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
      // A dead container returns nothing: SQS redelivers its whole batch.
      return { retry: c.faults.crashed ? batches[i] : batches[i].filter((m) => failed.has(m.id)), crashed: c.faults.crashed };
    }));
    for (const [i, { retry, crashed }] of results.entries()) {
      if (crashed) {
        figures.crashes++;
        containers[i] = container(resourceId, random, scenario.faultRate, clock, trail);
      }
      // In order: a failed record is redelivered before anything after it; otherwise anywhere in the queue.
      if (scenario.ordered) queue.unshift(...retry);
      else for (const m of retry) queue.splice(Math.floor(random() * (queue.length + 1)), 0, m);
    }
  }
  containers = [];
  figures.scenarios++;
  await expectInvariants(scenario, resourceId, trail);
}

function container(resourceId: string, random: () => number, faultRate: number, clock: { now: number }, trail: NotificationTrail) {
  const faultPlan = new ContainerFaults(random, faultRate, faults);
  const dynamo = faultyClient(db.documentClient, faultPlan, (command, outcome) => {
    const input = command.input;
    if (command.constructor.name === 'PutCommand' && outcome.reached && input.TableName === tables.complianceTable) {
      const item = input.Item as { resource_id: string; config_rule_name: string; notifications?: Record<string, unknown> };
      for (const key of Object.keys(item.notifications ?? {})) trail.committed.add(`${item.resource_id}|${item.config_rule_name}|${key}`);
    }
    if (command.constructor.name === 'UpdateCommand' && !outcome.reached && String(input.UpdateExpression).startsWith('REMOVE notifications')) {
      const key = (input.ExpressionAttributeNames as Record<string, string>)['#key'];
      const rule = String((input.Key as { sk: string }).sk).slice('RULE#'.length);
      const full = `${resourceId}|${rule}|${key}`;
      trail.windows.set(full, (trail.windows.get(full) ?? 0) + 1);
    }
  });
  const publisher = faultyClient(new SNSClient({ region: REGION }), faultPlan, (command, outcome) => {
    if (!outcome.reached) return;
    const message = JSON.parse(String(command.input.Message)) as Record<'resource_id' | 'config_rule_name' | 'evaluated_at' | 'compliance_status' | 'previous_status', string>;
    const key = `${message.resource_id}|${message.config_rule_name}|${Date.parse(message.evaluated_at)}#${message.compliance_status}`;
    const seen = trail.published.get(key);
    trail.published.set(key, { count: (seen?.count ?? 0) + 1, from: message.previous_status });
    if (!outcome.acknowledged) trail.windows.set(key, (trail.windows.get(key) ?? 0) + 1);
  });
  const deadLetters = new DeadLetterQueue(faultyClient(new SQSClient({ region: REGION }), faultPlan, (command, outcome) => {
    const attributes = command.input.MessageAttributes as Record<string, { StringValue: string }>;
    if (outcome.reached) trail.deadLettered.push(attributes.reason.StringValue);
  }), DLQ_URL);
  const context: WriteContext = {
    compliance: new ConfigComplianceRepository(dynamo, tables.complianceTable),
    history: new HistoryRepository(dynamo, tables.eventsTable),
    evaluations: new EvaluationLog(dynamo, tables.eventsTable),
    notifier: new TransitionNotifier(publisher, TOPIC_ARN),
    refusedNotifications: deadLetters,
    historyRetentionDays: 30,
    clockSkewMs: CLOCK_SKEW_MS,
    notificationLeaseMs: NOTIFICATION_LEASE_MS,
    now: () => new Date(clock.now),
  };
  return { faults: faultPlan, dependencies: { context, deadLetters, logger: new Logger('ERROR', () => undefined) } };
}

function toEventBridge(event: ScenarioEvent, resourceId: string, id: string): Record<string, unknown> {
  const base = { id: `event-${id}`, account: ACCOUNT, region: REGION, resourceType: TYPE, resourceId };
  if (event.kind === 'deletion') {
    return configItemChangeEvent({ ...base, capturedAt: new Date(event.atMs).toISOString(), status: 'ResourceDeleted', changeType: 'DELETE' });
  }
  return complianceChangeEvent({ ...base, rule: event.rule, status: event.status, recordedAt: new Date(event.atMs).toISOString() });
}

async function expectInvariants(scenario: Scenario, resourceId: string, trail: NotificationTrail): Promise<void> {
  const expected = inOrder(scenario.events);
  const pk = `${ACCOUNT}#${REGION}#${TYPE}#${resourceId}`;
  const items = await queryAll(tables.complianceTable, pk);
  const records = await queryAll(tables.eventsTable, pk);
  const describe = () => `scenario ${JSON.stringify({ ...scenario, events: scenario.events.map(eventKey) })}`;

  expect({ deadLettered: trail.deadLettered, describe: describe() }).toEqual({ deadLettered: [], describe: describe() });

  // State: the current (not retired) items are the in-order state.
  const state = items.filter((i) => String(i.sk).startsWith('RULE#') && i.retired_at_ms === undefined)
    .map((i) => `${i.config_rule_name} ${i.compliance_status} ${i.evaluated_at_ms}`).sort();
  const expectedState = [...expected.state.entries()].map(([rule, s]) => `${rule} ${s.status} ${s.atMs}`).sort();
  expect({ state, describe: describe() }).toEqual({ state: expectedState, describe: describe() });
  const owed = items.flatMap((i) => Object.keys((i.notifications as object | undefined) ?? {}));
  expect({ owed, describe: describe() }).toEqual({ owed: [], describe: describe() });

  // History: the evaluation log is the in-order one, each record with its previous status.
  const log = records.filter((r) => typeof r.eval_order === 'number')
    .map((r) => `${r.config_rule_name} ${r.event_time} ${r.previous_status}->${r.compliance_status} ${r.config_item_type}`).sort();
  const expectedLog = expected.log.map((r) => `${r.rule} ${new Date(r.atMs).toISOString()} ${r.previous}->${r.status} ${r.previous === r.status ? 'ComplianceEvaluation' : 'ComplianceChange'}`).sort();
  expect({ log, describe: describe() }).toEqual({ log: expectedLog, describe: describe() });
  const deletions = records.filter((r) => typeof r.deletion_order === 'number').map((r) => r.event_time).sort();
  const expectedDeletions = [...new Set(scenario.events.filter((e) => e.kind === 'deletion').map((e) => new Date(e.atMs).toISOString()))].sort();
  expect({ deletions, describe: describe() }).toEqual({ deletions: expectedDeletions, describe: describe() });

  // Notifications: each committed one sent, nothing else sent; twice only in the measured window.
  const published = [...trail.published.keys()].sort();
  expect({ published, describe: describe() }).toEqual({ published: [...trail.committed].sort(), describe: describe() });
  for (const [key, { count }] of trail.published) {
    const allowed = 1 + (trail.windows.get(key) ?? 0);
    expect({ key, count, describe: describe() }).toEqual({ key, count: Math.min(count, allowed), describe: describe() });
    figures.windowDuplicates += count - 1;
  }
  figures.notifications += trail.published.size;
  if (scenario.ordered) {
    const sent = [...trail.published.entries()].map(([key, { from }]) => {
      const [, rule, at] = key.split('|');
      const [atMs, to] = at.split('#');
      return `${rule}|${atMs}|${from}->${to}`;
    }).sort();
    expect({ sent, describe: describe() }).toEqual({ sent: [...expected.notifications].sort(), describe: describe() });
  }
}

async function queryAll(tableName: string, pk: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.documentClient.send(new QueryCommand({
      TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true, ExclusiveStartKey: startKey,
    }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

