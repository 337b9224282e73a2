import { compliancePercent, type DailyReport } from './report-model';
import type { DailyReportMetric } from '../../contract/metric-names';
import { emfDocument } from '../observability/metrics';

/**
 * The day's totals as embedded-metric-format metrics (namespace `ConfigMonitoring`, dimension `FunctionName`):
 * an alarm on `NonCompliantItems` or `CompliancePercent` needs no extra query.
 */
export function reportMetrics(report: DailyReport, functionName: string, now = Date.now()): Record<string, unknown> {
  const t = report.current.totals;
  const percent = compliancePercent(t);
  const values: Partial<Record<DailyReportMetric, number>> = {
    CompliantItems: t.COMPLIANT,
    NonCompliantItems: t.NON_COMPLIANT,
    ...(percent === undefined ? {} : { CompliancePercent: percent }),
  };
  return emfDocument(functionName, values, now, (name) => (name === 'CompliancePercent' ? 'Percent' : 'Count'));
}
