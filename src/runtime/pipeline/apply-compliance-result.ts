import type { RemediationLink } from './remediation-repository';
import { expiresAt, type WriteContext } from './write-context';
import type { ComplianceResult } from '../models/compliance-result';
import { compareToStored, toComplianceItem, type ComplianceItem, type PendingTransition } from '../store/compliance-item';
import { historySortKey, resourceKey, ruleSortKey } from '../store/keys';

export type ComplianceOutcome =
  /** Stored; the status did not change (a newer evaluation with the same result). */
  | 'refreshed'
  /** Stored, and the status changed: one history record, at most one notification. */
  | 'transition'
  /** Older than the stored evaluation: ignored. */
  | 'stale'
  /** The very evaluation already stored: ignored. */
  | 'duplicate'
  /** Recorded before the resource was deleted: ignored. */
  | 'retired';

export interface ComplianceWriteResult {
  readonly outcome: ComplianceOutcome;
  readonly notified: boolean;
}

// Each retry means another writer changed the item in between; a handful is plenty even for hot items.
const MAX_ATTEMPTS = 8;

/**
 * The write rules of ARCHITECTURE.md for one evaluation: newest wins, idempotent, one history record and at most
 * one notification per transition, and deleted resources stay deleted.
 *
 * A transition is first stored on the item as `pending_transition` together with the new state (one atomic write),
 * then its history record is appended (idempotent key), then the notification is claimed (conditional remove) and
 * sent. A crash or failure anywhere leaves the pending transition on the item, and the redelivered record finishes it.
 */
export async function applyComplianceResult(result: ComplianceResult, context: WriteContext): Promise<ComplianceWriteResult> {
  const pk = resourceKey(result);
  const sk = ruleSortKey(result.configRuleName);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [stored, marker] = await Promise.all([context.compliance.get(pk, sk), context.compliance.getResourceMarker(pk)]);
    if (marker && marker.deleted_at_ms >= result.evaluatedAtMs) return { outcome: 'retired', notified: false };

    if (stored) {
      const order = compareToStored(result, stored);
      if (order < 0) return { outcome: 'stale', notified: false };
      if (order === 0) {
        // A redelivery of the stored evaluation: finish what its first delivery left undone, if anything.
        if (!stored.pending_transition) return { outcome: 'duplicate', notified: false };
        return { outcome: 'transition', notified: await finishTransition(stored, stored.pending_transition, context) };
      }
      if (stored.pending_transition) {
        // An older transition is still unfinished: finish it before this evaluation replaces it, then read again.
        await finishTransition(stored, stored.pending_transition, context);
        continue;
      }
    }

    const transition: PendingTransition | undefined = stored?.compliance_status === result.complianceStatus
      ? undefined
      : { ...(stored ? { from: stored.compliance_status } : {}), to: result.complianceStatus, at_ms: result.evaluatedAtMs };
    const item = withRemediation(toComplianceItem(result, transition, context.now()), stored, transition);
    if (!(await context.compliance.putIfUnchanged(item, stored))) continue;

    if (!stored && await deletedMeanwhile(result, context)) {
      await context.compliance.deleteIfNotNewer(pk, sk, result.evaluatedAtMs);
      return { outcome: 'retired', notified: false };
    }
    if (!transition) return { outcome: 'refreshed', notified: false };
    return { outcome: 'transition', notified: await finishTransition(item, transition, context) };
  }
  throw new Error(`gave up after ${MAX_ATTEMPTS} concurrent updates of ${pk} ${sk}`);
}

/**
 * Keeps the remediation link of the stored item (apply-remediation-result.ts writes it). A NON_COMPLIANT → COMPLIANT
 * transition after a remediation resolves its link, marked with the transition's time: that transition's
 * notification is the one "remediated" message (see TransitionNotifier), and a later change never repeats it.
 */
function withRemediation(item: ComplianceItem, stored: ComplianceItem | undefined, transition: PendingTransition | undefined): ComplianceItem {
  const link = (stored as (ComplianceItem & { remediation?: RemediationLink }) | undefined)?.remediation;
  if (link === undefined) return item;
  const resolves = link.resolved_at_ms === undefined && transition?.from === 'NON_COMPLIANT' && transition.to === 'COMPLIANT';
  return { ...item, remediation: resolves ? { ...link, resolved_at_ms: transition.at_ms } : link } as ComplianceItem;
}

/**
 * A deletion processed between our read and our write may have swept before our item existed;
 * reading the marker after the write closes that window (the deletion writes its marker before sweeping).
 */
async function deletedMeanwhile(result: ComplianceResult, context: WriteContext): Promise<boolean> {
  const marker = await context.compliance.getResourceMarker(resourceKey(result));
  return marker !== undefined && marker.deleted_at_ms >= result.evaluatedAtMs;
}

/**
 * A first evaluation is news only when it is NON_COMPLIANT: a first recording across an organization would
 * otherwise send a message for every compliant resource. Every change between two known statuses is notified.
 * (Every transition, the first included, is in the history.)
 */
function isNotified(transition: PendingTransition): boolean {
  return transition.from !== undefined || transition.to === 'NON_COMPLIANT';
}

/** Appends the history record, then sends the notification if it is one and this caller wins the claim. */
async function finishTransition(item: ComplianceItem, transition: PendingTransition, context: WriteContext): Promise<boolean> {
  await context.history.append({
    pk: item.pk,
    sk: historySortKey(transition.at_ms, 'COMPLIANCE', `${item.config_rule_name}#${transition.to}`),
    account: item.account,
    region: item.region,
    resource_type: item.resource_type,
    resource_id: item.resource_id,
    event_time: new Date(transition.at_ms).toISOString(),
    expires_at: expiresAt(transition.at_ms, context),
    config_item_type: 'ComplianceChange',
    config_rule_name: item.config_rule_name,
    compliance_status: transition.to,
    previous_status: transition.from ?? 'NONE',
    source_event_id: (JSON.parse(item.compliance_details) as { source_event_id?: string }).source_event_id,
  });
  if (!(await context.compliance.claimPendingTransition(item.pk, item.sk, transition))) return false;
  if (!isNotified(transition)) return false;
  try {
    await context.notifier.notify(item, transition);
    return true;
  } catch (error) {
    // Give the notification back so the redelivered record sends it; if the item moved on meanwhile, the newer state
    // has its own transition and this one is history only.
    await context.compliance.restorePendingTransition(item.pk, item.sk, transition);
    throw error;
  }
}
