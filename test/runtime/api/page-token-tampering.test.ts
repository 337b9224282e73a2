import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiEvent } from './support/api-events';
import { loadItems, organizationItems, type StoredItem } from './support/compliance-fixture';
import { ComplianceQueries } from '../../../src/runtime/api/compliance-queries';
import { queryFingerprint } from '../../../src/runtime/api/page-token';
import { parseFilters } from '../../../src/runtime/api/parameters';
import { planQuery } from '../../../src/runtime/api/query-plan';
import { ROUTES, route } from '../../../src/runtime/api/router';
import { Logger } from '../../../src/runtime/observability/logger';
import { resourceKey } from '../../../src/runtime/store/keys';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

/**
 * A caller who may call the API can read the token format (base64url JSON) and the query fingerprint (a hash of the
 * public filters): every tampered token must answer 400 with a message naming nextToken, never 500, and never read
 * outside the query it was given to.
 */
let db: LocalDynamoDb;
let items: StoredItem[];
let queries: ComplianceQueries;
const logLines: string[] = [];
const logger = new Logger('INFO', (line) => logLines.push(line));

beforeAll(async () => {
  db = await startLocalDynamoDb(masterTableSpecs);
  const tables = await db.createTables();
  items = organizationItems({ accounts: 2, regions: ['eu-west-1'], resourcesPerType: 3, seed: 11 });
  await loadItems(db.documentClient, tables.complianceTable, items);
  queries = new ComplianceQueries(db.documentClient, { complianceTableName: tables.complianceTable, eventsTableName: tables.eventsTable });
});

afterAll(async () => db.close());

const call = async (event: APIGatewayProxyEvent) => {
  const response = await route(event, queries, logger);
  return { statusCode: response.statusCode, json: JSON.parse(response.body) };
};

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** A token as the API writes one, with any fingerprint and key: what a forger can build. */
const forge = (q: string, k: unknown) => base64(JSON.stringify({ v: 1, q, k }));
/** The fingerprint of `GET /compliance` with these filters, computed as a forger would (the inputs are public). */
const listFingerprint = (query: Record<string, string>) => {
  const filters = parseFilters(query);
  return queryFingerprint(['compliance', planQuery(filters).index.name, filters]);
};

const sample = () => items.find((i) => i.resource_type === 'AWS::EC2::SecurityGroup')!;
const resourcePathOf = (i: StoredItem) => ({
  account: i.account, region: i.region, resourceType: i.resource_type, resourceId: encodeURIComponent(i.resource_id),
});
const historyFingerprint = (i: StoredItem) => queryFingerprint(['history', resourceKey({
  account: i.account, region: i.region, resourceType: i.resource_type, resourceId: i.resource_id,
})]);

async function expectRefused(event: APIGatewayProxyEvent, message: RegExp = /^nextToken /) {
  const response = await call(event);
  expect({ statusCode: response.statusCode, parameter: response.json.parameter }).toEqual({ statusCode: 400, parameter: 'nextToken' });
  expect(response.json.message).toMatch(message);
  expect(response.json.message).toContain('pass the nextToken of the previous page unchanged');
}

describe('GET /compliance refuses a tampered nextToken with 400', () => {
  const list = (nextToken: string, query: Record<string, string> = { status: 'COMPLIANT' }) =>
    apiEvent(ROUTES.list, { query: { ...query, nextToken } });

  test.each<[string, () => string]>([
    ['base64 of binary garbage', () => 'Zm9vYmFy_-_-AAAA'],
    ['base64 of text that is not JSON', () => base64('not json at all')],
    ['JSON that is not an object', () => base64('[1,2,3]')],
    ['JSON null', () => base64('null')],
    ['an object without a key', () => base64(JSON.stringify({ v: 1, q: listFingerprint({ status: 'COMPLIANT' }) }))],
    ['a key that is a list', () => forge(listFingerprint({ status: 'COMPLIANT' }), ['a', 'b', 'c'])],
    ['a key missing the index sort key', () => forge(listFingerprint({ status: 'COMPLIANT' }), { pk: 'x', sk: 'RULE#x' })],
    ['a key of another index', () => forge(listFingerprint({ status: 'COMPLIANT' }), { rule_sort: 'a', pk: 'b', sk: 'RULE#c' })],
  ])('%s', async (_name, token) => {
    await expectRefused(list(token()), /^nextToken is not a token this API issued/);
  });

  test('a key with nested objects', async () => {
    await expectRefused(list(forge(listFingerprint({ status: 'COMPLIANT' }), { status_sort: { S: 'x' }, pk: 'a', sk: 'b' })),
      /^nextToken holds a position this API never issues \(status_sort must be a string of 1 to 1024 bytes\)/);
  });

  test('a key with empty strings (DynamoDB refuses empty key attributes)', async () => {
    await expectRefused(list(forge(listFingerprint({ status: 'COMPLIANT' }), { status_sort: '', pk: '', sk: '' })));
  });

  test('a key whose values are numbers where the table keys are strings', async () => {
    await expectRefused(list(forge(listFingerprint({ status: 'COMPLIANT' }), { status_sort: 1, pk: 2, sk: 3 })));
  });

  test('a sort key longer than DynamoDB allows (1024 bytes)', async () => {
    const item = sample();
    await expectRefused(list(forge(listFingerprint({ status: 'COMPLIANT' }), { status_sort: `AWS::EC2::SecurityGroup#${'x'.repeat(1100)}`, pk: item.pk, sk: item.sk })));
  });

  test('a token of other filters, or with a position outside the query\'s key range', async () => {
    const first = await call(apiEvent(ROUTES.list, { query: { status: 'COMPLIANT', limit: '2' } }));
    await expectRefused(list(first.json.nextToken, { status: 'NON_COMPLIANT' }), /belongs to a query with other filters/);
    const typed = { status: 'COMPLIANT', resourceType: 'AWS::S3::Bucket' };
    await expectRefused(list(forge(listFingerprint(typed), { status_sort: 'AWS::EC2::SecurityGroup#x', pk: 'a', sk: 'RULE#b' }), typed), /does not belong to this query/);
  });

  test('an oversized token', async () => {
    await expectRefused(list('A'.repeat(5000)), /^nextToken is not a token this API issued/);
  });

  test('a genuine token still pages on', async () => {
    const first = await call(apiEvent(ROUTES.list, { query: { status: 'COMPLIANT', limit: '2' } }));
    const second = await call(list(first.json.nextToken));
    expect(second.statusCode).toBe(200);
    expect(second.json.items.length).toBeGreaterThan(0);
  });
});

describe('GET /resources/…/history refuses a tampered nextToken with 400', () => {
  const history = (i: StoredItem, nextToken: string) => apiEvent(ROUTES.history, { pathParameters: resourcePathOf(i), query: { nextToken } });

  test('a key whose sort key is a number', async () => {
    const item = sample();
    await expectRefused(history(item, forge(historyFingerprint(item), { pk: item.pk, sk: 42 })));
  });

  test('a key whose sort key is empty', async () => {
    const item = sample();
    await expectRefused(history(item, forge(historyFingerprint(item), { pk: item.pk, sk: '' })));
  });

  test('a sort key longer than DynamoDB allows', async () => {
    const item = sample();
    await expectRefused(history(item, forge(historyFingerprint(item), { pk: item.pk, sk: `2026-11-26T12:00:00.000Z#${'x'.repeat(1100)}` })));
  });

  test('a key of another resource, even with this resource\'s fingerprint', async () => {
    const item = sample();
    const other = items.find((i) => i.pk !== item.pk)!;
    await expectRefused(history(item, forge(historyFingerprint(item), { pk: other.pk, sk: '2026-11-26T12:00:00.000Z#COMPLIANCE#x' })), /another resource/);
  });
});
