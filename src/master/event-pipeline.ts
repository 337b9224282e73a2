import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_SILENT_ACCOUNT_PERIOD, silentAfterSeconds } from './dashboard/account-activity-check';
import { grantTransitionPublishing, type WritePathResources } from './write-path-resources';
import { createDeadLetterQueue, queueEncryption } from '../common/dead-letter-queue';
import { createMonitoringFunction } from '../common/monitoring-function';
import { ACCEPTED_SOURCES, ACCEPTED_SSM_DETAIL_TYPES, CONFIG_SOURCES, SSM_SOURCE } from '../contract/event-sources';
import { functionEnvironment } from '../contract/function-environments';
import { ACTIVITY_PARTITION_KEY_PREFIX, STATUS_INDEX_NAME } from '../contract/table-names';
import { HandleConfigEventsFunction } from '../handlers/handle-config-events-function';

/** The handler's timeout: a batch of 100 records takes a few seconds; the rest is headroom for throttling retries. */
export const HANDLER_TIMEOUT = Duration.seconds(60);

/** The handler's memory: 512 MB buys the CPU share that keeps JSON parsing and SDK calls fast on arm64. */
export const HANDLER_MEMORY_MB = 512;

/** How often SQS hands a message to the handler before moving it to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/** How the pipeline is built. */
export interface EventPipelineOptions extends WritePathResources {
  readonly eventBus: events.IEventBus;
  readonly batchSize: number;
  readonly maxBatchingWindow: Duration;
  readonly maxConcurrency: number;
  /** CONFIGURATION_ITEM_HISTORY: the master's `configurationItemHistory`. */
  readonly configurationItemHistory: string;
  /** The dashboard's `silentAccountPeriod`: the handler derives its account-activity write interval from it. */
  readonly silentAccountPeriod?: Duration;
}

/** The parts of the pipeline the master exposes. */
export interface EventPipeline {
  readonly rule: events.Rule;
  readonly bufferQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: lambda.Function;
  readonly logGroup: logs.ILogGroup;
}

/**
 * Creates `ConfigEventsRule` → `BufferQueue` (+ `DeadLetterQueue`) → `HandleConfigEvents` in `scope`.
 *
 * @internal
 */
export function createEventPipeline(scope: Construct, options: EventPipelineOptions): EventPipeline {
  // One dead-letter queue for every way an event can be lost: the rule target could not deliver it, SQS gave up
  // after MAX_RECEIVE_COUNT receives, or the handler judged it unprocessable (with a `reason` attribute).
  // Every message in it is an EventBridge event, so one redrive to the buffer queue replays them all.
  const deadLetterQueue = createDeadLetterQueue(scope, { encryptionKey: options.encryptionKey, removalPolicy: options.removalPolicy });

  // Lambda's guidance: at least six times the function timeout, plus the batching window, so that a batch that
  // is retried after throttling does not become visible again while it is still being processed.
  // An unresolved window counts as the longest one Lambda allows.
  const windowSeconds = options.maxBatchingWindow.isUnresolved() ? 300 : options.maxBatchingWindow.toSeconds();
  const visibilityTimeout = Duration.seconds(6 * HANDLER_TIMEOUT.toSeconds() + windowSeconds);
  const bufferQueue = new sqs.Queue(scope, 'BufferQueue', {
    ...queueEncryption(options.encryptionKey),
    enforceSSL: true,
    visibilityTimeout,
    // SQS's default, stated (cfn-lint I3013): shorter than the dead-letter queue's 14 days, because a message keeps its
    // first enqueue time when it is moved there, so a record that fails late still has 10 days in the dead-letter queue.
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    removalPolicy: options.removalPolicy,
  });

  // Only Config's sources and the remediation executions: other events on a shared bus (GuardDuty, Health, other SSM
  // events…) never reach the pipeline. EventPattern has no `$or`, so it is set on the CloudFormation resource.
  const rule = new events.Rule(scope, 'ConfigEventsRule', {
    description: 'Config events from the agents to the compliance pipeline',
    eventBus: options.eventBus,
    eventPattern: { source: ACCEPTED_SOURCES },
  });
  const cfnRule = rule.node.defaultChild as events.CfnRule;
  cfnRule.addPropertyOverride('EventPattern', masterEventPattern());
  // Overrides merge: the plain `source` list would otherwise stay next to `$or` and let every aws.ssm event through.
  cfnRule.addPropertyDeletionOverride('EventPattern.source');
  // The SqsQueue target grants EventBridge sqs:SendMessage on both queues (scoped to this rule) and, with a
  // customer-managed key, the use of that key, which the dead-letter queue shares.
  rule.addTarget(new targets.SqsQueue(bufferQueue, {
    deadLetterQueue,
    retryAttempts: 185,
    maxEventAge: Duration.hours(24),
  }));

  const { function: handler, logGroup } = createMonitoringFunction(scope, {
    createFunction: (s, id, props) => new HandleConfigEventsFunction(s, id, props),
    name: 'HandleConfigEvents',
    // The master's first function: its ids predate the shared shape and are kept (a new id would replace it).
    ids: { function: 'HandleConfigEvents', role: 'HandleConfigEventsRole', logGroup: 'HandleConfigEventsLogGroup' },
    description: 'Applies AWS Config events to the compliance state, history and notifications',
    memorySize: HANDLER_MEMORY_MB,
    timeout: HANDLER_TIMEOUT,
    encryptionKey: options.encryptionKey,
    removalPolicy: options.removalPolicy,
    environment: functionEnvironment('HandleConfigEvents', {
      complianceTableName: options.complianceTable.tableName,
      eventsTableName: options.eventsTable.tableName,
      notificationTopicArn: options.notificationTopic.topicArn,
      deadLetterQueueUrl: deadLetterQueue.queueUrl,
      historyRetentionDays: options.historyRetentionDays,
      configurationItemHistory: options.configurationItemHistory,
      silentAfterSeconds: silentAfterSeconds(options.silentAccountPeriod ?? DEFAULT_SILENT_ACCOUNT_PERIOD),
    }),
  });

  handler.addEventSource(new SqsEventSource(bufferQueue, {
    batchSize: options.batchSize,
    maxBatchingWindow: options.maxBatchingWindow,
    maxConcurrency: options.maxConcurrency,
    // A failed record is redelivered alone; the rest of its batch is not processed twice.
    reportBatchItemFailures: true,
  }));

  grantHandler(handler, deadLetterQueue, options);

  return { rule, bufferQueue, deadLetterQueue, handler, logGroup };
}

/**
 * The master rule's pattern: every event of Config's and the agents' sources, and of `aws.ssm` only the automation
 * execution status changes.
 *
 * @internal
 */
export function masterEventPattern(): Record<string, unknown> {
  return {
    $or: [
      { source: CONFIG_SOURCES },
      { 'source': [SSM_SOURCE], 'detail-type': ACCEPTED_SSM_DETAIL_TYPES },
    ],
  };
}

/** Exactly what the handler calls, on exactly the resources it calls it on. */
function grantHandler(handler: lambda.Function, deadLetterQueue: sqs.IQueue, options: EventPipelineOptions): void {
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: [
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ],
    // The base tables: the handler reads items by key and queries a resource's partition.
    resources: [options.complianceTable.tableArn, options.eventsTable.tableArn],
  }));
  // The account-activity items a batch is about to write, read first (account-activity-recorder.ts): those only.
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:BatchGetItem'],
    resources: [options.complianceTable.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ACTIVITY_PARTITION_KEY_PREFIX}*`] } },
  }));
  // The status index, to find the non-compliant item a remediation execution acted on (apply-remediation-result.ts).
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [`${options.complianceTable.tableArn}/index/${STATUS_INDEX_NAME}`],
  }));
  // Unprocessable records go to the dead-letter queue with their reason, sent by the handler itself.
  handler.addToRolePolicy(new iam.PolicyStatement({
    actions: ['sqs:SendMessage'],
    resources: [deadLetterQueue.queueArn],
  }));
  grantTransitionPublishing(handler, options);
}
