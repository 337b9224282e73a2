import { scopeIndexAttributes, type ScopeIndexAttributes } from './index-keys';
import { itemBytes } from './item-size';
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
  /**
   * The evaluation's own annotation and rule ARN, copied here only once a newer evaluation replaces the item's (the
   * message describes this evaluation): while the item is still this evaluation, they are the item's own.
   */
  readonly described?: EvaluationDescription;
}

/** What a message says of an evaluation besides its status. */
export interface EvaluationDescription {
  readonly annotation?: string;
  readonly config_rule_arn?: string;
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
  /** Config's annotation, shortened only if the item would exceed one write unit (the evaluation log keeps it whole). */
  readonly annotation?: string;
  readonly config_rule_arn?: string;
  /** `event` (a forwarded Config event) or `reconciliation` (read from the aggregator). */
  readonly source: ComplianceResult['origin'];
  /** Absent on a retired item: it leaves the status index with it. */
  readonly status_shard?: string;
  readonly status_sort: string;
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

/** The annotation and rule ARN of the evaluation an item holds. */
export function descriptionOf(item: ComplianceItem): EvaluationDescription {
  return { annotation: item.annotation, config_rule_arn: item.config_rule_arn };
}

export function toComplianceItem(result: ComplianceResult): ComplianceItem {
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
    ...(result.annotation ? { annotation: result.annotation } : {}),
    ...(result.configRuleArn ? { config_rule_arn: result.configRuleArn } : {}),
    source: result.origin,
    status_shard: statusShard(result.complianceStatus, pk, sk),
    status_sort: statusSortKey(result, result.configRuleName),
  };
  return { ...item, ...scopeIndexAttributes(item) };
}

/** One write unit: DynamoDB bills every started KB of the larger of the item's old and new images. */
export const ITEM_BYTES_BUDGET = 1024;
const ELLIPSIS = '\u2026';
/** PutEvaluations' limit on an annotation, in characters. */
const MAX_ANNOTATION_CHARACTERS = 256;

/**
 * The item as written: its annotation shortened (ending in an ellipsis) when the whole item would exceed one write
 * unit. Only an unusually long annotation together with owed notifications or a remediation link ever needs it.
 */
export function withinWriteUnit(item: ComplianceItem): ComplianceItem {
  const excess = itemBytes(item as unknown as Record<string, unknown>) - ITEM_BYTES_BUDGET;
  if (excess <= 0 || !item.annotation) return item;
  const keep = Buffer.byteLength(item.annotation, 'utf8') - excess - Buffer.byteLength(ELLIPSIS, 'utf8');
  const { annotation, ...rest } = item;
  if (keep > 0) return { ...rest, annotation: `${truncateToBytes(annotation, keep)}${ELLIPSIS}` };
  // Too big even without it (an ARN as the resource id, owed notifications): dropping the annotation saves no write
  // unit, so it stays, within Config's 256 characters (a longer one is forged: never let it grow the item unbounded).
  if (itemBytes(rest as unknown as Record<string, unknown>) <= ITEM_BYTES_BUDGET) return rest;
  const characters = Array.from(annotation);
  return characters.length <= MAX_ANNOTATION_CHARACTERS ? item
    : { ...rest, annotation: `${characters.slice(0, MAX_ANNOTATION_CHARACTERS - 1).join('')}${ELLIPSIS}` };
}

function truncateToBytes(text: string, bytes: number): string {
  let kept = '';
  let used = 0;
  for (const character of text) {
    used += Buffer.byteLength(character, 'utf8');
    if (used > bytes) break;
    kept += character;
  }
  return kept;
}
