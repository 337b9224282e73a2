import { emfDocument, MetricsBatch } from '../../../src/runtime/observability/metrics';

describe('MetricsBatch', () => {
  test('renders the counted metrics as one embedded-metric-format document under the FunctionName dimension', () => {
    const metrics = new MetricsBatch();
    metrics.add('EventsProcessed', 3);
    metrics.add('EventsProcessed');
    metrics.add('NotificationsSent');

    // A recent time: CloudWatch drops (and Powertools warns about) documents more than 14 days old.
    const now = Date.now();
    const document = metrics.toEmf('handle-config-events', now) as Record<string, any>;

    expect(document._aws).toEqual({
      Timestamp: now,
      CloudWatchMetrics: [{
        Namespace: 'ConfigMonitoring',
        Dimensions: [['FunctionName']],
        Metrics: [{ Name: 'EventsProcessed', Unit: 'Count' }, { Name: 'NotificationsSent', Unit: 'Count' }],
      }],
    });
    expect(document).toMatchObject({ FunctionName: 'handle-config-events', EventsProcessed: 4, NotificationsSent: 1 });
  });

  test('a unit other than Count is written as given, and no dimension but FunctionName', () => {
    const document = emfDocument<'CompliantItems' | 'CompliancePercent'>('daily-report', { CompliantItems: 9, CompliancePercent: 90 }, Date.now(),
      (name) => (name === 'CompliancePercent' ? 'Percent' : 'Count')) as Record<string, any>;

    expect(document._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'CompliantItems', Unit: 'Count' }, { Name: 'CompliancePercent', Unit: 'Percent' }]);
    expect(document._aws.CloudWatchMetrics[0].Dimensions).toEqual([['FunctionName']]);
    expect(document).not.toHaveProperty('service');
  });

  test('writes nothing when nothing was counted', () => {
    const lines: string[] = [];

    new MetricsBatch().flush('fn', (line) => lines.push(line));

    expect(lines).toEqual([]);
  });
});
