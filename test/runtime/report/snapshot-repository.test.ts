import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { counts, snapshot } from './report-test-data';
import { daysBefore } from '../../../src/runtime/report/report-model';
import {
  fromSnapshotItem, SNAPSHOT_PK, SNAPSHOT_RETENTION_DAYS, SnapshotRepository, toSnapshotItem,
} from '../../../src/runtime/report/snapshot-repository';
import { startLocalDynamoDb, type LocalDynamoDb } from '../../support/local-dynamodb';
import { masterTableSpecs } from '../../support/master-tables';

let db: LocalDynamoDb;
beforeAll(async () => { db = await startLocalDynamoDb(masterTableSpecs); });
afterAll(async () => db.close());

const NOW_SECONDS = Date.parse('2026-11-26T06:00:00.000Z') / 1000;

describe('SnapshotRepository (events table)', () => {
  test('stores a snapshot under REPORT#daily / <date> with plain totals, a TTL and the breakdowns, and reads it back', async () => {
    // Prepare
    const { eventsTable } = await db.createTables();
    const repository = new SnapshotRepository(db.documentClient, eventsTable);
    const day = snapshot('2026-11-25', counts({ COMPLIANT: 3, NON_COMPLIANT: 1 }));

    // Act
    await repository.put(day);

    // Assess: the stored item, as a platform team would query it.
    const { Item } = await db.documentClient.send(new GetCommand({ TableName: eventsTable, Key: { pk: SNAPSHOT_PK, sk: '2026-11-25' } }));
    expect(Item).toMatchObject({
      pk: 'REPORT#daily',
      sk: '2026-11-25',
      config_item_type: 'DailyReport',
      generated_at: '2026-11-25T06:00:00.000Z',
      totals: counts({ COMPLIANT: 3, NON_COMPLIANT: 1 }),
      resources: 4,
      truncated: false,
      expires_at: Date.parse('2026-11-25T00:00:00.000Z') / 1000 + SNAPSHOT_RETENTION_DAYS * 86_400,
    });
    expect(Item!.breakdown_gz).toBeInstanceOf(Uint8Array);
    expect(await repository.list('2026-11-01', '2026-11-30', NOW_SECONDS)).toEqual([day]);
  });

  test('lists the requested date range only, oldest first, across pages', async () => {
    const { eventsTable } = await db.createTables();
    const repository = new SnapshotRepository(db.documentClient, eventsTable);
    for (let i = 0; i < 35; i++) await repository.put(snapshot(daysBefore('2026-11-26', i), counts({ COMPLIANT: i })));

    const listed = await repository.list('2026-10-28', '2026-11-25', NOW_SECONDS);

    expect(listed.map((s) => s.date)).toEqual(Array.from({ length: 29 }, (_, i) => daysBefore('2026-11-25', 28 - i)));
  });

  test('a second put the same day replaces the snapshot', async () => {
    const { eventsTable } = await db.createTables();
    const repository = new SnapshotRepository(db.documentClient, eventsTable);
    await repository.put(snapshot('2026-11-25', counts({ COMPLIANT: 1 })));
    await repository.put(snapshot('2026-11-25', counts({ COMPLIANT: 2 })));
    const listed = await repository.list('2026-11-25', '2026-11-25', NOW_SECONDS);
    expect(listed.map((s) => s.totals.COMPLIANT)).toEqual([2]);
  });

  test('leaves out snapshots whose TTL has passed but which DynamoDB has not removed yet', async () => {
    const { eventsTable } = await db.createTables();
    const repository = new SnapshotRepository(db.documentClient, eventsTable);
    await repository.put(snapshot('2026-11-25', counts({ COMPLIANT: 1 })));
    const afterExpiry = Date.parse('2026-11-25T00:00:00.000Z') / 1000 + SNAPSHOT_RETENTION_DAYS * 86_400;
    expect(await repository.list('2026-11-25', '2026-11-25', afterExpiry)).toEqual([]);
    expect(await repository.list('2026-11-25', '2026-11-25', afterExpiry - 1)).toHaveLength(1);
  });
});

describe('toSnapshotItem', () => {
  test('drops the rules with the fewest non-compliant items until the breakdowns fit, and says so', () => {
    // Prepare: 2,000 rules with random-looking names (incompressible enough to exceed a small limit).
    const byRule = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [
      `rule-${(i * 7919).toString(36)}-conformance-pack-${(i * 104729).toString(36)}`, counts({ NON_COMPLIANT: i % 97, COMPLIANT: 1 }),
    ]));
    const big = snapshot('2026-11-25', counts({ COMPLIANT: 2000 }), { byRule });

    // Act
    const item = toSnapshotItem(big, 8_000);
    const back = fromSnapshotItem(item);

    // Assess
    expect(item.breakdown_gz.length).toBeLessThanOrEqual(8_000);
    expect(item.truncated).toBe(true);
    expect(back.truncated).toBe(true);
    const kept = Object.values(back.byRule).map((c) => c.NON_COMPLIANT);
    const dropped = Object.entries(byRule).filter(([k]) => !(k in back.byRule)).map(([, c]) => c.NON_COMPLIANT);
    expect(kept.length).toBeGreaterThan(0);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    expect(back.byAccount).toEqual(big.byAccount);
  });

  test('a snapshot that fits is stored whole', () => {
    const small = snapshot('2026-11-25', counts({ COMPLIANT: 1 }));
    const item = toSnapshotItem(small);
    expect(item.truncated).toBe(false);
    expect(fromSnapshotItem(item)).toEqual(small);
  });
});
