import { emfDocument } from '../observability/metrics';

/** The reconciliation function's metrics: same namespace and dimension as the event handler's (runtime contract). */
export type ReconciliationMetricName =
  /** Items missing or different from the aggregator (healed) plus items it no longer reports (retired). */
  | 'ReconciliationDrift'
  | 'ReconciliationHealed'
  | 'ReconciliationRetired'
  | 'ReconciliationEvaluations'
  | 'ReconciliationThrottled'
  | 'ReconciliationPassesCompleted';

/** One embedded-metric-format document per invocation: every value is this invocation's share. */
export function reconciliationEmf(functionName: string, values: Record<ReconciliationMetricName, number>, now = Date.now()): Record<string, unknown> {
  return emfDocument(functionName, values, now);
}
