import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { type FunctionMetric, METRICS_DIMENSION, METRICS_NAMESPACE, type MetricEmitter } from '../contract/metric-names';

/**
 * One metric a library function emits, read from its own namespace and dimension. `metricName` is typed by the
 * emitting function's list in the contract, so a dashboard widget, an alarm or a `metricXxx()` method cannot name a
 * metric the function never writes (an alarm that would never fire) without failing `tsc`.
 *
 * @default - sum over 5 minutes
 */
export function functionMetric<Emitter extends MetricEmitter>(
  fn: lambda.IFunction,
  _emitter: Emitter,
  metricName: FunctionMetric<Emitter>,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return functionNameMetric(fn.functionName, _emitter, metricName, props);
}

/**
 * `functionMetric()` by the function's name, for a function known only by name (an imported master's handler).
 *
 * @default - sum over 5 minutes
 */
export function functionNameMetric<Emitter extends MetricEmitter>(
  functionName: string,
  _emitter: Emitter,
  metricName: FunctionMetric<Emitter>,
  props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [METRICS_DIMENSION]: functionName },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}
