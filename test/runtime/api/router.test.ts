/* eslint-disable @typescript-eslint/no-require-imports -- the handler module is loaded fresh with its environment */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent } from './support/api-events';
import { loadItems, organizationItems, type StoredItem } from './support/compliance-fixture';
import { recordingDocumentClient } from './support/recording-client';
import { ComplianceQueries } from '../../../src/runtime/api/compliance-queries';
import { ROUTES, route } from '../../../src/runtime/api/router';
import { Logger } from '../../../src/runtime/observability/logger';
import { HistoryRepository, type HistoryRecord } from '../../../src/runtime/store/history-repository';
import { resourceKey, RESOURCE_MARKER_SK } from '../../../src/runtime/store/keys';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

const NOW = new Date('2026-11-26T12:00:00Z');
let db: LocalDynamoDb;
let tables: { complianceTable: string; eventsTable: string };
let items: StoredItem[];
let recording: ReturnType<typeof recordingDocumentClient>;
let queries: ComplianceQueries;
const logLines: string[] = [];
const logger = new Logger('INFO', (line) => logLines.push(line));

const logGroup = { account: '', region: 'eu-west-1', resourceType: 'AWS::Logs::LogGroup', resourceId: '' };

beforeAll(async () => {
  db = await startLocalDynamoDb(masterTableSpecs);
  tables = await db.createTables();
  items = organizationItems({ accounts: 2, regions: ['eu-west-1'], resourcesPerType: 3, seed: 7 });
  await loadItems(db.documentClient, tables.complianceTable, items);
  const sample = items.find((i) => i.resource_type === 'AWS::Logs::LogGroup')!;
  Object.assign(logGroup, { account: sample.account, resourceId: sample.resource_id });
  recording = recordingDocumentClient(db.endpoint);
  queries = new ComplianceQueries(recording.client, {
    complianceTableName: tables.complianceTable, eventsTableName: tables.eventsTable, now: () => NOW,
  });
});

afterAll(async () => {
  recording.destroy();
  await db.close();
});

const call = async (event: APIGatewayProxyEvent) => {
  const response = await route(event, queries, logger);
  return { ...response, json: JSON.parse(response.body) };
};

const resourcePath = (r: typeof logGroup) => ({
  account: r.account, region: r.region, resourceType: r.resourceType, resourceId: encodeURIComponent(r.resourceId),
});

describe('GET /compliance', () => {
  test('answers 200 with the page as JSON and a nextToken', async () => {
    const response = await call(apiEvent(ROUTES.list, { query: { status: 'COMPLIANT', limit: '2' } }));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    expect(response.json.items).toHaveLength(2);
    expect(response.json.items[0]).toEqual(expect.objectContaining({ compliance_status: 'COMPLIANT', last_evaluated: expect.any(Number) }));
    expect(response.json.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test.each([
    [{ status: 'BROKEN' }, 'status', 'status must be one of COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA'],
    [{ resourceType: 'S3Bucket' }, 'resourceType', 'resourceType must be a Config resource type'],
    [{ account: '1234' }, 'account', 'account must be a 12-digit account id'],
    [{ region: 'Europe' }, 'region', 'region must be an AWS region'],
    [{ rule: 'bad\u0001rule' }, 'rule', 'rule must be a Config rule name'],
    [{ limit: '0' }, 'limit', 'limit must be an integer from 1 to 100'],
    [{ limit: '101' }, 'limit', 'limit must be an integer from 1 to 100'],
    [{ limit: '2.5' }, 'limit', 'limit must be an integer from 1 to 100'],
    [{ nextToken: '%%%' }, 'nextToken', 'nextToken is not a token this API issued'],
    [{ stauts: 'COMPLIANT' }, 'stauts', 'stauts is not a parameter of this route'],
    [{ status: ['COMPLIANT', 'NON_COMPLIANT'] }, 'status', 'status is given more than once'],
  ] as [Record<string, string | string[]>, string, string][])('fails with 400 when %j, naming %s', async (query, parameter, message) => {
    const response = await call(apiEvent(ROUTES.list, { query }));

    expect(response.statusCode).toBe(400);
    expect(response.json.parameter).toBe(parameter);
    expect(response.json.message).toContain(message);
  });
});

describe('GET /summary', () => {
  test('answers the counts by status, grouped when asked', async () => {
    const response = await call(apiEvent(ROUTES.summary, { query: { groupBy: 'account' } }));

    expect(response.statusCode).toBe(200);
    expect(response.json.total).toBe(items.length);
    expect(Object.keys(response.json.groups)).toHaveLength(2);
  });

  test('fails with 400 when groupBy is not a known attribute', async () => {
    const response = await call(apiEvent(ROUTES.summary, { query: { groupBy: 'colour' } }));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ parameter: 'groupBy', message: "groupBy must be one of account, rule, resourceType, region, got 'colour'" });
  });
});

describe('GET /resources/{account}/{region}/{resourceType}/{resourceId}', () => {
  test('answers every rule of the resource, details parsed, with one Query on pk (a percent-encoded id with slashes)', async () => {
    recording.operations.length = 0;

    const response = await call(apiEvent(ROUTES.resource, { pathParameters: resourcePath(logGroup) }));

    expect(response.statusCode).toBe(200);
    const expected = items.filter((i) => i.pk === resourceKey(logGroup));
    expect(response.json).toMatchObject({ account: logGroup.account, resource_id: logGroup.resourceId, resource_type: 'AWS::Logs::LogGroup' });
    const rules = response.json.rules.map((r: { config_rule_name: string }) => r.config_rule_name).sort();
    expect(rules).toEqual(expected.map((i) => i.config_rule_name).sort());
    expect(response.json.rules[0].compliance_details).toEqual(expect.objectContaining({ source: 'event' }));
    expect(recording.operations).toEqual([expect.objectContaining({ command: 'QueryCommand' })]);
    expect(recording.operations[0].input).toMatchObject({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': resourceKey(logGroup) } });
  });

  test('shows the deletion time of a deleted resource', async () => {
    const deleted = items.find((i) => i.resource_type === 'AWS::S3::Bucket')!;
    await loadItems(db.documentClient, tables.complianceTable, [{ pk: deleted.pk, sk: RESOURCE_MARKER_SK, deleted_at_ms: Date.parse('2026-11-25T08:00:00Z') }]);

    const response = await call(apiEvent(ROUTES.resource, {
      pathParameters: { account: deleted.account, region: deleted.region, resourceType: deleted.resource_type, resourceId: deleted.resource_id },
    }));

    expect(response.json.deleted_at).toBe('2026-11-25T08:00:00.000Z');
  });

  test('answers 404 for a resource without compliance', async () => {
    const response = await call(apiEvent(ROUTES.resource, { pathParameters: { ...resourcePath(logGroup), resourceId: 'nothing-here' } }));

    expect(response.statusCode).toBe(404);
    expect(response.json.message).toContain('no compliance is recorded for resource AWS::Logs::LogGroup nothing-here');
  });

  test.each([
    ['account', { account: 'abc' }],
    ['region', { region: 'nowhere' }],
    ['resourceType', { resourceType: 'Bucket' }],
    ['resourceId', { resourceId: '%E0%A4%A' }],
  ])('fails with 400 naming %s when it is malformed', async (parameter, override) => {
    const response = await call(apiEvent(ROUTES.resource, { pathParameters: { ...resourcePath(logGroup), ...override } }));

    expect(response.statusCode).toBe(400);
    expect(response.json.parameter).toBe(parameter);
  });
});

describe('GET /resources/…/history', () => {
  // Prepare: 25 records of one resource through the write path's history repository, 5 of them expired but not yet
  // deleted by TTL, and one record of another resource.
  const records: HistoryRecord[] = [];
  beforeAll(async () => {
    const history = new HistoryRepository(db.documentClient, tables.eventsTable);
    const pk = resourceKey(logGroup);
    for (let n = 0; n < 25; n++) {
      const at = Date.parse('2026-11-01T00:00:00Z') + n * 3_600_000;
      const record: HistoryRecord = {
        pk,
        sk: `${new Date(at).toISOString()}#COMPLIANCE#cloudwatch-log-group-encrypted#${n % 2 ? 'COMPLIANT' : 'NON_COMPLIANT'}`,
        account: logGroup.account,
        region: logGroup.region,
        resource_type: logGroup.resourceType,
        resource_id: logGroup.resourceId,
        event_time: new Date(at).toISOString(),
        // The 5 oldest expired an hour before now.
        expires_at: n < 5 ? Math.floor(NOW.getTime() / 1000) - 3600 : Math.floor(NOW.getTime() / 1000) + 86_400 * 30,
        config_item_type: 'ComplianceChange',
        config_rule_name: 'cloudwatch-log-group-encrypted',
        compliance_status: n % 2 ? 'COMPLIANT' : 'NON_COMPLIANT',
        previous_status: n % 2 ? 'NON_COMPLIANT' : 'COMPLIANT',
      };
      records.push(record);
      await history.append(record);
    }
    await history.append({ ...records[24], pk: 'another#resource' });
  });

  test('walks the unexpired records newest first, each once, with the limit per page', async () => {
    recording.operations.length = 0;
    const seen: Record<string, unknown>[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const response = await call(apiEvent(ROUTES.history, { pathParameters: resourcePath(logGroup), query: { limit: '6', ...(nextToken ? { nextToken } : {}) } }));
      expect(response.statusCode).toBe(200);
      expect(response.json.items.length).toBeLessThanOrEqual(6);
      seen.push(...response.json.items);
      nextToken = response.json.nextToken;
      pages++;
    } while (nextToken);

    expect(seen.map((r) => r.event_time)).toEqual(records.slice(5).map((r) => r.event_time).reverse());
    expect(pages).toBe(4);
    expect(seen[0]).not.toHaveProperty('pk');
    expect(recording.operations.every((o) => o.command === 'QueryCommand' && o.input.ScanIndexForward === false)).toBe(true);
  });

  test('fails with 400 when the token is another resource\'s', async () => {
    const first = await call(apiEvent(ROUTES.history, { pathParameters: resourcePath(logGroup), query: { limit: '2' } }));
    const other = items.find((i) => i.resource_type === 'AWS::IAM::Role')!;

    const response = await call(apiEvent(ROUTES.history, {
      pathParameters: { account: other.account, region: other.region, resourceType: other.resource_type, resourceId: other.resource_id },
      query: { nextToken: first.json.nextToken },
    }));

    expect(response.statusCode).toBe(400);
    expect(response.json.parameter).toBe('nextToken');
  });
});

describe('errors', () => {
  test('an unknown route or method answers 404', async () => {
    expect((await call(apiEvent('/other'))).statusCode).toBe(404);
    expect((await call(apiEvent(ROUTES.list, { method: 'POST' }))).statusCode).toBe(404);
  });

  test('a DynamoDB failure answers 500 with the request id, and the detail only in the log', async () => {
    const broken = new ComplianceQueries(recording.client, { complianceTableName: 'no-such-table', eventsTableName: 'no-such-table' });
    logLines.length = 0;

    const response = await route(apiEvent(ROUTES.list), broken, logger);

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: expect.stringContaining('internal error'), requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef' });
    expect(response.body).not.toContain('no-such-table');
    expect(logLines.some((line) => line.includes('"level":"ERROR"') && line.includes('ResourceNotFoundException'))).toBe(true);
  });
});

describe('ComplianceApi handler module', () => {
  test('reads its tables from the environment the construct sets and answers through the router', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      COMPLIANCE_TABLE_NAME: tables.complianceTable,
      EVENTS_TABLE_NAME: tables.eventsTable,
      SCOPE_INDEXES: 'BY_ACCOUNT,BY_RULE',
      LOG_LEVEL: 'ERROR',
    });
    let handler: ((event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>) | undefined;
    jest.isolateModules(() => { handler = require('../../../src/handlers/compliance-api.lambda').handler; });
    try {
      const response = await handler!(apiEvent(ROUTES.summary));

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body).total).toBe(items.length + 0);
    } finally {
      process.env = saved;
    }
  });

  test('fails at load when a table name is missing', () => {
    const saved = { ...process.env };
    delete process.env.COMPLIANCE_TABLE_NAME;
    try {
      expect(() => jest.isolateModules(() => require('../../../src/handlers/compliance-api.lambda'))).toThrow('COMPLIANCE_TABLE_NAME is not set');
    } finally {
      process.env = saved;
    }
  });
});
