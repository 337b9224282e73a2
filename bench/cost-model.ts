/**
 * The monthly cost model of the realistic run: requests (as bench/run.ts prices them), plus what a per-request
 * bill leaves out: DynamoDB storage and point-in-time recovery of both tables at steady state for the history
 * retention, and Lambda compute modelled from measured durations.
 *
 * Steady state: an item with a TTL (`expires_at`, the history) stays `retentionDays`; a day's such bytes are
 * written every day, so `retentionDays` days' worth are stored. An item without a TTL (current state, markers,
 * the account-activity items) is bounded by the organization, not by time: it is counted once, at its size at
 * the end of the run, scaled to a day's volume (the window's keys stand for the day's). The naive baseline's
 * history has no TTL; it is given the same retention (deleted after 365 days) so both are compared alike.
 * DynamoDB bills storage per GB (2^30 bytes) of raw item bytes plus 100 bytes of overhead per item, global
 * secondary index entries included; PITR is billed on the table's size (table data, no GSIs). The free tier
 * (25 GB of storage a month) is not deducted.
 */
import { IndexSpec, Item, itemSize, TableSpec } from './billing';

/**
 * us-east-1 prices, dollars.
 * - Storage: "$0.25 per GB-month" after the first 25 GB, https://aws.amazon.com/dynamodb/pricing/ ("Data storage").
 * - PITR: $0.20 per GB-month (continuous backups), the rate of the AWS Price List usage type TimedPITRStorage-ByteHrs
 *   (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonDynamoDB/current/region_index.json; pricing page
 *   https://aws.amazon.com/dynamodb/pricing/on-demand/, "Backup and restore"). Seen here only in secondary copies (a
 *   us-west-2 Price List quote of $0.20/GB-Mo, a us-east-1 price fixture of $0.20): check it against the live page.
 * - Lambda arm64 duration: $0.0000133334 per GB-second, https://aws.amazon.com/lambda/pricing/.
 */
export const STORAGE_PRICE = {
  dynamoStoragePerGbMonth: 0.25,
  dynamoPitrPerGbMonth: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
};
export const ITEM_OVERHEAD_BYTES = 100;
export const GB = 1024 ** 3;
export const DAYS_PER_MONTH = 30;

export interface TableBytes {
  /** Items (table) with a TTL attribute, bytes incl. overhead. */
  readonly expiringBytes: number;
  readonly expiringItems: number;
  /** Items without a TTL, bytes incl. overhead. */
  readonly lastingBytes: number;
  readonly lastingItems: number;
  /** GSI entries, bytes incl. overhead, split the same way. */
  readonly indexExpiringBytes: number;
  readonly indexLastingBytes: number;
}

function entryOf(table: TableSpec, index: IndexSpec, item: Item): Item | undefined {
  if (index.keyAttributes.some((k) => item[k] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const keep = new Set([...table.keyAttributes, ...index.keyAttributes, ...(index.nonKeyAttributes ?? [])]);
  return Object.fromEntries(Object.entries(item).filter(([n]) => keep.has(n)));
}

/** Sizes of a table's items (wire format), split by whether they expire. */
export function measureTableBytes(table: TableSpec, items: Iterable<Item>, ttlAttribute?: string): TableBytes {
  const out = { expiringBytes: 0, expiringItems: 0, lastingBytes: 0, lastingItems: 0, indexExpiringBytes: 0, indexLastingBytes: 0 };
  for (const item of items) {
    const expiring = ttlAttribute !== undefined && item[ttlAttribute] !== undefined;
    const bytes = itemSize(item) + ITEM_OVERHEAD_BYTES;
    let indexBytes = 0;
    for (const index of table.indexes) {
      const e = entryOf(table, index, item);
      if (e) indexBytes += itemSize(e) + ITEM_OVERHEAD_BYTES;
    }
    if (expiring) {
      out.expiringBytes += bytes; out.expiringItems++; out.indexExpiringBytes += indexBytes;
    } else {
      out.lastingBytes += bytes; out.lastingItems++; out.indexLastingBytes += indexBytes;
    }
  }
  return out;
}

export interface StorageCost {
  readonly storedGb: number;
  readonly pitrGb: number;
  readonly storageUsd: number;
  readonly pitrUsd: number;
}

/**
 * Steady-state storage and PITR a month, given what a run left in the tables and how much of a day the run was.
 * @param dayFraction the run's unique events / a day's (the window's share of the day at the reference rate)
 */
export function steadyStateStorage(tables: readonly TableBytes[], dayFraction: number, retentionDays: number): StorageCost {
  let stored = 0;
  let pitr = 0;
  for (const t of tables) {
    const perDayExpiring = t.expiringBytes / dayFraction;
    const perDayIndexExpiring = t.indexExpiringBytes / dayFraction;
    const lasting = t.lastingBytes / dayFraction;
    const indexLasting = t.indexLastingBytes / dayFraction;
    const tableBytes = perDayExpiring * retentionDays + lasting;
    stored += tableBytes + perDayIndexExpiring * retentionDays + indexLasting;
    pitr += tableBytes;
  }
  return {
    storedGb: stored / GB,
    pitrGb: pitr / GB,
    storageUsd: (stored / GB) * STORAGE_PRICE.dynamoStoragePerGbMonth,
    pitrUsd: (pitr / GB) * STORAGE_PRICE.dynamoPitrPerGbMonth,
  };
}

/** Lambda compute a month: GB-seconds of the measured durations (Lambda bills per ms) at the memory size, scaled to a month. */
export function lambdaComputeMonthly(durationsMs: readonly number[], memoryMb: number, dayFraction: number): { gbSeconds: number; usd: number } {
  const billedSeconds = durationsMs.reduce((s, d) => s + Math.ceil(d), 0) / 1000;
  const gbSeconds = (billedSeconds * (memoryMb / 1024) * DAYS_PER_MONTH) / dayFraction;
  return { gbSeconds, usd: gbSeconds * STORAGE_PRICE.lambdaArmPerGbSecond };
}
