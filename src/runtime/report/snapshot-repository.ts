import { gunzipSync, gzipSync } from 'zlib';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sortedEntries, type Breakdown, type DailySnapshot, type StatusCounts } from './report-model';

/**
 * Daily snapshots live in the events table (the history), under one partition: `pk = REPORT#daily`, `sk = <YYYY-MM-DD>`.
 *
 * Why there: they are history, and the table's TTL removes them without a clean-up job; the compliance table stays
 * the current state only, so neither the report's own Scan nor the status index ever sees them. One partition of
 * at most SNAPSHOT_RETENTION_DAYS small items is far from any partition limit (one write a day, one 30-item Query).
 */
export const SNAPSHOT_PK = 'REPORT#daily';

/** How long a snapshot is kept: a year and a month, so a year-on-year comparison is possible beside the 30-day trend. */
export const SNAPSHOT_RETENTION_DAYS = 400;

/**
 * The largest compressed breakdown stored: DynamoDB items are capped at 400 KB, and the rest of the item is small.
 * Beyond it, the rules with the fewest non-compliant items are dropped (an organization with thousands of
 * conformance-pack rules); the report of the day itself is always complete.
 */
export const MAX_BREAKDOWN_BYTES = 350_000;

/** The stored item. Counts that users may query directly are plain attributes; the breakdowns are gzipped JSON. */
export interface SnapshotItem {
  readonly pk: string;
  readonly sk: string;
  readonly config_item_type: 'DailyReport';
  readonly generated_at: string;
  readonly totals: StatusCounts;
  readonly resources: number;
  readonly breakdown_gz: Uint8Array;
  readonly truncated: boolean;
  readonly expires_at: number;
}

interface StoredBreakdowns {
  readonly byAccount: Breakdown;
  readonly byRegion: Breakdown;
  readonly byRule: Breakdown;
  readonly byResourceType: Breakdown;
}

export function toSnapshotItem(snapshot: DailySnapshot, maxBytes = MAX_BREAKDOWN_BYTES): SnapshotItem {
  let breakdowns: StoredBreakdowns = {
    byAccount: snapshot.byAccount,
    byRegion: snapshot.byRegion,
    byRule: snapshot.byRule,
    byResourceType: snapshot.byResourceType,
  };
  let compressed = gzipSync(JSON.stringify(breakdowns));
  let truncated = false;
  let keepRules = Object.keys(snapshot.byRule).length;
  while (compressed.length > maxBytes && keepRules > 0) {
    truncated = true;
    keepRules = Math.floor(keepRules / 2);
    breakdowns = { ...breakdowns, byRule: Object.fromEntries(sortedEntries(snapshot.byRule).slice(0, keepRules)) };
    compressed = gzipSync(JSON.stringify(breakdowns));
  }
  const dayStartSeconds = Date.parse(`${snapshot.date}T00:00:00.000Z`) / 1000;
  return {
    pk: SNAPSHOT_PK,
    sk: snapshot.date,
    config_item_type: 'DailyReport',
    generated_at: snapshot.generatedAt,
    totals: snapshot.totals,
    resources: snapshot.resources,
    breakdown_gz: new Uint8Array(compressed),
    truncated,
    expires_at: dayStartSeconds + SNAPSHOT_RETENTION_DAYS * 86_400,
  };
}

export function fromSnapshotItem(item: SnapshotItem): DailySnapshot {
  const breakdowns = JSON.parse(gunzipSync(Buffer.from(item.breakdown_gz)).toString('utf-8')) as StoredBreakdowns;
  return {
    date: item.sk,
    generatedAt: item.generated_at,
    totals: item.totals,
    resources: item.resources,
    ...breakdowns,
    ...(item.truncated ? { truncated: true } : {}),
  };
}

export class SnapshotRepository {
  constructor(private readonly client: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Writes (or, on a second run the same day, replaces) the day's snapshot. */
  async put(snapshot: DailySnapshot): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: toSnapshotItem(snapshot) }));
  }

  /**
   * Snapshots dated from `fromDate` to `toDate` (inclusive), oldest first. Expired items that TTL has not removed
   * yet (it takes up to two days) are left out.
   */
  async list(fromDate: string, toDate: string, nowSeconds: number): Promise<DailySnapshot[]> {
    const snapshots: DailySnapshot[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': SNAPSHOT_PK, ':from': fromDate, ':to': toDate },
        ExclusiveStartKey: startKey,
      }));
      for (const item of (page.Items ?? []) as SnapshotItem[]) {
        if (typeof item.expires_at === 'number' && item.expires_at <= nowSeconds) continue;
        snapshots.push(fromSnapshotItem(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return snapshots;
  }
}
