import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ConfigEventType } from './config-event-type';
import { remediationEventPattern, RemediationEventSource } from './remediation-events';
import { createDeadLetterQueue } from '../../common/dead-letter-queue';
import { validateDurationInRange, validateIntegerInRange, validateWholeUnits } from '../../common/validation';
import { AWS_CONFIG_SOURCE } from '../../contract/event-sources';

/** How the forwarding target is built. */
export interface EventForwardingOptions {
  readonly centralEventBus: events.IEventBus;
  readonly forwardedEvents: ConfigEventType[];
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  /**
   * The agent's remediation configurations: the status changes of their automation executions are forwarded too.
   *
   * @default - none: no remediation events are forwarded
   */
  readonly remediations?: RemediationEventSource[];
}

/** The parts of the forwarding the agent exposes. */
export interface DirectForwarding {
  readonly rule: events.Rule;
  /** The rule that forwards the remediation executions, when the agent has remediations. */
  readonly remediationRule?: events.Rule;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * Checks the forwarding options: retry policy bounds as EventBridge sets them.
 *
 * @internal
 */
export function validateForwarding(scope: Construct, options: EventForwardingOptions): void {
  if (options.forwardedEvents.length === 0) {
    throw new Error('forwardedEvents must name at least one event type, got []: leave it out to forward '
      + 'configuration-item and compliance changes, or list ConfigEventType values');
  }
  validateIntegerInRange('retryAttempts', options.retryAttempts, 0, 185,
    'EventBridge retries a target from 0 to 185 times');
  validateDurationInRange('maxEventAge', options.maxEventAge, Duration.seconds(60), Duration.hours(24),
    'EventBridge keeps retrying an event for 60 seconds to 24 hours');
  validateWholeUnits('maxEventAge', options.maxEventAge, 'seconds');

  const stack = Stack.of(scope);
  const busArn = options.centralEventBus.eventBusArn;
  const ownDefaultBus = `arn:aws:events:${stack.region}:${stack.account}:event-bus/default`;
  if (!Token.isUnresolved(busArn) && !Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account)
    && busArn.replace(/^arn:[^:]+:/, 'arn:aws:') === ownDefaultBus) {
    throw new Error(`centralEventBus must be the master's event bus, got this account's default bus '${busArn}': `
      + 'forwarding the default bus to itself would loop; use ConfigMonitoringMaster.eventBusArn(masterAccount, masterRegion)');
  }
}

/**
 * Creates `ForwardRule` on the account's default bus, its `ForwardRole` and its `DeadLetterQueue` in `scope`.
 *
 * The target is built here rather than with `aws-events-targets.EventBus`, which offers no retry policy: the role
 * lives in the sending account and may only put events on the central bus (what a cross-account, cross-region
 * bus target needs), and events EventBridge could not deliver after its retries land in the dead-letter queue.
 *
 * @internal
 */
export function createEventForwarding(scope: Construct, options: EventForwardingOptions): DirectForwarding {
  const stack = Stack.of(scope);

  const deadLetterQueue = createDeadLetterQueue(scope, {
    notRecognisedReason: 'This queue is the dead-letter queue of the ForwardRule target (EventBridge DeadLetterConfig), which cdk-nag '
      + 'does not recognise as one; a dead-letter queue for a dead-letter queue would add nothing.',
  });

  const role = new iam.Role(scope, 'ForwardRole', {
    description: 'Lets EventBridge put this account\'s Config events on the central monitoring bus',
    // Only rules of this account may use the role (confused-deputy guard). A condition on the rule's ARN
    // would make the role and the rule depend on each other.
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
    }),
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['events:PutEvents'],
    resources: [options.centralEventBus.eventBusArn],
  }));

  const rule = new events.Rule(scope, 'ForwardRule', {
    description: 'Forwards AWS Config events to the central config-monitoring bus',
    eventPattern: {
      source: [AWS_CONFIG_SOURCE],
      detailType: [...new Set(options.forwardedEvents.map((type) => type.detailType))],
    },
  });

  // A rule of its own rather than an `$or` in ForwardRule: the two patterns stay readable, and ForwardRule stays as
  // it is for agents without remediations.
  const remediations = options.remediations ?? [];
  const remediationRule = remediations.length === 0 ? undefined : new events.Rule(scope, 'RemediationForwardRule', {
    description: 'Forwards the status changes of this agent\'s remediation executions to the central config-monitoring bus',
    eventPattern: remediationEventPattern(remediations),
  });

  deadLetterQueue.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sqs:SendMessage'],
    resources: [deadLetterQueue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': remediationRule ? [rule.ruleArn, remediationRule.ruleArn] : rule.ruleArn } },
  }));

  const target: events.IRuleTarget = {
    bind: () => ({
      arn: options.centralEventBus.eventBusArn,
      role,
      deadLetterConfig: { arn: deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: options.retryAttempts,
        maximumEventAgeInSeconds: options.maxEventAge.toSeconds(),
      },
    }),
  };
  rule.addTarget(target);
  remediationRule?.addTarget(target);

  return { rule, role, deadLetterQueue, remediationRule };
}
