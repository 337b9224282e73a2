import { scopeIndexAttributes, type ScopeIndexAttributes } from './index-keys';
import { resourceKey, ruleSortKey, statusShard, statusSortKey } from './keys';
import type { ComplianceResult, ComplianceStatus } from '../models/compliance-result';

/** A transition whose side effects (history record, notification) are not finished yet. */
export interface PendingTransition {
  readonly from?: ComplianceStatus;
  readonly to: ComplianceStatus;
  readonly at_ms: number;
}

/** The stored shape of one (resource, rule) compliance item: the seed's attribute names plus the keys. */
export interface ComplianceItem extends Partial<ScopeIndexAttributes> {
  readonly pk: string;
  readonly sk: string;
  readonly account: string;
  readonly region: string;
  readonly resource_id: string;
  readonly resource_type: string;
  readonly config_rule_name: string;
  readonly compliance_status: ComplianceStatus;
  readonly last_evaluated: number;
  readonly evaluated_at_ms: number;
  readonly compliance_details: string;
  readonly status_shard: string;
  readonly status_sort: string;
  readonly updated_at: string;
  readonly pending_transition?: PendingTransition;
}

/** The resource's deletion marker: evaluations recorded before it never bring the resource back. */
export interface ResourceMarker {
  readonly pk: string;
  readonly sk: string;
  readonly deleted_at_ms: number;
}

// On an exact tie of evaluation time, the more severe status wins, so any delivery order gives one answer.
const STATUS_RANK: Record<ComplianceStatus, number> = {
  NOT_APPLICABLE: 0,
  COMPLIANT: 1,
  INSUFFICIENT_DATA: 2,
  NON_COMPLIANT: 3,
};

/** Negative when the evaluation is older than the stored one, 0 when it is the same, positive when newer. */
export function compareToStored(result: ComplianceResult, stored: Pick<ComplianceItem, 'evaluated_at_ms' | 'compliance_status'>): number {
  if (result.evaluatedAtMs !== stored.evaluated_at_ms) return result.evaluatedAtMs - stored.evaluated_at_ms;
  return STATUS_RANK[result.complianceStatus] - STATUS_RANK[stored.compliance_status];
}

export function toComplianceItem(result: ComplianceResult, pending: PendingTransition | undefined, now: Date): ComplianceItem {
  const pk = resourceKey(result);
  const sk = ruleSortKey(result.configRuleName);
  const item: ComplianceItem = {
    pk,
    sk,
    account: result.account,
    region: result.region,
    resource_id: result.resourceId,
    resource_type: result.resourceType,
    config_rule_name: result.configRuleName,
    compliance_status: result.complianceStatus,
    last_evaluated: Math.floor(result.evaluatedAtMs / 1000),
    evaluated_at_ms: result.evaluatedAtMs,
    compliance_details: JSON.stringify({
      annotation: result.annotation,
      config_rule_arn: result.configRuleArn,
      result_recorded_time: result.resultRecordedTime,
      config_rule_invoked_time: result.configRuleInvokedTime,
      ordering_timestamp: result.orderingTimestamp,
      source_event_id: result.sourceEventId,
      source: result.origin,
    }),
    status_shard: statusShard(result.complianceStatus, pk, sk),
    status_sort: statusSortKey(result, result.configRuleName),
    updated_at: now.toISOString(),
    ...(pending ? { pending_transition: pending } : {}),
  };
  return { ...item, ...scopeIndexAttributes(item) };
}
