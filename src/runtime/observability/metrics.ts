/**
 * CloudWatch embedded metric format: metrics ride on one log line per invocation, with no PutMetricData calls
 * and no extra latency. The construct's `metricXxx()` methods read the same namespace, names and dimension.
 */
export const METRICS_NAMESPACE = 'ConfigMonitoring';

export type MetricName =
  | 'EventsProcessed'
  | 'EventsSkipped'
  | 'EventsFailed'
  | 'EventsDeadLettered'
  | 'StaleOrDuplicateEvents'
  | 'ComplianceTransitions'
  | 'NotificationsSent';

export class MetricsBatch {
  private readonly counts = new Map<MetricName, number>();

  add(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }

  get(name: MetricName): number {
    return this.counts.get(name) ?? 0;
  }

  /** The EMF document, or undefined when nothing was counted. */
  toEmf(functionName: string, now = Date.now()): Record<string, unknown> | undefined {
    if (this.counts.size === 0) return undefined;
    const names = [...this.counts.keys()];
    return {
      _aws: {
        Timestamp: now,
        CloudWatchMetrics: [{
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['FunctionName']],
          Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
        }],
      },
      FunctionName: functionName,
      ...Object.fromEntries(this.counts),
    };
  }

  flush(functionName: string, sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
    const document = this.toEmf(functionName);
    if (document) sink(JSON.stringify(document));
  }
}
