import type { ComplianceStatus } from '../../../src/runtime/models/compliance-result';
import { deletionOrder, evaluationOrder } from '../../../src/runtime/store/evaluation-order';

/** One event of a scenario on one resource: an evaluation of a rule, or the resource's deletion. */
export type ScenarioEvent =
  | { readonly kind: 'evaluation'; readonly rule: string; readonly atMs: number; readonly status: ComplianceStatus }
  | { readonly kind: 'deletion'; readonly atMs: number };

export interface ExpectedRecord {
  readonly rule: string;
  readonly atMs: number;
  readonly status: ComplianceStatus;
  readonly previous: ComplianceStatus | 'NONE';
}

export interface InOrderOutcome {
  /** The current state per rule (absent: none, or retired by a deletion). */
  readonly state: Map<string, { atMs: number; status: ComplianceStatus }>;
  /** Every distinct evaluation with the status before it in the order. */
  readonly log: ExpectedRecord[];
  /** What one in-order delivery notifies: `rule|atMs|from->to`. */
  readonly notifications: string[];
}

export function orderOf(event: ScenarioEvent): number {
  return event.kind === 'deletion' ? deletionOrder(event.atMs) : evaluationOrder(event.atMs, event.status);
}

export function eventKey(event: ScenarioEvent): string {
  return event.kind === 'deletion' ? `D|${event.atMs}` : `E|${event.rule}|${event.atMs}|${event.status}`;
}

/**
 * What the write path must end with: the events applied once each, in their order (evaluation-order.ts), by the
 * rules of docs/design/write-path.md: a deletion ends every rule's state; newest wins; a change of the current state
 * is notified, a first evaluation only when NON_COMPLIANT.
 */
export function inOrder(events: readonly ScenarioEvent[]): InOrderOutcome {
  const distinct = [...new Map(events.map((e) => [eventKey(e), e])).values()].sort((a, b) => orderOf(a) - orderOf(b));
  const state = new Map<string, { atMs: number; status: ComplianceStatus }>();
  const previous = new Map<string, ComplianceStatus | 'NONE'>();
  const log: ExpectedRecord[] = [];
  const notifications: string[] = [];
  for (const event of distinct) {
    if (event.kind === 'deletion') {
      state.clear();
      for (const rule of previous.keys()) previous.set(rule, 'NONE');
      continue;
    }
    const before = previous.get(event.rule) ?? 'NONE';
    log.push({ rule: event.rule, atMs: event.atMs, status: event.status, previous: before });
    previous.set(event.rule, event.status);
    const current = state.get(event.rule)?.status ?? 'NONE';
    if (current !== event.status && (current !== 'NONE' || event.status === 'NON_COMPLIANT')) {
      notifications.push(`${event.rule}|${event.atMs}|${current}->${event.status}`);
    }
    state.set(event.rule, { atMs: event.atMs, status: event.status });
  }
  return { state, log, notifications };
}
