import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ContributorInsightsWidget } from './contributor-insights-widget';
import { functionMetric } from '../../common/function-metric';
import type { CheckAccountActivityMetric, HandleConfigEventsMetric } from '../../contract/metric-names';

/** The namespace of every metric the library's functions emit (embedded metric format). */
export { METRICS_NAMESPACE } from '../../contract/metric-names';

/** The log line the event handler writes once per compliance transition; the Contributor Insights rule matches it. */
export const TRANSITION_LOG_MESSAGE = 'compliance transition';

/**
 * Options of the master's dashboard and alarms.
 *
 * Every option has a default: leaving the whole struct out gives the default dashboard and alarms.
 */
export interface ComplianceDashboardOptions {
  /**
   * The name of the CloudWatch dashboard.
   *
   * Up to 255 letters, digits, `-` and `_`.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * The topic the alarms notify, on alarm and when they return to OK.
   *
   * Must be usable by CloudWatch: a topic encrypted with the AWS-managed key `alias/aws/sns` is not (CloudWatch
   * cannot use that key, and synth fails). When the topic knows its customer-managed key, the key policy is given
   * the statement CloudWatch needs; a key imported by ARN must already allow `cloudwatch.amazonaws.com`
   * `kms:Decrypt` and `kms:GenerateDataKey*`.
   *
   * @default - the alarms have no actions: they show their state on the dashboard and in the console only
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * How many items one reconciliation run may correct before the drift alarm fires.
   *
   * Config's events are best effort, so a few corrections per run are normal; many mean events are being lost
   * (a broken forwarding rule, a full dead-letter queue, a throttled handler).
   *
   * @default 10
   */
  readonly driftAlarmThreshold?: number;

  /**
   * How long an account may send no Config event, in any region, before the silent-account alarm fires.
   *
   * At least one hour. An account with few changes (a sandbox) can be quiet for a day on its own: choose a period
   * longer than its quietest normal stretch, or list it in `silentAccountExclusions`. Forwarding the agents'
   * snapshot delivery events gives every recording account a heartbeat at the delivery channel's frequency.
   *
   * @default Duration.hours(24)
   */
  readonly silentAccountPeriod?: Duration;

  /**
   * Accounts that may stay silent without an alarm: suspended, closed, or quiet on purpose.
   *
   * @default - none
   */
  readonly silentAccountExclusions?: string[];
}

/** Properties of a `ComplianceDashboard`: the options, and the parts of the master it watches. */
export interface ComplianceDashboardProps extends ComplianceDashboardOptions {
  /** The function that applies the Config events (`HandleConfigEvents`). */
  readonly eventHandler: lambda.IFunction;
  /** Its log group: the Contributor Insights rule reads its transition lines. */
  readonly eventHandlerLogGroup: logs.ILogGroup;
  readonly bufferQueue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * The function that emits `ReconciliationDrift` (namespace `ConfigMonitoring`, dimension `FunctionName`).
   * @default - no drift widget nor alarm
   */
  readonly reconcileFunction?: lambda.IFunction;
  /**
   * The function that emits `SilentAccounts` and `SilentAccountRegions`.
   * @default - no silent-account widget nor alarm
   */
  readonly accountActivityFunction?: lambda.IFunction;
  /**
   * How often `accountActivityFunction` runs: the silent-account alarm's period.
   * @default Duration.hours(1)
   */
  readonly accountActivityInterval?: Duration;
  /**
   * Whether `accountActivityFunction` also emits the fleet coverage metrics (`NeverReportedAccountRegions`…).
   * @default false
   */
  readonly fleetCoverage?: boolean;
}

const FIVE_MINUTES = Duration.minutes(5);
const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * The master's CloudWatch dashboard and its alarms.
 *
 * Non-compliance by rule and account comes from a Contributor Insights rule over the handler's structured log
 * lines, not from metrics with `account` and `rule` dimensions: one metric per (rule, account) pair would cost
 * $0.30 a month each (50 rules × 100 accounts = $1,500 a month), while the rule costs $0.50 a month plus $0.02 per
 * million matched lines, whatever the number of accounts and rules.
 *
 * @internal
 */
export class ComplianceDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  public readonly handlerErrorsAlarm: cloudwatch.Alarm;
  public readonly driftAlarm?: cloudwatch.Alarm;
  public readonly silentAccountsAlarm?: cloudwatch.Alarm;
  public readonly activityCheckErrorsAlarm?: cloudwatch.Alarm;
  public readonly neverReportedAlarm?: cloudwatch.Alarm;
  public readonly coverageTruncatedAlarm?: cloudwatch.Alarm;
  public readonly nonCompliantContributors: cloudwatch.CfnInsightRule;

  constructor(scope: Construct, id: string, props: ComplianceDashboardProps) {
    super(scope, id);
    validateOptions(props);
    const stack = Stack.of(this);

    this.nonCompliantContributors = new cloudwatch.CfnInsightRule(this, 'NonCompliantContributors', {
      ruleState: 'ENABLED',
      // Unique per account and region, and stable for this construct: a rule name is at most 128 characters.
      ruleName: `config-monitoring-non-compliant-${this.node.addr.slice(0, 12)}`,
      ruleBody: stack.toJsonString({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogGroupNames: [props.eventHandlerLogGroup.logGroupName],
        LogFormat: 'JSON',
        Contribution: {
          Keys: ['$.config_rule_name', '$.account'],
          Filters: [
            { Match: '$.message', In: [TRANSITION_LOG_MESSAGE] },
            { Match: '$.compliance_status', In: ['NON_COMPLIANT'] },
          ],
        },
        AggregateOn: 'Count',
      }),
    });

    const handlerMetric = (metricName: HandleConfigEventsMetric, label: string) =>
      functionMetric(props.eventHandler, 'HandleConfigEvents', metricName, { period: FIVE_MINUTES, label });
    // Alarms take the metrics without labels: a labelled metric is rendered as a metric-math alarm.
    const deadLetterDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES,
    });
    const handlerErrors = props.eventHandler.metricErrors({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES });
    const handlerThrottles = props.eventHandler.metricThrottles({ statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES, label: 'Throttles' });

    const action = props.alarmTopic ? new cwActions.SnsAction(props.alarmTopic) : undefined;
    // CloudWatch publishes to an encrypted topic only if the key lets it (a key imported by ARN ignores the grant).
    props.alarmTopic?.masterKey?.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const withActions = (alarm: cloudwatch.Alarm) => {
      if (action) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
      return alarm;
    };
    // Any occurrence in `evaluationPeriods` consecutive periods; missing data never alarms (a quiet pipeline is not a broken one).
    const alarmOnAny = (metric: cloudwatch.Metric, alarmId: string, alarmDescription: string, evaluationPeriods = 1) =>
      withActions(metric.createAlarm(this, alarmId, {
        alarmDescription,
        threshold: 1,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));

    this.deadLetterAlarm = alarmOnAny(deadLetterDepth, 'DeadLetterAlarm',
      'Config events are waiting in the dead-letter queue: read the reason attribute of each message, fix, then redrive to the buffer queue');

    this.handlerErrorsAlarm = alarmOnAny(handlerErrors, 'HandlerErrorsAlarm',
      'HandleConfigEvents failed whole invocations (not single records) in 3 consecutive 5-minute periods: see its log group', 3);

    const widgets: cloudwatch.IWidget[][] = [
      [
        new ContributorInsightsWidget({
          title: 'Resources becoming NON_COMPLIANT, by rule and account (top 10)',
          ruleName: this.nonCompliantContributors.attrRuleName,
          region: stack.region,
        }),
        new cloudwatch.GraphWidget({
          title: 'Compliance transitions and notifications',
          width: 12,
          left: [
            handlerMetric('ComplianceTransitions', 'Transitions'),
            handlerMetric('NonCompliantTransitions', 'To NON_COMPLIANT'),
            handlerMetric('NotificationsSent', 'Notifications'),
          ],
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'Events',
          width: 12,
          left: [
            handlerMetric('EventsProcessed', 'Processed'),
            handlerMetric('EventsSkipped', 'Skipped'),
            handlerMetric('StaleOrDuplicateEvents', 'Stale or duplicate'),
            handlerMetric('EventsFailed', 'Failed (redelivered)'),
            handlerMetric('EventsDeadLettered', 'Dead-lettered'),
          ],
        }),
        new cloudwatch.GraphWidget({
          title: 'Queues',
          width: 12,
          left: [deadLetterDepth.with({ label: 'Dead-letter messages' })],
          right: [props.bufferQueue.metricApproximateAgeOfOldestMessage({
            statistic: cloudwatch.Stats.MAXIMUM, period: FIVE_MINUTES, label: 'Oldest buffered message (s)',
          })],
          leftAnnotations: [{ value: 1, label: 'alarm', color: cloudwatch.Color.RED }],
        }),
      ],
      [
        new cloudwatch.GraphWidget({
          title: 'HandleConfigEvents errors and throttles',
          width: 12,
          left: [handlerErrors.with({ label: 'Errors' }), handlerThrottles],
        }),
      ],
    ];

    const optionalRow: cloudwatch.IWidget[] = [];
    if (props.reconcileFunction) {
      const drift = functionMetric(props.reconcileFunction, 'ReconcileCompliance', 'ReconciliationDrift', {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });
      const threshold = props.driftAlarmThreshold ?? 10;
      this.driftAlarm = withActions(drift.createAlarm(this, 'ReconciliationDriftAlarm', {
        alarmDescription: `A reconciliation run corrected more than ${threshold} items: events are being lost between the agents and the handler`,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }));
      optionalRow.push(new cloudwatch.GraphWidget({
        title: 'Reconciliation drift',
        width: 12,
        left: [drift.with({ label: 'Items corrected by a run' })],
        leftAnnotations: [{ value: threshold, label: 'alarm', color: cloudwatch.Color.RED }],
      }));
    }
    if (props.accountActivityFunction) {
      const period = props.accountActivityInterval ?? Duration.hours(1);
      const activity = (metricName: CheckAccountActivityMetric, label?: string) =>
        functionMetric(props.accountActivityFunction!, 'CheckAccountActivity', metricName, { statistic: cloudwatch.Stats.MAXIMUM, period, label });
      this.silentAccountsAlarm = alarmOnAny(activity('SilentAccounts'), 'SilentAccountsAlarm',
        'Accounts sent no Config event for longer than the silent-account period: '
          + "check their agent stacks and Config recorders; the check function's log lists them");
      // Without it a check that keeps failing would leave the alarms above without data, hence OK.
      this.activityCheckErrorsAlarm = alarmOnAny(props.accountActivityFunction.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
        'ActivityCheckErrorsAlarm',
        'CheckAccountActivity failed in 2 consecutive hours, so the silent-account and fleet coverage alarms get no data: '
          + 'see its log group (AccessDeniedException from Organizations: the master is in neither the management account '
          + 'nor a delegated administrator account)', 2);
      optionalRow.push(new cloudwatch.GraphWidget({
        title: 'Silent accounts',
        width: 12,
        left: [activity('SilentAccounts', 'Silent accounts'), activity('SilentAccountRegions', 'Silent account-regions')],
        right: [activity('AccountsSeen', 'Accounts seen')],
      }));
      if (props.fleetCoverage) {
        this.neverReportedAlarm = alarmOnAny(activity('NeverReportedAccountRegions'), 'NeverReportedAlarm',
          'Accounts and regions that should report (Organizations or the fleet coverage list) never sent an event: '
            + 'their agent is not deployed or cannot reach the bus; GET /coverage, the daily report or the check function\'s log lists them');
        this.coverageTruncatedAlarm = alarmOnAny(activity('CoverageListTruncated'), 'CoverageTruncatedAlarm',
          'The fleet coverage check stopped reading Organizations before the end (its time or call budget): '
            + 'its never-reported count is partial; narrow fleetCoverage.organizationalUnitIds, or see the check function\'s log for throttling');
        optionalRow.push(new cloudwatch.GraphWidget({
          title: 'Fleet coverage',
          width: 12,
          left: [
            activity('NeverReportedAccountRegions', 'Never reported'),
            activity('SilentExpectedAccountRegions', 'Expected, silent'),
          ],
          right: [activity('ExpectedAccountRegions', 'Expected'), activity('ReportingAccountRegions', 'Reporting')],
        }));
      }
    }
    // Every alarm in one place, the optional ones included.
    widgets[2].push(new cloudwatch.AlarmStatusWidget({
      title: 'Alarms',
      width: 12,
      alarms: [this.deadLetterAlarm, this.handlerErrorsAlarm, this.driftAlarm, this.silentAccountsAlarm, this.activityCheckErrorsAlarm,
        this.neverReportedAlarm, this.coverageTruncatedAlarm].filter((alarm): alarm is cloudwatch.Alarm => alarm !== undefined),
    }));
    if (optionalRow.length > 0) widgets.push(optionalRow);

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
      widgets,
    });
  }
}

function validateOptions(props: ComplianceDashboardProps): void {
  const key = props.alarmTopic?.masterKey as { aliasName?: string } | undefined;
  if (key?.aliasName === AWS_MANAGED_SNS_KEY) {
    throw new Error(`alarmTopic is encrypted with the AWS-managed key ${AWS_MANAGED_SNS_KEY}, which CloudWatch alarms cannot use: `
      + 'give the alarms a topic encrypted with a customer-managed key (or unencrypted)');
  }
  const name = props.dashboardName;
  if (name !== undefined && !Token.isUnresolved(name) && !DASHBOARD_NAME.test(name)) {
    throw new Error(`dashboardName must be 1 to 255 letters, digits, '-' or '_', got '${name}': `
      + 'replace spaces and other characters with - or _');
  }
  const threshold = props.driftAlarmThreshold;
  if (threshold !== undefined && !Token.isUnresolved(threshold) && (!Number.isInteger(threshold) || threshold < 0)) {
    throw new Error(`driftAlarmThreshold must be a whole number of items, 0 or more, got ${threshold}: `
      + 'use 0 to be alerted on any correction, or the number of corrections per run you consider normal');
  }
}
