import { Metrics, MetricUnit as PowertoolsUnit } from '@aws-lambda-powertools/metrics';
import { Logger } from './logger';
import { type ContractMetric, type HandleConfigEventsMetric, METRICS_DIMENSION, METRICS_NAMESPACE } from '../../contract/metric-names';

/**
 * CloudWatch embedded metric format: metrics ride on one log line per invocation, with no PutMetricData calls
 * and no extra latency. The construct's `metricXxx()` methods, the dashboard and the alarms read the same names,
 * from the contract (src/contract/metric-names.ts).
 */
export type MetricName = HandleConfigEventsMetric;

/** The CloudWatch unit of one metric: every function's metrics are counts unless it says otherwise. */
export type MetricUnit = 'Count' | 'Percent';

const UNITS = { Count: PowertoolsUnit.Count, Percent: PowertoolsUnit.Percent } as const;

// Powertools' own warnings (a timestamp CloudWatch would drop, an empty dimension) as structured log lines, created
// on first use so that a function that writes no metric pays nothing for it.
let warnings: Logger | undefined;

/**
 * The one EMF writer of every function (namespace `ConfigMonitoring`, dimension `FunctionName`): one document whose
 * metrics are the keys of `values`, in their order, followed by the values themselves. Powertools Metrics writes the
 * document; `Name` keeps the contract's typing (a misspelt metric fails `tsc`), and Powertools' default `service`
 * dimension is cleared because every alarm and dashboard widget reads the metrics by `FunctionName` alone.
 */
export function emfDocument<Name extends ContractMetric>(
  functionName: string,
  values: Readonly<Partial<Record<Name, number>>>,
  now = Date.now(),
  unitOf: (name: Name) => MetricUnit = () => 'Count',
): Record<string, unknown> {
  warnings ??= new Logger();
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, logger: warnings });
  metrics.clearDefaultDimensions();
  metrics.addDimension(METRICS_DIMENSION, functionName);
  metrics.setTimestamp(now);
  for (const name of Object.keys(values) as Name[]) metrics.addMetric(name, UNITS[unitOf(name)], values[name]!);
  return metrics.serializeMetrics() as unknown as Record<string, unknown>;
}

/** Counts added up over one batch, written as one EMF line; `Name` is the function's own set of metric names. */
export class MetricsBatch<Name extends ContractMetric = MetricName> {
  private readonly counts = new Map<Name, number>();

  add(name: Name, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }

  get(name: Name): number {
    return this.counts.get(name) ?? 0;
  }

  /** The EMF document, or undefined when nothing was counted. */
  toEmf(functionName: string, now = Date.now()): Record<string, unknown> | undefined {
    if (this.counts.size === 0) return undefined;
    return emfDocument(functionName, Object.fromEntries(this.counts) as Record<Name, number>, now);
  }

  flush(functionName: string, sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
    const document = this.toEmf(functionName);
    if (document) sink(JSON.stringify(document));
  }
}
