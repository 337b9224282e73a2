import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * A Config monitoring master: one created in this app (`new ConfigMonitoringMaster`), or one deployed elsewhere and
 * imported with `ConfigMonitoringMaster.fromMasterAttributes()`.
 *
 * What consumers of the master need, and nothing of how it is built: the bus the agents forward to, the tables and the
 * topic, the grants on them and the handler's metrics.
 */
export interface IConfigMonitoringMaster extends IConstruct {
  /** The bus the agents send Config events to: pass it to `ConfigMonitoringAgent` as `centralEventBus`. */
  readonly eventBus: events.IEventBus;

  /** The current compliance state: one item per resource and rule. */
  readonly complianceTable: dynamodb.ITableV2;

  /** The history: every accepted configuration-item change and compliance transition, until its TTL. */
  readonly eventsTable: dynamodb.ITableV2;

  /** The topic that receives one message per compliance transition. */
  readonly notificationTopic: sns.ITopic;

  /**
   * Grants read access to the compliance state, its indexes and the history (and the use of their key, if any).
   */
  grantReadCompliance(grantee: iam.IGrantable): iam.Grant;

  /**
   * Grants `execute-api:Invoke` on the compliance API's methods.
   */
  grantInvokeApi(grantee: iam.IGrantable): iam.Grant;

  /**
   * Any metric the event handler emits, by name.
   *
   * @param metricName `EventsProcessed`, `EventsSkipped`, `EventsFailed`, `EventsDeadLettered`,
   * `StaleOrDuplicateEvents`, `ComplianceTransitions`, `NonCompliantTransitions` or `NotificationsSent`
   * @default - sum over 5 minutes
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Events the handler applied (state written, or found unchanged).
   *
   * @default - sum over 5 minutes
   */
  metricEventsProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Events the handler could not apply for a transient reason; SQS delivers them again.
   *
   * @default - sum over 5 minutes
   */
  metricEventsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Messages waiting in the dead-letter queue: anything above zero is an event that needs attention.
   *
   * @default - maximum over 5 minutes
   */
  metricDeadLetterDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
