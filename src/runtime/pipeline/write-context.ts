import type { DeadLetterQueue } from './dead-letter';
import type { TransitionNotifier } from './transition-notifier';
import type { ConfigurationItemHistoryValue } from '../../contract/configuration-item-history';
import { MAX_CLOCK_SKEW_MS } from '../parsing/event-time-bounds';
import type { ConfigComplianceRepository } from '../store/config-compliance-repository';
import type { EvaluationLog } from '../store/evaluation-log';
import type { HistoryRepository } from '../store/history-repository';
import type { RemediationRepository } from '../store/remediation-repository';
import type { ResourceCompliancePresence } from '../store/resource-compliance-presence';

/** Everything the write path needs; built once per Lambda container, replaced in tests. */
export interface WriteContext {
  readonly compliance: ConfigComplianceRepository;
  readonly history: HistoryRepository;
  readonly evaluations: EvaluationLog;
  readonly notifier: TransitionNotifier;
  /** Where a notification SNS refuses for good goes, with the reason. Without it, the refusal is only logged. */
  readonly refusedNotifications?: Pick<DeadLetterQueue, 'send'>;
  /** Remediation executions (records, links, history). Without it, remediation events are skipped. */
  readonly remediations?: RemediationRepository;
  /**
   * Which configuration-item changes go to the history (CONFIGURATION_ITEM_HISTORY); a deletion always does. With
   * `RESOURCES_WITH_COMPLIANCE`, `compliancePresence` answers which resources have compliance (without it: all do).
   * @default - ALL: every change (a context built without it, as the reconciliation's, which writes no configuration item)
   */
  readonly configurationItemHistory?: ConfigurationItemHistoryValue;
  readonly compliancePresence?: Pick<ResourceCompliancePresence, 'hasComplianceItem'>;
  /** How long history records live in the events table before TTL removes them. */
  readonly historyRetentionDays: number;
  /** How far in the future a stored time may be and still be trusted (CLOCK_SKEW_MS in production). */
  readonly clockSkewMs: number;
  /** How long an invocation that committed a notification owns it before another delivery may take it over. */
  readonly notificationLeaseMs: number;
  readonly now: () => Date;
}

/** The skew the door allows (event-time-bounds.ts): a stored time beyond it was written before times were checked. */
export const CLOCK_SKEW_MS = MAX_CLOCK_SKEW_MS;

/**
 * How long the invocation that committed a notification owns it: more than the handler's 60-second timeout (after
 * it, that invocation is surely gone), less than the queue's visibility timeout (6 × 60 s + window), so the
 * redelivery of an invocation that died finds the lease run out and sends it.
 */
export const NOTIFICATION_LEASE_MS = 90_000;

const SECONDS_PER_DAY = 86_400;

export function expiresAt(eventTimeMs: number, context: WriteContext): number {
  return Math.floor(eventTimeMs / 1000) + context.historyRetentionDays * SECONDS_PER_DAY;
}
