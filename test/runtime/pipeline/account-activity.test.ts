import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { activityCheckEmf, checkAccountActivity, runAccountActivityCheck } from '../../../src/runtime/activity/check-account-activity';
import { Logger } from '../../../src/runtime/observability/logger';
import { AccountActivityRecorder } from '../../../src/runtime/pipeline/account-activity-recorder';
import { sightingOf, type AccountSighting } from '../../../src/runtime/pipeline/account-sighting';
import { ACTIVITY_SHARDS, activityPartitionKey, activityPartitionKeys } from '../../../src/runtime/store/account-activity-keys';
import { accountActivityItem } from '../../support/account-activity-item';
import { complianceChangeEvent, configItemChangeEvent } from '../../support/config-events';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

const T0 = Date.parse('2026-11-26T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let db: LocalDynamoDb;
let table: string;

beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());
beforeEach(async () => { table = (await db.createTables()).complianceTable; });

/** Counts the requests a recorder sends, so tests assert the write cost, not only the result. */
function countingClient() {
  const sent: string[] = [];
  const client = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return db.documentClient.send(command as never);
    },
  } as unknown as typeof db.documentClient;
  return { client, sent };
}

function sighting(account: string, region: string, atMs: number): AccountSighting {
  return { account, region, eventTimeMs: atMs };
}

async function activityItems() {
  return ((await db.documentClient.send(new ScanCommand({ TableName: table }))).Items ?? []);
}

describe('sightingOf', () => {
  test('reads account, region and time from an aws.config envelope', () => {
    const event = complianceChangeEvent({
      id: 'e1',
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'b',
      rule: 'r',
      status: 'COMPLIANT',
      recordedAt: '2026-11-26T10:00:00.000Z',
    });

    expect(sightingOf(event, T0)).toEqual({ account: '222222222222', region: 'eu-west-1', eventTimeMs: Date.parse('2026-11-26T10:00:01Z') });
  });

  test('reads the outer envelope of the agent envelope too (the member account sends it)', () => {
    const event = { 'source': 'monitoring.agent.config', 'account': '333333333333', 'region': 'us-east-1', 'time': '2026-11-26T11:00:00Z', 'detail-type': 'x', 'detail': {} };

    expect(sightingOf(event, T0)).toEqual({ account: '333333333333', region: 'us-east-1', eventTimeMs: Date.parse('2026-11-26T11:00:00Z') });
  });

  test('a time in the future (sender clock skew) counts as now', () => {
    const event = configItemChangeEvent({
      id: 'e',
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-1',
      capturedAt: '2026-11-27T00:00:00.000Z',
      status: 'OK',
      changeType: 'UPDATE',
    });

    expect(sightingOf(event, T0)?.eventTimeMs).toBe(T0);
  });

  test('a missing or unparsable time counts as now', () => {
    expect(sightingOf({ account: '222222222222', region: 'eu-west-1' }, T0)?.eventTimeMs).toBe(T0);
    expect(sightingOf({ account: '222222222222', region: 'eu-west-1', time: 'yesterday' }, T0)?.eventTimeMs).toBe(T0);
  });

  test.each([
    ['not an object', 'text'],
    ['null', null],
    ['no account', { region: 'eu-west-1' }],
    ['a short account id', { account: '2222', region: 'eu-west-1' }],
    ['a bad region', { account: '222222222222', region: 'Europe' }],
  ])('ignores %s', (_name, envelope) => {
    expect(sightingOf(envelope, T0)).toBeUndefined();
  });
});

describe('partition keys', () => {
  test('an account always maps to the same one of the fixed partitions', () => {
    const keys = activityPartitionKeys();
    expect(keys).toHaveLength(ACTIVITY_SHARDS);
    expect(keys).toContain(activityPartitionKey('222222222222'));
    expect(activityPartitionKey('222222222222')).toBe(activityPartitionKey('222222222222'));
  });

  test('100 accounts spread over every partition, never on a resource key', () => {
    const used = new Set(Array.from({ length: 100 }, (_, i) => activityPartitionKey(String(100000000000 + i * 7919))));
    expect(used.size).toBe(ACTIVITY_SHARDS);
    for (const pk of used) expect(pk).toMatch(/^ACCOUNT_ACTIVITY#0\d$/);
  });
});

describe('AccountActivityRecorder', () => {
  test('one BatchGetItem, then one conditional UpdateItem per account and region of a batch, with the newest event time', async () => {
    const { client, sent } = countingClient();
    const recorder = new AccountActivityRecorder(client, table, { now: () => T0 });

    const summary = await recorder.record([
      sighting('222222222222', 'eu-west-1', T0 - 5 * MINUTE),
      sighting('222222222222', 'eu-west-1', T0 - 2 * MINUTE),
      sighting('222222222222', 'us-east-1', T0 - 3 * MINUTE),
      sighting('333333333333', 'eu-west-1', T0 - 1 * MINUTE),
    ]);

    expect(summary).toEqual({ writes: 3, skipped: 0, failed: 0, read: 3 });
    expect(sent).toEqual(['BatchGetCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
    const items = await activityItems();
    expect(items).toHaveLength(3);
    expect(items.find((i) => i.sk === '222222222222#eu-west-1')).toEqual({
      pk: activityPartitionKey('222222222222'),
      sk: '222222222222#eu-west-1',
      item_type: 'ACCOUNT_ACTIVITY',
      account: '222222222222',
      region: 'eu-west-1',
      last_event_ms: T0 - 2 * MINUTE,
      last_event_at: new Date(T0 - 2 * MINUTE).toISOString(),
      recorded_at_ms: T0,
    });
  });

  test('the items carry no index keys: the status index stays free of them', async () => {
    const recorder = new AccountActivityRecorder(db.documentClient, table, { now: () => T0 });

    await recorder.record([sighting('222222222222', 'eu-west-1', T0)]);

    const [item] = await activityItems();
    expect(item.status_shard).toBeUndefined();
    expect(item.status_sort).toBeUndefined();
  });

  test('within the write interval the same container sends nothing for an account it already wrote', async () => {
    const { client, sent } = countingClient();
    let now = T0;
    const recorder = new AccountActivityRecorder(client, table, { now: () => now, writeIntervalMs: 15 * MINUTE });
    await recorder.record([sighting('222222222222', 'eu-west-1', T0)]);

    now = T0 + 14 * MINUTE;
    const second = await recorder.record([sighting('222222222222', 'eu-west-1', now), sighting('333333333333', 'eu-west-1', now)]);

    expect(second).toEqual({ writes: 1, skipped: 1, failed: 0, read: 1 });
    expect(sent).toEqual(['BatchGetCommand', 'UpdateCommand', 'BatchGetCommand', 'UpdateCommand']);
    const stored = (await activityItems()).find((i) => i.sk === '222222222222#eu-west-1');
    expect(stored?.last_event_ms).toBe(T0);
  });

  test('after the write interval the account is written again with its newer time', async () => {
    let now = T0;
    const recorder = new AccountActivityRecorder(db.documentClient, table, { now: () => now, writeIntervalMs: 15 * MINUTE });
    await recorder.record([sighting('222222222222', 'eu-west-1', T0)]);

    now = T0 + 15 * MINUTE;
    const summary = await recorder.record([sighting('222222222222', 'eu-west-1', now)]);

    expect(summary.writes).toBe(1);
    expect((await activityItems())[0].last_event_ms).toBe(now);
  });

  test('another container that recorded the account within the interval: read, not written', async () => {
    const fresh = new AccountActivityRecorder(db.documentClient, table, { now: () => T0 });
    await fresh.record([sighting('222222222222', 'eu-west-1', T0)]);
    const { client, sent } = countingClient();
    let now = T0 + 10 * MINUTE;
    const other = new AccountActivityRecorder(client, table, { now: () => now, writeIntervalMs: HOUR });

    expect(await other.record([sighting('222222222222', 'eu-west-1', now)])).toEqual({ writes: 0, skipped: 1, failed: 0, read: 1 });
    // It remembers when the item was recorded: no request until that record is an interval old.
    now = T0 + 50 * MINUTE;
    expect(await other.record([sighting('222222222222', 'eu-west-1', now)])).toEqual({ writes: 0, skipped: 1, failed: 0, read: 0 });
    now = T0 + HOUR;
    expect(await other.record([sighting('222222222222', 'eu-west-1', now)])).toEqual({ writes: 1, skipped: 0, failed: 0, read: 1 });
    expect(sent).toEqual(['BatchGetCommand', 'BatchGetCommand', 'UpdateCommand']);
    expect((await activityItems())[0]).toMatchObject({ last_event_ms: T0 + HOUR, recorded_at_ms: T0 + HOUR });
  });

  test('newest wins: an older event from a container whose read missed the newer item never moves the time back', async () => {
    const fresh = new AccountActivityRecorder(db.documentClient, table, { now: () => T0 });
    await fresh.record([sighting('222222222222', 'eu-west-1', T0)]);
    // An eventually consistent read that has not seen the write yet: found nothing.
    const stale = {
      send: (command: { constructor: { name: string } }) => (command.constructor.name === 'BatchGetCommand'
        ? Promise.resolve({ Responses: {} })
        : db.documentClient.send(command as never)),
    } as unknown as typeof db.documentClient;
    const lagging = new AccountActivityRecorder(stale, table, { now: () => T0 });

    const summary = await lagging.record([sighting('222222222222', 'eu-west-1', T0 - HOUR)]);

    expect(summary).toEqual({ writes: 1, skipped: 0, failed: 0, read: 1 });
    expect((await activityItems())[0].last_event_ms).toBe(T0);
  });

  test('an item older than the interval whose event is newer than the sighting (a backlog): not written', async () => {
    await db.documentClient.send(new PutCommand({ TableName: table, Item: accountActivityItem('222222222222', 'eu-west-1', T0 - 2 * HOUR) }));
    const recorder = new AccountActivityRecorder(db.documentClient, table, { now: () => T0, writeIntervalMs: HOUR });

    expect(await recorder.record([sighting('222222222222', 'eu-west-1', T0 - 3 * HOUR)])).toEqual({ writes: 0, skipped: 1, failed: 0, read: 1 });
  });

  test('keys DynamoDB leaves unprocessed are asked again; those still unprocessed are written unread', async () => {
    const { client, sent } = countingClient();
    await new AccountActivityRecorder(db.documentClient, table, { now: () => T0 }).record([sighting('222222222222', 'eu-west-1', T0)]);
    let calls = 0;
    const throttled = {
      send: async (command: any) => {
        if (command.constructor.name !== 'BatchGetCommand') return client.send(command);
        calls++;
        sent.push('BatchGetCommand');
        const request = command.input.RequestItems[table];
        // The first answer leaves every key unprocessed; the second answers.
        if (calls === 1) return { Responses: { [table]: [] }, UnprocessedKeys: { [table]: request } };
        return db.documentClient.send(command);
      },
    } as unknown as typeof db.documentClient;
    const recorder = new AccountActivityRecorder(throttled, table, { now: () => T0 + MINUTE, sleep: async () => undefined });

    const summary = await recorder.record([sighting('222222222222', 'eu-west-1', T0 + MINUTE), sighting('333333333333', 'eu-west-1', T0 + MINUTE)]);

    expect(summary).toEqual({ writes: 1, skipped: 1, failed: 0, read: 2 });
    expect(sent).toEqual(['BatchGetCommand', 'BatchGetCommand', 'UpdateCommand']);
  });

  test('more than 100 account-regions are read 100 keys a call', async () => {
    const { client, sent } = countingClient();
    const recorder = new AccountActivityRecorder(client, table, { now: () => T0 });
    const many = Array.from({ length: 250 }, (_, i) => sighting(String(100000000000 + i), 'eu-west-1', T0));

    expect(await recorder.record(many)).toEqual({ writes: 250, skipped: 0, failed: 0, read: 250 });
    expect(sent.filter((name) => name === 'BatchGetCommand')).toHaveLength(3);
  });

  test('a failed write is logged, never thrown, and tried again with the next batch', async () => {
    const lines: string[] = [];
    let fail = true;
    const flaky = {
      send: (command: never) => (fail
        ? Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
        : db.documentClient.send(command)),
    } as unknown as typeof db.documentClient;
    const recorder = new AccountActivityRecorder(flaky, table, { now: () => T0, logger: new Logger('DEBUG', (l) => lines.push(l)), sleep: async () => undefined });

    const first = await recorder.record([sighting('222222222222', 'eu-west-1', T0)]);
    fail = false;
    const second = await recorder.record([sighting('222222222222', 'eu-west-1', T0)]);

    expect(first).toEqual({ writes: 1, skipped: 0, failed: 1, read: 1 });
    // The read failed first: the recorder writes unread rather than skip.
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ level: 'WARN', message: 'could not read account activity: writing unread', errorName: 'ThrottlingException' }),
      expect.objectContaining({ level: 'WARN', account: '222222222222', region: 'eu-west-1', errorName: 'ThrottlingException' }),
    ]);
    expect(second).toEqual({ writes: 1, skipped: 0, failed: 0, read: 1 });
    expect(await activityItems()).toHaveLength(1);
  });

  test('write cost of the benchmark workload: 100 accounts × 4 regions in batches of 100 cost 400 writes (and 4 reads) in all', async () => {
    // Prepare: 2,000 deliveries over 20 minutes of handler time (as SQS batches of 100), each from a random account-region.
    const { client, sent } = countingClient();
    let now = T0;
    const recorder = new AccountActivityRecorder(client, table, { now: () => now });
    const regions = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
    const all = Array.from({ length: 400 }, (_, i) => [String(100000000000 + Math.floor(i / 4)), regions[i % 4]] as const);
    let seed = 7;
    const next = () => { seed = (seed * 48271) % 2147483647; return seed; };

    // Act: 20 batches, one per minute; every account-region appears within the first few batches.
    const writesPerBatch: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      now = T0 + batch * 45_000;
      const batchSightings = Array.from({ length: 100 }, (_, j) => {
        const [account, region] = batch < 4 ? all[batch * 100 + j] : all[next() % 400];
        return sighting(account, region, now);
      });
      writesPerBatch.push((await recorder.record(batchSightings)).writes);
    }

    // Assess: each account-region once, at most one write per record of a batch, nothing after the first pass.
    expect(sent.filter((name) => name === 'UpdateCommand')).toHaveLength(400);
    expect(sent.filter((name) => name === 'BatchGetCommand')).toHaveLength(4);
    expect(Math.max(...writesPerBatch)).toBeLessThanOrEqual(100);
    expect(writesPerBatch.slice(4).every((w) => w === 0)).toBe(true);
  });
});

describe('checkAccountActivity', () => {
  async function seed(account: string, region: string, lastEventMs: number) {
    await db.documentClient.send(new PutCommand({ TableName: table, Item: accountActivityItem(account, region, lastEventMs) }));
  }

  test('an account is silent when none of its regions sent anything for longer than the period', async () => {
    await seed('222222222222', 'eu-west-1', T0 - 30 * HOUR);
    await seed('222222222222', 'us-east-1', T0 - 25 * HOUR);
    await seed('333333333333', 'eu-west-1', T0 - 30 * HOUR);
    await seed('333333333333', 'us-east-1', T0 - 1 * HOUR);
    await seed('444444444444', 'eu-west-1', T0 - 23 * HOUR);

    const result = await checkAccountActivity(db.documentClient, table, { silentAfterMs: 24 * HOUR, nowMs: T0 });

    expect(result.accountsSeen).toBe(3);
    expect(result.silentAccounts).toEqual(['222222222222']);
    expect(result.silentRegions).toEqual([
      { account: '222222222222', region: 'eu-west-1', lastEventAt: new Date(T0 - 30 * HOUR).toISOString() },
      { account: '222222222222', region: 'us-east-1', lastEventAt: new Date(T0 - 25 * HOUR).toISOString() },
      { account: '333333333333', region: 'eu-west-1', lastEventAt: new Date(T0 - 30 * HOUR).toISOString() },
    ]);
  });

  test('ignored accounts (closed on purpose) are left out', async () => {
    await seed('222222222222', 'eu-west-1', T0 - 30 * HOUR);

    const result = await checkAccountActivity(db.documentClient, table, { silentAfterMs: 24 * HOUR, nowMs: T0, ignoredAccounts: ['222222222222'] });

    expect(result).toEqual({ accountsSeen: 0, silentAccounts: [], silentRegions: [] });
  });

  test('reads only the activity partitions (one Query each), never the compliance items', async () => {
    // Prepare: 300 account-regions, half of them silent, next to a compliance item.
    for (let i = 0; i < 300; i++) await seed(String(500000000000 + i), 'eu-west-1', T0 - (i % 2 === 0 ? 2 : 48) * HOUR);
    await db.documentClient.send(new PutCommand({
      TableName: table,
      Item: { pk: '222222222222#eu-west-1#AWS::S3::Bucket#b', sk: 'RULE#r', account: '222222222222', region: 'eu-west-1', compliance_status: 'COMPLIANT' },
    }));
    const { client, sent } = countingClient();

    const result = await checkAccountActivity(client, table, { silentAfterMs: 24 * HOUR, nowMs: T0 });

    expect(result.accountsSeen).toBe(300);
    expect(result.silentAccounts).toHaveLength(150);
    expect(sent).toEqual(Array(ACTIVITY_SHARDS).fill('QueryCommand'));
  });

  test('the real recorder and the check agree', async () => {
    const recorder = new AccountActivityRecorder(db.documentClient, table, { now: () => T0 - 26 * HOUR });
    await recorder.record([sighting('222222222222', 'eu-west-1', T0 - 26 * HOUR)]);

    const result = await checkAccountActivity(db.documentClient, table, { silentAfterMs: 24 * HOUR, nowMs: T0 });

    expect(result.silentAccounts).toEqual(['222222222222']);
    const stored = await db.documentClient.send(new QueryCommand({
      TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': activityPartitionKey('222222222222') },
    }));
    expect(stored.Items).toHaveLength(1);
  });
});

describe('activityCheckEmf', () => {
  test('two bounded metrics and a count, whatever the number of accounts; the names ride along as plain fields', () => {
    const emf = activityCheckEmf({
      accountsSeen: 3,
      silentAccounts: ['222222222222'],
      silentRegions: [{ account: '222222222222', region: 'eu-west-1', lastEventAt: '2026-11-25T06:00:00.000Z' }],
    }, 'CheckAccountActivity', T0);

    expect(emf).toEqual({
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [{
          Namespace: 'ConfigMonitoring',
          Dimensions: [['FunctionName']],
          Metrics: [{ Name: 'SilentAccounts', Unit: 'Count' }, { Name: 'SilentAccountRegions', Unit: 'Count' }, { Name: 'AccountsSeen', Unit: 'Count' }],
        }],
      },
      FunctionName: 'CheckAccountActivity',
      SilentAccounts: 1,
      SilentAccountRegions: 1,
      AccountsSeen: 3,
      silentAccounts: ['222222222222'],
      silentRegions: [{ account: '222222222222', region: 'eu-west-1', lastEventAt: '2026-11-25T06:00:00.000Z' }],
    });
  });

  test('zeros are emitted too, so the alarm always has data', () => {
    const emf = activityCheckEmf({ accountsSeen: 0, silentAccounts: [], silentRegions: [] }, 'f', T0);
    expect(emf).toMatchObject({ SilentAccounts: 0, SilentAccountRegions: 0, AccountsSeen: 0 });
  });
});

describe('runAccountActivityCheck', () => {
  test('reads with the configured period and exclusions and writes one EMF line', async () => {
    await new AccountActivityRecorder(db.documentClient, table, { now: () => T0 - 30 * HOUR })
      .record([sighting('222222222222', 'eu-west-1', T0 - 30 * HOUR), sighting('333333333333', 'eu-west-1', T0 - 30 * HOUR)]);
    const lines: string[] = [];

    const result = await runAccountActivityCheck({
      client: db.documentClient,
      tableName: table,
      silentAfterSeconds: 86_400,
      ignoredAccounts: ' 333333333333 ,',
      functionName: 'CheckAccountActivity',
      nowMs: T0,
      sink: (line) => lines.push(line),
    });

    expect(result.silentAccounts).toEqual(['222222222222']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'INFO',
      message: 'account activity checked',
      FunctionName: 'CheckAccountActivity',
      SilentAccounts: 1,
      AccountsSeen: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'ConfigMonitoring' }] },
    });
  });

  test('a failed read throws, so the invocation fails and EventBridge retries it', async () => {
    const broken = { send: () => Promise.reject(Object.assign(new Error('no table'), { name: 'ResourceNotFoundException' })) } as unknown as typeof db.documentClient;

    await expect(runAccountActivityCheck({
      client: broken, tableName: table, silentAfterSeconds: 3600, ignoredAccounts: '', functionName: 'f', sink: () => undefined,
    })).rejects.toThrow('no table');
  });
});
