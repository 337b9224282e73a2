import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { readCoverageSnapshot } from '../../src/runtime/fleet/coverage-snapshot';
import { accountActivityItem } from '../support/account-activity-item';
import { startLocalDynamoDb, type LocalDynamoDb } from '../support/local-dynamodb';
import { masterTableSpecs } from '../support/master-tables';

// The deployed handler end to end: its environment as the construct writes it, dynalite for the table, the SDK's
// Organizations client answered by aws-sdk-client-mock; one read of the activity items serves both checks.

const ENV_NAMES = ['COMPLIANCE_TABLE_NAME', 'SILENT_AFTER_SECONDS', 'IGNORED_ACCOUNTS', 'FLEET_COVERAGE',
  'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_LAMBDA_FUNCTION_NAME'];
const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => {
  await db.close();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name]; else process.env[name] = value;
  }
});

type HandlerModule = typeof import('../../src/handlers/check-account-activity.lambda');

interface Loaded {
  readonly handler: HandlerModule['handler'];
  /** Organizations as the handler's own copy of the SDK sees it (recorded page shape). */
  readonly organizations: AwsClientStub<any>;
  /** The handler's DynamoDB Query commands. */
  readonly queries: jest.SpyInstance;
}

/**
 * A fresh module registry (the handler reads its environment at load), in which the SDK the handler imports is the
 * one mocked and spied on.
 */
function loadHandlerAfresh(): Loaded {
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- the isolated registry's own copies */
    const sdk = require('@aws-sdk/client-organizations') as typeof import('@aws-sdk/client-organizations');
    const documents = require('@aws-sdk/lib-dynamodb') as typeof import('@aws-sdk/lib-dynamodb');
    const organizations = mockClient(sdk.OrganizationsClient);
    organizations.on(sdk.ListAccountsCommand).resolves({
      Accounts: ['222222222222', '333333333333', '444444444444'].map((Id) => ({ Id, State: 'ACTIVE', JoinedTimestamp: new Date('2024-01-01T00:00:00Z') })),
    });
    const queries = jest.spyOn(documents.QueryCommand.prototype, 'resolveMiddleware');
    const { handler } = require('../../src/handlers/check-account-activity.lambda') as HandlerModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
    loaded = { handler, organizations, queries };
  });
  return loaded!;
}

async function deploy(fleetCoverage: string) {
  const { complianceTable } = await db.createTables();
  const now = Date.now();
  for (const item of [accountActivityItem('222222222222', 'eu-west-1', now - 60_000), accountActivityItem('333333333333', 'eu-west-1', now - 3 * 86_400_000)]) {
    await db.documentClient.send(new PutCommand({ TableName: complianceTable, Item: item }));
  }
  Object.assign(process.env, {
    COMPLIANCE_TABLE_NAME: complianceTable,
    SILENT_AFTER_SECONDS: '86400',
    IGNORED_ACCOUNTS: '',
    FLEET_COVERAGE: fleetCoverage,
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: 'Central-CheckAccountActivity',
  });
  return complianceTable;
}

/** The log lines of one invocation, and its error if it failed. */
async function invoke(handler: HandlerModule['handler'], remainingMs = 300_000): Promise<Record<string, any>[] & { error?: Error }> {
  const lines: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => { lines.push(String(chunk)); return true; });
  let error: Error | undefined;
  try {
    await handler({}, { getRemainingTimeInMillis: () => remainingMs });
  } catch (thrown) {
    error = thrown as Error;
  } finally {
    stdout.mockRestore();
  }
  return Object.assign(lines.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)), { error });
}

const FROM_ORGANIZATIONS = JSON.stringify({
  regions: ['eu-west-1'], fromOrganizations: true, organizationalUnitIds: [], accounts: [], excludedAccounts: [], graceSeconds: 86400,
});

test('with fleet coverage: the silence line, the coverage line and the snapshot, from one read of the activity items', async () => {
  const table = await deploy(FROM_ORGANIZATIONS);
  const { handler, organizations, queries } = loadHandlerAfresh();
  const lines = await invoke(handler);
  expect(lines.error).toBeUndefined();
  // Four activity partitions, queried once each for both checks.
  expect(queries).toHaveBeenCalledTimes(4);
  expect(organizations.calls()).toHaveLength(1);
  expect(lines.map((line) => line.message)).toEqual(['account activity checked', 'fleet coverage checked']);
  expect(lines[0]).toMatchObject({ SilentAccounts: 1, AccountsSeen: 2 });
  expect(lines[1]).toMatchObject({ FunctionName: 'Central-CheckAccountActivity', ExpectedAccountRegions: 3, NeverReportedAccountRegions: 1, SilentExpectedAccountRegions: 1 });
  expect((await readCoverageSnapshot(db.documentClient, table))?.neverReported).toEqual([{ account: '444444444444', region: 'eu-west-1' }]);
});

test('Organizations refuses: the silence metrics are out first, then the invocation fails (Errors, its alarm, a retry)', async () => {
  const table = await deploy(FROM_ORGANIZATIONS);
  const { handler, organizations } = loadHandlerAfresh();
  organizations.rejects(Object.assign(new Error('You don\'t have permissions to access this resource.'), { name: 'AccessDeniedException' }));
  const lines = await invoke(handler);
  expect(lines.error?.name).toBe('AccessDeniedException');
  expect(lines.map((line) => line.message)).toEqual(['account activity checked']);
  expect(await readCoverageSnapshot(db.documentClient, table)).toBeUndefined();
});

test('no time left for Organizations: the run ends as truncated, with its metrics and snapshot, not as a timeout', async () => {
  const table = await deploy(FROM_ORGANIZATIONS);
  const { handler, organizations } = loadHandlerAfresh();
  // Less than the write margin: no list call may start.
  const lines = await invoke(handler, 45_000);
  expect(lines.error).toBeUndefined();
  expect(organizations.calls()).toHaveLength(0);
  expect(lines[1]).toMatchObject({ CoverageListTruncated: 1, organizationsCalls: 0 });
  expect(await readCoverageSnapshot(db.documentClient, table)).toMatchObject({ truncated: true });
});

test('without fleet coverage: the silence check alone, no Organizations call, no snapshot', async () => {
  const table = await deploy('');
  const { handler, organizations } = loadHandlerAfresh();
  const lines = await invoke(handler);
  expect(lines.map((line) => line.message)).toEqual(['account activity checked']);
  expect(organizations.calls()).toHaveLength(0);
  expect(await readCoverageSnapshot(db.documentClient, table)).toBeUndefined();
});

test('a malformed setting fails the cold start, naming the variable', async () => {
  await deploy('{"regions":[]}');
  expect(() => loadHandlerAfresh()).toThrow(/FLEET_COVERAGE \(CheckAccountActivity\)/);
});
