import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { createEventForwarding, EventForwardingOptions } from './direct-forwarding';
import { EnrichedForwarder } from './enriched-forwarder';
import { EnrichedForwardingOptions } from './enriched-forwarding-options';

/** What a forwarding mode created in the agent (internal: `_bind` is stripped from the public API). */
export interface BoundForwarding {
  /** The rule on the default bus that takes the Config events. */
  readonly rule: events.IRule;
  /** The rule that takes the remediation executions, when the agent has remediations. */
  readonly remediationRule?: events.IRule;
  /** The role that puts events on the central bus (EventBridge's in direct mode, the function's in enriched mode). */
  readonly role: iam.IRole;
  /** Where events that could not be forwarded end. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Enriched mode only: the ProcessConfigEvents function. */
  readonly processor?: lambda.IFunction;
  /** Enriched mode only: the construct, for its metrics. */
  readonly enrichedForwarder?: EnrichedForwarder;
}

/**
 * How the agent forwards its account's AWS Config events to the master.
 *
 * @example
 * monitoring.EventForwarding.enriched({
 *   accountName: 'workloads-prod',
 *   dropNotApplicable: true,
 * });
 */
export class EventForwarding {
  /**
   * A rule on the default bus puts the events on the central bus as they are (`source: aws.config`).
   *
   * The cheapest mode: no code runs in the member account. Every event selected by `forwardedEvents` is forwarded,
   * and oversized configuration items arrive at the master as their summary.
   */
  public static direct(): EventForwarding {
    return new EventForwarding(undefined);
  }

  /**
   * A function in the member account filters, samples and enriches the events, resolves oversized configuration
   * items from the delivery bucket, and puts them on the central bus as `source: monitoring.agent.config`.
   *
   * Filtering at the source is where most of the forwarding and storage cost is saved.
   *
   * @param options what to filter, sample and add
   */
  public static enriched(options: EnrichedForwardingOptions = {}): EventForwarding {
    return new EventForwarding(options);
  }

  /**
   * @param enrichedOptions the enriched mode's options, undefined for direct forwarding
   */
  protected constructor(private readonly enrichedOptions: EnrichedForwardingOptions | undefined) {}

  /**
   * Creates the forwarding in the agent.
   *
   * @internal
   */
  public _bind(scope: Construct, options: EventForwardingOptions): BoundForwarding {
    if (this.enrichedOptions === undefined) return createEventForwarding(scope, options);
    const forwarder = new EnrichedForwarder(scope, 'EnrichedForwarder', { ...this.enrichedOptions, ...options });
    return {
      rule: forwarder.rule,
      remediationRule: forwarder.remediationRule,
      role: forwarder.role,
      deadLetterQueue: forwarder.deadLetterQueue,
      processor: forwarder.function,
      enrichedForwarder: forwarder,
    };
  }
}
