import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { loadItems, organizationItems, type StoredItem } from './support/compliance-fixture';
import { recordingDocumentClient } from './support/recording-client';
import { ComplianceQueries, type ComplianceListItem } from '../../../src/runtime/api/compliance-queries';
import { compareBytes } from '../../../src/runtime/api/merged-query';
import type { ComplianceFilters } from '../../../src/runtime/api/parameters';
import { ACCOUNT_INDEX, RULE_INDEX, STATUS_INDEX, availableIndexes, planQuery, type AvailableIndexes } from '../../../src/runtime/api/query-plan';
import { COMPLIANCE_STATUSES } from '../../../src/runtime/models/compliance-result';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

// Prepare (once): 10,140 items of 20 accounts × 3 regions, built by the write path's item builder, in dynalite
// with the tables as ConfigMonitoringMaster synthesizes them.
let db: LocalDynamoDb;
let tables: { complianceTable: string; eventsTable: string };
let items: StoredItem[];
let recording: ReturnType<typeof recordingDocumentClient>;
let queries: ComplianceQueries;

beforeAll(async () => {
  db = await startLocalDynamoDb(masterTableSpecs);
  tables = await db.createTables();
  items = organizationItems({ accounts: 20, regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'], resourcesPerType: 24, seed: 42 });
  await loadItems(db.documentClient, tables.complianceTable, items);
  recording = recordingDocumentClient(db.endpoint);
  queries = new ComplianceQueries(recording.client, { complianceTableName: tables.complianceTable, eventsTableName: tables.eventsTable });
}, 120_000);

afterAll(async () => {
  recording.destroy();
  await db.close();
});

const identity = (i: Pick<ComplianceListItem, 'account' | 'region' | 'resource_type' | 'resource_id' | 'config_rule_name'>) =>
  `${i.account}|${i.region}|${i.resource_type}|${i.resource_id}|${i.config_rule_name}`;

function matching(filters: ComplianceFilters): StoredItem[] {
  return items.filter((i) => (filters.status === undefined || i.compliance_status === filters.status)
    && (filters.resourceType === undefined || i.resource_type === filters.resourceType)
    && (filters.account === undefined || i.account === filters.account)
    && (filters.region === undefined || i.region === filters.region)
    && (filters.rule === undefined || i.config_rule_name === filters.rule));
}

async function walk(q: ComplianceQueries, filters: ComplianceFilters, limit: number) {
  const seen: ComplianceListItem[] = [];
  const pageSizes: number[] = [];
  let nextToken: string | undefined;
  do {
    const page = await q.listCompliance(filters, limit, nextToken);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items);
    pageSizes.push(page.items.length);
    nextToken = page.nextToken;
    expect(pageSizes.length).toBeLessThan(20_000);
  } while (nextToken);
  return { seen, pageSizes };
}

const someAccount = () => items[4321].account;

describe('fixture', () => {
  test('holds more than 10,000 items, every status, and the account and rule index attributes', () => {
    expect(items.length).toBeGreaterThanOrEqual(10_000);
    for (const status of COMPLIANCE_STATUSES) expect(matching({ status }).length).toBeGreaterThan(100);
    expect(items[0]).toMatchObject({ account_shard: expect.stringMatching(/^\d{12}#\d{2}$/), rule_shard: expect.stringMatching(/#\d{2}$/) });
  });
});

describe('listing walks every matching item exactly once, page after page', () => {
  const cases: [string, () => ComplianceFilters, number, typeof STATUS_INDEX][] = [
    ['no filter (64 status shards)', () => ({}), 100, STATUS_INDEX],
    ['status', () => ({ status: 'NON_COMPLIANT' }), 100, STATUS_INDEX],
    ['status and resource type (the by-status listing of docs/guide/data-model.md)', () => ({ status: 'COMPLIANT', resourceType: 'AWS::S3::Bucket' }), 37, STATUS_INDEX],
    ['status, type, account and region (exact prefix)', () => ({ status: 'NON_COMPLIANT', resourceType: 'AWS::EC2::SecurityGroup', account: someAccount(), region: 'us-east-1' }), 5, STATUS_INDEX],
    ['account', () => ({ account: someAccount() }), 50, ACCOUNT_INDEX],
    ['account and status', () => ({ account: someAccount(), status: 'NON_COMPLIANT' }), 7, ACCOUNT_INDEX],
    ['account and region', () => ({ account: someAccount(), region: 'ap-southeast-2' }), 13, ACCOUNT_INDEX],
    ['rule', () => ({ rule: 's3-bucket-versioning-enabled' }), 100, RULE_INDEX],
    ['rule, account and status', () => ({ rule: 'restricted-ssh', account: someAccount(), status: 'COMPLIANT' }), 3, RULE_INDEX],
    ['resource type and account without status (the account\'s 16 shards, narrow prefix)', () => ({ resourceType: 'AWS::Logs::LogGroup', account: someAccount() }), 10, ACCOUNT_INDEX],
    ['region alone (filter on the 64 shards)', () => ({ region: 'eu-west-1' }), 100, STATUS_INDEX],
    ['one item per page', () => ({ status: 'INSUFFICIENT_DATA', resourceType: 'AWS::IAM::Role' }), 1, STATUS_INDEX],
    ['nothing matches', () => ({ rule: 'no-such-rule' }), 20, RULE_INDEX],
  ];

  test.each(cases)('%s', async (_name, filtersOf, limit, index) => {
    // Prepare
    const filters = filtersOf();
    const expected = matching(filters);
    recording.operations.length = 0;

    // Act
    const { seen, pageSizes } = await walk(queries, filters, limit);

    // Assess: complete, no duplicates, exact values, only Query/BatchGetItem, on the planned index.
    expect(planQuery(filters).index).toBe(index);
    const ids = seen.map(identity);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(expected.map(identity).sort());
    const byId = new Map(expected.map((i) => [identity(i), i]));
    for (const item of seen) {
      const stored = byId.get(identity(item))!;
      expect(item).toEqual({
        account: stored.account,
        region: stored.region,
        resource_type: stored.resource_type,
        resource_id: stored.resource_id,
        config_rule_name: stored.config_rule_name,
        compliance_status: stored.compliance_status,
        last_evaluated: stored.last_evaluated,
      });
    }
    // Every page but the last is full when nothing limits the evaluation budget.
    expect(pageSizes.slice(0, -1).every((size) => size === limit)).toBe(true);
    expect(new Set(recording.operations.map((o) => o.command))).toEqual(new Set(
      index.projectsLastEvaluated || expected.length === 0 ? ['QueryCommand'] : ['QueryCommand', 'BatchGetItemCommand']));
    for (const operation of recording.operations.filter((o) => o.command === 'QueryCommand')) {
      expect(operation.input.IndexName).toBe(index.name);
    }
  });

  test('pages come in one global order: the index sort key, ascending across shards and pages', async () => {
    const { seen } = await walk(queries, { status: 'NON_COMPLIANT' }, 64);
    const sortKeys = seen.map((i) => `${i.resource_type}#${i.account}#${i.region}#${i.resource_id}#${i.config_rule_name}`);
    expect([...sortKeys].sort(compareBytes)).toEqual(sortKeys);
  });

  test('a small evaluation budget gives shorter (even empty) pages, never a lost or repeated item', async () => {
    // Prepare: a selective filter on the 64 shards, and a budget far below what a full page needs.
    const tight = new ComplianceQueries(recording.client, {
      complianceTableName: tables.complianceTable, eventsTableName: tables.eventsTable, evaluationBudget: 40,
    });
    const filters: ComplianceFilters = { region: 'us-east-1', rule: 'root-account-mfa-enabled', status: 'NON_COMPLIANT' };
    const expected = matching(filters);
    recording.operations.length = 0;

    // Act
    const { seen, pageSizes } = await walk(tight, filters, 100);

    // Assess
    expect(pageSizes.length).toBeGreaterThan(1);
    expect(pageSizes.some((size) => size < 100)).toBe(true);
    expect(seen.map(identity).sort()).toEqual(expected.map(identity).sort());
    // Each request reads a bounded number of items: the budget plus at most one round of per-shard reads.
    expect(recording.operations.every((o) => o.command !== 'ScanCommand')).toBe(true);
  });

  test('an item retired between the index read and the table read is left out of the page', async () => {
    // Prepare: a stale index entry, i.e. an index key whose table item is gone (DynamoDB indexes are eventually consistent).
    const account = items[10].account;
    const stale = { ...items.find((i) => i.account === account)!, sk: 'RULE#retired-rule', config_rule_name: 'retired-rule' };
    const fresh = await db.createTables();
    // Only the account index sees the item: it is written without status index keys, then its table item vanishes
    // from the BatchGetItem answer because the page reader asks for another table's items.
    const { status_shard: _a, ...indexedOnly } = stale;
    await loadItems(db.documentClient, fresh.complianceTable, [indexedOnly]);
    const reader = new ComplianceQueries(recording.client, { complianceTableName: fresh.complianceTable, eventsTableName: fresh.eventsTable });
    const before = await reader.listCompliance({ account }, 10, undefined);
    expect(before.items).toHaveLength(1);
    await db.documentClient.send(new DeleteCommand({ TableName: fresh.complianceTable, Key: { pk: stale.pk, sk: stale.sk } }));

    // Act
    const after = await reader.listCompliance({ account }, 10, undefined);

    // Assess
    expect(after.items).toEqual([]);
  });
});

describe('pagination tokens', () => {
  test('fails when the token belongs to other filters', async () => {
    const page = await queries.listCompliance({ status: 'COMPLIANT' }, 5, undefined);
    await expect(queries.listCompliance({ status: 'NON_COMPLIANT' }, 5, page.nextToken)).rejects.toMatchObject({
      statusCode: 400, parameter: 'nextToken', message: expect.stringContaining('belongs to a query with other filters'),
    });
  });

  test('fails when the token is not one this API issued', async () => {
    for (const token of ['garbage!', Buffer.from('{"v":1}').toString('base64url'), Buffer.from('not json').toString('base64url')]) {
      await expect(queries.listCompliance({}, 5, token)).rejects.toMatchObject({ statusCode: 400, parameter: 'nextToken' });
    }
  });

  test('a token is base64url of the DynamoDB key to continue after, and the same token gives the same page', async () => {
    const first = await queries.listCompliance({ status: 'COMPLIANT' }, 5, undefined);
    const decoded = JSON.parse(Buffer.from(first.nextToken!, 'base64url').toString('utf8'));
    expect(Object.keys(decoded.k).sort()).toEqual(['pk', 'sk', 'status_sort']);
    const second = await queries.listCompliance({ status: 'COMPLIANT' }, 5, first.nextToken);
    const again = await queries.listCompliance({ status: 'COMPLIANT' }, 5, first.nextToken);
    expect(again).toEqual(second);
  });
});

describe('summary', () => {
  const countsOf = (subset: StoredItem[]) =>
    Object.fromEntries(COMPLIANCE_STATUSES.map((s) => [s, subset.filter((i) => i.compliance_status === s).length]));

  test('counts by status with Select COUNT on the 64 status shards', async () => {
    recording.operations.length = 0;

    const summary = await queries.summary({}, undefined);

    expect(summary).toEqual({ total: items.length, counts: countsOf(items) });
    const operations = recording.operations;
    expect(operations.every((o) => o.command === 'QueryCommand' && o.input.Select === 'COUNT' && o.input.IndexName === 'ConfigCompliance-Index')).toBe(true);
    expect(new Set(operations.map((o) => (o.input.ExpressionAttributeValues as Record<string, unknown>)[':p'])).size).toBe(64);
  });

  test('groups by account, with the counts of each', async () => {
    const summary = await queries.summary({}, 'account');

    const accounts = [...new Set(items.map((i) => i.account))].sort();
    expect(Object.keys(summary.groups!)).toEqual(accounts);
    for (const account of accounts) {
      const subset = items.filter((i) => i.account === account);
      expect(summary.groups![account]).toEqual({ total: subset.length, counts: countsOf(subset) });
    }
  });

  test('one account grouped by rule reads only that account\'s 16 shards of the account index', async () => {
    recording.operations.length = 0;
    const account = someAccount();

    const summary = await queries.summary({ account }, 'rule');

    const subset = items.filter((i) => i.account === account);
    expect(summary.total).toBe(subset.length);
    for (const rule of new Set(subset.map((i) => i.config_rule_name))) {
      expect(summary.groups![rule].counts).toEqual(countsOf(subset.filter((i) => i.config_rule_name === rule)));
    }
    expect(new Set(recording.operations.map((o) => o.input.IndexName))).toEqual(new Set(['ConfigComplianceByAccount-Index']));
    expect(recording.operations.map((o) => o.command)).not.toContain('ScanCommand');
  });

  test('filters apply to the counts', async () => {
    const filters: ComplianceFilters = { status: 'NON_COMPLIANT', resourceType: 'AWS::S3::Bucket' };
    expect((await queries.summary(filters, undefined)).counts).toEqual(countsOf(matching(filters)));
  });
});

describe('query plans', () => {
  test.each([
    [{}, 'ConfigCompliance-Index', 64, undefined],
    [{ status: 'COMPLIANT' }, 'ConfigCompliance-Index', 16, undefined],
    [{ status: 'COMPLIANT', resourceType: 'AWS::S3::Bucket' }, 'ConfigCompliance-Index', 16, 'AWS::S3::Bucket#'],
    [{ resourceType: 'AWS::S3::Bucket', account: '111111111111' }, 'ConfigComplianceByAccount-Index', 16, 'AWS::S3::Bucket#111111111111#'],
    [{ status: 'NON_COMPLIANT', resourceType: 'AWS::S3::Bucket', account: '111111111111' }, 'ConfigCompliance-Index', 16, 'AWS::S3::Bucket#111111111111#'],
    [{ account: '111111111111' }, 'ConfigComplianceByAccount-Index', 16, undefined],
    [{ account: '111111111111', status: 'NON_COMPLIANT' }, 'ConfigComplianceByAccount-Index', 16, undefined],
    [{ account: '111111111111', region: 'eu-west-1', resourceType: 'AWS::S3::Bucket' }, 'ConfigComplianceByAccount-Index', 16, 'AWS::S3::Bucket#111111111111#eu-west-1#'],
    [{ rule: 'restricted-ssh' }, 'ConfigComplianceByRule-Index', 16, undefined],
    [{ rule: 'restricted-ssh', account: '111111111111' }, 'ConfigComplianceByRule-Index', 16, undefined],
    [{ rule: 'restricted-ssh', status: 'COMPLIANT', resourceType: 'AWS::EC2::SecurityGroup' }, 'ConfigComplianceByRule-Index', 16, 'AWS::EC2::SecurityGroup#'],
  ] as [ComplianceFilters, string, number, string | undefined][])('%j reads %s (%d partitions, prefix %s)', (filters, index, partitions, prefix) => {
    const plan = planQuery(filters);
    expect(plan.index.name).toBe(index);
    expect(plan.partitions).toHaveLength(partitions);
    expect(plan.sortPrefix).toBe(prefix);
  });

  test.each([
    [{ account: '111111111111' }, { byAccount: false, byRule: true }],
    [{ rule: 'restricted-ssh', account: '111111111111' }, { byAccount: false, byRule: false }],
    [{ rule: 'restricted-ssh' }, { byAccount: true, byRule: false }],
  ] as [ComplianceFilters, AvailableIndexes][])('%j without the index it would read (%j) falls back to the status index', (filters, indexes) => {
    const plan = planQuery(filters, indexes);
    expect(plan.index.name).toBe('ConfigCompliance-Index');
    expect(plan.partitions).toHaveLength(64);
    expect(plan.filters).toEqual(filters);
  });

  test('reads the indexes the table has from the setting, and rejects a name it does not know', () => {
    expect(availableIndexes('')).toEqual({ byAccount: false, byRule: false });
    expect(availableIndexes('BY_RULE')).toEqual({ byAccount: false, byRule: true });
    expect(availableIndexes('BY_ACCOUNT,BY_RULE')).toEqual({ byAccount: true, byRule: true });
    expect(() => availableIndexes('BY_REGION')).toThrow("SCOPE_INDEXES has 'BY_REGION'");
  });
});
