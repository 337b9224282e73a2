import type { CoverageSnapshot } from '../fleet/coverage-snapshot';
import { COMPLIANCE_STATUSES, type ComplianceStatus } from '../models/compliance-result';

/** Items per compliance status, and their sum. */
export type StatusCounts = Record<ComplianceStatus, number> & { total: number };

/** The four dimensions the report breaks compliance down by. */
export const DIMENSIONS = ['account', 'region', 'rule', 'resourceType'] as const;
export type Dimension = typeof DIMENSIONS[number];

/** Counts by status for every value of one dimension (account id, region, rule name, resource type). */
export type Breakdown = Record<string, StatusCounts>;

/**
 * What one day's report keeps of the state: counts only, never item copies, so a snapshot stays a few KB
 * (and at most about 350 KB: see snapshot-repository.ts) whatever the number of resources.
 */
export interface DailySnapshot {
  /** `YYYY-MM-DD` (UTC): the day the report was generated. */
  readonly date: string;
  /** ISO-8601: when the compliance table was read. */
  readonly generatedAt: string;
  readonly totals: StatusCounts;
  /** Distinct resources with at least one compliance item. */
  readonly resources: number;
  readonly byAccount: Breakdown;
  readonly byRegion: Breakdown;
  readonly byRule: Breakdown;
  readonly byResourceType: Breakdown;
  /** True when the stored copy dropped the rules with the fewest non-compliant items to fit DynamoDB's item size. */
  readonly truncated?: boolean;
}

/** One compliance item evaluated NON_COMPLIANT since the previous report. */
export interface RecentNonCompliance {
  readonly account: string;
  readonly region: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly configRuleName: string;
  /** ISO-8601 time of the evaluation. */
  readonly evaluatedAt: string;
}

/** A dimension value whose counts differ from the previous report. */
export interface BreakdownChange {
  readonly key: string;
  readonly nonCompliantBefore: number;
  readonly nonCompliantNow: number;
  readonly totalBefore: number;
  readonly totalNow: number;
}

/** What changed since the previous report (normally yesterday's). */
export interface ReportChanges {
  /** The date of the snapshot compared with; absent on the first report. */
  readonly previousDate?: string;
  /** Now minus before, per status; all zero on the first report. */
  readonly totals: StatusCounts;
  readonly byAccount: BreakdownChange[];
  readonly byRegion: BreakdownChange[];
  readonly byRule: BreakdownChange[];
  readonly byResourceType: BreakdownChange[];
  /** Items evaluated NON_COMPLIANT since the previous report (or the last 24 hours), newest first, at most `RECENT_LIMIT`. */
  readonly recentNonCompliant: RecentNonCompliance[];
  /** How many such items there were in all (the list above may be capped). */
  readonly recentNonCompliantCount: number;
}

/** One day of the trend. */
export interface TrendPoint {
  readonly date: string;
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly total: number;
  /** COMPLIANT / (COMPLIANT + NON_COMPLIANT) × 100, as AWS Config computes it; undefined when both are zero. */
  readonly compliancePercent?: number;
}

/** One compliance item the counts leave out, by its keys, and why. */
export interface ExcludedItem {
  readonly pk: string;
  readonly sk: string;
  readonly reason: string;
}

/**
 * Compliance items of a resource (their key starts with an account id) that the counts leave out because a field
 * they are counted by is unusable: said in the report, never dropped in silence, so a total that looks low can be
 * explained and the items found.
 */
export interface ExcludedItems {
  readonly count: number;
  /** How many were left out for each reason. */
  readonly byReason: Record<string, number>;
  /** The first EXCLUDED_EXAMPLES of them. */
  readonly examples: ExcludedItem[];
}

/** Where the counts came from and what the scan skipped. */
export interface ReportSource {
  readonly complianceTable: string;
  /** Items the scan returned (after its `sk` filter). */
  readonly itemsRead: number;
  /** Items that are not a resource's compliance item (reports, reconciliation markers, keys without an account). */
  readonly itemsSkipped: number;
  /** A resource's compliance items left out of the counts, with the reasons. */
  readonly excluded: ExcludedItems;
}

/** The daily report: the JSON file is exactly this object. */
export interface DailyReport {
  readonly schemaVersion: '1';
  readonly date: string;
  readonly generatedAt: string;
  readonly source: ReportSource;
  readonly current: DailySnapshot;
  readonly changes: ReportChanges;
  /** Oldest first, one point per day with a snapshot within `TREND_DAYS`, today included. */
  readonly trend: TrendPoint[];
  /** The newest hourly fleet coverage, when the master has fleet coverage and it has run. */
  readonly fleetCoverage?: CoverageSnapshot;
}

/** Days of history the trend shows, today included. */
export const TREND_DAYS = 30;

/** The most recent non-compliant evaluations the report lists one by one. */
export const RECENT_LIMIT = 50;

/** Excluded items the report lists by their keys (all are counted). */
export const EXCLUDED_EXAMPLES = 20;

export function emptyCounts(): StatusCounts {
  return { COMPLIANT: 0, NON_COMPLIANT: 0, NOT_APPLICABLE: 0, INSUFFICIENT_DATA: 0, total: 0 };
}

export function addStatus(counts: StatusCounts, status: ComplianceStatus): void {
  counts[status]++;
  counts.total++;
}

export function subtractCounts(now: StatusCounts, before: StatusCounts): StatusCounts {
  const result = emptyCounts();
  for (const status of COMPLIANCE_STATUSES) result[status] = (now[status] ?? 0) - (before[status] ?? 0);
  result.total = (now.total ?? 0) - (before.total ?? 0);
  return result;
}

/** AWS Config's compliance score: compliant over evaluated (NOT_APPLICABLE and INSUFFICIENT_DATA left out). */
export function compliancePercent(counts: Pick<StatusCounts, 'COMPLIANT' | 'NON_COMPLIANT'>): number | undefined {
  const evaluated = counts.COMPLIANT + counts.NON_COMPLIANT;
  return evaluated === 0 ? undefined : Math.round((counts.COMPLIANT / evaluated) * 1000) / 10;
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The UTC date `days` before `date` (`YYYY-MM-DD`). */
export function daysBefore(date: string, days: number): string {
  return utcDate(new Date(Date.parse(`${date}T00:00:00.000Z`) - days * 86_400_000));
}

/** Entries of a breakdown sorted by non-compliant items (most first), then by key, for stable output. */
export function sortedEntries(breakdown: Breakdown): [string, StatusCounts][] {
  return Object.entries(breakdown).sort((a, b) => b[1].NON_COMPLIANT - a[1].NON_COMPLIANT || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
