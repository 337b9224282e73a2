import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CheckAccountActivityMetric } from '../../contract/metric-names';
import { emfDocument } from '../observability/metrics';
import { readAccountActivityItems } from '../store/account-activity-items';
import type { AccountActivityItem } from '../store/account-activity-keys';

/**
 * The read side of account activity: `checkAccountActivity()` (run on a schedule) reads every activity item and
 * emits `SilentAccounts` and `SilentAccountRegions`, which the dashboard's alarm watches. The number of metrics stays
 * two whatever the number of accounts: the silent accounts themselves are listed in the check's log line, not as
 * metric dimensions.
 */

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
  /** The activity items, when the caller has read them already (the fleet coverage check uses the same). @default - read here */
  readonly items?: readonly AccountActivityItem[];
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
  for (const item of options.items ?? await readAccountActivityItems(client, tableName)) {
    if (ignored.has(item.account)) continue;
    newestByAccount.set(item.account, Math.max(newestByAccount.get(item.account) ?? 0, item.last_event_ms));
    if (nowMs - item.last_event_ms > options.silentAfterMs) {
      silentRegions.push({ account: item.account, region: item.region, lastEventAt: item.last_event_at });
    }
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
    ...emfDocument<CheckAccountActivityMetric>(functionName, {
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
  /** @default - read here */
  readonly items?: readonly AccountActivityItem[];
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
    items: run.items,
  });
  const sink = run.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  sink(JSON.stringify({ level: 'INFO', message: 'account activity checked', ...activityCheckEmf(result, run.functionName, nowMs) }));
  return result;
}
