import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { functionNameMetric } from '../common/function-metric';
import { type HandleConfigEventsMetric, HANDLE_CONFIG_EVENTS_METRICS } from '../contract/metric-names';

/**
 * The event handler's metric `metricName`, for `metric(name)` of a created or an imported master.
 *
 * The name is a plain string across languages (jsii has no string-literal types): it is checked against the contract
 * here, since an alarm on a name the handler never emits would never fire.
 *
 * @internal
 */
export function handlerMetricByName(master: IConstruct, functionName: string, metricName: string,
  props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  if (!(HANDLE_CONFIG_EVENTS_METRICS as readonly string[]).includes(metricName)) {
    throw new Error(`ConfigMonitoringMaster at '${master.node.path}': metric() got '${metricName}', which the event handler `
      + `does not emit: use one of ${HANDLE_CONFIG_EVENTS_METRICS.join(', ')}`);
  }
  return functionNameMetric(functionName, 'HandleConfigEvents', metricName as HandleConfigEventsMetric, props);
}
