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

/** The shortest silence the check reports: well above the handler's write interval (15 minutes) plus buffering. */
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
      environment: functionEnvironment('CheckAccountActivity', {
        complianceTableName: props.complianceTable.tableName,
        silentAfterSeconds: period.isUnresolved() ? Token.asString(period.toSeconds()) : String(period.toSeconds()),
        ignoredAccounts: (props.silentAccountExclusions ?? []).join(','),
        fleetCoverage: fleet ? fleetCoverageVariable(this, fleet) : '',
      }),
    });
    this.function = fn;
    if (fleet) grantFleetCoverage(role, props.complianceTable, fleet.fromOrganizations ?? true);
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

/** The snapshot's one item, and the Organizations list calls when the expected accounts come from there. */
function grantFleetCoverage(role: iam.IRole, table: dynamodb.ITableV2, fromOrganizations: boolean): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:PutItem'],
    resources: [table.tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [FLEET_COVERAGE_PARTITION_KEY] } },
  }));
  if (!fromOrganizations) return;
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['organizations:ListAccounts', 'organizations:ListAccountsForParent', 'organizations:ListChildren'],
    resources: ['*'],
  }));
  acknowledgeNagFinding(role, 'AwsSolutions-IAM5', 'Resource::*',
    'Organizations list calls: ListAccounts accepts no resource, and the OUs to walk are found at run time; read-only');
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
