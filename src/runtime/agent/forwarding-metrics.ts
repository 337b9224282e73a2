import type { ProcessConfigEventsMetric } from '../../contract/metric-names';
import { MetricsBatch } from '../observability/metrics';

/** The ProcessConfigEvents metrics (the contract's list), one EMF line per batch. */
export type ForwardingMetricName = ProcessConfigEventsMetric;

/** The forwarder's batch: a zero is not counted, so a metric that never moved stays out of the document. */
export class ForwardingMetrics extends MetricsBatch<ForwardingMetricName> {
  add(name: ForwardingMetricName, value = 1): void {
    if (value === 0) return;
    super.add(name, value);
  }
}
