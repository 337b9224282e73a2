import {
  BatchWriteItemCommand, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CapacityProxy, startCapacityProxy } from '../../demo/local/capacity-proxy';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../demo/local/local-aws';
import { LocalDynamoDb, startLocalDynamoDb } from '../support/local-dynamodb';
import { masterTableSpecs } from '../support/master-tables';

// Units by DynamoDB's rules, worked out by hand for the master's compliance table (runtime-contract.md): a write
// costs 1 unit per started KB of the larger item image; the sparse INCLUDE index costs 1 unit when an item enters
// it, 2 when its key (status_shard) changes, nothing when only an unprojected attribute changes; a failed
// conditional write costs the existing item's size and no index write.

let db: LocalDynamoDb;
let proxy: CapacityProxy;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => {
  db = await startLocalDynamoDb(masterTableSpecs);
  proxy = await startCapacityProxy(db.endpoint);
  client = new DynamoDBClient({ endpoint: proxy.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
});
beforeEach(async () => {
  table = (await db.createTables()).complianceTable;
  proxy.reset();
});
afterAll(async () => {
  client.destroy();
  await proxy.close();
  await db.close();
});

const KEY = { pk: { S: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-1' }, sk: { S: 'RULE#restricted-ssh' } };

/** A compliance item of about 1.6 KB (2 write units), whose index entry is under 1 KB (1 unit). */
function item(status: string, evaluatedAtMs: number) {
  return {
    ...KEY,
    compliance_status: { S: status },
    evaluated_at_ms: { N: String(evaluatedAtMs) },
    status_shard: { S: `${status}#07` },
    status_sort: { S: 'AWS::EC2::SecurityGroup#222222222222#eu-west-1#sg-1#restricted-ssh' },
    compliance_details: { S: 'x'.repeat(1500) },
  };
}

/** The pipeline's newest-wins write. */
function putIfNewer(status: string, evaluatedAtMs: number, extra: Partial<ConstructorParameters<typeof PutItemCommand>[0]> = {}) {
  return new PutItemCommand({
    TableName: table,
    Item: item(status, evaluatedAtMs),
    ConditionExpression: 'attribute_not_exists(pk) OR evaluated_at_ms < :t',
    ExpressionAttributeValues: { ':t': { N: String(evaluatedAtMs) } },
    ...extra,
  });
}

/** Write directly to dynalite, unmeasured. */
async function seed(status: string, evaluatedAtMs: number) {
  await db.client.send(new PutItemCommand({ TableName: table, Item: item(status, evaluatedAtMs) }));
}

describe('write billing', () => {
  test('a new item entering the index: 2 table units and 1 index unit; the reply looks as if unmeasured', async () => {
    const reply = await client.send(putIfNewer('NON_COMPLIANT', 1000));

    expect(reply.ConsumedCapacity).toBeUndefined();
    expect(proxy.report().writes).toMatchObject({ writes: 1, conditionFailures: 0, tableUnits: 2, indexUnits: 1, totalUnits: 3 });
    expect(proxy.report().tableUnitMismatches).toBe(0);
  });

  test('a status change moves the item in the index: 2 table units and 2 index units', async () => {
    await seed('NON_COMPLIANT', 1000);

    await client.send(putIfNewer('COMPLIANT', 2000));

    expect(proxy.report().writes).toMatchObject({ writes: 1, tableUnits: 2, indexUnits: 2, totalUnits: 4 });
  });

  test('a failed condition bills the existing item\'s size and no index write, and the caller still sees the failure', async () => {
    await seed('COMPLIANT', 2000);

    const stale = client.send(putIfNewer('NON_COMPLIANT', 1500));

    await expect(stale).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect(proxy.report().writes).toMatchObject({ writes: 1, conditionFailures: 1, tableUnits: 2, indexUnits: 0, totalUnits: 2 });
  });

  test('an update of an attribute the index does not project: table units only', async () => {
    await seed('COMPLIANT', 2000);

    await client.send(new UpdateItemCommand({ TableName: table, Key: KEY, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': { S: 'n' } } }));

    expect(proxy.report().writes).toMatchObject({ writes: 1, tableUnits: 2, indexUnits: 0 });
  });

  test('a BatchWriteItem is billed per item, per table', async () => {
    const other = { ...item('COMPLIANT', 1), sk: { S: 'RULE#other' } };

    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item('COMPLIANT', 1) } }, { PutRequest: { Item: other } }] } }));

    const { writes } = proxy.report();
    expect(writes).toMatchObject({ writes: 2, tableUnits: 4, indexUnits: 2 });
    expect(writes.perTable).toEqual({ [table]: { table: 4, indexes: 2 } });
  });

  test('a caller that asks for ConsumedCapacity gets it, with the units dynalite reports', async () => {
    const reply = await client.send(putIfNewer('NON_COMPLIANT', 1000, { ReturnConsumedCapacity: 'TOTAL' }));

    expect(reply.ConsumedCapacity?.CapacityUnits).toBe(2);
    expect(proxy.report().writes.reportedTableUnits).toBe(2);
  });

  test('TransactWriteItems, which dynalite does not implement, fails and is counted as unsupported', async () => {
    const transaction = client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: table, Item: item('COMPLIANT', 1) } }] }));

    await expect(transaction).rejects.toThrow();
    expect(proxy.report().unsupported).toEqual({ TransactWriteItems: 1 });
    expect(proxy.report().writes.writes).toBe(0);
  });
});

describe('reads and requests', () => {
  test('read units as dynalite reports them: a consistent read of a 1.6 KB item is 1 unit, an eventual one half', async () => {
    await seed('COMPLIANT', 2000);

    await client.send(new GetItemCommand({ TableName: table, Key: KEY, ConsistentRead: true }));
    await client.send(new GetItemCommand({ TableName: table, Key: KEY }));

    expect(proxy.report().readUnits).toBe(1.5);
  });

  test('counts the requests the caller sent per operation, and reset() clears every figure', async () => {
    await client.send(putIfNewer('NON_COMPLIANT', 1000));
    await client.send(new GetItemCommand({ TableName: table, Key: KEY }));
    expect(proxy.report().requests).toEqual({ PutItem: 1, GetItem: 1 });

    proxy.reset();

    expect(proxy.report()).toEqual({
      requests: {},
      writes: { writes: 0, conditionFailures: 0, tableUnits: 0, indexUnits: 0, totalUnits: 0, reportedTableUnits: 0, perTable: {} },
      readUnits: 0,
      unsupported: {},
      tableUnitMismatches: 0,
    });
  });
});
