import { App, Stack } from 'aws-cdk-lib';
import { ConfigMonitoringMaster } from '../../src';
import { HANDLER_METRIC_NAMES } from '../../src/master/handler-metric-names';
import type { MetricName } from '../../src/runtime/observability/metrics';

// Every name the runtime can emit, written as a record so that a name added to MetricName fails tsc here.
const RUNTIME_NAMES: Record<MetricName, true> = {
  EventsProcessed: true,
  EventsSkipped: true,
  EventsFailed: true,
  EventsDeadLettered: true,
  StaleOrDuplicateEvents: true,
  ComplianceTransitions: true,
  NonCompliantTransitions: true,
  NotificationsSent: true,
};

describe('ConfigMonitoringMaster.metric()', () => {
  const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });

  test('knows exactly the metric names the runtime emits', () => {
    expect([...HANDLER_METRIC_NAMES].sort()).toEqual(Object.keys(RUNTIME_NAMES).sort());
  });

  test('returns the handler metric by name, as the named methods do', () => {
    const metric = master.metric('NotificationsSent');
    expect(metric.namespace).toBe('ConfigMonitoring');
    expect(metric.metricName).toBe('NotificationsSent');
    expect(stack.resolve(metric.dimensions)).toEqual(stack.resolve(master.metricEventsProcessed().dimensions));
  });

  test('fails on a name the handler does not emit, naming the path and the known names', () => {
    expect(() => master.metric('EventProcessed')).toThrow(
      "ConfigMonitoringMaster at 'Master/Monitoring': metric() got 'EventProcessed', which the event handler does not emit: use one of EventsProcessed,");
  });
});
