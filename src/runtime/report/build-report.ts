import {
  compliancePercent, daysBefore, subtractCounts, emptyCounts, utcDate, TREND_DAYS,
  type Breakdown, type BreakdownChange, type DailyReport, type DailySnapshot, type TrendPoint,
} from './report-model';
import type { ComplianceAggregate } from './scan-compliance';

export interface BuildReportInput {
  readonly aggregate: ComplianceAggregate;
  /** Earlier snapshots (any order); those of `now`'s date or later are ignored. */
  readonly history: DailySnapshot[];
  readonly now: Date;
  readonly complianceTable: string;
}

/** The day's snapshot: what the report stores for tomorrow's comparison and the trend. */
export function toSnapshot(aggregate: ComplianceAggregate, now: Date): DailySnapshot {
  return {
    date: utcDate(now),
    generatedAt: now.toISOString(),
    totals: aggregate.totals,
    resources: aggregate.resources,
    byAccount: aggregate.byAccount,
    byRegion: aggregate.byRegion,
    byRule: aggregate.byRule,
    byResourceType: aggregate.byResourceType,
  };
}

/**
 * Values whose counts changed, largest change in non-compliant items first. A value present on one side only
 * counts as zero on the other. With a truncated previous snapshot, rules it left out are not reported as new.
 */
export function diffBreakdown(now: Breakdown, before: Breakdown, beforeIsComplete = true): BreakdownChange[] {
  const keys = new Set([...Object.keys(now), ...(beforeIsComplete ? Object.keys(before) : [])]);
  const changes: BreakdownChange[] = [];
  for (const key of keys) {
    if (!beforeIsComplete && !(key in before)) continue;
    const a = before[key] ?? emptyCounts();
    const b = now[key] ?? emptyCounts();
    if (a.NON_COMPLIANT === b.NON_COMPLIANT && a.total === b.total) continue;
    changes.push({ key, nonCompliantBefore: a.NON_COMPLIANT, nonCompliantNow: b.NON_COMPLIANT, totalBefore: a.total, totalNow: b.total });
  }
  const magnitude = (c: BreakdownChange) => Math.abs(c.nonCompliantNow - c.nonCompliantBefore);
  return changes.sort((x, y) => magnitude(y) - magnitude(x) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

function trendPoint(snapshot: Pick<DailySnapshot, 'date' | 'totals'>): TrendPoint {
  return {
    date: snapshot.date,
    compliant: snapshot.totals.COMPLIANT,
    nonCompliant: snapshot.totals.NON_COMPLIANT,
    total: snapshot.totals.total,
    compliancePercent: compliancePercent(snapshot.totals),
  };
}

/** Combines today's counts with the stored snapshots into the report (pure: no I/O). */
export function buildReport(input: BuildReportInput): DailyReport {
  const current = toSnapshot(input.aggregate, input.now);
  const earliest = daysBefore(current.date, TREND_DAYS - 1);
  const earlier = input.history
    .filter((s) => s.date < current.date && s.date >= earliest)
    .sort((a, b) => a.date.localeCompare(b.date));
  const previous = earlier[earlier.length - 1];
  const before = previous ?? { totals: emptyCounts(), byAccount: {}, byRegion: {}, byRule: {}, byResourceType: {} };

  return {
    schemaVersion: '1',
    date: current.date,
    generatedAt: current.generatedAt,
    source: {
      complianceTable: input.complianceTable,
      itemsRead: input.aggregate.itemsRead,
      itemsSkipped: input.aggregate.itemsSkipped,
      excluded: input.aggregate.excluded,
    },
    current,
    changes: {
      previousDate: previous?.date,
      totals: previous ? subtractCounts(current.totals, previous.totals) : emptyCounts(),
      byAccount: previous ? diffBreakdown(current.byAccount, before.byAccount) : [],
      byRegion: previous ? diffBreakdown(current.byRegion, before.byRegion) : [],
      byRule: previous ? diffBreakdown(current.byRule, before.byRule, !previous.truncated) : [],
      byResourceType: previous ? diffBreakdown(current.byResourceType, before.byResourceType) : [],
      recentNonCompliant: input.aggregate.recentNonCompliant,
      recentNonCompliantCount: input.aggregate.recentNonCompliantCount,
    },
    trend: [...earlier.map(trendPoint), trendPoint(current)],
  };
}

/** Non-compliant evaluations are "recent" from the previous report's read, or else from 24 hours ago. */
export function recentSince(history: DailySnapshot[], now: Date): number {
  const today = utcDate(now);
  const previous = history.filter((s) => s.date < today).sort((a, b) => a.date.localeCompare(b.date)).pop();
  const fallback = now.getTime() - 86_400_000;
  if (!previous) return fallback;
  const at = Date.parse(previous.generatedAt);
  return Number.isFinite(at) && at < now.getTime() ? at : fallback;
}
