import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DailyReportOptions } from './daily-report-options';
import { BUCKET_PROTECTION, bucketEncryption } from '../../common/bucket-protection';
import { createAccessLogsBucket, enableEventBridgeNotifications, enableServerAccessLogging } from '../../common/logged-bucket';
import { createMonitoringFunction } from '../../common/monitoring-function';
import { acknowledgeObjectPrefixWildcard } from '../../common/nag-acknowledgement';
import { validateDurationInRange, validateWholeUnits } from '../../common/validation';
import { functionEnvironment } from '../../contract/function-environments';
import { FLEET_COVERAGE_PARTITION_KEY } from '../../contract/table-names';
import { DailyReportFunction } from '../../handlers/daily-report-function';

/** Scans a million items in under a minute; the rest is headroom for throttling retries on a busy table. */
export const REPORT_TIMEOUT = Duration.minutes(10);

/** 1,024 MB: the counts stay small, but JSON unmarshalling of 500 MB of scan pages wants the CPU share. */
export const REPORT_MEMORY_MB = 1024;

/** Parallel scan segments (the SCAN_SEGMENTS variable): eight 1 MB pages in flight, about 4,000 read units/s. */
export const REPORT_SCAN_SEGMENTS = 8;

/** Older versions (the daily `latest/` overwrites, replaced or deleted reports) are kept this long. */
export const NONCURRENT_VERSION_RETENTION = Duration.days(30);

/** Where the function writes: the dated reports and the copies of the latest one. */
export const REPORT_PREFIXES = ['reports/', 'latest/'];

/** The snapshot partition in the events table: the function may read and write nothing else there. */
export const SNAPSHOT_PARTITION_KEY = 'REPORT#daily';

/** Properties of a `DailyReport`: the options plus what the master provides. */
export interface DailyReportProps extends DailyReportOptions {
  /** The table the report reads (Scan). */
  readonly complianceTable: dynamodb.ITableV2;
  /** The table that keeps the daily snapshots (`pk = REPORT#daily`, with the table's TTL attribute `expires_at`). */
  readonly eventsTable: dynamodb.ITableV2;
  /** The topic of the summary when `topic` is not given. */
  readonly notificationTopic: sns.ITopic;
  /** Whether the master has fleet coverage: the report then reads its snapshot. @default false */
  readonly fleetCoverage?: boolean;
  /**
   * The key of the tables, the topic and (when the construct creates it) the report bucket and log group.
   *
   * @default - AWS-managed keys for the tables and the topic; SSE-S3 for the bucket
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the buckets and the log group when they leave the stack. Buckets that still hold reports are
   * never emptied by the construct: with `RemovalPolicy.DESTROY`, empty them first.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The daily compliance report: schedule → `DailyReport` function → S3 (JSON, CSV, HTML) + snapshot + SNS summary.
 *
 * @internal
 */
export class DailyReport extends Construct {
  /** Where the reports are written. */
  public readonly bucket: s3.IBucket;
  /** The created bucket's access-log bucket, when the construct made one. */
  public readonly serverAccessLogsBucket?: s3.IBucket;
  /** The function that writes the report. */
  public readonly handler: lambda.IFunction;
  /** The schedule. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: DailyReportProps) {
    super(scope, id);
    validateProps(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.retention ?? Duration.days(365);
    const topic = props.topic ?? props.notificationTopic;

    if (props.bucket) {
      this.bucket = props.bucket;
    } else {
      const logsBucket = props.serverAccessLogsBucket ?? createAccessLogsBucket(this, retention, NONCURRENT_VERSION_RETENTION, removalPolicy);
      if (!props.serverAccessLogsBucket) this.serverAccessLogsBucket = logsBucket;
      this.bucket = new s3.Bucket(this, 'Bucket', {
        ...bucketEncryption(props.encryptionKey),
        // Versioned: a report overwritten or deleted by mistake (or by a compromised writer) can be recovered for 30 days.
        ...BUCKET_PROTECTION,
        lifecycleRules: [
          { id: 'ExpireDatedReports', prefix: 'reports/', expiration: retention },
          {
            id: 'ExpireOldVersions',
            noncurrentVersionExpiration: NONCURRENT_VERSION_RETENTION,
            expiredObjectDeleteMarker: true,
            abortIncompleteMultipartUploadAfter: Duration.days(1),
          },
        ],
        removalPolicy,
      });
      enableServerAccessLogging(this.bucket as s3.Bucket, logsBucket, ACCESS_LOG_PREFIX);
      // S3 events on the default event bus (free): a rule can announce a new report to chat, or copy it elsewhere.
      enableEventBridgeNotifications(this.bucket as s3.Bucket);
    }

    const { function: handler, role } = createMonitoringFunction(this, {
      createFunction: (s, fnId, fnProps) => new DailyReportFunction(s, fnId, fnProps),
      name: 'DailyReport',
      description: 'Writes the daily AWS Config compliance report to S3 and its summary to SNS',
      memorySize: REPORT_MEMORY_MB,
      timeout: REPORT_TIMEOUT,
      encryptionKey: props.encryptionKey,
      removalPolicy,
      environment: functionEnvironment('DailyReport', {
        complianceTableName: props.complianceTable.tableName,
        eventsTableName: props.eventsTable.tableName,
        reportBucketName: this.bucket.bucketName,
        notificationTopicArn: topic.topicArn,
        scanSegments: String(REPORT_SCAN_SEGMENTS),
        readFleetCoverage: String(props.fleetCoverage ?? false),
      }),
    });
    this.handler = handler;
    grantReport(handler, this.bucket, topic, props);
    acknowledgeObjectWildcards(role, this.bucket);

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the daily AWS Config compliance report',
      schedule: props.schedule ?? events.Schedule.cron({ minute: '0', hour: '6' }),
    });
    // Within the hour: a report retried later could fall on the next UTC date.
    this.rule.addTarget(new targets.LambdaFunction(handler, { retryAttempts: 2, maxEventAge: Duration.hours(1) }));
  }

}


/** Prefix of the report bucket's logs in the access-log bucket. */
export const ACCESS_LOG_PREFIX = 'daily-report-bucket/';


/**
 * The report's object keys carry the date, so `s3:PutObject` names the two prefixes with a wildcard: cdk-nag's IAM5
 * finding for exactly those two resources is acknowledged, nothing else.
 */
function acknowledgeObjectWildcards(role: iam.Role, bucket: s3.IBucket): void {
  for (const prefix of REPORT_PREFIXES) {
    acknowledgeObjectPrefixWildcard(role, bucket, prefix,
      `The function writes one object a day per format under ${prefix}, named by date (or fixed, under latest/); `
      + 'the wildcard covers only that prefix of the report bucket, and s3:PutObject is the only action granted.');
  }
}

/** Exactly what the function calls, on exactly the resources it calls it on. */
function grantReport(handler: lambda.Function, bucket: s3.IBucket, topic: sns.ITopic, props: DailyReportProps): void {
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:Scan'],
    resources: [props.complianceTable.tableArn],
  }));
  if (props.fleetCoverage) {
    // The fleet coverage snapshot, one GetItem a day (an item the Scan could read, but its filter leaves it out).
    handler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [props.complianceTable.tableArn],
      conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [FLEET_COVERAGE_PARTITION_KEY] } },
    }));
  }
  // Snapshots only: the function may neither read nor write the history records beside them.
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:Query', 'dynamodb:PutItem'],
    resources: [props.eventsTable.tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [SNAPSHOT_PARTITION_KEY] } },
  }));
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject'],
    resources: REPORT_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}*`)),
  }));
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
  }));
  // The master's key covers the tables (read, write), the created bucket and topic (write).
  props.encryptionKey?.grant(handler, 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey');
  const bucketKey = bucket.encryptionKey;
  if (bucketKey !== undefined && bucketKey !== props.encryptionKey) bucketKey.grant(handler, 'kms:GenerateDataKey');
  const topicKey = topic.masterKey;
  if (topicKey !== undefined && topicKey !== props.encryptionKey) topicKey.grant(handler, 'kms:Decrypt', 'kms:GenerateDataKey');
}


function validateProps(props: DailyReportProps): void {
  if (props.bucket !== undefined) {
    if (props.retention !== undefined) {
      throw new Error(`dailyReport.retention cannot be combined with dailyReport.bucket, got ${props.retention.toHumanString()} and a bucket: `
        + 'set the expiration in your bucket\'s lifecycle rules, or leave bucket out to let the report create one');
    }
    if (props.serverAccessLogsBucket !== undefined) {
      throw new Error('dailyReport.serverAccessLogsBucket cannot be combined with dailyReport.bucket, got both: '
        + 'configure access logging on your bucket, or leave bucket out to let the report create one');
    }
  }
  if (props.retention !== undefined) {
    validateDurationInRange('dailyReport.retention', props.retention, Duration.days(1), undefined,
      'keep reports for at least Duration.days(1)');
    validateWholeUnits('dailyReport.retention', props.retention, 'days');
  }
}
