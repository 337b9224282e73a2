/**
 * The metrics the HandleConfigEvents function emits (namespace `ConfigMonitoring`, dimension `FunctionName`), in one
 * place for `ConfigMonitoringMaster.metric()`: `test/master/metrics.test.ts` checks it against the runtime's
 * `MetricName`, so a name added on one side only fails a test.
 */
export const HANDLER_METRIC_NAMES: readonly string[] = [
  'EventsProcessed',
  'EventsSkipped',
  'EventsFailed',
  'EventsDeadLettered',
  'StaleOrDuplicateEvents',
  'ComplianceTransitions',
  'NonCompliantTransitions',
  'NotificationsSent',
];
