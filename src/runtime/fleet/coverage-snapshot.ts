import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccountRegion, FleetCoverage } from './fleet-coverage';
import { FLEET_COVERAGE_PARTITION_KEY } from '../../contract/table-names';

/**
 * The newest fleet coverage, kept as one item of the compliance table (`pk` = FLEET_COVERAGE, `sk` = LATEST) so the
 * compliance API and the daily report read it with one GetItem instead of asking Organizations again. Overwritten by
 * every run: the history of the counts lives in the metrics.
 */

const SNAPSHOT_SORT_KEY = 'LATEST';

/**
 * The most entries each list keeps: the counts are always exact, the lists name the first ones (sorted by account
 * and region). 4 lists × 100 entries of 50 to 130 bytes (an account name is up to 50 characters) keep the item
 * under 60 KB, far below DynamoDB's 400 KB, even for 10,000 accounts.
 */
export const SNAPSHOT_LIST_LIMIT = 100;

/** Runs are hourly and retried twice: a snapshot older than three hours means the check stopped succeeding. */
export const SNAPSHOT_STALE_AFTER_MS = 3 * 3600_000;

/** True when the check has not written the snapshot for longer than `SNAPSHOT_STALE_AFTER_MS`. */
export function isStale(snapshot: Pick<CoverageSnapshot, 'checkedAt'>, nowMs: number): boolean {
  return nowMs - Date.parse(snapshot.checkedAt) > SNAPSHOT_STALE_AFTER_MS;
}

/** The stored coverage: exact counts, bounded lists. */
export interface CoverageSnapshot {
  /** ISO time of the run. */
  readonly checkedAt: string;
  readonly expected: number;
  readonly reporting: number;
  readonly neverReportedCount: number;
  readonly silentCount: number;
  readonly pendingCount: number;
  readonly unexpectedCount: number;
  /** The expected list is partial (the Organizations reading stopped at its time or call budget): do not trust "never reported". */
  readonly truncated: boolean;
  readonly neverReported: AccountRegion[];
  readonly silent: AccountRegion[];
  readonly pending: AccountRegion[];
  readonly unexpected: AccountRegion[];
}

/** The snapshot of one run's coverage. */
export function coverageSnapshot(coverage: FleetCoverage, nowMs: number): CoverageSnapshot {
  const first = (list: AccountRegion[]) => list.slice(0, SNAPSHOT_LIST_LIMIT);
  return {
    checkedAt: new Date(nowMs).toISOString(),
    expected: coverage.expected,
    reporting: coverage.reporting,
    neverReportedCount: coverage.neverReported.length,
    silentCount: coverage.silent.length,
    pendingCount: coverage.pending.length,
    unexpectedCount: coverage.unexpected.length,
    truncated: coverage.truncated,
    neverReported: first(coverage.neverReported),
    silent: first(coverage.silent),
    pending: first(coverage.pending),
    unexpected: first(coverage.unexpected),
  };
}

/** One PutItem: the newest run wins (runs are an hour apart, each a complete reading). */
export async function writeCoverageSnapshot(client: DynamoDBDocumentClient, tableName: string, snapshot: CoverageSnapshot): Promise<void> {
  await client.send(new PutCommand({
    TableName: tableName,
    Item: { pk: FLEET_COVERAGE_PARTITION_KEY, sk: SNAPSHOT_SORT_KEY, item_type: 'FLEET_COVERAGE', snapshot },
  }));
}

/** The newest snapshot, or undefined before the first run (or when fleet coverage is off). */
export async function readCoverageSnapshot(client: DynamoDBDocumentClient, tableName: string): Promise<CoverageSnapshot | undefined> {
  const { Item } = await client.send(new GetCommand({
    TableName: tableName,
    Key: { pk: FLEET_COVERAGE_PARTITION_KEY, sk: SNAPSHOT_SORT_KEY },
  }));
  return Item?.snapshot as CoverageSnapshot | undefined;
}
