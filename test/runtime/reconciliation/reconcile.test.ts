import { ConfigServiceClient, DescribeAggregateComplianceByConfigRulesCommand, GetAggregateComplianceDetailsByConfigRuleCommand } from '@aws-sdk/client-config-service';
import { SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fakeAggregator, type Truth } from './fake-aggregator';
import type { ComplianceResult } from '../../../src/runtime/models/compliance-result';
import { Logger } from '../../../src/runtime/observability/logger';
import { applyComplianceResult } from '../../../src/runtime/pipeline/apply-compliance-result';
import type { WriteContext } from '../../../src/runtime/pipeline/write-context';
import { AggregatorReader } from '../../../src/runtime/reconciliation/aggregator-reader';
import { BaselineNotifier } from '../../../src/runtime/reconciliation/baseline-notifier';
import { reconcile, type ReconciliationDependencies } from '../../../src/runtime/reconciliation/reconcile';
import { CURSOR_PK, CURSOR_SK, ReconciliationStateStore, SEEN_PK, type CursorState } from '../../../src/runtime/reconciliation/reconciliation-state';
import { toComplianceItem } from '../../../src/runtime/store/compliance-item';
import { resourceKey, ruleSortKey, statusShardKeys } from '../../../src/runtime/store/keys';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';
import { TOPIC_ARN, writePathHarness } from '../../support/write-path-harness';

const A = '222222222222';
const B = '333333333333';
const REGION = 'eu-west-1';
const SG = 'AWS::EC2::SecurityGroup';
const BUCKET = 'AWS::S3::Bucket';
const T0 = Date.parse('2026-11-20T10:00:00.000Z');
const RUN_AT = Date.parse('2026-11-26T12:00:00.000Z');
const HOUR = 3_600_000;
/** The cursor as read before any invocation wrote it. */
const NO_CURSOR: CursorState = { version: 0, leaseUntilMs: 0, completedPasses: 0 };

/** 250 security groups under restricted-ssh in A (three details pages), two buckets in A, one group in B. */
function organizationTruth(): Truth[] {
  const groups: Truth[] = Array.from({ length: 250 }, (_, i) => ({
    account: A,
    region: REGION,
    rule: 'restricted-ssh',
    resourceType: SG,
    resourceId: `sg-${String(i).padStart(4, '0')}`,
    status: i % 5 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT',
    recordedAtMs: T0 + i * 1000,
    annotation: i % 5 === 0 ? 'port 22 open to 0.0.0.0/0' : undefined,
  }));
  return [
    ...groups,
    { account: A, region: REGION, rule: 's3-bucket-public-read-prohibited', resourceType: BUCKET, resourceId: 'logs-bucket', status: 'COMPLIANT', recordedAtMs: T0 },
    { account: A, region: REGION, rule: 's3-bucket-public-read-prohibited', resourceType: BUCKET, resourceId: 'public-site', status: 'NON_COMPLIANT', recordedAtMs: T0 },
    { account: B, region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-b0001', status: 'NON_COMPLIANT', recordedAtMs: T0 },
  ];
}

/** Page 1: one triple; page 2: empty but with a NextToken; page 3: two triples. */
const DESCRIBE_PAGES: (readonly [string, string, string])[][] = [
  [[A, REGION, 'restricted-ssh']],
  [],
  [[A, REGION, 's3-bucket-public-read-prohibited'], [B, REGION, 'restricted-ssh']],
];

function asResult(truth: Truth, origin: ComplianceResult['origin'] = 'event'): ComplianceResult {
  return {
    account: truth.account,
    region: truth.region,
    resourceType: truth.resourceType,
    resourceId: truth.resourceId,
    configRuleName: truth.rule,
    complianceStatus: truth.status,
    evaluatedAtMs: truth.recordedAtMs,
    resultRecordedTime: new Date(truth.recordedAtMs).toISOString(),
    annotation: truth.annotation,
    origin,
  };
}

let db: LocalDynamoDb;
let harness: Awaited<ReturnType<typeof writePathHarness>>;
let aggregator: ReturnType<typeof fakeAggregator> | undefined;

beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());
beforeEach(async () => { harness = await writePathHarness(db); });
afterEach(() => { harness.restore(); aggregator?.config.restore(); aggregator = undefined; });

/** A clock that moves one second per aggregator call, so deadlines can fall between calls. */
function setup(truth: Truth[], options: Partial<Parameters<typeof fakeAggregator>[1]> = {}) {
  let current = truth;
  aggregator = fakeAggregator(() => current, { describePages: DESCRIBE_PAGES, ...options });
  const clock = { now: RUN_AT };
  const delays: number[] = [];
  const notifier = new BaselineNotifier(new SNSClient({ region: REGION }), TOPIC_ARN);
  const context: WriteContext = { ...harness.context, notifier, now: () => new Date(clock.now) };
  const logLines: string[] = [];
  const state = new ReconciliationStateStore(db.documentClient, harness.tables.complianceTable);
  const client = new ConfigServiceClient({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  // Looked up at each call: a test may replace the mock of ConfigServiceClient.prototype.send half-way.
  const mockedSend = () => ConfigServiceClient.prototype.send as (this: ConfigServiceClient, c: never) => Promise<unknown>;
  client.send = ((command: never) => {
    clock.now += 1000;
    return mockedSend().call(client, command);
  }) as typeof client.send;

  function dependencies(overrides: Partial<ReconciliationDependencies> = {}): ReconciliationDependencies {
    const deadlineMs = overrides.deadlineMs ?? clock.now + 10 * 60_000;
    return {
      reader: new AggregatorReader(client, 'org-aggregator', {
        baseMs: 100,
        capMs: 2_000,
        maxAttempts: 6,
        random: () => 0.5,
        now: () => clock.now,
        deadlineMs: () => deadlineMs,
        sleep: async (ms) => { delays.push(ms); clock.now += ms; },
      }),
      state,
      context,
      documentClient: db.documentClient,
      complianceTableName: harness.tables.complianceTable,
      logger: new Logger('DEBUG', (line) => logLines.push(line)),
      now: () => clock.now,
      deadlineMs,
      leaseMs: 15 * 60_000,
      intervalMs: 6 * HOUR,
      retirementGraceMs: 3 * HOUR,
      checkpointEveryMs: 60 * 60_000,
      onBaseline: (baseline) => { notifier.baseline = baseline; },
      ...overrides,
    };
  }
  return {
    clock,
    delays,
    logLines,
    state,
    context,
    dependencies,
    setTruth: (next: Truth[]) => { current = next; },
    cursor: async () => (await db.documentClient.send(new GetCommand({
      TableName: harness.tables.complianceTable, Key: { pk: CURSOR_PK, sk: CURSOR_SK },
    }))).Item,
    item: async (t: Pick<Truth, 'account' | 'region' | 'resourceType' | 'resourceId' | 'rule'>) => (await db.documentClient.send(new GetCommand({
      TableName: harness.tables.complianceTable,
      Key: {
        pk: resourceKey({ account: t.account, region: t.region, resourceType: t.resourceType, resourceId: t.resourceId }),
        sk: ruleSortKey(t.rule),
      },
    }))).Item,
  };
}

/** The compliance items only (no cursor, no chunks, no markers), as `pk sk status evaluated_at_ms`. */
async function stateLines(): Promise<string[]> {
  return (await harness.complianceItems())
    .filter((item) => (item.sk as string).startsWith('RULE#') && item.retired_at_ms === undefined)
    .map((item) => `${item.pk} ${item.sk} ${item.compliance_status} ${item.evaluated_at_ms}`)
    .sort();
}

function truthLines(truth: Truth[]): string[] {
  return truth.map((t) => `${resourceKey({ account: t.account, region: t.region, resourceType: t.resourceType, resourceId: t.resourceId })} ${ruleSortKey(t.rule)} ${t.status} ${t.recordedAtMs}`).sort();
}

describe('reconcile: healing the state from the aggregator', () => {
  test('a deleted, a corrupted and a never-delivered item come back as the aggregator has them; a vanished resource is retired', async () => {
    // Prepare: the state as the events left it, then damaged: one item deleted, one with a wrong older status,
    // one resource the aggregator no longer reports (its group was deleted without a deletion event).
    const truth = organizationTruth();
    const env = setup(truth, { throttle: { [`details#${B}|${REGION}|restricted-ssh#`]: 2 }, emptyDetailsFirst: [`${A}|${REGION}|s3-bucket-public-read-prohibited`] });
    for (const t of truth.slice(0, 200)) await applyComplianceResult(asResult(t), harness.context);
    await db.documentClient.send(new DeleteCommand({ TableName: harness.tables.complianceTable, Key: { pk: resourceKey({ account: A, region: REGION, resourceType: SG, resourceId: 'sg-0005' }), sk: 'RULE#restricted-ssh' } }));
    await db.documentClient.send(new UpdateCommand({
      TableName: harness.tables.complianceTable,
      Key: { pk: resourceKey({ account: A, region: REGION, resourceType: SG, resourceId: 'sg-0010' }), sk: 'RULE#restricted-ssh' },
      UpdateExpression: 'SET compliance_status = :c, evaluated_at_ms = :older',
      ExpressionAttributeValues: { ':c': 'COMPLIANT', ':older': T0 - HOUR },
    }));
    const vanished: Truth = { account: A, region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-deleted', status: 'NON_COMPLIANT', recordedAtMs: T0 - 24 * HOUR };
    await applyComplianceResult(asResult(vanished), harness.context);
    // A pass already completed before (so this is not the baseline pass): a cursor saying so.
    await env.state.write({ version: 1, leaseUntilMs: 0, completedPasses: 1, lastPassStartedAtMs: RUN_AT - 7 * HOUR }, NO_CURSOR);
    harness.sns.resetHistory();

    // Act
    const run = await reconcile(env.dependencies());

    // Assess: the table is the aggregator's truth, item for item.
    expect(run.outcome).toBe('completed');
    expect(await stateLines()).toEqual(truthLines(truth));
    expect(run.counts).toMatchObject({
      rules: 3,
      evaluations: 253,
      // sg-0005 (deleted), sg-0010 (corrupted), 50 groups and 2 buckets and B's group never delivered.
      healed: 2 + 50 + 2 + 1,
      unchanged: 198,
      retired: 1,
      invalid: 0,
    });
    expect(await env.item(vanished)).toMatchObject({ retired_at_ms: expect.any(Number) });
    expect((await env.item(vanished))?.status_shard).toBeUndefined();
    // The healed corrupted item was a real transition: notified (the first two pages gave 200 items already).
    const notified = harness.notifications().map((n) => JSON.parse(n.Message!).resource_id as string);
    expect(notified).toContain('sg-0010');
    // The drift log line and the pass summary.
    const passLine = env.logLines.map((l) => JSON.parse(l)).find((l) => l.message === 'reconciliation pass completed');
    expect(passLine).toMatchObject({ drift: 56, healed: 55, retired: 1, evaluations: 253 });
    expect(run.driftSample).toContain(`retired ${resourceKey(vanished)} RULE#restricted-ssh`);
  });

  test('pages through an empty DescribeAggregateComplianceByConfigRules page and an empty details page that carry a NextToken', async () => {
    const env = setup(organizationTruth(), { emptyDetailsFirst: [`${B}|${REGION}|restricted-ssh`] });

    await reconcile(env.dependencies());

    const describes = aggregator!.config.commandCalls(DescribeAggregateComplianceByConfigRulesCommand).map((c) => c.args[0].input);
    expect(describes.map((input) => input.NextToken)).toEqual([undefined, 'describe-1', 'describe-2']);
    expect(describes.every((input) => input.Limit === 1000 && input.ConfigurationAggregatorName === 'org-aggregator')).toBe(true);
    const details = aggregator!.config.commandCalls(GetAggregateComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input);
    expect(details.filter((input) => input.AccountId === B).map((input) => input.NextToken)).toEqual([undefined, 'details-0']);
    expect(details.filter((input) => input.ConfigRuleName === 'restricted-ssh' && input.AccountId === A).map((input) => input.NextToken))
      .toEqual([undefined, 'details-100', 'details-200']);
    expect(details.every((input) => input.Limit === 100 && input.AwsRegion === REGION)).toBe(true);
    expect(await env.item({ account: B, region: REGION, resourceType: SG, resourceId: 'sg-b0001', rule: 'restricted-ssh' })).toMatchObject({ compliance_status: 'NON_COMPLIANT' });
  });

  test('backs off with full jitter on ThrottlingException (Rate exceeded) and then succeeds', async () => {
    const env = setup(organizationTruth(), { throttle: { 'describe#0': 1, [`details#${A}|${REGION}|restricted-ssh#details-100`]: 3 } });

    const run = await reconcile(env.dependencies());

    expect(run.outcome).toBe('completed');
    expect(run.throttled).toBe(4);
    // random() = 0.5: half of min(cap 2,000, base 100 × 2^attempt).
    expect(env.delays).toEqual([50, 50, 100, 200]);
    expect(aggregator!.calls.filter((c) => c === `details#${A}|${REGION}|restricted-ssh#details-100`)).toHaveLength(4);
  });

  test('gives up after the last attempt and keeps its place for the next invocation', async () => {
    const env = setup(organizationTruth(), { throttle: { [`details#${A}|${REGION}|restricted-ssh#details-100`]: 99 } });

    await expect(reconcile(env.dependencies())).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });

    const cursor = (await env.cursor())!.state as CursorState;
    expect(cursor.leaseUntilMs).toBe(0);
    expect(cursor.pass).toMatchObject({ phase: 'evaluate', ruleKey: `${A}|${REGION}|restricted-ssh`, detailsToken: 'details-100' });
  });
});

describe('reconcile: the aggregator overrules what it should have reported by now', () => {
  test('a forged state newer than the aggregator but older than its lag, and a future-dated one, are healed', async () => {
    // Prepare: two states written before senders and times were checked: one forged a day after the aggregator's
    // evaluation (the aggregator would have reported a genuine one long since), one dated 2099.
    const truth = organizationTruth();
    const env = setup(truth);
    const forgedOver = truth.find((t) => t.resourceId === 'sg-0001')!;
    const futureOver = truth.find((t) => t.resourceId === 'sg-0002')!;
    const flipped = (t: Truth) => (t.status === 'COMPLIANT' ? 'NON_COMPLIANT' : 'COMPLIANT');
    for (const [t, atMs] of [[forgedOver, forgedOver.recordedAtMs + 24 * HOUR], [futureOver, Date.parse('2099-01-01T00:00:00Z')]] as const) {
      const forged = { ...toComplianceItem({ ...asResult(t), complianceStatus: flipped(t), evaluatedAtMs: atMs }), version: 1 };
      await db.documentClient.send(new PutCommand({ TableName: harness.tables.complianceTable, Item: forged }));
    }

    await reconcile(env.dependencies());

    expect(await env.item(forgedOver)).toMatchObject({ compliance_status: forgedOver.status, evaluated_at_ms: forgedOver.recordedAtMs });
    expect(await env.item(futureOver)).toMatchObject({ compliance_status: futureOver.status, evaluated_at_ms: futureOver.recordedAtMs });
  });
});

describe('reconcile: newest wins', () => {
  test('an event-driven state newer than the aggregator is never overwritten, and not retired', async () => {
    // Prepare: the aggregator still says NON_COMPLIANT (its sources lag); an event already said COMPLIANT, within the lag.
    const truth = organizationTruth();
    const env = setup(truth);
    const older = truth.find((t) => t.resourceId === 'sg-0000')!;
    const newer: Truth = { ...older, status: 'COMPLIANT', recordedAtMs: RUN_AT - 2 * HOUR, annotation: undefined };
    await applyComplianceResult(asResult(newer), harness.context);
    // And an evaluation the aggregator has not seen at all, recorded just before the pass.
    const fresh: Truth = { ...older, resourceId: 'sg-new', recordedAtMs: RUN_AT - HOUR };
    await applyComplianceResult(asResult(fresh), harness.context);

    const run = await reconcile(env.dependencies());

    expect(await env.item(older)).toMatchObject({ compliance_status: 'COMPLIANT', evaluated_at_ms: newer.recordedAtMs });
    expect(run.counts.stale).toBe(1);
    expect(await env.item(fresh)).toMatchObject({ compliance_status: 'NON_COMPLIANT' });
  });

  test('an evaluation written by the event path during the pass survives the sweep', async () => {
    const truth = organizationTruth();
    const env = setup(truth);
    // Act 1: a pass cut short right after the evaluate phase began.
    const first = await reconcile(env.dependencies({ deadlineMs: env.clock.now + 2_500 }));
    expect(first.outcome).toBe('progress');
    // Meanwhile an event arrives for a resource the aggregator does not know yet, evaluated after the pass started.
    const during: Truth = { account: A, region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-during', status: 'NON_COMPLIANT', recordedAtMs: env.clock.now };
    await applyComplianceResult(asResult(during), harness.context);

    const second = await reconcile(env.dependencies());

    expect(second.outcome).toBe('completed');
    expect(await env.item(during)).toMatchObject({ compliance_status: 'NON_COMPLIANT' });
  });
});

describe('reconcile: what the sweep keeps', () => {
  test('keeps NOT_APPLICABLE items, items of accounts the aggregator reports nothing for, and deletion markers', async () => {
    const env = setup(organizationTruth());
    const notApplicable: Truth = { account: A, region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-na', status: 'NOT_APPLICABLE', recordedAtMs: T0 };
    const otherAccount: Truth = { account: '444444444444', region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-c', status: 'NON_COMPLIANT', recordedAtMs: T0 };
    await applyComplianceResult(asResult(notApplicable), harness.context);
    await applyComplianceResult(asResult(otherAccount), harness.context);
    await harness.context.compliance.markResourceDeleted({ pk: resourceKey({ account: A, region: REGION, resourceType: SG, resourceId: 'sg-gone' }), sk: 'RESOURCE', deleted_at_ms: T0 });

    const run = await reconcile(env.dependencies());

    expect(await env.item(notApplicable)).toBeDefined();
    expect(await env.item(otherAccount)).toBeDefined();
    expect(run.counts.unreportedScope).toBe(1);
    expect(run.counts.retired).toBe(0);
    expect((await harness.complianceItems()).some((item) => item.sk === 'RESOURCE')).toBe(true);
  });

  test('a resource the aggregator still reports after we recorded its deletion stays retired', async () => {
    const truth = organizationTruth();
    const env = setup(truth);
    const group = truth.find((t) => t.resourceId === 'sg-0001')!;
    await harness.context.compliance.markResourceDeleted({ pk: resourceKey({ ...group }), sk: 'RESOURCE', deleted_at_ms: group.recordedAtMs + 1 });

    const run = await reconcile(env.dependencies());

    expect(await env.item(group)).toBeUndefined();
    expect(run.counts.deletedResource).toBe(1);
  });
});

describe('reconcile: the resumable cursor', () => {
  test('a pass cut by the deadline resumes where it stopped and ends with the same state as an uncut pass', async () => {
    const truth = organizationTruth();
    const env = setup(truth);

    // Act: the clock moves one second per call; the first invocation has time for three.
    const first = await reconcile(env.dependencies({ deadlineMs: env.clock.now + 2_500 }));

    // Assess: stopped inside restricted-ssh's pages, the place saved, the lease released.
    expect(first.outcome).toBe('progress');
    const saved = (await env.cursor())!;
    expect(saved.status_shard).toBeUndefined();
    expect((saved.state as CursorState).leaseUntilMs).toBe(0);
    expect((saved.state as CursorState).pass).toMatchObject({ phase: 'evaluate', ruleKey: `${A}|${REGION}|restricted-ssh`, detailsToken: 'details-200' });
    const callsBefore = aggregator!.calls.length;

    const second = await reconcile(env.dependencies());

    expect(second.outcome).toBe('completed');
    // Resumed with the saved token: the first 200 evaluations were not read again.
    expect(aggregator!.calls.slice(callsBefore)).toEqual([
      'describe#0',
      `details#${A}|${REGION}|restricted-ssh#details-200`,
      'describe#1',
      'describe#2',
      `details#${A}|${REGION}|s3-bucket-public-read-prohibited#`,
      `details#${B}|${REGION}|restricted-ssh#`,
    ]);
    expect(await stateLines()).toEqual(truthLines(truth));
    expect(first.counts.evaluations + second.counts.evaluations).toBe(253);
    expect(second.passCounts).toMatchObject({ evaluations: 253, rules: 3 });
    // The pass's seen-set chunks are gone, and no reconciliation item ever entered the status index.
    expect((await harness.complianceItems()).filter((item) => item.pk === SEEN_PK)).toEqual([]);
    for (const status of ['COMPLIANT', 'NON_COMPLIANT']) {
      for (const shard of statusShardKeys(status)) {
        expect((await harness.byStatusIndex(shard)).filter((item) => (item.pk as string | undefined)?.startsWith('RECONCILIATION#'))).toEqual([]);
      }
    }
    const cursor = (await env.cursor())!.state as CursorState;
    expect(cursor).toMatchObject({ completedPasses: 1, lastPassStartedAtMs: RUN_AT, leaseUntilMs: 0 });
    expect(cursor.pass).toBeUndefined();
  });

  test('a resumed pass that can no longer find its place retires nothing', async () => {
    const truth = organizationTruth();
    const env = setup(truth);
    const vanished: Truth = { account: A, region: REGION, rule: 'restricted-ssh', resourceType: SG, resourceId: 'sg-deleted', status: 'COMPLIANT', recordedAtMs: T0 - 24 * HOUR };
    await applyComplianceResult(asResult(vanished), harness.context);
    const first = await reconcile(env.dependencies({ deadlineMs: env.clock.now + 5_500 }));
    expect(first.outcome).toBe('progress');
    expect(((await env.cursor())!.state as CursorState).pass).toMatchObject({ ruleKey: `${A}|${REGION}|s3-bucket-public-read-prohibited` });
    // The rule is removed between the invocations: the third page no longer holds it.
    DESCRIBE_PAGES_SHIFTED[2] = [[B, REGION, 'restricted-ssh']];
    aggregator!.config.restore();
    const shifted = setupShifted(env);

    const second = await reconcile(shifted);

    expect(second.outcome).toBe('completed');
    expect(await env.item(vanished)).toBeDefined();
    expect(env.logLines.some((line) => line.includes('could not find its place again'))).toBe(true);
  });

  test('an invocation finds the cursor leased by a running one and does nothing', async () => {
    const env = setup(organizationTruth());
    await env.state.write({ version: 1, leaseUntilMs: RUN_AT + 60_000, completedPasses: 0 }, { version: 0, leaseUntilMs: 0, completedPasses: 0 });

    const run = await reconcile(env.dependencies());

    expect(run.outcome).toBe('busy');
    expect(aggregator!.calls).toEqual([]);
  });

  test('no new pass starts before the interval since the last one has passed', async () => {
    const env = setup(organizationTruth());
    await env.state.write({ version: 1, leaseUntilMs: 0, completedPasses: 1, lastPassStartedAtMs: RUN_AT - HOUR }, NO_CURSOR);

    const run = await reconcile(env.dependencies());

    expect(run.outcome).toBe('idle');
    expect(aggregator!.calls).toEqual([]);
  });

  test('the cursor write is conditional: two invocations racing for it, one wins', async () => {
    const env = setup(organizationTruth());
    const store = env.state;
    const initial = await store.read();
    const next = { ...initial, version: 1, leaseUntilMs: RUN_AT + 1 };

    const results = await Promise.all([store.write(next, initial), store.write(next, initial)]);

    expect(results.sort()).toEqual([false, true]);
  });
});

describe('reconcile: notifications', () => {
  test('the first complete pass is a baseline: transitions are stored and in the history, not notified; later passes notify', async () => {
    const truth = organizationTruth();
    const env = setup(truth);

    await reconcile(env.dependencies());

    expect(harness.notifications()).toEqual([]);
    expect((await harness.history()).length).toBe(253);
    // Act 2: the next pass, after the interval, finds a change the events missed.
    const changed = truth.map((t) => (t.resourceId === 'sg-0001' ? { ...t, status: 'NON_COMPLIANT' as const, recordedAtMs: RUN_AT } : t));
    env.setTruth(changed);
    env.clock.now += 7 * HOUR;
    const run = await reconcile(env.dependencies());

    expect(run.counts.healed).toBe(1);
    expect(harness.notifications().map((n) => JSON.parse(n.Message!))).toEqual([expect.objectContaining({ resource_id: 'sg-0001', compliance_status: 'NON_COMPLIANT', previous_status: 'COMPLIANT' })]);
  });
});

describe('reconcile: malformed aggregator results', () => {
  test('a result without a resource id or with an unknown status is counted as invalid and skipped', async () => {
    const truth = organizationTruth();
    const env = setup(truth);
    aggregator!.config.on(GetAggregateComplianceDetailsByConfigRuleCommand, { AccountId: B }).resolves({
      AggregateEvaluationResults: [
        { AccountId: B, AwsRegion: REGION, ComplianceType: 'NON_COMPLIANT', ResultRecordedTime: new Date(T0), EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'restricted-ssh', ResourceType: SG } } },
        { AccountId: B, AwsRegion: REGION, ComplianceType: 'SOMETHING_NEW' as never, ResultRecordedTime: new Date(T0), EvaluationResultIdentifier: { EvaluationResultQualifier: { ConfigRuleName: 'restricted-ssh', ResourceType: SG, ResourceId: 'sg-x' } } },
      ],
    });

    const run = await reconcile(env.dependencies());

    expect(run.counts.invalid).toBe(2);
    expect(run.outcome).toBe('completed');
  });
});

// The shifted-page scenario needs its own aggregator answering from other pages.
const DESCRIBE_PAGES_SHIFTED: (readonly [string, string, string])[][] = [...DESCRIBE_PAGES];
function setupShifted(env: ReturnType<typeof setup>): ReconciliationDependencies {
  aggregator = fakeAggregator(() => organizationTruth(), { describePages: DESCRIBE_PAGES_SHIFTED });
  return env.dependencies();
}
