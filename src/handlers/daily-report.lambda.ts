import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ScheduledEvent } from 'aws-lambda';
import { createDocumentClient } from '../runtime/aws-clients';
import { positiveIntegerEnv, requireEnv } from '../runtime/environment';
import { Logger } from '../runtime/observability/logger';
import { generateDailyReport } from '../runtime/report/generate-daily-report';
import { reportMetrics } from '../runtime/report/report-metrics';
import { S3ReportSink, SnsSummaryPublisher } from '../runtime/report/report-sinks';

const client = createDocumentClient();
const logger = new Logger();
const complianceTable = requireEnv('COMPLIANCE_TABLE_NAME');
const eventsTable = requireEnv('EVENTS_TABLE_NAME');
const sink = new S3ReportSink(new S3Client({}), requireEnv('REPORT_BUCKET_NAME'));
const publisher = new SnsSummaryPublisher(new SNSClient({}), requireEnv('NOTIFICATION_TOPIC_ARN'));
const scanSegments = positiveIntegerEnv('SCAN_SEGMENTS');

/** Schedule → daily report in S3, snapshot in the events table, summary on SNS. Thin: the work is in runtime/report. */
export const handler = async (_event: ScheduledEvent): Promise<{ date: string; location: string }> => {
  const started = Date.now();
  const { report, location } = await generateDailyReport({
    client, complianceTable, eventsTable, sink, publisher, now: new Date(), scanSegments,
  });
  process.stdout.write(`${JSON.stringify(reportMetrics(report, process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'DailyReport'))}\n`);
  logger.info('daily report written', {
    date: report.date,
    location,
    itemsRead: report.source.itemsRead,
    itemsSkipped: report.source.itemsSkipped,
    itemsExcluded: report.source.excluded.count,
    nonCompliant: report.current.totals.NON_COMPLIANT,
    previousDate: report.changes.previousDate,
    durationMs: Date.now() - started,
  });
  return { date: report.date, location };
};
