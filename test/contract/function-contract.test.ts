import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { buildExampleApp } from '../../demo/example-app';
import { variableNames } from '../../src/contract/environment-variable';
import { FUNCTION_ENVIRONMENTS, type FunctionName, functionEnvironment, readFunctionEnvironment } from '../../src/contract/function-environments';
import { FUNCTION_METRICS, METRICS_NAMESPACE } from '../../src/contract/metric-names';
import { ArchiveHistoryFunction } from '../../src/handlers/archive-history-function';
import { CheckAccountActivityFunction } from '../../src/handlers/check-account-activity-function';
import { ComplianceApiFunction } from '../../src/handlers/compliance-api-function';
import { DailyReportFunction } from '../../src/handlers/daily-report-function';
import { HandleConfigEventsFunction } from '../../src/handlers/handle-config-events-function';
import { ProcessConfigEventsFunction } from '../../src/handlers/process-config-events-function';
import { ReconcileComplianceFunction } from '../../src/handlers/reconcile-compliance-function';
import { emfDocument } from '../../src/runtime/observability/metrics';

// The contract (src/contract) seen from the deployed side: what the constructs really put in each function's
// environment and what the dashboard and alarms really read, in the example app, which deploys every function.

/** Each function's generated class: a Record over FunctionName, so a function added to the contract fails tsc here. */
const FUNCTION_CLASSES: Record<FunctionName, abstract new (...args: never[]) => lambda.Function> = {
  HandleConfigEvents: HandleConfigEventsFunction,
  ProcessConfigEvents: ProcessConfigEventsFunction,
  ReconcileCompliance: ReconcileComplianceFunction,
  CheckAccountActivity: CheckAccountActivityFunction,
  DailyReport: DailyReportFunction,
  ArchiveHistory: ArchiveHistoryFunction,
  ComplianceApi: ComplianceApiFunction,
};

/** Set by every generated function class for the Node.js runtime, not by the library: not part of the contract. */
const RUNTIME_SETTING = 'AWS_NODEJS_CONNECTION_REUSE_ENABLED';

interface DeployedFunction {
  readonly name: FunctionName;
  readonly stack: Stack;
  readonly logicalId: string;
  readonly environment: Record<string, unknown>;
}

const app = buildExampleApp(path.join(__dirname, '..', '..', 'cdk.out', 'test-contract'));
const deployed: DeployedFunction[] = app.node.findAll().flatMap((construct: IConstruct) => {
  const name = (Object.keys(FUNCTION_CLASSES) as FunctionName[]).find((candidate) => construct instanceof FUNCTION_CLASSES[candidate]);
  if (name === undefined) return [];
  const fn = construct as lambda.Function;
  const stack = Stack.of(fn);
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const variables = (stack.resolve(cfn.environment) as { variables?: Record<string, unknown> } | undefined)?.variables ?? {};
  return [{ name, stack, logicalId: stack.getLogicalId(cfn), environment: variables }];
});

test('the example app deploys every function of the contract', () => {
  expect([...new Set(deployed.map((fn) => fn.name))].sort()).toEqual(Object.keys(FUNCTION_ENVIRONMENTS).sort());
});

test.each(Object.keys(FUNCTION_ENVIRONMENTS) as FunctionName[])('%s gets exactly the environment its contract lists, every value set', (name) => {
  const instances = deployed.filter((fn) => fn.name === name);
  expect(instances.length).toBeGreaterThan(0);
  for (const fn of instances) {
    const { [RUNTIME_SETTING]: _runtimeSetting, ...own } = fn.environment;
    expect(Object.keys(own).sort()).toEqual(variableNames(FUNCTION_ENVIRONMENTS[name]).sort());
    for (const [variable, value] of Object.entries(own)) {
      expect({ variable, value }).toEqual({ variable, value: expect.anything() });
    }
  }
});

test('what a construct writes, the handler reads back; a missing variable fails naming it and the function', () => {
  const written = functionEnvironment('HandleConfigEvents', {
    complianceTableName: 'compliance',
    eventsTableName: 'events',
    notificationTopicArn: 'arn:aws:sns:eu-west-1:111111111111:topic',
    deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq',
    historyRetentionDays: '365',
    configurationItemHistory: 'RESOURCES_WITH_COMPLIANCE',
    silentAfterSeconds: '86400',
  });
  expect(readFunctionEnvironment('HandleConfigEvents', written)).toEqual({
    complianceTableName: 'compliance',
    eventsTableName: 'events',
    notificationTopicArn: 'arn:aws:sns:eu-west-1:111111111111:topic',
    deadLetterQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/dlq',
    historyRetentionDays: 365,
    configurationItemHistory: 'RESOURCES_WITH_COMPLIANCE',
    silentAfterSeconds: 86400,
  });
  const { EVENTS_TABLE_NAME: _events, ...withoutEvents } = written;
  expect(() => readFunctionEnvironment('HandleConfigEvents', withoutEvents))
    .toThrow('environment variable EVENTS_TABLE_NAME is not set (HandleConfigEvents): the function must be deployed by its construct');
  expect(() => readFunctionEnvironment('HandleConfigEvents', { ...written, HISTORY_RETENTION_DAYS: '1.5' }))
    .toThrow('environment variable HISTORY_RETENTION_DAYS must be a positive integer (HandleConfigEvents), got 1.5');
  expect(() => readFunctionEnvironment('HandleConfigEvents', { ...written, CONFIGURATION_ITEM_HISTORY: 'SOME' }))
    .toThrow("environment variable CONFIGURATION_ITEM_HISTORY must be one of ALL, RESOURCES_WITH_COMPLIANCE, NONE (HandleConfigEvents), got 'SOME'");
  const { CONFIGURATION_ITEM_HISTORY: _history, ...withoutHistory } = written;
  expect(() => readFunctionEnvironment('HandleConfigEvents', withoutHistory))
    .toThrow('environment variable CONFIGURATION_ITEM_HISTORY is not set (HandleConfigEvents)');
  // An empty list is a value the construct writes (no excluded account), not a missing variable.
  expect(readFunctionEnvironment('CheckAccountActivity', {
    COMPLIANCE_TABLE_NAME: 't', SILENT_AFTER_SECONDS: '86400', IGNORED_ACCOUNTS: '', FLEET_COVERAGE: '',
  })).toMatchObject({ ignoredAccounts: '', fleetCoverage: undefined });
});

/** A metric as the template reads it: the function (by its logical id) and the name. */
interface ReadMetric {
  readonly where: string;
  readonly functionLogicalId: string;
  readonly metricName: string;
}

/** The `Ref` of a dimension value, rendered by the dashboard's Fn::Join as a marker. */
const REF_MARKER = /^<<ref:([A-Za-z0-9]+)>>$/;

function dashboardMetrics(stack: Stack, body: unknown, where: string): ReadMetric[] {
  const parts = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts.map((part) => (typeof part === 'string' ? part : `<<ref:${(part as { Ref: string }).Ref}>>`)).join('');
  const widgets = (JSON.parse(text) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets;
  return widgets.flatMap((widget) => widget.properties.metrics ?? [])
    .filter((metric) => metric[0] === METRICS_NAMESPACE)
    .map((metric) => {
      expect(metric[2]).toBe('FunctionName');
      const ref = REF_MARKER.exec(String(metric[3]));
      if (!ref) throw new Error(`${stack.stackName} ${where}: dimension value ${String(metric[3])} is not a function reference`);
      return { where, functionLogicalId: ref[1], metricName: String(metric[1]) };
    });
}

function alarmMetrics(template: Record<string, { Type: string; Properties: Record<string, unknown> }>): ReadMetric[] {
  return Object.entries(template).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === METRICS_NAMESPACE)
    .map(([id, r]) => {
      const [dimension] = r.Properties.Dimensions as { Name: string; Value: { Ref: string } }[];
      expect(dimension.Name).toBe('FunctionName');
      return { where: `alarm ${id}`, functionLogicalId: dimension.Value.Ref, metricName: String(r.Properties.MetricName) };
    });
}

test('every metric a dashboard widget or an alarm reads is one its function emits', () => {
  const read: { stack: Stack; metric: ReadMetric }[] = [];
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    const resources = app.synth().getStackByName(stack.stackName).template.Resources ?? {};
    for (const metric of alarmMetrics(resources)) read.push({ stack, metric });
    for (const [id, resource] of Object.entries(resources as Record<string, { Type: string; Properties: { DashboardBody: unknown } }>)) {
      if (resource.Type !== 'AWS::CloudWatch::Dashboard') continue;
      for (const metric of dashboardMetrics(stack, resource.Properties.DashboardBody, `dashboard ${id}`)) read.push({ stack, metric });
    }
  }
  // The check must see the master's alarms and widgets, or it proves nothing.
  expect(read.length).toBeGreaterThan(10);
  const problems = read.flatMap(({ stack, metric }) => {
    const fn = deployed.find((candidate) => candidate.stack === stack && candidate.logicalId === metric.functionLogicalId);
    if (!fn) return [`${stack.stackName} ${metric.where}: ${metric.metricName} of ${metric.functionLogicalId}, not a library function`];
    const emitted: readonly string[] = FUNCTION_METRICS[fn.name];
    return emitted.includes(metric.metricName) ? [] : [`${stack.stackName} ${metric.where}: ${fn.name} never emits ${metric.metricName}`];
  });
  expect(problems).toEqual([]);
});

test('an alarm reads the namespace, the dimensions and the metric name of the EMF document its function writes', () => {
  const checked: string[] = [];
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    const resources = (app.synth().getStackByName(stack.stackName).template.Resources ?? {}) as
      Record<string, { Type: string; Properties: Record<string, unknown> }>;
    for (const [id, alarm] of Object.entries(resources)) {
      if (alarm.Type !== 'AWS::CloudWatch::Alarm' || alarm.Properties.Namespace !== METRICS_NAMESPACE) continue;
      const dimensions = alarm.Properties.Dimensions as { Name: string; Value: { Ref: string } }[];
      const fn = deployed.find((candidate) => candidate.stack === stack && candidate.logicalId === dimensions[0].Value.Ref)!;
      // What the runtime writes for that function, every one of its metrics counted once.
      const values = Object.fromEntries(FUNCTION_METRICS[fn.name].map((name) => [name, 1]));
      const document = emfDocument('the-function', values) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } };
      const [directive] = document._aws.CloudWatchMetrics;
      // CloudWatch files a metric under exactly the dimension set it was written with: an extra dimension
      // (Powertools' default `service`) would give metrics no alarm reads.
      const emitted = directive.Metrics.map((m) => m.Name).includes(String(alarm.Properties.MetricName));
      expect({ id, namespace: directive.Namespace, dimensions: directive.Dimensions, emitted })
        .toEqual({ id, namespace: alarm.Properties.Namespace, dimensions: [dimensions.map((d) => d.Name)], emitted: true });
      expect(document).toMatchObject({ [dimensions[0].Name]: 'the-function' });
      checked.push(id);
    }
  }
  // The check must see the example app's alarms on function metrics (silent accounts, reconciliation drift).
  expect(checked.sort()).toEqual([expect.stringMatching(/Drift/), expect.stringMatching(/Silent/)]);
});

