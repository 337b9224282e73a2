import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HistoryArchiveOptions } from './history-archive-options';
import { BUCKET_PROTECTION, bucketEncryption } from '../../common/bucket-protection';
import { createDeadLetterQueue } from '../../common/dead-letter-queue';
import { createAccessLogsBucket, enableEventBridgeNotifications, enableServerAccessLogging } from '../../common/logged-bucket';
import { createMonitoringFunction } from '../../common/monitoring-function';
import { acknowledgeObjectPrefixWildcard } from '../../common/nag-acknowledgement';
import { validateDurationInRange, validateWholeUnits } from '../../common/validation';
import { functionEnvironment } from '../../contract/function-environments';
import { ArchiveHistoryFunction } from '../../handlers/archive-history-function';

/** The only prefix the function writes (src/runtime/archive/archive-layout.ts: ARCHIVE_PREFIX). */
export const ARCHIVE_PREFIX = 'history/';

/** Prefix of the archive bucket's logs in the access-log bucket. */
export const ARCHIVE_ACCESS_LOG_PREFIX = 'history-archive-bucket/';

/** Up to 1,000 removals per invocation: TTL deletes in bursts, and fewer, larger objects are cheaper to keep and read. */
export const ARCHIVE_BATCH_SIZE = 1000;

/** Waits up to a minute to fill a batch: the archive is not urgent, and longer runs make fewer objects. */
export const ARCHIVE_BATCHING_WINDOW = Duration.minutes(1);

/**
 * Retries of a failing batch (each bisection is retried on its own). With the one-minute timeout this spans well under
 * the stream's 24 hours, so what still fails reaches the dead-letter queue while the stream still holds the records.
 */
export const ARCHIVE_RETRY_ATTEMPTS = 10;

/** A batch is a few S3 writes in parallel; the rest is headroom for S3 retries. */
export const ARCHIVE_TIMEOUT = Duration.minutes(1);

/** 256 MB: a batch is at most 1,000 items (a few MB), gzip needs little; arm64 CPU share is enough. */
export const ARCHIVE_MEMORY_MB = 256;

/** Older versions of an object (a batch rewritten on retry, a deletion by mistake) are kept this long. */
export const ARCHIVE_NONCURRENT_VERSION_RETENTION = Duration.days(30);

/** Properties of a `HistoryArchive`: the options plus what the master provides. */
export interface HistoryArchiveProps extends HistoryArchiveOptions {
  /** The events table; must have a stream with old images (`createComplianceStore({ historyStream: true })`). */
  readonly eventsTable: dynamodb.ITableV2;
  /**
   * The master's key: the archive bucket, the dead-letter queue and the log group are encrypted with it, and the
   * function may use it to read the table's stream.
   *
   * @default - SSE-S3 for the bucket, SQS-managed encryption for the queue, CloudWatch Logs' own keys for the logs
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the buckets, the queue and the log group when they leave the stack. A bucket that still holds
   * archives is never emptied by the construct.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The archive of expiring history: events table stream (TTL removals only) → `ArchiveHistory` → S3, with an
 * on-failure dead-letter queue.
 *
 * @internal
 */
export class HistoryArchive extends Construct {
  /** Where the archive is written (`history/dt=…/account=…/…json.gz`). */
  public readonly bucket: s3.Bucket;
  /** The archive bucket's access-log bucket, when the construct made one. */
  public readonly serverAccessLogsBucket?: s3.Bucket;
  /** The function that archives. */
  public readonly handler: lambda.Function;
  /**
   * Where a batch goes when its retries are used up (Lambda's on-failure record: shard and sequence range, read
   * from the stream within its 24 hours), and where the function sends records it can never archive, whole.
   */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: HistoryArchiveProps) {
    super(scope, id);
    const retention = props.retention ?? Duration.days(2555);
    const transitionAfter = props.transitionAfter ?? Duration.days(90);
    validateProps(retention, transitionAfter);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const key = props.encryptionKey;
    if (!hasStream(props.eventsTable)) {
      throw new Error(`historyArchive needs a stream on the events table, got table ${props.eventsTable.node.path} without one: `
        + 'create the store with historyStream: true (dynamoStream: StreamViewType.OLD_IMAGE)');
    }

    const logsBucket = props.serverAccessLogsBucket ?? createAccessLogsBucket(this, retention, ARCHIVE_NONCURRENT_VERSION_RETENTION, removalPolicy);
    if (!props.serverAccessLogsBucket) this.serverAccessLogsBucket = logsBucket as s3.Bucket;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...bucketEncryption(key),
      // Versioned: an object overwritten or deleted by mistake (or by a compromised writer) can be recovered for 30 days.
      ...BUCKET_PROTECTION,
      lifecycleRules: [
        {
          id: 'ArchiveHistory',
          prefix: ARCHIVE_PREFIX,
          transitions: [{ storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter }],
          expiration: retention,
        },
        {
          id: 'ExpireOldVersions',
          noncurrentVersionExpiration: ARCHIVE_NONCURRENT_VERSION_RETENTION,
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
    enableServerAccessLogging(this.bucket, logsBucket, ARCHIVE_ACCESS_LOG_PREFIX);
    // S3 events on the default event bus (free): a rule can index new archive objects, or alert on deletions.
    enableEventBridgeNotifications(this.bucket);

    this.deadLetterQueue = createDeadLetterQueue(this, {
      encryptionKey: key,
      removalPolicy,
      notRecognisedReason: 'This queue is itself the dead-letter queue: the on-failure destination of the archive\'s stream event source and where '
        + 'the function sends records it can never archive. A dead-letter queue of a dead-letter queue would only move the problem.',
    });

    const { function: handler, role } = createMonitoringFunction(this, {
      createFunction: (s, fnId, fnProps) => new ArchiveHistoryFunction(s, fnId, fnProps),
      name: 'ArchiveHistory',
      description: 'Archives history items that expire from the events table to S3',
      memorySize: ARCHIVE_MEMORY_MB,
      timeout: ARCHIVE_TIMEOUT,
      encryptionKey: key,
      removalPolicy,
      environment: functionEnvironment('ArchiveHistory', {
        archiveBucketName: this.bucket.bucketName,
        deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
      }),
    });
    this.handler = handler;

    const deadLetterQueue = this.deadLetterQueue;
    this.handler.addEventSource(new DynamoEventSource(props.eventsTable, {
      // The oldest record still in the stream: removals made before the function's first run are not skipped.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: ARCHIVE_BATCH_SIZE,
      maxBatchingWindow: ARCHIVE_BATCHING_WINDOW,
      retryAttempts: ARCHIVE_RETRY_ATTEMPTS,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      // Only what DynamoDB's TTL process removed: the writers' own deletes and every insert and update stay out,
      // and are not even billed as invocations.
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('REMOVE'),
        userIdentity: {
          type: lambda.FilterRule.isEqual('Service'),
          principalId: lambda.FilterRule.isEqual('dynamodb.amazonaws.com'),
        },
      })],
      // Not SqsDlq: it grants sqs:GetQueueAttributes and GetQueueUrl and kms:GenerateDataKey* besides SendMessage.
      onFailure: { bind: () => ({ destination: deadLetterQueue.queueArn }) },
    }));

    grantArchive(this.handler, this.bucket, deadLetterQueue, key);
    acknowledgeObjectPrefixWildcard(role, this.bucket, ARCHIVE_PREFIX,
      'The function writes one object per run of expired items, named by date, account and stream sequence '
      + `number under ${ARCHIVE_PREFIX}; the wildcard covers only that prefix of the archive bucket, and s3:PutObject is the only action.`);
  }

}


/** Exactly what the function (and Lambda, with the function's role, for the event source) calls. */
function grantArchive(handler: lambda.Function, bucket: s3.IBucket, deadLetterQueue: sqs.IQueue, key: kms.IKey | undefined): void {
  // The stream actions are granted by the event source (grantStreamRead: the stream ARN only, kms:Decrypt on the key).
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${ARCHIVE_PREFIX}*`)],
  }));
  // The function's unarchivable records and Lambda's on-failure records.
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sqs:SendMessage'],
    resources: [deadLetterQueue.queueArn],
  }));
  // Data keys for the bucket (bucket key) and the queue; Decrypt for SQS's data key reuse and the stream.
  key?.grant(handler, 'kms:Decrypt', 'kms:GenerateDataKey');
}


/** TableV2 always offers a stream ARN (its CloudFormation attribute); only the resource says whether there is a stream. */
function hasStream(table: dynamodb.ITableV2): boolean {
  if (table.tableStreamArn === undefined) return false;
  const resource = table.node.defaultChild;
  // A lazy value: resolved, it is undefined when the table has no stream.
  return !(resource instanceof dynamodb.CfnGlobalTable) || Stack.of(resource).resolve(resource.streamSpecification) !== undefined;
}

function validateProps(retention: Duration, transitionAfter: Duration): void {
  validateDurationInRange('historyArchive.retention', retention, Duration.days(1), undefined, 'keep archives for at least Duration.days(1)');
  validateWholeUnits('historyArchive.retention', retention, 'days');
  validateDurationInRange('historyArchive.transitionAfter', transitionAfter, Duration.days(1), undefined,
    'move archives to Glacier Instant Retrieval after at least Duration.days(1)');
  validateWholeUnits('historyArchive.transitionAfter', transitionAfter, 'days');
  if (!retention.isUnresolved() && !transitionAfter.isUnresolved() && transitionAfter.toDays() >= retention.toDays()) {
    throw new Error(`historyArchive.transitionAfter must be shorter than historyArchive.retention, got ${transitionAfter.toHumanString()} `
      + `and ${retention.toHumanString()}: lower transitionAfter, or raise retention`);
  }
}
