/**
 * The custom metrics each function emits (embedded metric format) and the dashboard, alarms and `metricXxx()`
 * methods read. One list per function: the runtime's metric types are derived from these lists and the construct
 * side takes the same types, so a misspelt name fails `tsc` on either side instead of giving an alarm that never fires.
 */

/** The namespace of every metric the library's functions emit. */
export const METRICS_NAMESPACE = 'ConfigMonitoring';

/** The one dimension of every metric: the emitting function's name. */
export const METRICS_DIMENSION = 'FunctionName';

/** HandleConfigEvents (master): one document per batch. */
export const HANDLE_CONFIG_EVENTS_METRICS = [
  'EventsProcessed',
  'EventsSkipped',
  'EventsFailed',
  'EventsDeadLettered',
  'StaleOrDuplicateEvents',
  'ComplianceTransitions',
  'NonCompliantTransitions',
  'NotificationsSent',
] as const;
export type HandleConfigEventsMetric = typeof HANDLE_CONFIG_EVENTS_METRICS[number];

/** ProcessConfigEvents (agent): one document per batch, zeros left out. */
export const PROCESS_CONFIG_EVENTS_METRICS = [
  'EventsReceived',
  'EventsForwarded',
  'EventsDroppedByResourceType',
  'EventsDroppedNotApplicable',
  'EventsDroppedRelationshipOnly',
  'EventsSampledOut',
  'EventsDroppedUnknownDocument',
  'DuplicateEvents',
  'OversizedItemsResolved',
  'OversizedItemsUnresolved',
  'EntriesShrunk',
  'PutEventsResends',
  'EventsFailed',
  'EventsDeadLettered',
] as const;
export type ProcessConfigEventsMetric = typeof PROCESS_CONFIG_EVENTS_METRICS[number];

/** ReconcileCompliance (master): one document per invocation that ran a pass. */
export const RECONCILE_COMPLIANCE_METRICS = [
  /** Items missing or different from the aggregator (healed) plus items it no longer reports (retired). */
  'ReconciliationDrift',
  'ReconciliationHealed',
  'ReconciliationRetired',
  'ReconciliationEvaluations',
  'ReconciliationThrottled',
  'ReconciliationPassesCompleted',
] as const;
export type ReconcileComplianceMetric = typeof RECONCILE_COMPLIANCE_METRICS[number];

/** CheckAccountActivity (master): one document per run, zeros included. */
export const CHECK_ACCOUNT_ACTIVITY_METRICS = [
  'SilentAccounts',
  'SilentAccountRegions',
  'AccountsSeen',
  // Fleet coverage, when the master knows which accounts should report.
  'ExpectedAccountRegions',
  'ReportingAccountRegions',
  'NeverReportedAccountRegions',
  'SilentExpectedAccountRegions',
  'CoverageListTruncated',
] as const;
export type CheckAccountActivityMetric = typeof CHECK_ACCOUNT_ACTIVITY_METRICS[number];

/** DailyReport (master): one document per report; `CompliancePercent` only when something was evaluated. */
export const DAILY_REPORT_METRICS = ['CompliantItems', 'NonCompliantItems', 'CompliancePercent'] as const;
export type DailyReportMetric = typeof DAILY_REPORT_METRICS[number];

/** Every function's metrics, by the function's construct-side name (the docs and tests walk this). */
export const FUNCTION_METRICS = {
  HandleConfigEvents: HANDLE_CONFIG_EVENTS_METRICS,
  ProcessConfigEvents: PROCESS_CONFIG_EVENTS_METRICS,
  ReconcileCompliance: RECONCILE_COMPLIANCE_METRICS,
  CheckAccountActivity: CHECK_ACCOUNT_ACTIVITY_METRICS,
  DailyReport: DAILY_REPORT_METRICS,
  ArchiveHistory: [],
  ComplianceApi: [],
} as const;

/** A function that emits metrics of its own. */
export type MetricEmitter = keyof typeof FUNCTION_METRICS;

/** The metrics of one function. */
export type FunctionMetric<F extends MetricEmitter> = typeof FUNCTION_METRICS[F][number];

/** Any metric some function emits: the most an EMF writer accepts. */
export type ContractMetric = FunctionMetric<MetricEmitter>;
