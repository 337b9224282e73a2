import type { ReconcileComplianceMetric } from '../../contract/metric-names';
import { emfDocument } from '../observability/metrics';

/** The reconciliation function's metrics (the contract's list). */
export type ReconciliationMetricName = ReconcileComplianceMetric;

/** One embedded-metric-format document per invocation: every value is this invocation's share. */
export function reconciliationEmf(functionName: string, values: Record<ReconciliationMetricName, number>, now = Date.now()): Record<string, unknown> {
  return emfDocument(functionName, values, now);
}
