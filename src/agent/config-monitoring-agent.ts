import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { checkAgentLayout } from './agent-layout';
import { ConfigEventType } from './forwarding/config-event-type';
import { validateForwarding } from './forwarding/direct-forwarding';
import { EnrichedForwarder } from './forwarding/enriched-forwarder';
import { EventForwarding } from './forwarding/event-forwarding';
import { ConfigRecording } from './recording/config-recording';
import { Recording } from './recording/recording';
import { AccountComplianceRules } from './rules/account-compliance-rules';
import { atConstructPath } from '../common/validation';
import { ComplianceRule } from './rules/compliance-rule';
import { ConformancePack } from './rules/conformance-pack';

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

  /**
   * How the events reach the master: as they are, through a rule (`EventForwarding.direct()`), or filtered, sampled
   * and enriched by a function in this account (`EventForwarding.enriched({...})`).
   *
   * In enriched mode, `retryAttempts` and `maxEventAge` apply to the rule's delivery to the function's buffer queue.
   *
   * @default EventForwarding.direct()
   */
  readonly forwarding?: EventForwarding;

  /**
   * Whether the agent creates the account's AWS Config recorder and delivery channel, or uses those it has.
   *
   * Use `Recording.adoptExisting()` where Control Tower, Landing Zone Accelerator, Security Hub or the console
   * already set up AWS Config: an account and region holds one recorder and one delivery channel.
   *
   * @default Recording.create() - all supported types, continuous, a new delivery bucket, global IAM types not recorded
   */
  readonly recording?: Recording;

  /**
   * AWS Config rules deployed in the account and region, each with its remediation.
   *
   * @default - no rules
   */
  readonly rules?: ComplianceRule[];

  /**
   * Conformance packs deployed in the account and region.
   *
   * @default - no conformance packs
   */
  readonly conformancePacks?: ConformancePack[];
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

  /**
   * The ProcessConfigEvents function that filters, enriches and forwards the events.
   *
   * @default - none: direct forwarding runs no code in this account
   */
  public readonly processor?: lambda.IFunction;

  /** The bucket AWS Config delivers to, when the agent created it. */
  public readonly deliveryBucket?: s3.IBucket;

  /** The alarm on the number of configuration items recorded, when the agent created the recorder. */
  public readonly recordingCostAlarm?: cloudwatch.IAlarm;

  /**
   * The configuration recorder, when the agent created it.
   *
   * @default - none: `Recording.adoptExisting()` uses the account's own recorder
   */
  public readonly configurationRecorder?: config.CfnConfigurationRecorder;

  /**
   * The delivery channel, when the agent created it.
   *
   * @default - none: `Recording.adoptExisting()` uses the account's own channel
   */
  public readonly deliveryChannel?: config.CfnDeliveryChannel;

  /** The Config rules the agent deployed (conformance-pack rules excluded). */
  public readonly configRules: config.IRule[];

  /** The conformance packs the agent deployed, in the order of `conformancePacks`. */
  public readonly conformancePacks: config.CfnConformancePack[];

  private readonly complianceRules?: AccountComplianceRules;
  private readonly enrichedForwarder?: EnrichedForwarder;

  constructor(scope: Construct, id: string, props: ConfigMonitoringAgentProps) {
    super(scope, id);
    try {
      checkAgentLayout(this);

      const options = {
        centralEventBus: props.centralEventBus,
        forwardedEvents: props.forwardedEvents ?? [ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE],
        retryAttempts: props.retryAttempts ?? 185,
        maxEventAge: props.maxEventAge ?? Duration.hours(24),
        // The remediation executions of the agent's own rules are forwarded too, so the master can link and notify them.
        remediations: (props.rules ?? []).filter((rule) => rule.remediation !== undefined).map((rule) => ({
          documentName: rule.remediation!.documentName,
          configRuleName: rule.ruleName,
          resourceType: rule.remediation!._resourceType(),
        })),
      };
      validateForwarding(this, options);

      const forwarding = (props.forwarding ?? EventForwarding.direct())._bind(this, options);
      this.forwardRule = forwarding.rule;
      this.forwardRole = forwarding.role;
      this.deadLetterQueue = forwarding.deadLetterQueue;
      this.processor = forwarding.processor;
      this.enrichedForwarder = forwarding.enrichedForwarder;

      const recording = new ConfigRecording(this, 'Recording', { recording: props.recording ?? Recording.create() });
      this.deliveryBucket = recording.deliveryBucket;
      this.recordingCostAlarm = recording.costAlarm;
      this.configurationRecorder = recording.recorder;
      this.deliveryChannel = recording.deliveryChannel;

      if ((props.rules ?? []).length > 0 || (props.conformancePacks ?? []).length > 0) {
        this.complianceRules = new AccountComplianceRules(this, 'ComplianceRules', {
          rules: props.rules,
          conformancePacks: props.conformancePacks,
          // Rules and packs need a recorder and its channel: depend on the whole recording (empty when adopted).
          recorder: recording,
        });
      }
      this.configRules = this.complianceRules?.configRules ?? [];
      this.conformancePacks = this.complianceRules?.conformancePacks ?? [];
    } catch (error) {
      throw atConstructPath('ConfigMonitoringAgent', this, error);
    }
  }

  /**
   * The role SSM Automation assumes to remediate a rule's resources: grant it what a custom document needs.
   *
   * @param ruleName the name of a rule in `rules` that has a remediation
   */
  public remediationRole(ruleName: string): iam.IRole {
    if (!this.complianceRules) {
      throw new Error(`remediationRole('${ruleName}'): the agent has no rules: add the rule with its remediation to rules`);
    }
    return this.complianceRules.remediationRole(ruleName);
  }

  /**
   * The role SSM Automation assumes to remediate the resources of a rule inside a conformance pack built with
   * `ConformancePack.fromRules()`: grant it what a custom document needs.
   *
   * @param packName the name of a pack in `conformancePacks`
   * @param ruleName the name of a rule of that pack that has a remediation
   */
  public packRemediationRole(packName: string, ruleName: string): iam.IRole {
    if (!this.complianceRules) {
      throw new Error(`packRemediationRole('${packName}', '${ruleName}'): the agent has no conformance packs: `
        + 'add the pack, built with ConformancePack.fromRules(), to conformancePacks');
    }
    return this.complianceRules.packRemediationRole(packName, ruleName);
  }

  /**
   * Deliveries to the central bus that failed (each is retried until `maxEventAge`).
   *
   * @default - sum over 5 minutes
   */
  public metricForwardFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (this.enrichedForwarder) return this.enrichedForwarder.metricForwardFailures(props);
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
