import { MetricsBatch } from '../../../src/runtime/observability/metrics';

describe('MetricsBatch', () => {
  test('renders the counted metrics as one embedded-metric-format document under the FunctionName dimension', () => {
    const metrics = new MetricsBatch();
    metrics.add('EventsProcessed', 3);
    metrics.add('EventsProcessed');
    metrics.add('NotificationsSent');

    const document = metrics.toEmf('handle-config-events', 1764158400000) as Record<string, any>;

    expect(document._aws).toEqual({
      Timestamp: 1764158400000,
      CloudWatchMetrics: [{
        Namespace: 'ConfigMonitoring',
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'EventsProcessed', Unit: 'Count' }, { Name: 'NotificationsSent', Unit: 'Count' }],
      }],
    });
    expect(document).toMatchObject({ FunctionName: 'handle-config-events', EventsProcessed: 4, NotificationsSent: 1 });
  });

  test('writes nothing when nothing was counted', () => {
    const lines: string[] = [];

    new MetricsBatch().flush('fn', (line) => lines.push(line));

    expect(lines).toEqual([]);
  });
});
