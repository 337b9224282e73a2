import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { HistoryRepository, type HistoryRecord } from '../../../src/runtime/store/history-repository';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

const record: HistoryRecord = {
  pk: '222222222222#eu-west-1#AWS::EC2::SecurityGroup#sg-1',
  sk: '2026-11-20T10:00:00.000Z#CI#1',
  account: '222222222222',
  region: 'eu-west-1',
  resource_type: 'AWS::EC2::SecurityGroup',
  resource_id: 'sg-1',
  event_time: '2026-11-20T10:00:00.000Z',
  expires_at: 1,
  config_item_type: 'ConfigurationItemChange',
};

describe('HistoryRepository', () => {
  test('appends a record once; a redelivery to the same container sends no request at all', async () => {
    const { eventsTable } = await db.createTables();
    const repository = new HistoryRepository(db.documentClient, eventsTable);
    const send = jest.spyOn(db.documentClient, 'send');

    const first = await repository.append(record);
    const again = await repository.append(record);

    const puts = send.mock.calls.filter(([command]) => command instanceof PutCommand);
    send.mockRestore();
    expect([first, again]).toEqual([true, false]);
    expect(puts).toHaveLength(1);
  });

  test('a record another container wrote is found by the conditional write, then remembered', async () => {
    const { eventsTable } = await db.createTables();
    await new HistoryRepository(db.documentClient, eventsTable).append(record);
    const other = new HistoryRepository(db.documentClient, eventsTable);
    const send = jest.spyOn(db.documentClient, 'send');

    const results = [await other.append(record), await other.append(record)];

    const puts = send.mock.calls.filter(([command]) => command instanceof PutCommand);
    send.mockRestore();
    expect(results).toEqual([false, false]);
    expect(puts).toHaveLength(1);
  });
});
