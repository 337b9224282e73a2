import { fnv1a } from './fnv1a';
import { ACTIVITY_PARTITION_KEY_PREFIX } from '../../contract/table-names';

/**
 * Per-account "last seen" records in the compliance table, so that an account (or one of its regions) whose agent
 * went quiet can be told apart from one that simply has nothing to report (written by the pipeline's
 * AccountActivityRecorder, read by the scheduled check in runtime/activity).
 *
 * Keys: `pk` = `ACCOUNT_ACTIVITY#<nn>` (`nn` = `00`..`03`, a stable hash of the account id),
 * `sk` = `<account>#<region>`. A few fixed partitions instead of one `ACCOUNT#<id>` partition per account: the
 * check must list every account, and a `Query` over four known partitions reads only the activity items, where
 * listing per-account partitions would need a `Scan` of the whole compliance table. The items carry no index keys,
 * so a write costs exactly one write unit and no index write.
 */

/** Partition key prefix of the activity items; resource items start with a 12-digit account id, so never collide. */
export const ACTIVITY_PK_PREFIX = ACTIVITY_PARTITION_KEY_PREFIX;

/** How many partitions the activity items spread over: even 10,000 accounts × 4 regions stay far below a partition's 1,000 writes/s. */
export const ACTIVITY_SHARDS = 4;

/** Marks activity items for anyone scanning the compliance table. */
export const ACTIVITY_ITEM_TYPE = 'ACCOUNT_ACTIVITY';

/** The stored record of an account and region. */
export interface AccountActivityItem {
  readonly pk: string;
  readonly sk: string;
  readonly item_type: typeof ACTIVITY_ITEM_TYPE;
  readonly account: string;
  readonly region: string;
  /** Epoch milliseconds of the newest event seen (never later than the time it was written). */
  readonly last_event_ms: number;
  readonly last_event_at: string;
  /** Epoch milliseconds of the write (absent on items written before it was stored): other containers skip a recent one. */
  readonly recorded_at_ms?: number;
}


/** An account always maps to the same partition, in every process (FNV-1a, as the status shards). */
export function activityPartitionKey(account: string): string {
  return `${ACTIVITY_PK_PREFIX}${String(fnv1a(account) % ACTIVITY_SHARDS).padStart(2, '0')}`;
}

/** The sort key of an account and region's item (also the recorder's in-memory key for it). */
export function activitySortKey(account: string, region: string): string {
  return `${account}#${region}`;
}

export function activityPartitionKeys(): string[] {
  return Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => `${ACTIVITY_PK_PREFIX}${String(shard).padStart(2, '0')}`);
}
