import { NOTHING_BEFORE, recordEvaluation, type KnownPredecessor } from './evaluation-history';
import { sendOwedNotification } from './owed-notification';
import type { WriteContext } from './write-context';
import type { ComplianceResult, ComplianceStatus } from '../models/compliance-result';
import type { Logger } from '../observability/logger';
import {
  descriptionOf, notificationKey, toComplianceItem, withinWriteUnit, type ComplianceItem, type PendingNotification, type ResourceMarker,
} from '../store/compliance-item';
import { deletionOrder, evaluationOrder } from '../store/evaluation-order';
import { resourceKey, ruleSortKey } from '../store/keys';
import type { RemediationLink } from '../store/remediation-repository';

export type ComplianceOutcome =
  /** Stored; the status did not change (a newer evaluation with the same result). */
  | 'refreshed'
  /** Stored, and the status changed: at most one notification. */
  | 'transition'
  /** Older than the stored evaluation: in the history, not the current state. */
  | 'stale'
  /** The very evaluation already stored: whatever its first delivery left undone is finished. */
  | 'duplicate'
  /** Recorded before the resource was deleted: in the history, not the current state. */
  | 'retired';

export interface ComplianceWriteResult {
  readonly outcome: ComplianceOutcome;
  readonly notified: boolean;
  /** SNS refused this evaluation's notification for good: it went to the dead-letter queue. */
  readonly refused?: boolean;
}

export interface ApplyOptions {
  /**
   * Reconciliation only: the aggregator's evaluation replaces a stored state that is newer than it yet older than
   * this (the aggregator would have reported a genuine one by then), or dated in the future.
   */
  readonly authoritativeBeforeMs?: number;
  readonly logger?: Logger;
}

// Each retry means another writer changed the item in between; a handful is plenty even for hot items.
const MAX_ATTEMPTS = 8;

/**
 * The write rules for one evaluation (docs/design/write-path.md): the evaluation goes into the log first, linked to
 * its neighbours, so the history is the in-order one whatever the arrival order; then it becomes the current state if
 * it is the newest and not before a deletion; a change of the current state owes one notification, committed in the
 * same write and sent under a lease. Every step is idempotent, so a redelivery finishes what a crash left undone.
 */
export async function applyComplianceResult(
  result: ComplianceResult, context: WriteContext, options: ApplyOptions = {},
): Promise<ComplianceWriteResult> {
  const pk = resourceKey(result);
  const sk = ruleSortKey(result.configRuleName);
  let { item: stored, marker } = await context.compliance.readRule(pk, sk);
  await recordEvaluation(result, knownPredecessor(result, trusted(stored, context), trustedMarker(marker, context)), context);

  const key = notificationKey({ at_ms: result.evaluatedAtMs, to: result.complianceStatus });
  let outcome: ComplianceOutcome | undefined;
  let heldLease: number | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && outcome === undefined; attempt++) {
    const deletedAtMs = trustedMarker(marker, context)?.deleted_at_ms;
    if (stored && deletedAtMs !== undefined && stored.retired_at_ms === undefined && stored.evaluated_at_ms <= deletedAtMs) {
      // A deletion swept before this item existed, or a crash came between; retire it now.
      await context.compliance.retireIfNotNewer(pk, sk, deletedAtMs);
      ({ item: stored, marker } = await context.compliance.readRule(pk, sk));
      continue;
    }
    if (deletedAtMs !== undefined && result.evaluatedAtMs <= deletedAtMs) {
      outcome = 'retired';
      break;
    }
    const order = compare(result, stored, context, options);
    if (order < 0) { outcome = 'stale'; break; }
    if (order === 0) { outcome = 'duplicate'; break; }

    const replaced: ComplianceStatus | 'NONE' = stored && stored.retired_at_ms === undefined ? stored.compliance_status : 'NONE';
    const changed = replaced !== result.complianceStatus;
    const leaseUntil = context.now().getTime() + context.notificationLeaseMs;
    const owed: PendingNotification | undefined = changed && isNotified(replaced, result.complianceStatus) ? {
      ...(replaced === 'NONE' ? {} : { from: replaced }),
      to: result.complianceStatus,
      at_ms: result.evaluatedAtMs,
      lease_until_ms: leaseUntil,
    } : undefined;
    // A deletion sweeping concurrently retires only the live items it lists: not one that was absent or retired.
    const unseenBySweep = !stored || stored.retired_at_ms !== undefined || !trusted(stored, context);
    const item = nextItem(result, stored, owed);
    if (!(await context.compliance.replace(item, stored))) {
      ({ item: stored, marker } = await context.compliance.readRule(pk, sk));
      continue;
    }
    stored = item;
    if (owed) heldLease = leaseUntil;
    outcome = changed ? 'transition' : 'refreshed';
    if (unseenBySweep) {
      // A deletion that wrote its marker after our read may have swept before this write: retire the item ourselves.
      const reread = await context.compliance.readRule(pk, sk);
      marker = reread.marker;
      const deleted = trustedMarker(marker, context)?.deleted_at_ms;
      if (deleted !== undefined && deleted >= result.evaluatedAtMs) {
        await context.compliance.retireIfNotNewer(pk, sk, deleted);
        ({ item: stored, marker } = await context.compliance.readRule(pk, sk));
        outcome = 'retired';
      }
    }
  }
  if (outcome === undefined) throw new Error(`gave up after ${MAX_ATTEMPTS} concurrent updates of ${pk} ${sk}`);

  // This evaluation's notification, if the item still owes it: just committed, or left by a delivery that died.
  const owed = stored?.notifications?.[key];
  if (!stored || !owed) return { outcome, notified: false };
  const sent = await sendOwedNotification(stored, owed, context, options.logger, heldLease);
  return { outcome, notified: sent === 'sent', ...(sent === 'refused' ? { refused: true } : {}) };
}

/**
 * Positive when the evaluation is newer than the current state (or there is none), 0 when it is that very
 * evaluation, negative when older. A stored state dated in the future (written before times were checked) is no
 * state; reconciliation's evaluation wins over one the aggregator should have reported long ago.
 */
function compare(result: ComplianceResult, stored: ComplianceItem | undefined, context: WriteContext, options: ApplyOptions): number {
  if (!stored || !trusted(stored, context)) return 1;
  const difference = evaluationOrder(result.evaluatedAtMs, result.complianceStatus)
    - evaluationOrder(stored.evaluated_at_ms, stored.compliance_status);
  const overruled = difference < 0 && options.authoritativeBeforeMs !== undefined && stored.evaluated_at_ms < options.authoritativeBeforeMs;
  return overruled ? 1 : difference;
}

/** What the log's record of this evaluation can say of its predecessor before reading the log: the current state, if older. */
function knownPredecessor(
  result: ComplianceResult, stored: ComplianceItem | undefined, marker: ResourceMarker | undefined,
): KnownPredecessor {
  const order = evaluationOrder(result.evaluatedAtMs, result.complianceStatus);
  const deletion = marker && deletionOrder(marker.deleted_at_ms) < order ? deletionOrder(marker.deleted_at_ms) : undefined;
  const state = stored ? evaluationOrder(stored.evaluated_at_ms, stored.compliance_status) : undefined;
  if (state !== undefined && state < order && (deletion === undefined || state > deletion)) {
    return { order: state, status: stored!.compliance_status };
  }
  if (deletion !== undefined) return { order: deletion, status: 'NONE' };
  return NOTHING_BEFORE;
}

/**
 * The new current state: the evaluation, the notifications still owed, the remediation link, within one write unit.
 * A notification still owed for the evaluation being replaced takes that evaluation's description along.
 */
function nextItem(result: ComplianceResult, stored: ComplianceItem | undefined, owed: PendingNotification | undefined): ComplianceItem {
  const notifications: Record<string, PendingNotification> = {};
  for (const [key, pending] of Object.entries(stored?.notifications ?? {})) {
    const describesStored = pending.described === undefined && stored !== undefined && key === notificationKey({
      at_ms: stored.evaluated_at_ms, to: stored.compliance_status,
    });
    notifications[key] = describesStored ? { ...pending, described: descriptionOf(stored) } : pending;
  }
  if (owed) notifications[notificationKey(owed)] = owed;
  const item: ComplianceItem = {
    ...toComplianceItem(result),
    version: (stored?.version ?? 0) + 1,
    ...(Object.keys(notifications).length ? { notifications } : {}),
  };
  return withinWriteUnit(withRemediation(item, stored, owed));
}

/**
 * Keeps the remediation link of the stored item (apply-remediation-result.ts writes it). A NON_COMPLIANT → COMPLIANT
 * transition after a remediation resolves its link, marked with the transition's time: that transition's
 * notification is the one "remediated" message (see TransitionNotifier), and a later change never repeats it.
 */
function withRemediation(item: ComplianceItem, stored: ComplianceItem | undefined, owed: PendingNotification | undefined): ComplianceItem {
  const link = (stored as (ComplianceItem & { remediation?: RemediationLink }) | undefined)?.remediation;
  if (link === undefined) return item;
  const resolves = link.resolved_at_ms === undefined && owed?.from === 'NON_COMPLIANT' && owed.to === 'COMPLIANT';
  return { ...item, remediation: resolves ? { ...link, resolved_at_ms: owed.at_ms } : link } as ComplianceItem;
}

/**
 * A first evaluation is news only when it is NON_COMPLIANT: a first recording across an organization would
 * otherwise send a message for every compliant resource. Every change between two known statuses is notified.
 * (Every transition, the first included, is in the history.)
 */
function isNotified(from: ComplianceStatus | 'NONE', to: ComplianceStatus): boolean {
  return from !== 'NONE' || to === 'NON_COMPLIANT';
}

/** A stored time later than now plus the accepted skew was written before times were checked: it is not trusted. */
function trusted<T extends { evaluated_at_ms: number }>(stored: T | undefined, context: WriteContext): T | undefined {
  return stored && stored.evaluated_at_ms <= context.now().getTime() + context.clockSkewMs ? stored : undefined;
}

function trustedMarker(marker: ResourceMarker | undefined, context: WriteContext): ResourceMarker | undefined {
  return marker && marker.deleted_at_ms <= context.now().getTime() + context.clockSkewMs ? marker : undefined;
}
