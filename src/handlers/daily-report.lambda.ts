import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { readFunctionEnvironment } from '../contract/function-environments';
import { createDocumentClient } from '../runtime/aws-clients';
import { Logger } from '../runtime/observability/logger';
import { generateDailyReport } from '../runtime/report/generate-daily-report';
import { reportMetrics } from '../runtime/report/report-metrics';
import { S3ReportSink, SnsSummaryPublisher } from '../runtime/report/report-sinks';

const environment = readFunctionEnvironment('DailyReport', process.env);
const client = createDocumentClient();
const logger = new Logger();
const complianceTable = environment.complianceTableName;
const eventsTable = environment.eventsTableName;
const sink = new S3ReportSink(new S3Client({}), environment.reportBucketName);
const publisher = new SnsSummaryPublisher(new SNSClient({}), environment.notificationTopicArn);
const scanSegments = environment.scanSegments;
const readFleetCoverage = environment.readFleetCoverage;

/** Schedule → daily report in S3, snapshot in the events table, summary on SNS. Thin: the work is in runtime/report. */
export const handler = async (event: ScheduledEvent, context?: Context): Promise<{ date: string; location: string }> => {
  // The schedule's event id: one id for the run, whether EventBridge retried it or not.
  logger.startInvocation(context, event?.id);
  const started = Date.now();
  const { report, location } = await generateDailyReport({
    client, complianceTable, eventsTable, sink, publisher, now: new Date(), scanSegments, readFleetCoverage,
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
