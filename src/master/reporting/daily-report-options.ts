import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Options of the master's daily compliance report.
 *
 * Once a day a function reads the compliance table and writes compliance by account, region, rule and resource type,
 * what changed since the previous report and the trend of the last 30 days to S3 as JSON, CSV and a self-contained
 * HTML page (`reports/YYYY/MM/DD/compliance-report.*` and `latest/compliance-report.*`), keeps a small snapshot of
 * the day's counts in the events table (`pk = REPORT#daily`, `sk = YYYY-MM-DD`), and sends a short summary to SNS.
 */
export interface DailyReportOptions {
  /**
   * When the report runs. Each run writes the report of its UTC date; a second run the same day replaces it.
   *
   * @default - every day at 06:00 UTC: `events.Schedule.cron({ minute: '0', hour: '6' })`
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
   */
  readonly schedule?: events.Schedule;

  /**
   * A bucket you bring for the reports, for example a central reporting bucket with its own retention and logging.
   *
   * The function is granted `s3:PutObject` on `reports/*` and `latest/*` only (and, when the bucket knows its KMS
   * key, `kms:GenerateDataKey` on it). Its encryption, lifecycle and access logging are yours. Cannot be combined with
   * `retention` or `serverAccessLogsBucket`, which configure the bucket the construct creates.
   *
   * @default - a new bucket: encrypted (with the master's `encryptionKey` if given, else SSE-S3), TLS only,
   * public access blocked, versioned, dated reports expired after `retention`, server access logs to
   * `serverAccessLogsBucket`
   */
  readonly bucket?: s3.IBucket;

  /**
   * How long dated reports (`reports/…`) are kept in the created bucket. Older versions of any object (the daily
   * `latest/` overwrites among them) are removed 30 days after they stop being current.
   *
   * A whole number of days, at least one.
   *
   * @default Duration.days(365)
   */
  readonly retention?: Duration;

  /**
   * Where the created bucket's server access logs go.
   *
   * @default - a new bucket (SSE-S3, which server access logging requires; TLS only; public access blocked; logs
   * expired after `retention`)
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * The topic that receives the daily summary.
   *
   * The summary carries the message attributes `message_type = DAILY_REPORT` and `report_date`; subscribers with a
   * filter policy on the transition attributes (`compliance_status`, …) do not receive it.
   *
   * @default - the master's notification topic
   */
  readonly topic?: sns.ITopic;
}
