/** Every archived object sits under this prefix; the function may write nothing else. */
export const ARCHIVE_PREFIX = 'history/';

/** `YYYY-MM-DD`, the only date shape a `dt=` partition accepts. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Twelve digits: an AWS account id. Anything else would make a partition no query expects. */
const ACCOUNT = /^\d{12}$/;
/** Stream sequence numbers are decimal strings (up to 40 digits). */
const SEQUENCE = /^\d{1,40}$/;

/** Where one group of expired items goes: the Hive-style partition of the item's own date and account. */
export interface ArchivePartition {
  /** UTC date of the history event (`event_time`), not of its expiry: a query for "March" finds March's events. */
  readonly dt: string;
  readonly account: string;
}

/** The partition of an expired history item, or a reason why it has none. */
export function partitionOf(item: Record<string, unknown>): ArchivePartition | { readonly invalid: string } {
  const eventTime = typeof item.event_time === 'string' ? item.event_time : undefined;
  const dt = eventTime?.slice(0, 10);
  if (dt === undefined || !DATE.test(dt)) return { invalid: `event_time ${JSON.stringify(item.event_time)} is not an ISO-8601 time` };
  const account = item.account;
  if (typeof account !== 'string' || !ACCOUNT.test(account)) return { invalid: `account ${JSON.stringify(account)} is not a 12-digit account id` };
  return { dt, account };
}

/**
 * The object of one run of records: `history/dt=YYYY-MM-DD/account=<id>/<sequence number of its first record>.json.gz`.
 *
 * The name depends only on the first record of the run, and a stream record's sequence number never changes, so
 * a batch delivered again writes the same objects again: the retry overwrites instead of adding.
 */
export function archiveObjectKey(partition: ArchivePartition, firstSequenceNumber: string): string {
  if (!SEQUENCE.test(firstSequenceNumber)) throw new Error(`sequence number ${JSON.stringify(firstSequenceNumber)} is not a decimal string`);
  return `${ARCHIVE_PREFIX}dt=${partition.dt}/account=${partition.account}/${firstSequenceNumber}.json.gz`;
}
