import { App, Stack } from 'aws-cdk-lib';
import { ConfigMonitoringMaster } from '../../src';
import { HANDLE_CONFIG_EVENTS_METRICS } from '../../src/contract/metric-names';

describe('ConfigMonitoringMaster.metric()', () => {
  const stack = new Stack(new App(), 'Master', { env: { account: '111111111111', region: 'eu-west-1' } });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5' });

  test.each(HANDLE_CONFIG_EVENTS_METRICS)('knows %s, which the handler emits', (name) => {
    expect(master.metric(name).metricName).toBe(name);
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
