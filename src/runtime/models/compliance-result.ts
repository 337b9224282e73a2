/**
 * The four compliance types AWS Config reports. A custom rule cannot report INSUFFICIENT_DATA and the
 * per-rule summary never reports NOT_APPLICABLE, but a per-resource evaluation can carry any of them.
 */
export const COMPLIANCE_STATUSES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;

export type ComplianceStatus = typeof COMPLIANCE_STATUSES[number];

export function isComplianceStatus(value: unknown): value is ComplianceStatus {
  return typeof value === 'string' && (COMPLIANCE_STATUSES as readonly string[]).includes(value);
}

/**
 * One evaluation of one rule against one resource, normalised from a compliance-change event or from the
 * aggregator APIs, so the write path never needs to know where it came from.
 */
export interface ComplianceResult {
  /** 12 digits. */
  readonly account: string;
  readonly region: string;
  /** e.g. AWS::EC2::SecurityGroup, AWS::::Account (account-level rules, resourceId = account id). */
  readonly resourceType: string;
  readonly resourceId: string;
  /** Conformance-pack suffix (`-conformance-pack-<id>`) kept: it is the rule's real name. */
  readonly configRuleName: string;
  readonly complianceStatus: ComplianceStatus;
  /** From oldEvaluationResult; absent on a first evaluation. */
  readonly previousStatus?: ComplianceStatus;
  /** Newest-wins key: resultRecordedTime, else orderingTimestamp, else notificationCreationTime, else envelope time. */
  readonly evaluatedAtMs: number;
  readonly annotation?: string;
  /** `configRuleARN` in compliance events, `configRuleArn` elsewhere. */
  readonly configRuleArn?: string;
  /** ISO-8601, normalised with toISOString. */
  readonly resultRecordedTime?: string;
  /** ISO-8601, normalised with toISOString. */
  readonly configRuleInvokedTime?: string;
  /** ISO-8601, normalised with toISOString. */
  readonly orderingTimestamp?: string;
  /** The id of the original aws.config EventBridge event (also through the agent envelope). */
  readonly sourceEventId?: string;
  readonly origin: 'event' | 'reconciliation';
}
