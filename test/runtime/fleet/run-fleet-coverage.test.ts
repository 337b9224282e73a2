import * as fs from 'fs';
import * as path from 'path';
import { ListAccountsCommand, ListAccountsForParentCommand, ListChildrenCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import type { FleetCoverageSettings } from '../../../src/contract/fleet-coverage-settings';
import { FUNCTION_ENVIRONMENTS } from '../../../src/contract/function-environments';
import { ComplianceQueries } from '../../../src/runtime/api/compliance-queries';
import { route } from '../../../src/runtime/api/router';
import { readCoverageSnapshot, SNAPSHOT_LIST_LIMIT } from '../../../src/runtime/fleet/coverage-snapshot';
import { expectedAccounts } from '../../../src/runtime/fleet/fleet-coverage';
import { organizationsApi } from '../../../src/runtime/fleet/organizations-api';
import { runFleetCoverage } from '../../../src/runtime/fleet/run-fleet-coverage';
import { Logger } from '../../../src/runtime/observability/logger';
import { accountActivityItem } from '../../support/account-activity-item';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

// One coverage run as the hourly function makes it: the AWS SDK's Organizations client (answered with the recorded
// pages), the activity items, the snapshot in a real table (dynalite), the EMF line; then the API's GET /coverage.

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'organizations');
const page = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3600_000;
const organizations = mockClient(OrganizationsClient);
const quiet = new Logger('ERROR', () => undefined);

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());
beforeEach(() => {
  organizations.reset();
  const [first, second, third] = ['list-accounts-1.json', 'list-accounts-2.json', 'list-accounts-3.json'].map(page);
  organizations.on(ListAccountsCommand).rejects(new Error('unexpected ListAccounts request'));
  organizations.on(ListAccountsCommand, { NextToken: undefined, MaxResults: 20 }).resolves(first);
  organizations.on(ListAccountsCommand, { NextToken: first.NextToken, MaxResults: 20 }).resolves(second);
  organizations.on(ListAccountsCommand, { NextToken: second.NextToken, MaxResults: 20 }).resolves(third);
});

const settings = (overrides: Partial<FleetCoverageSettings> = {}): FleetCoverageSettings => ({
  regions: ['eu-west-1', 'us-east-1'],
  fromOrganizations: true,
  organizationalUnitIds: [],
  accounts: [],
  excludedAccounts: ['111111111111'],
  graceSeconds: 86400,
  ...overrides,
});

async function run(overrides: Partial<FleetCoverageSettings> = {}, seen = [
  accountActivityItem('222222222222', 'eu-west-1', NOW - HOUR),
  accountActivityItem('222222222222', 'us-east-1', NOW - 30 * HOUR),
  accountActivityItem('333333333333', 'eu-west-1', NOW - HOUR),
  accountActivityItem('999999999999', 'eu-west-1', NOW - HOUR),
]) {
  const { complianceTable } = await db.createTables();
  const lines: string[] = [];
  const coverage = await runFleetCoverage({
    settings: settings(overrides),
    organizations: organizationsApi(new OrganizationsClient({ region: 'us-east-1' })),
    seen,
    silentAfterMs: 24 * HOUR,
    client: db.documentClient,
    tableName: complianceTable,
    functionName: 'Central-CheckAccountActivity',
    nowMs: NOW,
    sink: (line) => lines.push(line),
  });
  return { coverage, lines, complianceTable };
}

test('through the SDK: every ListAccounts page, active accounts only, compared with the seen regions', async () => {
  const { coverage } = await run();
  expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(3);
  expect(coverage.neverReported.map((r) => `${r.account} ${r.region}`)).toEqual(['333333333333 us-east-1']);
  // Joined four hours before the run: within the grace period, not yet never-reported.
  expect(coverage.pending.map((r) => `${r.account} ${r.region}`)).toEqual(['444444444444 eu-west-1', '444444444444 us-east-1']);
  expect(coverage.silent.map((r) => `${r.account} ${r.region}`)).toEqual(['222222222222 us-east-1']);
  expect(coverage.unexpected.map((r) => r.account)).toEqual(['999999999999']);
  expect(coverage).toMatchObject({ expected: 6, reporting: 2, truncated: false });
});

test('the snapshot holds exact counts and the lists; the API serves it on GET /coverage', async () => {
  const { complianceTable } = await run();
  const snapshot = await readCoverageSnapshot(db.documentClient, complianceTable);
  const now = () => new Date(NOW);
  expect(snapshot).toMatchObject({
    checkedAt: '2026-12-03T12:00:00.000Z', expected: 6, reporting: 2, neverReportedCount: 1, silentCount: 1, pendingCount: 2, unexpectedCount: 1, truncated: false,
  });
  const queries = new ComplianceQueries(db.documentClient, { complianceTableName: complianceTable, eventsTableName: 'unused', now });
  const response = await route({ httpMethod: 'GET', resource: '/coverage', queryStringParameters: null } as never, queries, quiet);
  expect(response.statusCode).toBe(200);
  expect(JSON.parse(response.body)).toEqual({ ...JSON.parse(JSON.stringify(snapshot)), stale: false });
  // Four hours later without a new run: stale.
  const later = new ComplianceQueries(db.documentClient, { complianceTableName: complianceTable, eventsTableName: 'unused', now: () => new Date(NOW + 4 * HOUR) });
  expect(await later.coverage()).toMatchObject({ stale: true });
});

test('before the first run GET /coverage is a 404 that says why; an unknown parameter is a 400', async () => {
  const { complianceTable } = await db.createTables();
  const queries = new ComplianceQueries(db.documentClient, { complianceTableName: complianceTable, eventsTableName: 'unused' });
  const missing = await route({ httpMethod: 'GET', resource: '/coverage', queryStringParameters: null } as never, queries, quiet);
  expect(missing.statusCode).toBe(404);
  expect(JSON.parse(missing.body).message).toMatch(/no fleet coverage is recorded yet/);
  const unknown = await route({ httpMethod: 'GET', resource: '/coverage', queryStringParameters: { status: 'x' } } as never, queries, quiet);
  expect(unknown.statusCode).toBe(400);
});

test('one EMF line: the five counts as metrics under the function name, the names as plain fields', async () => {
  const { lines } = await run();
  expect(lines).toHaveLength(1);
  const line = JSON.parse(lines[0]);
  expect(line._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'ConfigMonitoring', Dimensions: [['FunctionName']] });
  expect(line).toMatchObject({
    FunctionName: 'Central-CheckAccountActivity',
    organizationsCalls: 3,
    ExpectedAccountRegions: 6,
    ReportingAccountRegions: 2,
    NeverReportedAccountRegions: 1,
    SilentExpectedAccountRegions: 1,
    CoverageListTruncated: 0,
  });
  expect(line.neverReported).toEqual([{ account: '333333333333', region: 'us-east-1', name: 'workloads-dev' }]);
});

test('an explicit list: no Organizations call at all', async () => {
  const { coverage } = await run({ fromOrganizations: false, accounts: ['222222222222', '777777777777'], excludedAccounts: [] });
  expect(organizations.calls()).toHaveLength(0);
  expect(coverage.neverReported.map((r) => `${r.account} ${r.region}`)).toEqual(['777777777777 eu-west-1', '777777777777 us-east-1']);
});

test('limited to OUs: ListAccountsForParent and ListChildren through the SDK', async () => {
  organizations.on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-sandbox01' })
    .resolves({ Accounts: [{ Id: '888888888888', State: 'ACTIVE', JoinedTimestamp: new Date('2024-01-01T00:00:00Z') }] });
  organizations.on(ListChildrenCommand, { ParentId: 'ou-ab12-sandbox01', ChildType: 'ORGANIZATIONAL_UNIT' }).resolves({ Children: [] });
  const { coverage } = await run({ organizationalUnitIds: ['ou-ab12-sandbox01'] });
  expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(0);
  expect(coverage.neverReported.map((r) => r.account)).toEqual(['888888888888', '888888888888']);
  expect(coverage.unexpected.map((r) => r.account)).toEqual(['222222222222', '222222222222', '333333333333', '999999999999']);
});

test('an Organizations failure throws and leaves the previous snapshot as it was', async () => {
  const { complianceTable } = await run();
  const before = await readCoverageSnapshot(db.documentClient, complianceTable);
  organizations.on(ListAccountsCommand, { NextToken: undefined, MaxResults: 20 })
    .rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
  await expect(runFleetCoverage({
    settings: settings(),
    organizations: organizationsApi(new OrganizationsClient({ region: 'us-east-1' })),
    seen: [],
    silentAfterMs: 24 * HOUR,
    client: db.documentClient,
    tableName: complianceTable,
    functionName: 'f',
    nowMs: NOW + HOUR,
    sink: () => undefined,
  })).rejects.toThrow(/permissions/);
  expect(await readCoverageSnapshot(db.documentClient, complianceTable)).toEqual(before);
});

test('a failed snapshot write still leaves the metrics written, and fails the run', async () => {
  const { complianceTable } = await db.createTables();
  const lines: string[] = [];
  const failingWrites = { send: () => Promise.reject(Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ThrottlingException' })) };
  await expect(runFleetCoverage({
    settings: settings(),
    organizations: organizationsApi(new OrganizationsClient({ region: 'us-east-1' })),
    seen: [],
    silentAfterMs: 24 * HOUR,
    client: failingWrites as never,
    tableName: complianceTable,
    functionName: 'f',
    nowMs: NOW,
    sink: (line) => lines.push(line),
  })).rejects.toThrow(/capacity/);
  expect(lines.map((line) => JSON.parse(line).NeverReportedAccountRegions)).toEqual([4]);
});

test('a deadline stops the reading between pages: truncated, with what was read so far', async () => {
  let clock = NOW;
  const api = organizationsApi(new OrganizationsClient({ region: 'us-east-1' }));
  const slow = { ...api, listAccounts: async (input: never) => { clock += 60_000; return api.listAccounts(input); } };
  const expected = await expectedAccounts(slow, { deadlineMs: NOW + 90_000, now: () => clock });
  expect(expected).toMatchObject({ calls: 2, truncated: true });
  expect(expected.accounts.map((a) => a.account)).toEqual(['111111111111', '222222222222']);
});

test('10,000 accounts × 4 regions: exact counts, lists bounded to the snapshot limit, the item far below 400 KB', async () => {
  const accounts = Array.from({ length: 10_000 }, (_, i) => String(100_000_000_000 + i));
  organizations.reset();
  organizations.on(ListAccountsCommand).callsFake(({ NextToken, MaxResults }: { NextToken?: string; MaxResults: number }) => {
    const p = NextToken === undefined ? 0 : Number(NextToken.slice(1));
    return {
      Accounts: accounts.slice(p * MaxResults, (p + 1) * MaxResults).map((Id) => ({ Id, State: 'ACTIVE' })),
      NextToken: (p + 1) * MaxResults < accounts.length ? `t${p + 1}` : undefined,
    };
  });
  const regions = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'];
  // Every account reports from its first two regions only.
  const seen = accounts.flatMap((account) => regions.slice(0, 2).map((region) => accountActivityItem(account, region, NOW - HOUR)));
  const { coverage, complianceTable } = await run({ regions, excludedAccounts: [] }, seen);
  expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(500);
  expect(coverage).toMatchObject({ expected: 40_000, reporting: 20_000 });
  const snapshot = (await readCoverageSnapshot(db.documentClient, complianceTable))!;
  expect(snapshot.neverReportedCount).toBe(20_000);
  expect(snapshot.neverReported).toHaveLength(SNAPSHOT_LIST_LIMIT);
  expect(Buffer.byteLength(JSON.stringify(snapshot))).toBeLessThan(40_000);
});

test('the contract reads the construct\'s JSON back, and refuses a malformed one with the variable\'s name', () => {
  const variable = FUNCTION_ENVIRONMENTS.CheckAccountActivity.fleetCoverage;
  expect(variable.read('', 'CheckAccountActivity')).toBeUndefined();
  expect(variable.read(JSON.stringify(settings()), 'CheckAccountActivity')).toEqual(settings());
  expect(() => variable.read(undefined, 'CheckAccountActivity')).toThrow(/FLEET_COVERAGE is not set/);
  expect(() => variable.read('{', 'CheckAccountActivity')).toThrow(/FLEET_COVERAGE \(CheckAccountActivity\) is not JSON/);
  expect(() => variable.read(JSON.stringify({ ...settings(), regions: [] }), 'CheckAccountActivity')).toThrow(/lists no region/);
  expect(() => variable.read(JSON.stringify({ ...settings(), graceSeconds: -1 }), 'CheckAccountActivity')).toThrow(/graceSeconds/);
  expect(() => variable.read(JSON.stringify({ ...settings(), accounts: [1] }), 'CheckAccountActivity')).toThrow(/'accounts'/);
});
