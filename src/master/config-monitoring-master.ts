import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ComplianceAggregator } from './aggregation/compliance-aggregator';
import { ComplianceReconciliation } from './aggregation/compliance-reconciliation';
import { ComplianceApi } from './api/compliance-api';
import { ComplianceApiOptions } from './api/compliance-api-options';
import { HistoryArchive } from './archive/history-archive';
import { HistoryArchiveOptions } from './archive/history-archive-options';
import { ComplianceIndex } from './compliance-index';
import { createComplianceStore } from './compliance-store';
import type { ConfigMonitoringMasterAttributes } from './config-monitoring-master-attributes';
import type { IConfigMonitoringMaster } from './config-monitoring-master-ref';
import { ConfigurationItemHistory, configurationItemHistoryValue, DEFAULT_CONFIGURATION_ITEM_HISTORY } from './configuration-item-history';
import { AccountActivityCheck } from './dashboard/account-activity-check';
import { ComplianceDashboard, type ComplianceDashboardOptions } from './dashboard/compliance-dashboard';
import { createEventPipeline } from './event-pipeline';
import type { FleetCoverageOptions } from './fleet/fleet-coverage-options';
import { handlerMetricByName } from './handler-metric';
import { ImportedConfigMonitoringMaster } from './imported-master';
import { checkMasterLayout } from './master-layout';
import { DEFAULT_EVENT_BUS_NAME, grantAgentsPutEvents, monitoringEventBusArn, validatePrincipals } from './monitoring-event-bus';
import { OrganizationCompliance } from './organization/organization-compliance';
import type { OrganizationConformancePack } from './organization/organization-conformance-pack';
import type { OrganizationRule } from './organization/organization-rule';
import { DailyReport } from './reporting/daily-report';
import { DailyReportOptions } from './reporting/daily-report-options';
import type { WritePathResources } from './write-path-resources';
import {
  validateDurationInRange,
  validateIntegerInRange,
  validateWholeUnits,
  atConstructPath,
} from '../common/validation';
import { CheckAccountActivityFunction } from '../handlers/check-account-activity-function';

/**
 * Properties of a `ConfigMonitoringMaster`.
 */
export interface ConfigMonitoringMasterProps {
  /**
   * The AWS Organizations organization whose accounts may send Config events to the monitoring bus.
   *
   * Grants `events:PutEvents` to any principal of the organization (`aws:PrincipalOrgID`), which keeps the
   * bus policy small whatever the number of accounts. At least one of `organizationId` and `agentAccounts`
   * must be set; both may be.
   *
   * @default - no organization-wide grant: only `agentAccounts` may send events
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
   */
  readonly organizationId?: string;

  /**
   * Accounts that may send Config events to the monitoring bus, for agents outside `organizationId` or
   * when no organization is used.
   *
   * At most 50 accounts: an event bus policy is capped at 10,240 characters. Grant more through `organizationId`.
   *
   * @default - no per-account grant: only the accounts of `organizationId` may send events
   */
  readonly agentAccounts?: string[];

  /**
   * The event bus the agents send to, when you bring your own (for example a bus shared with other tools).
   *
   * The master adds its own policy statements to it (never replacing those of others) and a rule that matches only
   * the Config sources, so other events on the bus are untouched. The bus must be in this stack's account and region.
   *
   * @default - a new event bus named `eventBusName`
   */
  readonly eventBus?: events.IEventBus;

  /**
   * The name of the event bus the master creates. Cannot be combined with `eventBus`.
   *
   * The agents address the bus by ARN: see `ConfigMonitoringMaster.eventBusArn()`.
   *
   * @default 'config-monitoring'
   */
  readonly eventBusName?: string;

  /**
   * The topic that receives one message per compliance transition.
   *
   * The handler is granted `sns:Publish` on it (and the use of its key, when the topic knows its key).
   *
   * @default - a new topic that requires TLS, encrypted with `encryptionKey` if given, else with the
   * AWS-managed key `alias/aws/sns` (which AWS services such as CloudWatch alarms cannot publish with)
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * A customer-managed KMS key for the tables, the queues and the created topic.
   *
   * The handler and the EventBridge service are granted the key use they need.
   *
   * @default - the tables use the AWS-managed key `alias/aws/dynamodb`, the queues SQS-managed encryption and
   * the topic `alias/aws/sns`
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long history records are kept in the events table before DynamoDB's TTL removes them.
   *
   * A whole number of days, at least one.
   *
   * @default Duration.days(365)
   */
  readonly historyRetention?: Duration;

  /**
   * Which configuration-item changes the history keeps (compliance changes and deletions are always kept).
   *
   * `ALL` keeps every change (one write unit each: configuration items are most of the events table's writes);
   * `RESOURCES_WITH_COMPLIANCE` keeps the changes of resources some rule evaluated, which explain their compliance
   * changes, and loses the others (and a new resource's changes before its first evaluation); `NONE` keeps only
   * deletions. What the history does not keep, AWS Config does: `GetResourceConfigHistory` (retention up to
   * 7 years) and the delivery channel's S3 snapshots.
   *
   * @default ConfigurationItemHistory.RESOURCES_WITH_COMPLIANCE
   */
  readonly configurationItemHistory?: ConfigurationItemHistory;

  /**
   * What happens to the tables, queues and log group when they leave the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The most records the handler receives in one batch, from 1 to 10,000.
   *
   * A batch size above 10 requires a `maxBatchingWindow` of at least one second, as Lambda does.
   *
   * @default 100
   * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
   */
  readonly batchSize?: number;

  /**
   * The longest time Lambda gathers records before invoking the handler, in whole seconds, up to 300 seconds.
   *
   * Lambda's five pollers share the queue: at an organization's steady rate (a few events a second) a 10-second
   * window gives batches of about six records, a minute about thirty-five, so a sixth of the invocations; a
   * notification leaves at most this much later. A burst fills batches long before the window ends.
   *
   * @default Duration.seconds(60)
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * The most concurrent handler invocations the buffer queue drives, from 2 to 1,000.
   *
   * Caps the write rate on the tables during a burst (a first recording in many accounts) without
   * throttling the function itself. The default drains a new conformance pack's million first evaluations in under
   * half an hour (`npm run bench` models it), well below any table partition's or index shard's limit; at an
   * organization's steady rate two or three invocations run at once.
   *
   * @default 20
   */
  readonly maxConcurrency?: number;

  /**
   * The AWS Config aggregator the compliance state is reconciled against, on a schedule.
   *
   * Config's events are best effort and fire only on change; a pass over the aggregator heals what they missed
   * (newest wins: a newer event-driven state is never overwritten) and retires items the aggregator no longer
   * reports. The first complete pass records its transitions without notifying them.
   *
   * @default - no reconciliation: the state relies on events alone
   * @see https://docs.aws.amazon.com/config/latest/developerguide/aggregate-data.html
   */
  readonly aggregator?: ComplianceAggregator;

  /**
   * The least time between the starts of two reconciliation passes, in whole minutes, at least 15 minutes.
   *
   * The function wakes every 15 minutes to continue a pass that needs more than one invocation.
   *
   * @default Duration.hours(6)
   */
  readonly reconciliationInterval?: Duration;

  /**
   * The reconciliation function's timeout, from 1 to 15 minutes; a longer pass continues at the next wake.
   *
   * @default Duration.minutes(15)
   */
  readonly reconciliationTimeout?: Duration;

  /**
   * A daily compliance report: by account, region, rule and resource type, changes since the previous report and a
   * 30-day trend, written to S3 as JSON, CSV and a self-contained HTML page, with a summary on SNS.
   *
   * @default - no daily report
   */
  readonly dailyReport?: DailyReportOptions;

  /**
   * A read-only REST API over the compliance state, a summary and each resource's history, with IAM authorization.
   *
   * Grant callers with `grantInvokeApi()`.
   *
   * @default - no API
   */
  readonly complianceApi?: ComplianceApiOptions;

  /**
   * Indexes of the compliance table by account and by rule, for the compliance API's `account` and `rule` filters
   * or readers of your own. Each costs one write unit for every new or retired item and every transition (a first
   * recording across an organization writes every item once); without them the API answers those filters from the
   * status index.
   *
   * CloudFormation creates or deletes at most one index of a table per update: to add both to a deployed master,
   * deploy with one, then with both.
   *
   * @default - both with `complianceApi`, none without
   */
  readonly complianceIndexes?: ComplianceIndex[];

  /**
   * Archive history items to S3 before TTL removes them from the events table (DynamoDB Streams → ArchiveHistory → S3,
   * `history/dt=YYYY-MM-DD/account=<id>/…json.gz`). Retention in S3 is set here, apart from `historyRetention`.
   *
   * @default - no archive: expired history is gone
   */
  readonly historyArchive?: HistoryArchiveOptions;

  /**
   * The CloudWatch dashboard and alarms: their name, the topic the alarms notify, the drift threshold and the
   * silent-account period.
   *
   * The dashboard and its alarms (dead-letter messages, handler errors, silent accounts, and reconciliation drift
   * when reconciliation runs) are always created; these options only shape them.
   *
   * @default - a dashboard with a generated name; alarms without actions; drift alarm above 10 items per run;
   * accounts silent after 24 hours
   */
  readonly dashboard?: ComplianceDashboardOptions;

  /**
   * Which accounts and regions should report: from AWS Organizations (every active account, or those under some
   * OUs) and/or a list, × the governed regions. Every hour the master compares them with the accounts and regions
   * it has seen and reports those that never reported: the `NeverReportedAccountRegions` metric and alarm, a
   * dashboard widget, a section of the daily report and the compliance API's `GET /coverage`.
   *
   * Reading Organizations needs the management account or a delegated administrator account.
   *
   * @default - no fleet coverage: an account that never sent an event stays unnoticed
   */
  readonly fleetCoverage?: FleetCoverageOptions;

  /**
   * AWS Config rules to deploy to every account of the organization (`AWS::Config::OrganizationConfigRule`).
   *
   * Only from the organization's management account or a delegated administrator for
   * `config-multiaccountsetup.amazonaws.com`: the deployment fails elsewhere.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/config/latest/developerguide/config-rule-multi-account-deployment.html
   */
  readonly organizationRules?: OrganizationRule[];

  /**
   * Conformance packs to deploy to every account of the organization (`AWS::Config::OrganizationConformancePack`).
   *
   * Only from the organization's management account or a delegated administrator, as `organizationRules`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/config/latest/developerguide/conformance-pack-organization-apis.html
   */
  readonly organizationConformancePacks?: OrganizationConformancePack[];
}

/**
 * The central ("master") side of Config compliance monitoring: deployed once, in the central account.
 *
 * Receives the Config events the agents forward on a monitoring event bus, buffers them in SQS, and applies them
 * with the `HandleConfigEvents` function to the current compliance state (`ComplianceTable`), the history
 * (`EventsTable`, expiring through TTL) and one notification per compliance transition (`notificationTopic`).
 * Records that can never be processed end in `deadLetterQueue`, with their reason.
 *
 * @example
 * new monitoring.ConfigMonitoringMaster(this, 'Monitoring', {
 *   organizationId: 'o-a1b2c3d4e5',
 * });
 */
export class ConfigMonitoringMaster extends Construct implements IConfigMonitoringMaster {
  /** The name of the event bus the master creates by default. */
  public static readonly DEFAULT_EVENT_BUS_NAME = DEFAULT_EVENT_BUS_NAME;

  /**
   * The ARN of a master's event bus, for agent stacks in other accounts: no cross-stack reference needed.
   *
   * @param account the master's account id
   * @param region the master's region
   * @param eventBusName the name of the master's bus, `'config-monitoring'` when left out
   *
   * @example
   * const centralEventBus = events.EventBus.fromEventBusArn(this, 'CentralBus',
   *   monitoring.ConfigMonitoringMaster.eventBusArn('111111111111', 'eu-west-1'));
   */
  public static eventBusArn(account: string, region: string, eventBusName?: string): string {
    return monitoringEventBusArn(account, region, eventBusName ?? DEFAULT_EVENT_BUS_NAME);
  }

  /**
   * A master deployed in another stack or account, for its grants, its metrics and its bus.
   *
   * The attributes are checked at synth (ARN shapes, one account and region for all); every resource is addressed in
   * the bus's account and region. Reading the tables from another account also needs a resource policy on them in the
   * master's account: an imported table can only be granted on the grantee's side.
   *
   * @example
   * const master = monitoring.ConfigMonitoringMaster.fromMasterAttributes(this, 'Master', {
   *   eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring',
   *   complianceTableName: 'Monitoring-ComplianceTable',
   *   eventsTableName: 'Monitoring-EventsTable',
   *   notificationTopicArn: 'arn:aws:sns:eu-west-1:111111111111:Monitoring-NotificationTopic',
   * });
   */
  public static fromMasterAttributes(scope: Construct, id: string, attrs: ConfigMonitoringMasterAttributes): IConfigMonitoringMaster {
    return new ImportedConfigMonitoringMaster(scope, id, attrs);
  }

  /** The bus the agents send Config events to. */
  public readonly eventBus: events.IEventBus;

  /**
   * The current compliance state: one item per resource and rule (see the README for the schema).
   */
  public readonly complianceTable: dynamodb.ITableV2;

  /** The history: every accepted configuration-item change and compliance transition, until its TTL. */
  public readonly eventsTable: dynamodb.ITableV2;

  /** The topic that receives one message per compliance transition. */
  public readonly notificationTopic: sns.ITopic;

  /** The function that applies the events. */
  public readonly eventHandler: lambda.IFunction;

  /** The queue between the bus and the handler. */
  public readonly bufferQueue: sqs.IQueue;

  /**
   * Where events that could not be processed end: those the rule could not deliver, those SQS gave up on,
   * and those the handler rejected (with a `reason` message attribute).
   */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  /** Fires when a message waits in the dead-letter queue. Add your own actions to it (`addAlarmAction`). */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  /** Fires when the event handler fails invocations. */
  public readonly handlerErrorsAlarm: cloudwatch.Alarm;

  /** Fires when accounts send no Config event for longer than the silent-account period. */
  public readonly silentAccountsAlarm: cloudwatch.Alarm;

  /** Fires when a reconciliation run corrects more items than the threshold, when `aggregator` is set. */
  public readonly reconciliationDriftAlarm?: cloudwatch.Alarm;

  /** Fires when the hourly account activity check (silent accounts, fleet coverage) keeps failing. */
  public readonly activityCheckErrorsAlarm: cloudwatch.Alarm;

  /** Fires when an expected account and region never reported, when `fleetCoverage` is set. */
  public readonly neverReportedAlarm?: cloudwatch.Alarm;

  /** Fires when the fleet coverage check could not read all of Organizations, when `fleetCoverage` is set. */
  public readonly coverageTruncatedAlarm?: cloudwatch.Alarm;

  /** Every alarm above that the master created, for wiring them all at once. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The function that reconciles the state against the aggregator, when `aggregator` is set. */
  public readonly reconciliationHandler?: lambda.IFunction;

  /** Where the daily reports are written, when `dailyReport` is set. */
  public readonly dailyReportBucket?: s3.IBucket;

  /** The function that writes the daily report, when `dailyReport` is set. */
  public readonly dailyReportHandler?: lambda.IFunction;

  /** The archive of expiring history, when `historyArchive` is set. */
  public readonly historyArchiveBucket?: s3.IBucket;

  /** The function that archives expiring history, when `historyArchive` is set. */
  public readonly historyArchiveHandler?: lambda.IFunction;

  /** The compliance API's base URL, when `complianceApi` is set. */
  public readonly complianceApiUrl?: string;

  /** The compliance API's id, when `complianceApi` is set: `complianceApiId` of `fromMasterAttributes()`. */
  public readonly complianceApiId?: string;

  private readonly complianceApiConstruct?: ComplianceApi;

  constructor(scope: Construct, id: string, props: ConfigMonitoringMasterProps) {
    super(scope, id);
    try {
      checkMasterLayout(this);

      const agentAccounts = validatePrincipals(props);
      if (props.eventBus !== undefined) {
        if (props.eventBusName !== undefined) {
          throw new Error(`eventBusName cannot be combined with eventBus, got '${props.eventBusName}' and a bus: `
            + 'name the bus where you create it, or leave eventBus out to let the master create one');
        }
        validateOwnBus(this, props.eventBus);
      }

      const historyRetention = props.historyRetention ?? Duration.days(365);
      validateDurationInRange('historyRetention', historyRetention, Duration.days(1), undefined,
        'keep history for at least Duration.days(1)');
      validateWholeUnits('historyRetention', historyRetention, 'days');
      const configurationItemHistory = configurationItemHistoryValue(props.configurationItemHistory ?? DEFAULT_CONFIGURATION_ITEM_HISTORY);

      const batchSize = props.batchSize ?? 100;
      const maxBatchingWindow = props.maxBatchingWindow ?? Duration.seconds(60);
      const maxConcurrency = props.maxConcurrency ?? 20;
      validateBatching(batchSize, maxBatchingWindow);
      validateIntegerInRange('maxConcurrency', maxConcurrency, 2, 1000,
        'Lambda needs at least 2 concurrent invocations per SQS event source and allows at most 1,000');

      const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

      this.eventBus = props.eventBus ?? new events.EventBus(this, 'EventBus', {
        eventBusName: props.eventBusName ?? DEFAULT_EVENT_BUS_NAME,
        description: 'Config events forwarded by the config-monitoring agents',
      });
      grantAgentsPutEvents(this, this.eventBus, props.organizationId, agentAccounts);

      const complianceIndexes = props.complianceIndexes
        ?? (props.complianceApi ? [ComplianceIndex.BY_ACCOUNT, ComplianceIndex.BY_RULE] : []);
      validateComplianceIndexes(complianceIndexes);
      const store = createComplianceStore(this, {
        indexes: complianceIndexes,
        encryptionKey: props.encryptionKey,
        removalPolicy,
        historyStream: props.historyArchive !== undefined,
      });
      this.complianceTable = store.complianceTable;
      this.eventsTable = store.eventsTable;

      this.notificationTopic = props.notificationTopic ?? new sns.Topic(this, 'NotificationTopic', {
        displayName: 'Config compliance transitions',
        masterKey: props.encryptionKey ?? kms.Alias.fromAliasName(this, 'AwsManagedSnsKey', 'alias/aws/sns'),
        enforceSSL: true,
      });

      const historyRetentionDays = historyRetention.isUnresolved()
        ? Token.asString(historyRetention.toDays())
        : String(historyRetention.toDays());
      const writePath: WritePathResources = {
        complianceTable: this.complianceTable,
        eventsTable: this.eventsTable,
        notificationTopic: this.notificationTopic,
        encryptionKey: props.encryptionKey,
        removalPolicy,
        historyRetentionDays,
      };
      const pipeline = createEventPipeline(this, {
        ...writePath,
        eventBus: this.eventBus,
        batchSize,
        maxBatchingWindow,
        maxConcurrency,
        configurationItemHistory,
        silentAccountPeriod: props.dashboard?.silentAccountPeriod,
      });
      this.bufferQueue = pipeline.bufferQueue;
      this.deadLetterQueue = pipeline.deadLetterQueue;
      this.eventHandler = pipeline.handler;

      if (props.aggregator) {
        this.reconciliationHandler = new ComplianceReconciliation(this, 'Reconciliation', {
          ...writePath,
          aggregator: props.aggregator,
          interval: props.reconciliationInterval,
          timeout: props.reconciliationTimeout,
        }).handler;
      } else if (props.reconciliationInterval !== undefined || props.reconciliationTimeout !== undefined) {
        throw new Error('reconciliationInterval and reconciliationTimeout need an aggregator to reconcile against, got none: '
          + 'set aggregator (for example ComplianceAggregator.organization()), or leave them out');
      }

      const dashboardOptions = props.dashboard ?? {};
      const activityCheck = new AccountActivityCheck(this, 'AccountActivityCheck', {
        complianceTable: this.complianceTable,
        createFunction: (fnScope, fnId, fnProps) => new CheckAccountActivityFunction(fnScope, fnId, fnProps),
        silentAccountPeriod: dashboardOptions.silentAccountPeriod,
        silentAccountExclusions: dashboardOptions.silentAccountExclusions,
        fleetCoverage: props.fleetCoverage,
        encryptionKey: props.encryptionKey,
        removalPolicy,
      });
      const dashboard = new ComplianceDashboard(this, 'Dashboard', {
        ...dashboardOptions,
        eventHandler: pipeline.handler,
        eventHandlerLogGroup: pipeline.logGroup,
        bufferQueue: pipeline.bufferQueue,
        deadLetterQueue: pipeline.deadLetterQueue,
        accountActivityFunction: activityCheck.function,
        fleetCoverage: props.fleetCoverage !== undefined,
        reconcileFunction: this.reconciliationHandler,
      });
      this.dashboard = dashboard.dashboard;
      this.deadLetterAlarm = dashboard.deadLetterAlarm;
      this.handlerErrorsAlarm = dashboard.handlerErrorsAlarm;
      // The master always passes the activity check, so the dashboard always creates this alarm.
      this.silentAccountsAlarm = dashboard.silentAccountsAlarm!;
      this.reconciliationDriftAlarm = dashboard.driftAlarm;
      this.activityCheckErrorsAlarm = dashboard.activityCheckErrorsAlarm!;
      this.neverReportedAlarm = dashboard.neverReportedAlarm;
      this.coverageTruncatedAlarm = dashboard.coverageTruncatedAlarm;
      this.alarms = [
        this.deadLetterAlarm, this.handlerErrorsAlarm, this.silentAccountsAlarm, this.reconciliationDriftAlarm,
        this.activityCheckErrorsAlarm, this.neverReportedAlarm, this.coverageTruncatedAlarm,
      ].filter((alarm): alarm is cloudwatch.Alarm => alarm !== undefined);

      if (props.organizationRules?.length || props.organizationConformancePacks?.length) {
        new OrganizationCompliance(this, 'OrganizationCompliance', {
          organizationId: props.organizationId,
          rules: props.organizationRules,
          conformancePacks: props.organizationConformancePacks,
        });
      }

      if (props.complianceApi) {
        this.complianceApiConstruct = new ComplianceApi(this, 'ComplianceApi', {
          ...props.complianceApi,
          complianceTable: this.complianceTable,
          eventsTable: this.eventsTable,
          fleetCoverage: props.fleetCoverage !== undefined,
          indexes: complianceIndexes,
          encryptionKey: props.encryptionKey,
          removalPolicy,
        });
        this.complianceApiUrl = this.complianceApiConstruct.url;
        this.complianceApiId = this.complianceApiConstruct.api.restApiId;
      }

      if (props.dailyReport) {
        const report = new DailyReport(this, 'DailyReport', {
          ...props.dailyReport,
          complianceTable: this.complianceTable,
          eventsTable: this.eventsTable,
          notificationTopic: this.notificationTopic,
          fleetCoverage: props.fleetCoverage !== undefined,
          encryptionKey: props.encryptionKey,
          removalPolicy,
        });
        this.dailyReportBucket = report.bucket;
        this.dailyReportHandler = report.handler;
      }

      if (props.historyArchive) {
        const archive = new HistoryArchive(this, 'HistoryArchive', {
          ...props.historyArchive,
          eventsTable: this.eventsTable,
          encryptionKey: props.encryptionKey,
          removalPolicy,
        });
        this.historyArchiveBucket = archive.bucket;
        this.historyArchiveHandler = archive.handler;
      }
    } catch (error) {
      throw atConstructPath('ConfigMonitoringMaster', this, error);
    }
  }

  /**
   * Grants read access to the compliance state, its status index and the history.
   *
   * For dashboards, reports and platform tools that query the tables directly.
   */
  public grantReadCompliance(grantee: iam.IGrantable): iam.Grant {
    return this.complianceTable.grantReadData(grantee).combine(this.eventsTable.grantReadData(grantee));
  }

  /**
   * Grants `execute-api:Invoke` on the compliance API's methods.
   *
   * Callers sign their requests with SigV4 (IAM authorization).
   */
  public grantInvokeApi(grantee: iam.IGrantable): iam.Grant {
    if (!this.complianceApiConstruct) {
      throw new Error('grantInvokeApi needs the compliance API, got complianceApi undefined: set complianceApi: {} to create it');
    }
    return this.complianceApiConstruct.grantInvoke(grantee);
  }

  /**
   * Events the handler applied (state written, or found unchanged).
   *
   * @default - sum over 5 minutes
   */
  public metricEventsProcessed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsProcessed', props);
  }

  /**
   * Events the handler could not apply for a transient reason; SQS delivers them again.
   *
   * @default - sum over 5 minutes
   */
  public metricEventsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('EventsFailed', props);
  }

  /**
   * Messages waiting in the dead-letter queue: anything above zero is an event that needs attention.
   *
   * @default - maximum over 5 minutes
   */
  public metricDeadLetterDepth(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /**
   * Any metric the event handler emits, by name: `EventsProcessed`, `EventsSkipped`, `EventsFailed`,
   * `EventsDeadLettered`, `StaleOrDuplicateEvents`, `ComplianceTransitions`, `NonCompliantTransitions` or
   * `NotificationsSent`.
   *
   * @param metricName one of the names above; any other fails at synth, since its alarm would never fire
   * @default - sum over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return handlerMetricByName(this, this.eventHandler.functionName, metricName, props);
  }
}

/** Policy statements and rules can only be added to a bus of the stack's own account and region. */
function validateOwnBus(scope: Construct, eventBus: events.IEventBus): void {
  const stack = Stack.of(scope);
  const { account, region } = eventBus.env;
  const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
  if (differs(account, stack.account) || differs(region, stack.region)) {
    throw new Error(`eventBus must be in this stack's account and region (${stack.account}, ${stack.region}), got a bus in `
      + `${account}, ${region}: deploy the master in the bus's account and region, or leave eventBus out to create a bus here`);
  }
}

/** Lambda's own rules for SQS event sources, checked at synth with messages that say what to change. */
function validateComplianceIndexes(indexes: ComplianceIndex[]): void {
  const known = Object.values(ComplianceIndex) as string[];
  for (const index of indexes) {
    if (!known.includes(index)) {
      throw new Error(`complianceIndexes has '${index}', which is no index: use ${known.map((k) => `ComplianceIndex.${k}`).join(' or ')}`);
    }
  }
  const repeated = indexes.find((index, i) => indexes.indexOf(index) !== i);
  if (repeated) throw new Error(`complianceIndexes lists ComplianceIndex.${repeated} twice: list each index once`);
}

function validateBatching(batchSize: number, maxBatchingWindow: Duration): void {
  validateIntegerInRange('batchSize', batchSize, 1, 10_000, 'Lambda reads from 1 to 10,000 SQS messages per batch');
  validateDurationInRange('maxBatchingWindow', maxBatchingWindow, Duration.seconds(0), Duration.seconds(300),
    'Lambda waits at most 300 seconds (5 minutes) for a batch');
  validateWholeUnits('maxBatchingWindow', maxBatchingWindow, 'seconds');
  if (!Token.isUnresolved(batchSize) && !maxBatchingWindow.isUnresolved()
    && batchSize > 10 && maxBatchingWindow.toSeconds() < 1) {
    throw new Error(`batchSize ${batchSize} needs a maxBatchingWindow of at least 1 second, got ${maxBatchingWindow.toHumanString()}: `
      + 'set maxBatchingWindow to Duration.seconds(1) or more, or lower batchSize to 10');
  }
}
