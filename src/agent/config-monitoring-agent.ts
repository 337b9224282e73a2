import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigEventType, createEventForwarding, validateForwarding } from './event-forwarding';

/**
 * Properties of a `ConfigMonitoringAgent`.
 */
export interface ConfigMonitoringAgentProps {
  /**
   * The master's event bus, in the central account.
   *
   * Import it by ARN, so that agent stacks need no cross-stack reference to the master's stack.
   *
   * @example
   * events.EventBus.fromEventBusArn(this, 'CentralBus',
   *   monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1'));
   */
  readonly centralEventBus: events.IEventBus;

  /**
   * The Config events forwarded to the master.
   *
   * @default - configuration-item changes and compliance changes
   * (`[ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE]`)
   */
  readonly forwardedEvents?: ConfigEventType[];

  /**
   * How many times EventBridge retries an event the central bus did not accept, from 0 to 185.
   *
   * @default 185
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event, from 60 seconds to 24 hours, before sending it to the
   * dead-letter queue.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/**
 * The member-account ("agent") side of Config compliance monitoring: deployed once per account and region.
 *
 * Forwards the account's AWS Config events from its default event bus to the master's bus, through a role that may
 * only put events on that bus, with a retry policy and a dead-letter queue for what could not be delivered.
 *
 * @example
 * new monitoring.ConfigMonitoringAgent(this, 'Agent', {
 *   centralEventBus: events.EventBus.fromEventBusArn(this, 'CentralBus',
 *     monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1')),
 * });
 */
export class ConfigMonitoringAgent extends Construct {
  /** The rule on the default event bus that forwards Config events to the master. */
  public readonly forwardRule: events.IRule;

  /** The role EventBridge uses to put the events on the central bus. */
  public readonly forwardRole: iam.IRole;

  /** Events EventBridge could not deliver to the central bus after its retries. */
  public readonly deadLetterQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, props: ConfigMonitoringAgentProps) {
    super(scope, id);

    const options = {
      centralEventBus: props.centralEventBus,
      forwardedEvents: props.forwardedEvents ?? [ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE],
      retryAttempts: props.retryAttempts ?? 185,
      maxEventAge: props.maxEventAge ?? Duration.hours(24),
    };
    validateForwarding(this, options);

    const forwarding = createEventForwarding(this, options);
    this.forwardRule = forwarding.rule;
    this.forwardRole = forwarding.role;
    this.deadLetterQueue = forwarding.deadLetterQueue;
  }

  /**
   * Deliveries to the central bus that failed (each is retried until `maxEventAge`).
   *
   * @default - sum over 5 minutes
   */
  public metricForwardFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { RuleName: this.forwardRule.ruleName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /**
   * Messages waiting in the dead-letter queue: events that never reached the master.
   *
   * @default - maximum over 5 minutes
   */
  public metricDeadLetterDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }
}
