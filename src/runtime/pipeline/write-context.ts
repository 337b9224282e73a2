import type { RemediationRepository } from './remediation-repository';
import type { TransitionNotifier } from './transition-notifier';
import type { ConfigComplianceRepository } from '../store/config-compliance-repository';
import type { HistoryRepository } from '../store/history-repository';

/** Everything the write path needs; built once per Lambda container, replaced in tests. */
export interface WriteContext {
  readonly compliance: ConfigComplianceRepository;
  readonly history: HistoryRepository;
  readonly notifier: TransitionNotifier;
  /** Remediation executions (records, links, history). Without it, remediation events are skipped. */
  readonly remediations?: RemediationRepository;
  /** How long history records live in the events table before TTL removes them. */
  readonly historyRetentionDays: number;
  readonly now: () => Date;
}

const SECONDS_PER_DAY = 86_400;

export function expiresAt(eventTimeMs: number, context: WriteContext): number {
  return Math.floor(eventTimeMs / 1000) + context.historyRetentionDays * SECONDS_PER_DAY;
}
