import { scopeIndexAttributes, type ScopeIndexAttributes } from './index-keys';
import { resourceKey, ruleSortKey, statusShard, statusSortKey } from './keys';
import type { ComplianceResult, ComplianceStatus } from '../models/compliance-result';

/** A compliance transition as subscribers hear of it. */
export interface PendingTransition {
  /** Absent for a first evaluation (or the first after a deletion). */
  readonly from?: ComplianceStatus;
  readonly to: ComplianceStatus;
  readonly at_ms: number;
}

/**
 * A transition whose notification is owed, kept on the item in the same write that made it the current state, so it
 * can be neither lost nor sent twice by concurrent writers (see docs/design/write-path.md).
 */
export interface PendingNotification extends PendingTransition {
  /** Until then the invocation that committed or claimed it is sending it; after, any delivery of it may claim it. */
  readonly lease_until_ms: number;
  /** The evaluation's `compliance_details`: the message describes this evaluation even once a newer one is stored. */
  readonly details: string;
}

/** The stored shape of one (resource, rule) compliance item: the attribute names platform teams already query plus the keys. */
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
  /** Absent on a retired item: it leaves the status index with it. */
  readonly status_shard?: string;
  readonly status_sort: string;
  readonly updated_at: string;
  /** Bumped by every write of the item: writes that replace it are conditional on the version they read. */
  readonly version?: number;
  /** Owed notifications, by `notificationKey`. */
  readonly notifications?: Record<string, PendingNotification>;
  /** Set when a deletion (or reconciliation) retired the item: it is no longer current state, nor in any index. */
  readonly retired_at_ms?: number;
}

/** The resource's deletion marker: the latest deletion; evaluations recorded before it never bring the resource back. */
export interface ResourceMarker {
  readonly pk: string;
  readonly sk: string;
  readonly deleted_at_ms: number;
}

export function notificationKey(transition: Pick<PendingTransition, 'at_ms' | 'to'>): string {
  return `${transition.at_ms}#${transition.to}`;
}

export function complianceDetails(result: ComplianceResult): string {
  return JSON.stringify({
    annotation: result.annotation,
    config_rule_arn: result.configRuleArn,
    result_recorded_time: result.resultRecordedTime,
    config_rule_invoked_time: result.configRuleInvokedTime,
    ordering_timestamp: result.orderingTimestamp,
    source_event_id: result.sourceEventId,
    source: result.origin,
  });
}

export function toComplianceItem(result: ComplianceResult, now: Date): ComplianceItem {
  const pk = resourceKey(result);
  const sk = ruleSortKey(result.configRuleName);
  const item = {
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
    compliance_details: complianceDetails(result),
    status_shard: statusShard(result.complianceStatus, pk, sk),
    status_sort: statusSortKey(result, result.configRuleName),
    updated_at: now.toISOString(),
  };
  return { ...item, ...scopeIndexAttributes(item) };
}
