import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { archiveObjectKey, ArchivePartition, partitionOf } from './archive-layout';
import { expiredItem, isTtlRemoval, SNAPSHOT_PARTITION_PREFIX } from './ttl-removal';

/** One line of an archived object: the expired item as it was, plus when and from where it was removed. */
export type ArchivedItem = Record<string, unknown> & {
  /** When the TTL process removed the item (the stream record's ApproximateCreationDateTime), ISO-8601. */
  readonly removed_at?: string;
  /** The stream record's sequence number. */
  readonly stream_sequence_number: string;
};

/** Writes one archive object (JSON Lines, gzipped), replacing any object of the same key. */
export interface ArchiveSink {
  put(key: string, items: readonly ArchivedItem[]): Promise<void>;
}

/** Keeps a record that can never be archived (no old image, no account, no date) with the reason. */
export interface UnarchivableSink {
  send(record: DynamoDBRecord, reason: string): Promise<void>;
}

/** What one batch did. */
export interface ArchiveOutcome {
  readonly response: DynamoDBBatchResponse;
  /** Records written (this time) to an archive object. */
  readonly archived: number;
  /** Objects written. */
  readonly objects: readonly string[];
  /** Records that are not expired history (a delete by a caller, a report snapshot): nothing to keep. */
  readonly skipped: number;
  /** Records sent to the dead-letter queue because they can never be archived. */
  readonly unarchivable: number;
  /** Objects that could not be written; their records are reported as batch item failures. */
  readonly failedObjects: number;
}

interface Run {
  readonly key: string;
  readonly items: ArchivedItem[];
  readonly firstSequenceNumber: string;
}

/**
 * Archives one batch of stream records.
 *
 * The batch is cut into runs: maximal stretches of consecutive records (in stream order) of one date and account,
 * each written to the object named by the partition and the sequence number of the run's first record. Only
 * consecutive records are grouped, never records of one partition that are apart in the batch, so that every
 * retry Lambda can make (the same batch again, the batch from a reported checkpoint, a bisected half, a longer
 * batch from the same start) cuts the records it shares with an earlier attempt at the same first records:
 * it rewrites the same objects (same first record, same name; records beyond a new batch boundary go to an
 * object named by their own first record, and are no longer in the rewritten one). Nothing is archived twice.
 *
 * A run that cannot be written is reported by its first record: Lambda resumes from the lowest reported sequence
 * number, so every later record is delivered again, and no earlier one is (those are all written).
 */
export async function archiveHistory(records: readonly DynamoDBRecord[], sink: ArchiveSink, unarchivable: UnarchivableSink): Promise<ArchiveOutcome> {
  const runs: Run[] = [];
  let current: (Run & { partition: ArchivePartition }) | undefined;
  let skipped = 0;
  let dead = 0;

  for (const record of records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber;
    if (!isTtlRemoval(record) || sequenceNumber === undefined) {
      skipped++;
      continue;
    }
    const item = expiredItem(record);
    if (item === undefined) {
      // A stream with KEYS_ONLY or NEW_IMAGE: the item is gone and cannot be rebuilt. Kept, keys and all.
      await unarchivable.send(record, 'the stream record carries no OldImage: the stream must be OLD_IMAGE or NEW_AND_OLD_IMAGES');
      dead++;
      continue;
    }
    // Report snapshots are kept by the report bucket; evaluations that changed nothing are the log's, not history.
    if ((typeof item.pk === 'string' && item.pk.startsWith(SNAPSHOT_PARTITION_PREFIX)) || item.config_item_type === 'ComplianceEvaluation') {
      skipped++;
      continue;
    }
    const partition = partitionOf(item);
    if ('invalid' in partition) {
      await unarchivable.send(record, partition.invalid);
      dead++;
      continue;
    }
    const archived: ArchivedItem = {
      ...item,
      removed_at: removedAt(record),
      stream_sequence_number: sequenceNumber,
    };
    if (current && current.partition.dt === partition.dt && current.partition.account === partition.account) {
      current.items.push(archived);
    } else {
      current = { key: archiveObjectKey(partition, sequenceNumber), items: [archived], firstSequenceNumber: sequenceNumber, partition };
      runs.push(current);
    }
  }

  // In parallel: a run written while an earlier one failed is delivered again from the checkpoint and rewritten
  // under the same name, since it starts with the same record.
  const results = await Promise.allSettled(runs.map((run) => sink.put(run.key, run.items)));
  const failed = runs.filter((_, i) => results[i].status === 'rejected');
  const written = runs.filter((_, i) => results[i].status === 'fulfilled');
  return {
    response: { batchItemFailures: failed.map((run) => ({ itemIdentifier: run.firstSequenceNumber })) },
    archived: written.reduce((sum, run) => sum + run.items.length, 0),
    objects: written.map((run) => run.key),
    skipped,
    unarchivable: dead,
    failedObjects: failed.length,
  };
}

function removedAt(record: DynamoDBRecord): string | undefined {
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
}
