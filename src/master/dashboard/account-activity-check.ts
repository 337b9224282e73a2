import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { createMonitoringFunction, MonitoringFunctionFactory } from '../../common/monitoring-function';
import { acknowledgeNagFinding } from '../../common/nag-acknowledgement';
import { functionEnvironment } from '../../contract/function-environments';
import { FLEET_COVERAGE_PARTITION_KEY } from '../../contract/table-names';
import type { FleetCoverageOptions } from '../fleet/fleet-coverage-options';
import { fleetCoverageVariable } from '../fleet/fleet-coverage-settings';

/** Lambda's limit on a function's environment variables, names and values together, in bytes. */
const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/**
 * The shortest silence the check reports: 4 times the handler's shortest write interval (15 minutes; the interval is
 * an eighth of the period, from 15 minutes to 1 hour: account-activity-recorder.ts), plus buffering.
 */
export const MIN_SILENT_ACCOUNT_PERIOD = Duration.hours(1);

/** The default silence: a day without any configuration change or compliance change in any region of an account. */
export const DEFAULT_SILENT_ACCOUNT_PERIOD = Duration.hours(24);

/** How often the check runs; also the silent-account alarm's period. */
export const ACCOUNT_ACTIVITY_INTERVAL = Duration.hours(1);

/**
 * Creates the function from the generated class (`CheckAccountActivityFunction`), so this construct does not
 * depend on a bundle that is built elsewhere.
 */
export type AccountActivityFunctionFactory = MonitoringFunctionFactory;

/** Properties of an `AccountActivityCheck`. */
export interface AccountActivityCheckProps {
  readonly complianceTable: dynamodb.ITableV2;
  readonly createFunction: AccountActivityFunctionFactory;
  /** @default DEFAULT_SILENT_ACCOUNT_PERIOD */
  readonly silentAccountPeriod?: Duration;
  /** @default - none */
  readonly silentAccountExclusions?: string[];
  /** @default - no fleet coverage: only the silence of accounts already seen */
  readonly fleetCoverage?: FleetCoverageOptions;
  readonly encryptionKey?: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The hourly check that turns the per-account activity items into the `SilentAccounts` metric and, with
 * `fleetCoverage`, compares them with the accounts that should report (`NeverReportedAccountRegions`).
 *
 * A scheduled function rather than a job of the event handler: the handler only runs when events arrive, so it
 * cannot notice that none do. Its cost is one Query per activity partition an hour.
 *
 * @internal
 */
export class AccountActivityCheck extends Construct {
  public readonly function: lambda.Function;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: AccountActivityCheckProps) {
    super(scope, id);
    const period = props.silentAccountPeriod ?? DEFAULT_SILENT_ACCOUNT_PERIOD;
    validateSilentAccountPeriod(period);
    for (const account of props.silentAccountExclusions ?? []) {
      if (!/^\d{12}$/.test(account) && !Token.isUnresolved(account)) {
        throw new Error(`silentAccountExclusions must hold 12-digit account ids, got '${account}': write each id as a string of 12 digits`);
      }
    }

    const fleet = props.fleetCoverage;
    const environment = functionEnvironment('CheckAccountActivity', {
      complianceTableName: props.complianceTable.tableName,
      silentAfterSeconds: silentAfterSeconds(period),
      ignoredAccounts: (props.silentAccountExclusions ?? []).join(','),
      fleetCoverage: fleet ? fleetCoverageVariable(this, fleet) : '',
    });
    validateEnvironmentSize(environment);
    const { function: fn, role } = createMonitoringFunction(this, {
      createFunction: props.createFunction,
      name: 'CheckAccountActivity',
      description: fleet
        ? 'Reports accounts and regions that never reported or sent no Config event for longer than the silent-account period'
        : 'Reports accounts and regions that sent no Config event for longer than the silent-account period',
      memorySize: 256,
      // Organizations pages 20 accounts a call and throttles: 10,000 accounts take 500 calls and their retries.
      timeout: fleet ? Duration.minutes(5) : Duration.minutes(1),
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      environment,
    });
    this.function = fn;
    if (fleet) {
      grantFleetCoverage(role, props.complianceTable, fleet);
      // The snapshot's PutItem encrypts with the table's key.
      props.encryptionKey?.grant(role, 'kms:Encrypt', 'kms:GenerateDataKey');
    }
    // Only Query, only the base table: the activity items are read by partition key.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [props.complianceTable.tableArn],
    }));
    props.encryptionKey?.grant(role, 'kms:Decrypt', 'kms:DescribeKey');

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Runs CheckAccountActivity every hour',
      schedule: events.Schedule.rate(ACCOUNT_ACTIVITY_INTERVAL),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });
  }
}

/** The snapshot's one item, and the Organizations list calls the configured reading makes. */
function grantFleetCoverage(role: iam.IRole, table: dynamodb.ITableV2, fleet: FleetCoverageOptions): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:PutItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [FLEET_COVERAGE_PARTITION_KEY] } },
  }));
  if (!(fleet.fromOrganizations ?? true)) return;
  const underOus = (fleet.organizationalUnitIds ?? []).length > 0;
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: underOus ? ['organizations:ListAccountsForParent', 'organizations:ListChildren'] : ['organizations:ListAccounts'],
    resources: ['*'],
  }));
  acknowledgeNagFinding(role, 'AwsSolutions-IAM5', 'Resource::*', underOus
    ? 'Organizations list calls under the given OUs: their nested OUs are found at run time, and their ARNs need the management account id; read-only'
    : 'organizations:ListAccounts accepts no resource; read-only');
}

/**
 * Lambda refuses more than 4 KB of environment at deploy time: say so at synth, with the props that fill it. A
 * token counts as its placeholder, about as long as the name it stands for; the function class adds one variable.
 */
function validateEnvironmentSize(environment: Record<string, string>): void {
  const size = Object.entries({ ...environment, AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1' })
    .reduce((total, [name, value]) => total + name.length + value.length, 0);
  if (size > LAMBDA_ENVIRONMENT_LIMIT) {
    throw new Error(`silentAccountExclusions and fleetCoverage take ${size} bytes of CheckAccountActivity's environment, more than Lambda's `
      + `${LAMBDA_ENVIRONMENT_LIMIT}: shorten the lists (read the expected accounts from Organizations rather than listing them)`);
  }
}

/** SILENT_AFTER_SECONDS, as the check and the event handler read it (a token stays one). */
export function silentAfterSeconds(period: Duration): string {
  return period.isUnresolved() ? Token.asString(period.toSeconds()) : String(period.toSeconds());
}

/** Throws when the period is shorter than the check can tell apart from the handler's write interval. */
export function validateSilentAccountPeriod(period: Duration): void {
  if (period.isUnresolved()) return;
  if (period.toSeconds({ integral: false }) < MIN_SILENT_ACCOUNT_PERIOD.toSeconds()) {
    throw new Error(`silentAccountPeriod must be at least 1 hour, got ${period.toHumanString()}: `
      + 'the handler records an account at most every 15 minutes, so a shorter period would report busy accounts as silent');
  }
  if (!Number.isInteger(period.toSeconds({ integral: false }))) {
    throw new Error(`silentAccountPeriod must be a whole number of seconds, got ${period.toHumanString()}: use Duration.hours() or Duration.minutes()`);
  }
}
