import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ComplianceAggregator, type BoundAggregator } from './compliance-aggregator';
import { createMonitoringFunction, DEFAULT_FUNCTION_IDS } from '../../common/monitoring-function';
import { acknowledgeNagFinding, nagRendering } from '../../common/nag-acknowledgement';
import { validateDurationInRange } from '../../common/validation';
import { functionEnvironment } from '../../contract/function-environments';
import { ReconcileComplianceFunction } from '../../handlers/reconcile-compliance-function';
import { grantTransitionPublishing, type WritePathResources } from '../write-path-resources';

/**
 * How often the function wakes. A wake with nothing due costs one DynamoDB read; a pass longer than one invocation
 * continues at the next wake, so a large organization converges in `timeout + 15 minutes` steps rather than in
 * `interval` steps.
 */
export const RECONCILIATION_WAKE_RATE = Duration.minutes(15);

/** Default least time between the starts of two passes. */
export const DEFAULT_RECONCILIATION_INTERVAL = Duration.hours(6);

/** Default invocation timeout: Lambda's maximum, so that most organizations finish a pass in one invocation. */
export const DEFAULT_RECONCILIATION_TIMEOUT = Duration.minutes(15);

/**
 * Memory: 1 GB buys the CPU share for hashing and sorting up to a million (resource, rule) pairs per pass, and holds
 * them (8 bytes each) with room to spare.
 */
export const RECONCILIATION_MEMORY_MB = 1024;

/** How the reconciliation is built. */
export interface ComplianceReconciliationProps extends WritePathResources {
  /** The aggregator to reconcile against: created here, or an existing one. */
  readonly aggregator: ComplianceAggregator;
  /**
   * Least time between the starts of two passes, in whole minutes, at least 15 minutes.
   *
   * @default Duration.hours(6)
   */
  readonly interval?: Duration;
  /**
   * The function's timeout, from 1 to 15 minutes. A pass that needs longer continues at the next wake.
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
}

/**
 * `ReconcileCompliance`: on a schedule, reads every evaluation of a Config aggregator and writes it through the
 * event handler's write path (newest wins), then retires the items the aggregator no longer reports.
 *
 * Config's events are best effort and fire only on change: an event lost is never sent again. This heals it.
 */
export class ComplianceReconciliation extends Construct {
  /** The aggregator's name. */
  public readonly aggregatorName: string;
  /** The aggregator's ARN (a wildcard ARN for an existing aggregator given by name only). */
  public readonly aggregatorArn: string;
  public readonly handler: lambda.Function;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: ComplianceReconciliationProps) {
    super(scope, id);

    const interval = props.interval ?? DEFAULT_RECONCILIATION_INTERVAL;
    const timeout = props.timeout ?? DEFAULT_RECONCILIATION_TIMEOUT;
    validateDurationInRange('reconciliationInterval', interval, RECONCILIATION_WAKE_RATE, undefined,
      'Reconciliation wakes every 15 minutes; choose Duration.minutes(15) or longer');
    validateWholeMinutes('reconciliationInterval', interval);
    validateDurationInRange('reconciliationTimeout', timeout, Duration.minutes(1), Duration.minutes(15),
      'Lambda runs a function for at most 15 minutes; a longer pass continues at the next wake');

    const aggregator = props.aggregator._bind(this);
    this.aggregatorName = aggregator.aggregatorName;
    this.aggregatorArn = aggregator.aggregatorArn;

    const { function: handler, role } = createMonitoringFunction(this, {
      createFunction: (s, fnId, fnProps) => new ReconcileComplianceFunction(s, fnId, fnProps),
      name: 'ReconcileCompliance',
      // The function is this construct's default child, so that its path is the construct's.
      ids: { ...DEFAULT_FUNCTION_IDS, function: 'Resource' },
      description: 'Reconciles the compliance state with the AWS Config aggregator',
      memorySize: RECONCILIATION_MEMORY_MB,
      timeout,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      // A failed invocation is not retried: the next wake resumes from the saved cursor.
      retryAttempts: 0,
      environment: functionEnvironment('ReconcileCompliance', {
        complianceTableName: props.complianceTable.tableName,
        eventsTableName: props.eventsTable.tableName,
        notificationTopicArn: props.notificationTopic.topicArn,
        historyRetentionDays: props.historyRetentionDays,
        aggregatorName: aggregator.aggregatorName,
        reconciliationIntervalMinutes: interval.isUnresolved()
          ? Token.asString(interval.toMinutes())
          : String(interval.toMinutes()),
      }),
    });
    this.handler = handler;

    this.schedule = new events.Rule(this, 'Schedule', {
      description: 'Wakes the compliance reconciliation',
      schedule: events.Schedule.rate(RECONCILIATION_WAKE_RATE),
    });
    this.schedule.addTarget(new targets.LambdaFunction(this.handler, {
      // A wake that is not delivered at once is superseded by the next one.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    }));

    this.grant(role, aggregator, props);
  }

  /** Exactly the calls the function makes, on exactly the resources it makes them on. */
  private grant(role: iam.Role, aggregator: BoundAggregator, props: ComplianceReconciliationProps): void {
    // Both aggregator APIs accept the aggregator's ARN as resource (Service Authorization Reference for AWS Config).
    const configPolicy = new iam.PolicyStatement({
      actions: ['config:DescribeAggregateComplianceByConfigRules', 'config:GetAggregateComplianceDetailsByConfigRule'],
      resources: [aggregator.aggregatorArn],
    });
    role.addToPrincipalPolicy(configPolicy);
    if (aggregator.wildcard) {
      acknowledgeNagFinding(role, 'AwsSolutions-IAM5', `Resource::${nagRendering(role, aggregator.aggregatorArn)}`,
        'An existing aggregator was given by name only: its ARN ends in an id AWS Config generates, so the read-only '
        + 'aggregator calls are scoped to the aggregators of this account and region. Pass the ARN to '
        + 'ComplianceAggregator.existing() to scope them to one aggregator.');
    }
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // The write path (reads, conditional puts and deletes, transition claims), the cursor and its chunks (Query),
      // and the sweep's one Scan per pass. The base table only: the status index is never read.
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resources: [props.complianceTable.tableArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      // History records are appended, never read or changed.
      actions: ['dynamodb:PutItem'],
      resources: [props.eventsTable.tableArn],
    }));
    grantTransitionPublishing(role, props);
  }
}


function validateWholeMinutes(prop: string, value: Duration): void {
  if (value.isUnresolved()) return;
  const minutes = value.toMinutes({ integral: false });
  if (!Number.isInteger(minutes)) {
    throw new Error(`${prop} must be a whole number of minutes, got ${value.toHumanString()}: `
      + `use Duration.minutes(${Math.max(15, Math.round(minutes))}) or another whole number`);
  }
}
