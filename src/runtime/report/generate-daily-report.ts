import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildReport, recentSince } from './build-report';
import { reportFiles, type ReportFile } from './report-files';
import { daysBefore, utcDate, TREND_DAYS, type DailyReport } from './report-model';
import type { ReportSink, SummaryPublisher } from './report-sinks';
import { scanComplianceTable } from './scan-compliance';
import { SnapshotRepository } from './snapshot-repository';
import { summaryMessage, type SummaryMessage } from './summary-message';
import { readCoverageSnapshot } from '../fleet/coverage-snapshot';

/** Parallel scan segments when not told: enough to read a million items in well under a minute. */
export const DEFAULT_SCAN_SEGMENTS = 8;

export interface GenerateReportOptions {
  readonly client: DynamoDBDocumentClient;
  readonly complianceTable: string;
  /** Where the daily snapshots are kept (pk `REPORT#daily`); without it the report has no history and stores none. */
  readonly eventsTable?: string;
  readonly sink: ReportSink;
  readonly publisher?: SummaryPublisher;
  /** The instant the report describes; its UTC date names the report. */
  readonly now: Date;
  /** @default DEFAULT_SCAN_SEGMENTS */
  readonly scanSegments?: number;
  /** Read the fleet coverage snapshot into the report (the master has fleet coverage). @default false */
  readonly readFleetCoverage?: boolean;
}

export interface GeneratedReport {
  readonly report: DailyReport;
  readonly files: ReportFile[];
  readonly summary: SummaryMessage;
  /** Where the HTML page of the day was written. */
  readonly location: string;
}

/**
 * Reads the state, compares it with the stored snapshots, writes the files, stores today's snapshot, then publishes
 * the summary. Idempotent per day: a second run the same day rewrites the same keys and replaces the snapshot; the
 * summary goes last, so a failure before it leaves nothing announced that was not written.
 */
export async function generateDailyReport(options: GenerateReportOptions): Promise<GeneratedReport> {
  const today = utcDate(options.now);
  const snapshots = options.eventsTable ? new SnapshotRepository(options.client, options.eventsTable) : undefined;
  const history = snapshots
    ? await snapshots.list(daysBefore(today, TREND_DAYS - 1), daysBefore(today, 1), Math.floor(options.now.getTime() / 1000))
    : [];

  const aggregate = await scanComplianceTable({
    client: options.client,
    tableName: options.complianceTable,
    segments: options.scanSegments ?? DEFAULT_SCAN_SEGMENTS,
    recentSinceMs: recentSince(history, options.now),
  });
  // One GetItem: the hourly check's snapshot.
  const fleetCoverage = options.readFleetCoverage ? await readCoverageSnapshot(options.client, options.complianceTable) : undefined;
  const built = buildReport({ aggregate, history, now: options.now, complianceTable: options.complianceTable });
  const report = fleetCoverage ? { ...built, fleetCoverage } : built;

  const files = reportFiles(report);
  // The dated files first: `latest/` never points at a day that is not stored.
  for (const file of files) await options.sink.put(file);
  await snapshots?.put(report.current);

  const htmlKey = files.find((f) => f.key.endsWith('.html') && !f.key.startsWith('latest/'))!.key;
  const location = options.sink.locate(htmlKey);
  const summary = summaryMessage(report, location);
  await options.publisher?.publish(summary);
  return { report, files, summary, location };
}
