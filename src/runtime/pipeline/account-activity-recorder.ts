import { BatchGetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountSighting } from './account-sighting';
import { describeError, type Logger } from '../observability/logger';
import { ACTIVITY_ITEM_TYPE, activityPartitionKey, activitySortKey } from '../store/account-activity-keys';
import { isConditionalCheckFailure } from '../store/conditional-write';

/**
 * The write side of account activity: the event handler calls `AccountActivityRecorder.record()` once per batch with
 * every account and region it saw. An account-region is written at most about once per write interval, whatever the
 * number of containers: a container remembers what it wrote or read, and before writing the account-regions it has
 * not seen within the interval it reads them (one BatchGetItem, eventually consistent) and writes only those nobody
 * recorded within the interval.
 */

/** The shortest write interval (the silent-account period's minimum, 1 hour, is 4 of them). */
export const MIN_WRITE_INTERVAL_MS = 15 * 60_000;

/** The longest write interval: "last seen" on the dashboard and in the fleet coverage stays within the hour. */
export const MAX_WRITE_INTERVAL_MS = 60 * 60_000;

/** The master's default silent-account period (24 hours), as the handler would read it from SILENT_AFTER_SECONDS. */
const DEFAULT_SILENT_AFTER_MS = 24 * 60 * 60_000;

/**
 * The write interval for a silent-account period: an eighth of the period, from 15 minutes to 1 hour.
 *
 * The check calls an account-region silent when its stored time is older than the period. The stored time lags the
 * newest event by at most one interval (plus the delivery lag of the buffer: a batching window of at most 5 minutes,
 * and retries), so any period of 4 intervals or more never reports an active account as silent. An eighth leaves
 * 7/8 of the period to that lag; at the 1-hour minimum period the 15-minute floor still leaves 4 intervals (45
 * minutes of margin for the lag). The 1-hour cap keeps "last seen" fresh for readers (dashboard, fleet coverage) and
 * costs little: 24 writes a day per account-region at the default 24-hour period, instead of 96 at 15 minutes per
 * container.
 */
export function activityWriteIntervalMs(silentAfterMs: number): number {
  return Math.min(MAX_WRITE_INTERVAL_MS, Math.max(MIN_WRITE_INTERVAL_MS, Math.floor(silentAfterMs / 8)));
}

/** Default: the interval of the default 24-hour silent-account period (1 hour). */
export const DEFAULT_WRITE_INTERVAL_MS = activityWriteIntervalMs(DEFAULT_SILENT_AFTER_MS);

/** BatchGetItem's limit of keys per call. */
const BATCH_GET_KEYS = 100;

/** Attempts of a BatchGetItem for the keys DynamoDB left unprocessed (throttling): then they are written unread. */
const BATCH_GET_ATTEMPTS = 3;

/** What one `record()` call did. */
export interface ActivityWriteSummary {
  /** Conditional UpdateItems sent (one write unit each, whether or not the condition held). */
  readonly writes: number;
  /** Account-regions not written: this container wrote or read them within the interval, or the stored item is recent. */
  readonly skipped: number;
  /** Writes that failed (throttling, network): tried again with the next batch. */
  readonly failed: number;
  /** Account-regions read with BatchGetItem before writing (0.5 read unit each). */
  readonly read: number;
}

/** Options of an `AccountActivityRecorder`. */
export interface AccountActivityRecorderOptions {
  /** How often an account-region is written at most; the handler derives it with `activityWriteIntervalMs()`. @default DEFAULT_WRITE_INTERVAL_MS */
  readonly writeIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Waits between BatchGetItem attempts (tests pass a no-op). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What a read found of an account-region: when it was last recorded, as far as this container knows. */
interface StoredActivity {
  readonly lastEventMs: number;
  /** When it was written (absent on items written before the recorder stored it). */
  readonly recordedAtMs?: number;
}

/**
 * Records the accounts and regions a container sees. Create one per container (module scope), so its memory of
 * what it wrote and read lasts across warm invocations.
 */
export class AccountActivityRecorder {
  /**
   * Per account-region: when it is known recorded in the table (written here, or read), and the event time recorded
   * then. A sighting is skipped only while both are recent: the recorded event time never lags the newest event a
   * container saw by more than one interval, whoever wrote it and however old the events it wrote were.
   */
  private readonly known = new Map<string, { readonly atMs: number; readonly eventMs: number }>();
  private readonly writeIntervalMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AccountActivityRecorderOptions = {},
  ) {
    this.writeIntervalMs = options.writeIntervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Records one batch's sightings. Never throws: activity is a monitoring signal, and failing a batch for it would
   * redeliver records (and cost their writes again). A failed read falls back to writing; a failed write is logged
   * and retried with the next batch.
   */
  async record(sightings: Iterable<AccountSighting>): Promise<ActivityWriteSummary> {
    const newest = new Map<string, AccountSighting>();
    for (const s of sightings) {
      const key = activitySortKey(s.account, s.region);
      const seen = newest.get(key);
      if (!seen || s.eventTimeMs > seen.eventTimeMs) newest.set(key, s);
    }
    const now = this.now();
    const recentSince = now - this.writeIntervalMs;
    let skipped = 0;
    const unknown: Array<[string, AccountSighting]> = [];
    const coveredBy = (eventMs: number, sighting: AccountSighting) => sighting.eventTimeMs < eventMs + this.writeIntervalMs;
    for (const [key, sighting] of newest) {
      const known = this.known.get(key);
      if (known !== undefined && known.atMs > recentSince && coveredBy(known.eventMs, sighting)) skipped++;
      else unknown.push([key, sighting]);
    }
    const stored = unknown.length ? await this.readStored(unknown.map(([, sighting]) => sighting)) : new Map<string, StoredActivity>();
    const due: Array<[string, AccountSighting]> = [];
    for (const [key, sighting] of unknown) {
      const found = stored.get(key);
      const recordedAt = found ? Math.max(found.lastEventMs, found.recordedAtMs ?? 0) : undefined;
      if (found && recordedAt! > recentSince && coveredBy(found.lastEventMs, sighting)) {
        // Another container recorded it within the interval, an event time this sighting adds little to: this one
        // looks again when that record grows old, or when it sees an event an interval newer.
        this.known.set(key, { atMs: recordedAt!, eventMs: found.lastEventMs });
        skipped++;
      } else if (found && found.lastEventMs >= sighting.eventTimeMs) {
        // Nothing newer to record (a backlog delivers old events): the write would fail its condition.
        this.known.set(key, { atMs: now, eventMs: found.lastEventMs });
        skipped++;
      } else {
        due.push([key, sighting]);
      }
    }
    const results = await Promise.all(due.map(async ([key, sighting]) => {
      try {
        await this.write(sighting, now);
        this.known.set(key, { atMs: now, eventMs: sighting.eventTimeMs });
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) {
          // A newer time is already stored (another container, or an older event): nothing to do for a while.
          this.known.set(key, { atMs: now, eventMs: sighting.eventTimeMs });
          return true;
        }
        this.options.logger?.warn('could not record account activity', { account: sighting.account, region: sighting.region, ...describeError(error) });
        return false;
      }
    }));
    const failed = results.filter((ok) => !ok).length;
    return { writes: due.length, skipped, failed, read: unknown.length };
  }

  /**
   * The stored items of `sightings`' account-regions, by key: BatchGetItem, 100 keys a call, eventually consistent
   * (a few seconds of lag against an interval of 15 minutes or more). Keys not found, left unprocessed after the
   * retries, or of a failed call are absent, so they are written.
   */
  private async readStored(sightings: readonly AccountSighting[]): Promise<Map<string, StoredActivity>> {
    const stored = new Map<string, StoredActivity>();
    for (let start = 0; start < sightings.length; start += BATCH_GET_KEYS) {
      let keys: Array<Record<string, unknown>> = sightings.slice(start, start + BATCH_GET_KEYS)
        .map((s) => ({ pk: activityPartitionKey(s.account), sk: activitySortKey(s.account, s.region) }));
      try {
        for (let attempt = 0; attempt < BATCH_GET_ATTEMPTS && keys.length > 0; attempt++) {
          if (attempt > 0) await this.sleep(50 * 2 ** attempt);
          const response = await this.client.send(new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ProjectionExpression: 'sk, last_event_ms, recorded_at_ms',
                ConsistentRead: false,
              },
            },
          }));
          for (const item of response.Responses?.[this.tableName] ?? []) {
            if (typeof item.sk !== 'string' || typeof item.last_event_ms !== 'number') continue;
            stored.set(item.sk, {
              lastEventMs: item.last_event_ms,
              recordedAtMs: typeof item.recorded_at_ms === 'number' ? item.recorded_at_ms : undefined,
            });
          }
          keys = (response.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
        }
      } catch (error) {
        this.options.logger?.warn('could not read account activity: writing unread', { keys: keys.length, ...describeError(error) });
      }
    }
    return stored;
  }

  private async write(sighting: AccountSighting, nowMs: number): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk: activityPartitionKey(sighting.account), sk: activitySortKey(sighting.account, sighting.region) },
      // Newest wins, as for compliance items: a late, older event never moves last_event_ms back.
      UpdateExpression: 'SET #type = :type, #account = :account, #region = :region, #ms = :ms, #at = :at, #rec = :rec',
      ConditionExpression: 'attribute_not_exists(#ms) OR #ms < :ms',
      ExpressionAttributeNames: {
        '#type': 'item_type', '#account': 'account', '#region': 'region', '#ms': 'last_event_ms', '#at': 'last_event_at', '#rec': 'recorded_at_ms',
      },
      ExpressionAttributeValues: {
        ':type': ACTIVITY_ITEM_TYPE,
        ':account': sighting.account,
        ':region': sighting.region,
        ':ms': sighting.eventTimeMs,
        ':at': new Date(sighting.eventTimeMs).toISOString(),
        ':rec': nowMs,
      },
    }));
  }
}
