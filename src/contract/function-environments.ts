import { CONFIGURATION_ITEM_HISTORY_VALUES } from './configuration-item-history';
import {
  buildEnvironment, type EnvironmentReading, flag, type EnvironmentValues, oneOf, positiveInteger, possiblyEmptyText, readEnvironment, text,
} from './environment-variable';
import { fleetCoverageSettings } from './fleet-coverage-settings';

/**
 * The environment of every function: the construct builds it with `functionEnvironment(name, {...})`, the handler
 * reads it with `readFunctionEnvironment(name, process.env)`. A field left out or misspelt fails `tsc` on either
 * side; a variable missing at run time fails the cold start with its name and the function's.
 */

const HANDLE_CONFIG_EVENTS_ENVIRONMENT = {
  complianceTableName: text('COMPLIANCE_TABLE_NAME'),
  eventsTableName: text('EVENTS_TABLE_NAME'),
  notificationTopicArn: text('NOTIFICATION_TOPIC_ARN'),
  deadLetterQueueUrl: text('DEAD_LETTER_QUEUE_URL'),
  historyRetentionDays: positiveInteger('HISTORY_RETENTION_DAYS'),
  /** Which configuration-item changes go to the history (the master's `configurationItemHistory`). */
  configurationItemHistory: oneOf('CONFIGURATION_ITEM_HISTORY', CONFIGURATION_ITEM_HISTORY_VALUES),
  /** The silent-account period (as CheckAccountActivity's): the account-activity write interval is derived from it. */
  silentAfterSeconds: positiveInteger('SILENT_AFTER_SECONDS'),
};

const RECONCILE_COMPLIANCE_ENVIRONMENT = {
  complianceTableName: text('COMPLIANCE_TABLE_NAME'),
  eventsTableName: text('EVENTS_TABLE_NAME'),
  notificationTopicArn: text('NOTIFICATION_TOPIC_ARN'),
  historyRetentionDays: positiveInteger('HISTORY_RETENTION_DAYS'),
  aggregatorName: text('AGGREGATOR_NAME'),
  reconciliationIntervalMinutes: positiveInteger('RECONCILIATION_INTERVAL_MINUTES'),
};

const CHECK_ACCOUNT_ACTIVITY_ENVIRONMENT = {
  complianceTableName: text('COMPLIANCE_TABLE_NAME'),
  silentAfterSeconds: positiveInteger('SILENT_AFTER_SECONDS'),
  /** Comma-separated, empty when no account is excluded. */
  ignoredAccounts: possiblyEmptyText('IGNORED_ACCOUNTS'),
  /** The fleet coverage settings (JSON), empty when the master does not know which accounts should report. */
  fleetCoverage: fleetCoverageSettings('FLEET_COVERAGE'),
};

const DAILY_REPORT_ENVIRONMENT = {
  complianceTableName: text('COMPLIANCE_TABLE_NAME'),
  eventsTableName: text('EVENTS_TABLE_NAME'),
  reportBucketName: text('REPORT_BUCKET_NAME'),
  notificationTopicArn: text('NOTIFICATION_TOPIC_ARN'),
  scanSegments: positiveInteger('SCAN_SEGMENTS'),
  /** Whether the master has fleet coverage, so the report reads its snapshot. */
  readFleetCoverage: flag('READ_FLEET_COVERAGE'),
};

const ARCHIVE_HISTORY_ENVIRONMENT = {
  archiveBucketName: text('ARCHIVE_BUCKET_NAME'),
  deadLetterQueueUrl: text('DEAD_LETTER_QUEUE_URL'),
};

const COMPLIANCE_API_ENVIRONMENT = {
  complianceTableName: text('COMPLIANCE_TABLE_NAME'),
  eventsTableName: text('EVENTS_TABLE_NAME'),
  /** The account and rule indexes the table has (`BY_ACCOUNT`, `BY_RULE`), comma-separated; empty for none. */
  scopeIndexes: possiblyEmptyText('SCOPE_INDEXES'),
};

const PROCESS_CONFIG_EVENTS_ENVIRONMENT = {
  /** The forwarding settings document (JSON), parsed by the runtime's forwarding-settings. */
  forwardingSettings: text('FORWARDING_SETTINGS'),
  deadLetterQueueUrl: text('DEAD_LETTER_QUEUE_URL'),
};

/** Every function's environment spec, by the function's name (the docs and tests walk this). */
export const FUNCTION_ENVIRONMENTS = {
  HandleConfigEvents: HANDLE_CONFIG_EVENTS_ENVIRONMENT,
  ProcessConfigEvents: PROCESS_CONFIG_EVENTS_ENVIRONMENT,
  ReconcileCompliance: RECONCILE_COMPLIANCE_ENVIRONMENT,
  CheckAccountActivity: CHECK_ACCOUNT_ACTIVITY_ENVIRONMENT,
  DailyReport: DAILY_REPORT_ENVIRONMENT,
  ArchiveHistory: ARCHIVE_HISTORY_ENVIRONMENT,
  ComplianceApi: COMPLIANCE_API_ENVIRONMENT,
} as const;

/** The library's functions, by the name their handler file and their section of the runtime contract carry. */
export type FunctionName = keyof typeof FUNCTION_ENVIRONMENTS;

/** The construct side: the Lambda `environment` of function `name`, every variable given, none extra. */
export function functionEnvironment<Name extends FunctionName>(
  name: Name,
  values: EnvironmentValues<typeof FUNCTION_ENVIRONMENTS[Name]>,
): Record<string, string> {
  return buildEnvironment(FUNCTION_ENVIRONMENTS[name], values);
}

/** The handler side: function `name`'s variables read and parsed; the first missing or malformed one fails, named. */
export function readFunctionEnvironment<Name extends FunctionName>(
  name: Name,
  environment: Readonly<Record<string, string | undefined>>,
): EnvironmentReading<typeof FUNCTION_ENVIRONMENTS[Name]> {
  return readEnvironment(name, FUNCTION_ENVIRONMENTS[name], environment);
}
