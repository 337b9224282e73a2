import { expiresAt, type WriteContext } from './write-context';
import type { ComplianceResult } from '../models/compliance-result';
import type { EvaluationRecord } from '../store/evaluation-log';
import { deletionOrder, evaluationOrder, NO_PREDECESSOR } from '../store/evaluation-order';
import { historySortKey, resourceKey } from '../store/keys';

/** What came before an evaluation, as far as the caller knows: a lower bound, never later than the truth. */
export interface KnownPredecessor {
  readonly order: number;
  /** NONE when nothing came before, or a deletion. */
  readonly status: string;
}

// PutEvaluations' limit, in characters (code points: never half a surrogate pair); a longer one can only come from a forged or malformed event.
const MAX_ANNOTATION_LENGTH = 256;

export const NOTHING_BEFORE: KnownPredecessor = { order: NO_PREDECESSOR, status: 'NONE' };

/**
 * Records one evaluation in the log and links it to its neighbours, so the history is that of an in-order delivery.
 *
 * Every writer writes its record first and only then reads its neighbours (strongly consistent). For any two
 * evaluations adjacent in the order, whichever writer reads last sees the other's record, so at least one of them
 * links the pair; links only ever move to a later predecessor, so the last word is the true one. Repeating this
 * (a redelivery) is harmless, and finishes what a crash left undone.
 */
export async function recordEvaluation(result: ComplianceResult, known: KnownPredecessor, context: WriteContext): Promise<void> {
  const pk = resourceKey(result);
  const order = evaluationOrder(result.evaluatedAtMs, result.complianceStatus);
  const sk = historySortKey(result.evaluatedAtMs, 'COMPLIANCE', `${result.configRuleName}#${result.complianceStatus}`);
  const record: EvaluationRecord = {
    pk,
    sk,
    account: result.account,
    region: result.region,
    resource_type: result.resourceType,
    resource_id: result.resourceId,
    event_time: new Date(result.evaluatedAtMs).toISOString(),
    expires_at: expiresAt(result.evaluatedAtMs, context),
    config_item_type: known.status === result.complianceStatus ? 'ComplianceEvaluation' : 'ComplianceChange',
    config_rule_name: result.configRuleName,
    compliance_status: result.complianceStatus,
    previous_status: known.status,
    eval_order: order,
    prev_order: known.order,
    recorded_at: context.now().toISOString(),
    source_event_id: result.sourceEventId,
    // Whole here, where the compliance item may carry it shortened (compliance-item.ts); Config caps it at 256 characters.
    ...(result.annotation ? { annotation: Array.from(result.annotation).slice(0, MAX_ANNOTATION_LENGTH).join('') } : {}),
  };
  await context.evaluations.write(record);

  const [previous, following] = await Promise.all([
    context.evaluations.predecessor(pk, result.configRuleName, result.evaluatedAtMs, order),
    context.evaluations.successor(pk, result.configRuleName, result.evaluatedAtMs, order, latestTrustedOrder(context)),
  ]);
  // The record as stored: a redelivery's guess may be worse than what an earlier delivery or a neighbour wrote.
  const storedPrevious = following.self?.prevOrder ?? known.order;
  if (previous && previous.order > storedPrevious) await context.evaluations.raisePrevious(pk, sk, result.complianceStatus, previous);
  const next = following.next;
  if (next && next.status !== 'NONE' && next.prevOrder < order) {
    await context.evaluations.raisePrevious(pk, next.sk, next.status, { order, status: result.complianceStatus });
  }
}

/**
 * After a deletion's record is written: the first evaluation of each rule after it follows a deletion, so its
 * previous status is NONE. (The evaluations' own writers link it too, when they read after the deletion was written.)
 */
export async function linkDeletion(pk: string, deletedAtMs: number, context: WriteContext): Promise<void> {
  const order = deletionOrder(deletedAtMs);
  for (const first of await context.evaluations.firstOfEachRuleAfter(pk, deletedAtMs, order, latestTrustedOrder(context))) {
    if (first.prevOrder < order) await context.evaluations.raisePrevious(pk, first.sk, first.status, { order, status: 'NONE' });
  }
}

/** Records dated after now plus the accepted clock skew were written before times were checked: nobody's neighbour. */
function latestTrustedOrder(context: WriteContext): number {
  return deletionOrder(context.now().getTime() + context.clockSkewMs);
}

