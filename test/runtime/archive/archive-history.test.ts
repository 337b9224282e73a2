import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBRecord } from 'aws-lambda';
import { InMemoryS3 } from './in-memory-s3';
import { historyItem, ttlRemoval, userRemoval } from './ttl-removal-records';
import { archiveHistory, UnarchivableSink } from '../../../src/runtime/archive/archive-history';
import { archiveObjectKey, partitionOf } from '../../../src/runtime/archive/archive-layout';
import { S3ArchiveSink } from '../../../src/runtime/archive/archive-sinks';
import { isTtlRemoval } from '../../../src/runtime/archive/ttl-removal';

const LAYOUT = /^history\/dt=\d{4}-\d{2}-\d{2}\/account=\d{12}\/\d+\.json\.gz$/;

let s3: InMemoryS3;
let sink: S3ArchiveSink;
let deadLetters: { record: DynamoDBRecord; reason: string }[];
let unarchivable: UnarchivableSink;

beforeEach(() => {
  s3 = new InMemoryS3();
  sink = new S3ArchiveSink(new S3Client({ region: 'eu-west-1' }), 'archive-bucket');
  deadLetters = [];
  unarchivable = { send: async (record, reason) => { deadLetters.push({ record, reason }); } };
});
afterEach(() => s3.restore());

/** The archived items, by their table keys, with how often each appears. */
function archivedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { item } of s3.lines()) {
    const id = `${item.pk}|${item.sk}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function expectEachOnce(items: Record<string, unknown>[]): void {
  const counts = archivedCounts();
  expect([...counts.keys()].sort()).toEqual(items.map((item) => `${item.pk}|${item.sk}`).sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

describe('archiveHistory: expiring history reaches the archive exactly once', () => {
  test('expired items are found in the archive, whole, in the documented layout', async () => {
    // Prepare: two accounts, two days.
    const items = [
      historyItem({ account: '222222222222', eventTime: '2025-11-20T08:15:30.000Z' }),
      historyItem({ account: '222222222222', eventTime: '2025-11-20T09:00:00.000Z', status: 'COMPLIANT' }),
      historyItem({ account: '333333333333', eventTime: '2025-11-20T10:00:00.000Z' }),
      historyItem({ account: '333333333333', eventTime: '2025-11-21T00:00:01.000Z' }),
    ];
    const records = items.map((item) => ttlRemoval(item, { removedAt: 1795162530 }));

    // Act
    const outcome = await archiveHistory(records, sink, unarchivable);

    // Assess
    expect(outcome.response).toEqual({ batchItemFailures: [] });
    expect(outcome.archived).toBe(4);
    expect([...s3.objects.keys()].sort()).toEqual([
      `history/dt=2025-11-20/account=222222222222/${records[0].dynamodb!.SequenceNumber}.json.gz`,
      `history/dt=2025-11-20/account=333333333333/${records[2].dynamodb!.SequenceNumber}.json.gz`,
      `history/dt=2025-11-21/account=333333333333/${records[3].dynamodb!.SequenceNumber}.json.gz`,
    ]);
    for (const key of s3.objects.keys()) expect(key).toMatch(LAYOUT);
    expectEachOnce(items);
    const first = s3.lines().find(({ item }) => item.sk === items[0].sk)!.item;
    expect(first).toEqual({
      ...items[0],
      removed_at: new Date(1795162530 * 1000).toISOString(),
      stream_sequence_number: records[0].dynamodb!.SequenceNumber,
    });
    expect(s3.mock.calls()[0].args[0].input).toMatchObject({ Bucket: 'archive-bucket', ContentEncoding: 'gzip', ContentType: 'application/x-ndjson' });
  });

  test('the same batch delivered twice leaves every item archived once (same keys, overwritten)', async () => {
    const items = [historyItem(), historyItem({ resourceId: 'sg-0fedcba9876543210' }), historyItem({ account: '444444444444' })];
    const records = items.map((item) => ttlRemoval(item));

    await archiveHistory(records, sink, unarchivable);
    const keysAfterFirst = [...s3.objects.keys()].sort();
    await archiveHistory(records, sink, unarchivable);

    expect([...s3.objects.keys()].sort()).toEqual(keysAfterFirst);
    expect(s3.puts).toHaveLength(keysAfterFirst.length * 2);
    expectEachOnce(items);
  });

  describe('every retry path Lambda documents (same batch, checkpoint, bisected halves, a longer batch)', () => {
    // Ten records of one partition, then ten of another: two runs when delivered together.
    const items = [
      ...Array.from({ length: 10 }, (_, i) => historyItem({ resourceId: `sg-a${i}`, eventTime: `2025-11-20T08:${String(i).padStart(2, '0')}:00.000Z` })),
      ...Array.from({ length: 10 }, (_, i) => historyItem({ account: '333333333333', resourceId: `sg-b${i}`, eventTime: `2025-11-20T09:${String(i).padStart(2, '0')}:00.000Z` })),
    ];
    const records = items.map((item) => ttlRemoval(item));
    const seq = (i: number) => records[i].dynamodb!.SequenceNumber!;

    test('a reported checkpoint, then bisected halves from it, then the next batch', async () => {
      // Prepare: the batch ends mid-run (15 records), and the second run's write fails.
      s3.failNext.add(archiveObjectKey({ dt: '2025-11-20', account: '333333333333' }, seq(10)));

      // Act
      const first = await archiveHistory(records.slice(0, 15), sink, unarchivable);
      await archiveHistory(records.slice(10, 12), sink, unarchivable);
      await archiveHistory(records.slice(12, 15), sink, unarchivable);
      await archiveHistory(records.slice(15, 20), sink, unarchivable);

      // Assess
      expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: seq(10) }]);
      expectEachOnce(items);
    });

    test('a function error after every write (a timeout), then the same batch bisected, then the next batch', async () => {
      await archiveHistory(records.slice(0, 15), sink, unarchivable);
      await archiveHistory(records.slice(0, 7), sink, unarchivable);
      await archiveHistory(records.slice(7, 15), sink, unarchivable);
      await archiveHistory(records.slice(15, 20), sink, unarchivable);

      expectEachOnce(items);
      // The first run was rewritten shorter under its own name; its tail now sits in the object named by record 7.
      expect([...s3.objects.keys()].sort()).toEqual([
        archiveObjectKey({ dt: '2025-11-20', account: '222222222222' }, seq(0)),
        archiveObjectKey({ dt: '2025-11-20', account: '222222222222' }, seq(7)),
        archiveObjectKey({ dt: '2025-11-20', account: '333333333333' }, seq(10)),
        archiveObjectKey({ dt: '2025-11-20', account: '333333333333' }, seq(15)),
      ].sort());
    });

    test('a failed batch retried when more records have arrived: the same object, now longer', async () => {
      s3.failAll = true;
      const failed = await archiveHistory(records.slice(10, 15), sink, unarchivable);
      s3.failAll = false;
      await archiveHistory(records.slice(10, 20), sink, unarchivable);

      expect(failed.response.batchItemFailures).toEqual([{ itemIdentifier: seq(10) }]);
      expectEachOnce(items.slice(10));
      expect([...s3.objects.keys()]).toEqual([archiveObjectKey({ dt: '2025-11-20', account: '333333333333' }, seq(10))]);
    });
  });

  test('a failing S3 write reports its run\'s first record, so every unwritten record is delivered again', async () => {
    // Prepare: S3 down for the whole batch.
    const items = [historyItem(), historyItem({ account: '333333333333' }), historyItem({ account: '222222222222', resourceId: 'sg-x' })];
    const records = items.map((item) => ttlRemoval(item));
    s3.failAll = true;

    // Act
    const outcome = await archiveHistory(records, sink, unarchivable);

    // Assess: three runs (the partition changes twice), each reported; Lambda resumes from the lowest of them, the
    // first record: nothing is lost, nothing is in the archive yet.
    expect(outcome.response.batchItemFailures.map((f) => f.itemIdentifier))
      .toEqual(records.map((r) => r.dynamodb!.SequenceNumber));
    expect(outcome.failedObjects).toBe(3);
    expect(outcome.archived).toBe(0);
    expect(s3.objects.size).toBe(0);

    // Act: S3 is back, the batch is delivered again.
    s3.failAll = false;
    const retried = await archiveHistory(records, sink, unarchivable);
    expect(retried.response.batchItemFailures).toEqual([]);
    expectEachOnce(items);
  });

  test('a partial failure reports only the unwritten run; the written one is rewritten in place on retry', async () => {
    const items = [historyItem(), historyItem({ account: '333333333333' })];
    const records = items.map((item) => ttlRemoval(item));
    const failing = archiveObjectKey({ dt: '2025-11-20', account: '333333333333' }, records[1].dynamodb!.SequenceNumber!);
    s3.failNext.add(failing);

    const outcome = await archiveHistory(records, sink, unarchivable);
    expect(outcome.response.batchItemFailures).toEqual([{ itemIdentifier: records[1].dynamodb!.SequenceNumber }]);
    expect(outcome.archived).toBe(1);

    await archiveHistory(records.slice(1), sink, unarchivable);
    expectEachOnce(items);
  });
});

describe('archiveHistory: what is not archived', () => {
  test('deletes made by a caller, and the daily report snapshots, are skipped', async () => {
    const snapshot = { pk: 'REPORT#daily', sk: '2025-11-20', config_item_type: 'DailyReport', expires_at: 1, generated_at: '2025-11-20T06:00:00Z' };
    const records = [userRemoval(historyItem()), ttlRemoval(snapshot), { ...ttlRemoval(historyItem()), eventName: 'MODIFY' as const }];

    const outcome = await archiveHistory(records, sink, unarchivable);

    expect(outcome).toMatchObject({ skipped: 3, archived: 0, unarchivable: 0, response: { batchItemFailures: [] } });
    expect(s3.puts).toEqual([]);
    expect(deadLetters).toEqual([]);
  });

  test('a record without an old image, or without a date or account, goes whole to the dead-letter queue', async () => {
    const noImage = ttlRemoval(historyItem());
    delete noImage.dynamodb!.OldImage;
    const noAccount = ttlRemoval({ ...historyItem(), account: undefined });
    const badTime = ttlRemoval({ ...historyItem(), event_time: 'yesterday' });
    const good = historyItem();

    const outcome = await archiveHistory([noImage, noAccount, badTime, ttlRemoval(good)], sink, unarchivable);

    expect(outcome).toMatchObject({ unarchivable: 3, archived: 1, response: { batchItemFailures: [] } });
    expect(deadLetters.map((d) => d.reason)).toEqual([
      expect.stringMatching(/carries no OldImage/),
      'account undefined is not a 12-digit account id',
      'event_time "yesterday" is not an ISO-8601 time',
    ]);
    expect(deadLetters[0].record).toBe(noImage);
    expectEachOnce([good]);
  });
});

describe('archive layout', () => {
  test('isTtlRemoval needs REMOVE by the service principal dynamodb.amazonaws.com', () => {
    const record = ttlRemoval(historyItem());
    expect(isTtlRemoval(record)).toBe(true);
    expect(isTtlRemoval({ ...record, userIdentity: { type: 'Service', principalId: 'someone.amazonaws.com' } })).toBe(false);
    expect(isTtlRemoval({ ...record, userIdentity: { type: 'User', principalId: 'dynamodb.amazonaws.com' } })).toBe(false);
  });

  test('the partition is the event\'s UTC date and its account', () => {
    expect(partitionOf(historyItem({ eventTime: '2025-01-31T23:59:59.999Z', account: '012345678901' }))).toEqual({ dt: '2025-01-31', account: '012345678901' });
    expect(partitionOf({ ...historyItem(), account: '12345' })).toEqual({ invalid: 'account "12345" is not a 12-digit account id' });
  });

  test('fails on a sequence number that is not a decimal string', () => {
    expect(() => archiveObjectKey({ dt: '2025-01-01', account: '012345678901' }, '../x')).toThrow(/sequence number "..\/x" is not a decimal string/);
  });
});
