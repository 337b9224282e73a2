import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { generateDailyReport, type GeneratedReport } from './generate-daily-report';
import { DirectoryReportSink } from './report-sinks';

/** What `renderReportLocally` needs: a table (dynalite, DynamoDB Local or a real one) and a folder. */
export interface LocalReportOptions {
  /** A document client for the tables' endpoint. */
  readonly documentClient: DynamoDBDocumentClient;
  readonly complianceTable: string;
  /** With it, the report reads (and stores) the daily snapshots there, as the deployed function does. */
  readonly eventsTable?: string;
  /** Files go to `<outputDir>/reports/YYYY/MM/DD/compliance-report.{json,csv,html}` and `<outputDir>/latest/…`. */
  readonly outputDir: string;
  /** @default new Date() */
  readonly now?: Date;
}

/**
 * Renders the daily report from a compliance table into a local folder, with exactly the code the scheduled
 * function runs (no S3, no SNS): for the demo, and for a look at a table without deploying anything.
 *
 * @returns the report, the files written (keys relative to `outputDir`), the SNS summary that would be sent,
 * and the path of the day's HTML page
 */
export async function renderReportLocally(options: LocalReportOptions): Promise<GeneratedReport> {
  return generateDailyReport({
    client: options.documentClient,
    complianceTable: options.complianceTable,
    eventsTable: options.eventsTable,
    sink: new DirectoryReportSink(options.outputDir),
    now: options.now ?? new Date(),
  });
}
