import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigEventType } from './config-event-type';
import { EnrichedForwardingOptions } from './enriched-forwarding-options';
import { remediationDocumentsSetting, remediationEventPattern, RemediationEventSource } from './remediation-events';
import { createDeadLetterQueue, queueEncryption } from '../../common/dead-letter-queue';
import { environmentJson } from '../../common/environment-json';
import { functionMetric } from '../../common/function-metric';
import { createMonitoringFunction } from '../../common/monitoring-function';
import { acknowledgeNagFinding, nagRendering } from '../../common/nag-acknowledgement';
import { AWS_CONFIG_SOURCE } from '../../contract/event-sources';
import { functionEnvironment } from '../../contract/function-environments';
import type { ProcessConfigEventsMetric } from '../../contract/metric-names';
import { ProcessConfigEventsFunction } from '../../handlers/process-config-events-function';

/** The function's timeout: a batch of 100 events is a few PutEvents calls and S3 reads; the rest absorbs backoff. */
export const PROCESSOR_TIMEOUT = Duration.seconds(60);

/** 512 MB: oversized items are gunzipped and parsed in memory, and the CPU share keeps that quick on arm64. */
export const PROCESSOR_MEMORY_MB = 512;

/** Records per invocation: ten full PutEvents requests. */
export const PROCESSOR_BATCH_SIZE = 100;

/** How long SQS gathers a batch: Config events are not urgent to the second, and fuller batches cost less. */
export const PROCESSOR_BATCHING_WINDOW = Duration.seconds(10);

/** Concurrent invocations at most: bounds the PutEvents rate of one account under a burst of changes. */
export const PROCESSOR_MAX_CONCURRENCY = 5;

/** How often SQS hands a record to the function before moving it to the dead-letter queue. */
export const PROCESSOR_MAX_RECEIVE_COUNT = 5;

/**
 * Lambda takes at most 4 KB of environment variables in total; the settings document gets most of it, the rest is
 * left for the dead-letter queue URL and the runtime's own variables.
 */
export const MAX_SETTINGS_BYTES = 3_500;

/** Properties of an `EnrichedForwarder` (internal: built by `EventForwarding.enriched()`, not exported). */
export interface EnrichedForwarderProps extends EnrichedForwardingOptions {
  readonly centralEventBus: events.IEventBus;
  readonly forwardedEvents: ConfigEventType[];
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  /** The agent's remediation configurations, whose executions are forwarded too. */
  readonly remediations?: RemediationEventSource[];
}

/**
 * The agent's enriched forwarding: `Rule` (default bus, `aws.config`) → `BufferQueue` (+ `DeadLetterQueue`) →
 * `ProcessConfigEvents`, which filters, samples, resolves oversized items, enriches and puts the events on the
 * central bus as `monitoring.agent.config`. The function has its own role: `events:PutEvents` on the central bus,
 * its queues, its log group and, when a delivery bucket is given, `s3:GetObject` on that account's oversized items.
 * Internal: built by `EventForwarding.enriched()`, not exported.
 */
export class EnrichedForwarder extends Construct {
  public readonly rule: events.Rule;
  /** The rule that takes the agent's remediation executions to the buffer, when it has remediations. */
  public readonly remediationRule?: events.Rule;
  public readonly bufferQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly role: iam.Role;
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EnrichedForwarderProps) {
    super(scope, id);
    validateEnrichedForwarding(props);
    const stack = Stack.of(this);
    const key = props.encryptionKey;

    // One dead-letter queue for every way an event can be lost here: the rule could not deliver it to the buffer,
    // SQS gave up after PROCESSOR_MAX_RECEIVE_COUNT receives, or the function judged it unforwardable (with a reason).
    this.deadLetterQueue = createDeadLetterQueue(this, { encryptionKey: key });

    this.bufferQueue = new sqs.Queue(this, 'BufferQueue', {
      ...queueEncryption(key),
      enforceSSL: true,
      // Lambda's guidance: six times the function timeout plus the batching window.
      visibilityTimeout: Duration.seconds(6 * PROCESSOR_TIMEOUT.toSeconds() + PROCESSOR_BATCHING_WINDOW.toSeconds()),
      // SQS's default, stated (cfn-lint I3013): shorter than the dead-letter queue's 14 days, because a message keeps
      // its first enqueue time when it is moved there, so an event that fails late still has 10 days there.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: PROCESSOR_MAX_RECEIVE_COUNT },
    });

    this.rule = new events.Rule(this, 'Rule', {
      description: 'AWS Config events to the ProcessConfigEvents function, which forwards them to the central bus',
      eventPattern: {
        source: [AWS_CONFIG_SOURCE],
        detailType: [...new Set(props.forwardedEvents.map((type) => type.detailType))],
      },
    });
    this.rule.addTarget(new targets.SqsQueue(this.bufferQueue, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
    }));
    if ((props.remediations ?? []).length > 0) {
      this.remediationRule = new events.Rule(this, 'RemediationRule', {
        description: 'This agent\'s remediation executions to the ProcessConfigEvents function, which forwards them to the central bus',
        eventPattern: remediationEventPattern(props.remediations!),
      });
      this.remediationRule.addTarget(new targets.SqsQueue(this.bufferQueue, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
      }));
    }

    const processor = createMonitoringFunction(this, {
      createFunction: (s, fnId, fnProps) => new ProcessConfigEventsFunction(s, fnId, fnProps),
      name: 'ProcessConfigEvents',
      description: 'Filters, enriches and forwards AWS Config events to the central monitoring bus',
      memorySize: PROCESSOR_MEMORY_MB,
      timeout: PROCESSOR_TIMEOUT,
      encryptionKey: key,
      environment: functionEnvironment('ProcessConfigEvents', {
        forwardingSettings: settingsDocument(this, props),
        deadLetterQueueUrl: this.deadLetterQueue.queueUrl,
      }),
    });
    this.function = processor.function;
    this.role = processor.role;
    this.logGroup = processor.logGroup;
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [props.centralEventBus.eventBusArn],
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sqs:SendMessage'],
      resources: [this.deadLetterQueue.queueArn],
    }));
    // Sending to a KMS-encrypted dead-letter queue needs a data key; reading the buffer needs Decrypt (granted by
    // the event source below).
    key?.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const bucket = props.oversizedItemsBucket;
    if (bucket) {
      // Only this account's oversized notifications: a shared log-archive bucket holds every account's history.
      const objects = bucket.arnForObjects(oversizedItemsKeyPattern(stack.account));
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [objects] }));
      acknowledgeNagFinding(this.role, 'AwsSolutions-IAM5', `Resource::${nagRendering(this, objects)}`,
        'AWS Config names each oversized-notification object by date, resource type, resource id and time, so no key '
        + "is known in advance; the wildcards are confined to this account's OversizedChangeNotification prefix, and only "
        + 's3:GetObject is allowed.');
      bucket.encryptionKey?.grant(this.role, 'kms:Decrypt');
    }

    this.function.addEventSource(new SqsEventSource(this.bufferQueue, {
      batchSize: PROCESSOR_BATCH_SIZE,
      maxBatchingWindow: PROCESSOR_BATCHING_WINDOW,
      maxConcurrency: PROCESSOR_MAX_CONCURRENCY,
      // A failed record is redelivered alone; the events of its batch already forwarded are not sent twice.
      reportBatchItemFailures: true,
    }));
  }

  /**
   * Events the function could not forward in an invocation (each is redelivered by SQS, then dead-lettered).
   *
   * @default - sum over 5 minutes
   */
  public metricForwardFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsFailed', props);
  }

  /**
   * Events forwarded to the central bus.
   *
   * @default - sum over 5 minutes
   */
  public metricEventsForwarded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsForwarded', props);
  }

  private metric(metricName: ProcessConfigEventsMetric, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return functionMetric(this.function, 'ProcessConfigEvents', metricName, props);
  }
}

/**
 * The keys under which AWS Config delivers this account's oversized notifications, after any key prefix:
 * `[prefix/]AWSLogs/<account>/Config/<region>/<y>/<m>/<d>/OversizedChangeNotification/<type>/<id>/<file>.json.gz`.
 */
export function oversizedItemsKeyPattern(account: string): string {
  return `*AWSLogs/${account}/Config/*/OversizedChangeNotification/*`;
}

/** The FORWARDING_SETTINGS document the function reads (src/runtime/agent/forwarding-settings.ts). */
function settingsDocument(scope: Construct, props: EnrichedForwarderProps): string {
  const document = {
    centralEventBusArn: props.centralEventBus.eventBusArn,
    includeResourceTypes: props.includeResourceTypes?.map((type) => type.complianceResourceType),
    excludeResourceTypes: props.excludeResourceTypes?.map((type) => type.complianceResourceType),
    dropNotApplicable: props.dropNotApplicable,
    dropRelationshipOnlyChanges: props.dropRelationshipOnlyChanges,
    samplingRates: props.sampling === undefined ? undefined
      : Object.fromEntries(props.sampling.map((rule) => [rule.resourceType.complianceResourceType, rule.rate])),
    accountName: props.accountName,
    labels: props.labels,
    oversizedItemsBucket: props.oversizedItemsBucket?.bucketName,
    remediationDocuments: remediationDocumentsSetting(props.remediations ?? []),
  };
  // Tokens: a bucket created in the same stack, an imported bus.
  return environmentJson(scope, document, MAX_SETTINGS_BYTES, (bytes) => `the enriched forwarding options take ${bytes} bytes, more than the `
    + `${MAX_SETTINGS_BYTES} bytes of Lambda environment they may use: shorten labels, or list fewer resource types `
    + '(excludeResourceTypes instead of includeResourceTypes, or the reverse)');
}

/** Checks the enriched options; every message names the option, the value and the fix. */
function validateEnrichedForwarding(props: EnrichedForwardingOptions): void {
  const included = new Set((props.includeResourceTypes ?? []).map((type) => type.complianceResourceType));
  const both = (props.excludeResourceTypes ?? []).map((type) => type.complianceResourceType).filter((type) => included.has(type));
  if (both.length > 0) {
    throw new Error(`excludeResourceTypes repeats ${both.join(', ')} from includeResourceTypes: `
      + 'a resource type is either forwarded or not; remove it from one of the two lists');
  }
  const sampled = new Set<string>();
  for (const rule of props.sampling ?? []) {
    const type = rule.resourceType.complianceResourceType;
    if (sampled.has(type)) {
      throw new Error(`sampling has two rules for ${type}: keep one SamplingRule per resource type`);
    }
    sampled.add(type);
  }
  if (props.accountName !== undefined && !Token.isUnresolved(props.accountName) && props.accountName.trim() === '') {
    throw new Error("accountName must not be empty, got '': leave it out, or pass the account's friendly name");
  }
  for (const label of Object.keys(props.labels ?? {})) {
    if (!Token.isUnresolved(label) && label.trim() === '') {
      throw new Error("labels must not have an empty key, got '': name every label, for example { team: 'platform' }");
    }
  }
}

