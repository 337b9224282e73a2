import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describeError, type Logger } from '../observability/logger';
import { emfDocument } from '../observability/metrics';
import { isAccountId, isRegion } from '../parsing/identity-fields';
import { isConditionalCheckFailure } from '../store/conditional-write';
import { fnv1a } from '../store/fnv1a';

/**
 * Per-account "last seen" records, so that an account (or one of its regions) whose agent went quiet can be told
 * apart from one that simply has nothing to report.
 *
 * Write side: the event handler calls `AccountActivityRecorder.record()` once per batch with every account and
 * region it saw. Each container writes at most one conditional UpdateItem per account and region per
 * `writeIntervalMs`; the items carry no index keys, so a write costs exactly one write unit and no index write.
 *
 * Read side: `checkAccountActivity()` (run on a schedule) reads every activity item and emits `SilentAccounts` and
 * `SilentAccountRegions`, which the dashboard's alarm watches. The number of metrics stays two whatever the
 * number of accounts: the silent accounts themselves are listed in the check's log line, not as metric dimensions.
 *
 * Keys (compliance table): `pk` = `ACCOUNT_ACTIVITY#<nn>` (`nn` = `00`..`03`, a stable hash of the account id),
 * `sk` = `<account>#<region>`. A few fixed partitions instead of one `ACCOUNT#<id>` partition per account: the
 * check must list every account, and a `Query` over four known partitions reads only the activity items, where
 * listing per-account partitions would need a `Scan` of the whole compliance table.
 */

/** Partition key prefix of the activity items; resource items start with a 12-digit account id, so never collide. */
export const ACTIVITY_PK_PREFIX = 'ACCOUNT_ACTIVITY#';

/** How many partitions the activity items spread over: even 10,000 accounts × 4 regions stay far below a partition's 1,000 writes/s. */
export const ACTIVITY_SHARDS = 4;

/** Marks activity items for anyone scanning the compliance table. */
export const ACTIVITY_ITEM_TYPE = 'ACCOUNT_ACTIVITY';

/** Default: one write per account and region per container every 15 minutes. */
export const DEFAULT_WRITE_INTERVAL_MS = 15 * 60_000;

/** One account and region seen in a batch, with the time of its newest event there. */
export interface AccountSighting {
  readonly account: string;
  readonly region: string;
  /** Epoch milliseconds of the event (the envelope's `time`). */
  readonly eventTimeMs: number;
}

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
}

/** What one `record()` call did. */
export interface ActivityWriteSummary {
  /** Conditional UpdateItems sent (one write unit each, whether or not the condition held). */
  readonly writes: number;
  /** Account-regions this container had written within the interval: no request. */
  readonly skipped: number;
  /** Writes that failed (throttling, network): tried again with the next batch. */
  readonly failed: number;
}

/** An account always maps to the same partition, in every process (FNV-1a, as the status shards). */
export function activityPartitionKey(account: string): string {
  return `${ACTIVITY_PK_PREFIX}${String(fnv1a(account) % ACTIVITY_SHARDS).padStart(2, '0')}`;
}

export function activityPartitionKeys(): string[] {
  return Array.from({ length: ACTIVITY_SHARDS }, (_, shard) => `${ACTIVITY_PK_PREFIX}${String(shard).padStart(2, '0')}`);
}

/**
 * The account, region and time of an EventBridge event as the buffer queue delivers it (the record body, parsed).
 *
 * Reads the outer envelope only: its `account` is the one EventBridge set from the sender's credentials, the same
 * account the parser stores (parsing/trusted-account.ts), for `aws.config` and for the agent's
 * `monitoring.agent.config` alike; never an account named inside the event, which the sender chooses. Status
 * notifications (skipped by the write path) count too: they prove the account's forwarding works. Anything without a
 * valid account id and region (parsing/identity-fields.ts) is ignored.
 */
export function sightingOf(envelope: unknown, nowMs: number): AccountSighting | undefined {
  if (typeof envelope !== 'object' || envelope === null) return undefined;
  const { account, region, time } = envelope as { account?: unknown; region?: unknown; time?: unknown };
  if (!isAccountId(account) || !isRegion(region)) return undefined;
  const parsed = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  // A sender's clock ahead of ours must not make the account look alive in the future.
  const eventTimeMs = Number.isFinite(parsed) ? Math.min(parsed, nowMs) : nowMs;
  return { account, region, eventTimeMs };
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

/** A region of an account with no event for longer than the silence period. */
export interface SilentRegion {
  readonly account: string;
  readonly region: string;
  readonly lastEventAt: string;
}

/** What a check found. */
export interface ActivityCheckResult {
  /** Accounts ever seen (with an activity item). */
  readonly accountsSeen: number;
  /** Accounts with no event in any region for longer than the period. */
  readonly silentAccounts: string[];
  /** Account-regions with no event for longer than the period (those of silent accounts included). */
  readonly silentRegions: SilentRegion[];
}

/** Options of `checkAccountActivity()`. */
export interface ActivityCheckOptions {
  /** How long without an event makes an account or region silent, in milliseconds. */
  readonly silentAfterMs: number;
  /** @default Date.now() */
  readonly nowMs?: number;
  /**
   * Accounts silent on purpose (closed, suspended, moved out), left out of the result.
   * @default - none
   */
  readonly ignoredAccounts?: readonly string[];
}

/**
 * Reads every activity item (one paginated Query per partition, eventually consistent: a few seconds of lag do
 * not matter against a silence period of hours) and lists what went silent.
 */
export async function checkAccountActivity(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: ActivityCheckOptions,
): Promise<ActivityCheckResult> {
  const nowMs = options.nowMs ?? Date.now();
  const ignored = new Set(options.ignoredAccounts ?? []);
  const newestByAccount = new Map<string, number>();
  const silentRegions: SilentRegion[] = [];
  for (const pk of activityPartitionKeys()) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: startKey,
      }));
      for (const item of (page.Items ?? []) as AccountActivityItem[]) {
        if (ignored.has(item.account)) continue;
        newestByAccount.set(item.account, Math.max(newestByAccount.get(item.account) ?? 0, item.last_event_ms));
        if (nowMs - item.last_event_ms > options.silentAfterMs) {
          silentRegions.push({ account: item.account, region: item.region, lastEventAt: item.last_event_at });
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  const silentAccounts = [...newestByAccount]
    .filter(([, newest]) => nowMs - newest > options.silentAfterMs)
    .map(([account]) => account)
    .sort();
  silentRegions.sort((a, b) => `${a.account}#${a.region}`.localeCompare(`${b.account}#${b.region}`));
  return { accountsSeen: newestByAccount.size, silentAccounts, silentRegions };
}

/**
 * The check's embedded metrics: always emitted (zeros included), so the alarm sees data on every run and a check
 * that stops running shows up as missing data.
 */
export function activityCheckEmf(result: ActivityCheckResult, functionName: string, nowMs = Date.now()): Record<string, unknown> {
  return {
    ...emfDocument(functionName, {
      SilentAccounts: result.silentAccounts.length,
      SilentAccountRegions: result.silentRegions.length,
      AccountsSeen: result.accountsSeen,
    }, nowMs),
    // Not metrics (no dimension, no cost): the names, for the log line and Logs Insights.
    silentAccounts: result.silentAccounts,
    silentRegions: result.silentRegions.slice(0, 100),
  };
}

/** What the scheduled check needs; the handler builds it from its environment. */
export interface ActivityCheckRun {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly silentAfterSeconds: number;
  /** Comma-separated, possibly empty (`IGNORED_ACCOUNTS`). */
  readonly ignoredAccounts: string;
  readonly functionName: string;
  readonly nowMs?: number;
  /** @default stdout, one line */
  readonly sink?: (line: string) => void;
}

/**
 * One run of the scheduled check: read, then write one EMF line that carries the metrics and the silent accounts.
 * A failed read throws, so the invocation fails, shows in the function's `Errors` and is retried by EventBridge.
 */
export async function runAccountActivityCheck(run: ActivityCheckRun): Promise<ActivityCheckResult> {
  const nowMs = run.nowMs ?? Date.now();
  const result = await checkAccountActivity(run.client, run.tableName, {
    silentAfterMs: run.silentAfterSeconds * 1000,
    nowMs,
    ignoredAccounts: run.ignoredAccounts.split(',').map((a) => a.trim()).filter((a) => a.length > 0),
  });
  const sink = run.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  sink(JSON.stringify({ level: 'INFO', message: 'account activity checked', ...activityCheckEmf(result, run.functionName, nowMs) }));
  return result;
}
