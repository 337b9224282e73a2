import type { ComplianceStatus } from '../models/compliance-result';

/**
 * One total order over a resource's evaluations and deletions, the order an in-order delivery would apply them in.
 *
 * Evaluations order by time; on an exact tie of time the more severe status comes last (and so wins), whatever the
 * delivery order. A deletion comes after every evaluation of its own millisecond: an evaluation recorded at the very
 * time of the deletion is the resource's last, and does not bring it back.
 *
 * As one number (time × 16 + rank), so DynamoDB can compare it in a condition: below 2^53 until the year 9999.
 */
const STATUS_RANK: Record<ComplianceStatus, number> = {
  NOT_APPLICABLE: 0,
  COMPLIANT: 1,
  INSUFFICIENT_DATA: 2,
  NON_COMPLIANT: 3,
};
const DELETION_RANK = 8;
const SLOTS_PER_MS = 16;

/** Before every evaluation and deletion: "no predecessor". */
export const NO_PREDECESSOR = -1;

export function evaluationOrder(atMs: number, status: ComplianceStatus): number {
  return atMs * SLOTS_PER_MS + STATUS_RANK[status];
}

export function deletionOrder(atMs: number): number {
  return atMs * SLOTS_PER_MS + DELETION_RANK;
}

/** The millisecond an order value belongs to. */
export function orderTimeMs(order: number): number {
  return Math.floor(order / SLOTS_PER_MS);
}
