import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { snsAttributeValue, snsSubject } from './sns-text';
import type { ComplianceItem, EvaluationDescription, PendingTransition } from '../store/compliance-item';
import type { ExecutionRecord, RemediationLink } from '../store/remediation-repository';

/**
 * SNS errors that no retry cures: the request itself is invalid (SNS API reference, Publish, Errors). Throttling,
 * KMS throttling and internal errors are transient; a missing topic or a revoked permission (NotFound,
 * AuthorizationError, KMSAccessDenied…) is an operator's to fix, so those are retried until the queue's redrive.
 */
const PERMANENT_PUBLISH_ERRORS = new Set(['InvalidParameterException', 'InvalidParameterValueException', 'ValidationException']);

export function isPermanentPublishError(error: unknown): boolean {
  return PERMANENT_PUBLISH_ERRORS.has((error as Error | undefined)?.name ?? '');
}

/** The notification kinds, as the `event_type` message attribute subscribers can filter on. */
export const REMEDIATION_FAILED = 'REMEDIATION_FAILED';
export const REMEDIATED = 'REMEDIATED';

/**
 * The remediation an item's transition to COMPLIANT resolved, if any: the link apply-compliance-result.ts marked with
 * this very transition's time.
 */
export function resolvedRemediation(item: ComplianceItem, transition: PendingTransition): RemediationLink | undefined {
  const link = (item as ComplianceItem & { remediation?: RemediationLink }).remediation;
  return link?.resolved_at_ms === transition.at_ms && transition.to === 'COMPLIANT' ? link : undefined;
}

/** Publishes one message per compliance transition, and one per failed remediation, with attributes subscribers can filter on. */
export class TransitionNotifier {
  constructor(private readonly client: SNSClient, private readonly topicArn: string) {}

  /** @param details the notified evaluation's annotation and rule ARN (the item may hold a newer evaluation by now) */
  async notify(item: ComplianceItem, transition: PendingTransition, details: EvaluationDescription): Promise<void> {
    const previous = transition.from ?? 'NONE';
    const attribute = (value: string) => ({ DataType: 'String', StringValue: snsAttributeValue(value) });
    const remediation = resolvedRemediation(item, transition);
    await this.client.send(new PublishCommand({
      TopicArn: this.topicArn,
      Subject: snsSubject(`${transition.to}${remediation ? ' (remediated)' : ''}: ${item.config_rule_name} on ${item.resource_type}`),
      Message: JSON.stringify({
        account: item.account,
        region: item.region,
        resource_type: item.resource_type,
        resource_id: item.resource_id,
        config_rule_name: item.config_rule_name,
        compliance_status: transition.to,
        previous_status: previous,
        evaluated_at: new Date(transition.at_ms).toISOString(),
        annotation: details.annotation,
        config_rule_arn: details.config_rule_arn,
        ...(remediation ? {
          remediation: {
            execution_id: remediation.execution_id,
            document: remediation.document,
            status: remediation.status,
            started_at: new Date(remediation.started_at_ms).toISOString(),
            link: remediation.link,
          },
        } : {}),
      }),
      MessageAttributes: {
        compliance_status: attribute(transition.to),
        previous_status: attribute(previous),
        account: attribute(item.account),
        region: attribute(item.region),
        config_rule_name: attribute(item.config_rule_name),
        resource_type: attribute(item.resource_type),
        ...(remediation ? { event_type: attribute(REMEDIATED) } : {}),
      },
    }));
  }

  /** One message for a remediation execution that ended Failed, TimedOut or Cancelled. */
  async notifyRemediationFailure(record: ExecutionRecord): Promise<void> {
    const attribute = (value: string) => ({ DataType: 'String', StringValue: snsAttributeValue(value) });
    const target = record.config_rule_name ? `${record.config_rule_name} on ${record.resource_id ?? record.resource_type ?? 'unknown resource'}` : record.document;
    await this.client.send(new PublishCommand({
      TopicArn: this.topicArn,
      Subject: snsSubject(`REMEDIATION ${record.status}: ${target}`),
      Message: JSON.stringify({
        event_type: REMEDIATION_FAILED,
        account: record.account,
        region: record.region,
        config_rule_name: record.config_rule_name,
        resource_type: record.resource_type,
        resource_id: record.resource_id,
        resource_link: record.resource_link,
        document: record.document,
        document_version: record.document_version,
        execution_id: record.execution_id,
        remediation_status: record.status,
        started_at: record.started_at_ms === undefined ? undefined : new Date(record.started_at_ms).toISOString(),
        ended_at: record.ended_at_ms === undefined ? undefined : new Date(record.ended_at_ms).toISOString(),
        failure_message: record.failure_message,
      }),
      MessageAttributes: {
        event_type: attribute(REMEDIATION_FAILED),
        remediation_status: attribute(record.status),
        account: attribute(record.account),
        region: attribute(record.region),
        document: attribute(record.document),
        ...(record.config_rule_name ? { config_rule_name: attribute(record.config_rule_name) } : {}),
        ...(record.resource_type ? { resource_type: attribute(record.resource_type) } : {}),
      },
    }));
  }
}
