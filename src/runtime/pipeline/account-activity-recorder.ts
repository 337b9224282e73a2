import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountSighting } from './account-sighting';
import { describeError, type Logger } from '../observability/logger';
import { ACTIVITY_ITEM_TYPE, activityPartitionKey } from '../store/account-activity-keys';
import { isConditionalCheckFailure } from '../store/conditional-write';

/**
 * The write side of account activity: the event handler calls `AccountActivityRecorder.record()` once per batch with
 * every account and region it saw. Each container writes at most one conditional UpdateItem per account and region
 * per `writeIntervalMs`.
 */

/** Default: one write per account and region per container every 15 minutes. */
export const DEFAULT_WRITE_INTERVAL_MS = 15 * 60_000;

/** What one `record()` call did. */
export interface ActivityWriteSummary {
  /** Conditional UpdateItems sent (one write unit each, whether or not the condition held). */
  readonly writes: number;
  /** Account-regions this container had written within the interval: no request. */
  readonly skipped: number;
  /** Writes that failed (throttling, network): tried again with the next batch. */
  readonly failed: number;
}

/** Options of an `AccountActivityRecorder`. */
export interface AccountActivityRecorderOptions {
  /** @default DEFAULT_WRITE_INTERVAL_MS */
  readonly writeIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/**
 * Records the accounts and regions a container sees. Create one per container (module scope), so its memory of
 * what it wrote lasts across warm invocations; that memory is what keeps the cost at one write per account and
 * region per interval.
 */
export class AccountActivityRecorder {
  private readonly writtenAt = new Map<string, number>();
  private readonly writeIntervalMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: AccountActivityRecorderOptions = {},
  ) {
    this.writeIntervalMs = options.writeIntervalMs ?? DEFAULT_WRITE_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Records one batch's sightings. Never throws: activity is a monitoring signal, and failing a batch for it would
   * redeliver records (and cost their writes again). A failed write is logged and retried with the next batch.
   */
  async record(sightings: Iterable<AccountSighting>): Promise<ActivityWriteSummary> {
    const newest = new Map<string, AccountSighting>();
    for (const s of sightings) {
      const key = `${s.account}#${s.region}`;
      const seen = newest.get(key);
      if (!seen || s.eventTimeMs > seen.eventTimeMs) newest.set(key, s);
    }
    const now = this.now();
    let skipped = 0;
    const due: Array<[string, AccountSighting]> = [];
    for (const [key, sighting] of newest) {
      const last = this.writtenAt.get(key);
      if (last !== undefined && now - last < this.writeIntervalMs) skipped++;
      else due.push([key, sighting]);
    }
    const results = await Promise.all(due.map(async ([key, sighting]) => {
      try {
        await this.write(sighting);
        this.writtenAt.set(key, now);
        return true;
      } catch (error) {
        if (isConditionalCheckFailure(error)) {
          // A newer time is already stored (another container, or an older event): nothing to do for a while.
          this.writtenAt.set(key, now);
          return true;
        }
        this.options.logger?.warn('could not record account activity', { account: sighting.account, region: sighting.region, ...describeError(error) });
        return false;
      }
    }));
    const failed = results.filter((ok) => !ok).length;
    return { writes: due.length, skipped, failed };
  }

  private async write(sighting: AccountSighting): Promise<void> {
    await this.client.send(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk: activityPartitionKey(sighting.account), sk: `${sighting.account}#${sighting.region}` },
      // Newest wins, as for compliance items: a late, older event never moves last_event_ms back.
      UpdateExpression: 'SET #type = :type, #account = :account, #region = :region, #ms = :ms, #at = :at',
      ConditionExpression: 'attribute_not_exists(#ms) OR #ms < :ms',
      ExpressionAttributeNames: {
        '#type': 'item_type', '#account': 'account', '#region': 'region', '#ms': 'last_event_ms', '#at': 'last_event_at',
      },
      ExpressionAttributeValues: {
        ':type': ACTIVITY_ITEM_TYPE,
        ':account': sighting.account,
        ':region': sighting.region,
        ':ms': sighting.eventTimeMs,
        ':at': new Date(sighting.eventTimeMs).toISOString(),
      },
    }));
  }
}
