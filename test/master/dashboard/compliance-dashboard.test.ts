import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AccountActivityCheck } from '../../../src/master/dashboard/account-activity-check';
import { ComplianceDashboard, type ComplianceDashboardOptions } from '../../../src/master/dashboard/compliance-dashboard';
import { inlineFunction } from '../../support/inline-function';

const ENV = { account: '111111111111', region: 'eu-west-1' };


interface Variant {
  readonly options?: ComplianceDashboardOptions;
  readonly reconcile?: boolean;
  readonly activity?: boolean;
}

/**
 * The parts of the master the dashboard watches, as plain resources: the tests hold whether or not the master
 * already creates a dashboard of its own.
 */
function masterParts(stack: Stack) {
  return {
    eventHandler: inlineFunction(stack, 'HandleConfigEvents', {}),
    eventHandlerLogGroup: new logs.LogGroup(stack, 'HandleConfigEventsLogGroup'),
    bufferQueue: new sqs.Queue(stack, 'BufferQueue'),
    deadLetterQueue: new sqs.Queue(stack, 'DeadLetterQueue'),
  };
}

function synth(variant: Variant = {}) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const parts = masterParts(stack);
  const reconcileFunction = variant.reconcile ? inlineFunction(stack, 'ReconcileCompliance', {}) : undefined;
  const activity = variant.activity
    ? new AccountActivityCheck(stack, 'AccountActivityCheck', {
      complianceTable: new dynamodb.TableV2(stack, 'ComplianceTable', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }),
      createFunction: inlineFunction,
      removalPolicy: RemovalPolicy.RETAIN,
    })
    : undefined;
  const dashboard = new ComplianceDashboard(stack, 'Dashboard', {
    ...variant.options,
    ...parts,
    reconcileFunction,
    accountActivityFunction: activity?.function,
  });
  return { stack, dashboard, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** A CloudFormation token as plain text, so the dashboard body parses as JSON: `REF(id)`, `GETATT(id.attr)`. */
function tokenText(part: any): string {
  if (part.Ref) return `REF(${part.Ref})`;
  if (part['Fn::GetAtt']) return `GETATT(${part['Fn::GetAtt'].join('.')})`;
  return JSON.stringify(part);
}

/** The dashboard body as CloudFormation will resolve it, tokens replaced by their text (then re-serialized). */
function dashboardBody(template: Template): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : tokenText(p))).join('');
  return JSON.stringify(JSON.parse(text));
}

function alarm(template: Template, part: string): any {
  return template.findResources('AWS::CloudWatch::Alarm')[logicalId(template, 'AWS::CloudWatch::Alarm', part)].Properties;
}

describe('ComplianceDashboard, defaults', () => {
  const { template, stack } = synth();
  const fn = logicalId(template, 'AWS::Lambda::Function', 'HandleConfigEvents');
  const dlq = logicalId(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
  const body = dashboardBody(template);

  test('one dashboard, with a generated name and a one-day default range', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as any[];
    expect(dashboard.Properties.DashboardName).toBeUndefined();
    expect(body).toContain('"start":"-P1D"');
  });

  test('the Contributor Insights rule: NON_COMPLIANT transition lines of the handler log group, keyed by rule and account', () => {
    template.resourceCountIs('AWS::CloudWatch::InsightRule', 1);
    const [rule] = Object.values(template.findResources('AWS::CloudWatch::InsightRule')) as any[];
    expect(rule.Properties.RuleState).toBe('ENABLED');
    expect(rule.Properties.RuleName).toMatch(/^config-monitoring-non-compliant-[0-9a-f]{12}$/);
    const parts = rule.Properties.RuleBody['Fn::Join'][1];
    const text = parts.map((p: unknown) => (typeof p === 'string' ? p : '<LOG_GROUP>')).join('');
    expect(JSON.parse(text)).toEqual({
      Schema: { Name: 'CloudWatchLogRule', Version: 1 },
      LogGroupNames: ['<LOG_GROUP>'],
      LogFormat: 'JSON',
      Contribution: {
        Keys: ['$.config_rule_name', '$.account'],
        Filters: [{ Match: '$.message', In: ['compliance transition'] }, { Match: '$.compliance_status', In: ['NON_COMPLIANT'] }],
      },
      AggregateOn: 'Count',
    });
    expect(parts).toContainEqual({ Ref: logicalId(template, 'AWS::Logs::LogGroup', 'HandleConfigEventsLogGroup') });
  });

  test('widgets: contributors, transitions, events, queues, errors and throttles, alarm status', () => {
    const contributors = JSON.parse(body).widgets[0].properties;
    expect(contributors.insightRule).toEqual({
      ruleName: `GETATT(${logicalId(template, 'AWS::CloudWatch::InsightRule', 'NonCompliantContributors')}.RuleName)`,
      maxContributorCount: 10,
      orderBy: 'Sum',
    });
    expect(body).toContain('"maxContributorCount":10');
    for (const title of ['Resources becoming NON_COMPLIANT, by rule and account (top 10)', 'Compliance transitions and notifications',
      'Events', 'Queues', 'HandleConfigEvents errors and throttles', 'Alarms']) {
      expect(body).toContain(`"title":"${title}"`);
    }
    for (const metric of ['ComplianceTransitions', 'NonCompliantTransitions', 'NotificationsSent', 'EventsProcessed', 'EventsSkipped',
      'StaleOrDuplicateEvents', 'EventsFailed', 'EventsDeadLettered']) {
      expect(body).toContain(`["ConfigMonitoring","${metric}","FunctionName","REF(${fn})"`);
    }
    expect(body).toContain(`["AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","GETATT(${dlq}.QueueName)"`);
    expect(body).toContain('"ApproximateAgeOfOldestMessage"');
    expect(body).toContain(`["AWS/Lambda","Errors","FunctionName","REF(${fn})"`);
    expect(body).toContain(`["AWS/Lambda","Throttles","FunctionName","REF(${fn})"`);
  });

  test('no drift nor silent-account widget without their functions', () => {
    expect(body).not.toContain('ReconciliationDrift');
    expect(body).not.toContain('SilentAccounts');
  });

  test('two alarms: dead-letter messages and handler errors, without actions', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(alarm(template, 'DeadLetterAlarm')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm(template, 'HandlerErrorsAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    for (const props of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(props.Properties.AlarmActions).toBeUndefined();
      expect(props.Properties.OKActions).toBeUndefined();
    }
  });

  test('every alarm says what to do', () => {
    expect(alarm(template, 'DeadLetterAlarm').AlarmDescription).toMatch(/reason attribute.*redrive/);
    expect(alarm(template, 'HandlerErrorsAlarm').AlarmDescription).toMatch(/log group/);
  });

  test('the stack stays region-bound (widgets name their region)', () => {
    expect(body).toContain(`"region":"${stack.region}"`);
  });
});

describe('ComplianceDashboard, every option', () => {
  const { template } = synth({
    options: { dashboardName: 'org-compliance', driftAlarmThreshold: 25 },
    reconcile: true,
    activity: true,
  });
  const body = dashboardBody(template);
  const reconcile = logicalId(template, 'AWS::Lambda::Function', 'ReconcileCompliance');
  const check = logicalId(template, 'AWS::Lambda::Function', 'AccountActivityCheckFunction');

  test('dashboardName names the dashboard', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'org-compliance' });
  });

  test('drift: a widget and an alarm above driftAlarmThreshold on the reconcile function\'s ReconciliationDrift', () => {
    expect(body).toContain(`["ConfigMonitoring","ReconciliationDrift","FunctionName","REF(${reconcile})"`);
    expect(body).toContain('"title":"Reconciliation drift"');
    expect(alarm(template, 'ReconciliationDriftAlarm')).toMatchObject({
      Namespace: 'ConfigMonitoring',
      MetricName: 'ReconciliationDrift',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: reconcile } }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 25,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('silent accounts: a widget and an alarm on the check function\'s SilentAccounts, hourly', () => {
    for (const metric of ['SilentAccounts', 'SilentAccountRegions', 'AccountsSeen']) {
      expect(body).toContain(`["ConfigMonitoring","${metric}","FunctionName","REF(${check})"`);
    }
    expect(alarm(template, 'SilentAccountsAlarm')).toMatchObject({
      Namespace: 'ConfigMonitoring',
      MetricName: 'SilentAccounts',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: check } }],
      Statistic: 'Maximum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('the alarm status widget lists all five alarms', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    const status = JSON.parse(body).widgets.find((w: any) => w.type === 'alarm');
    expect(status.properties.alarms).toHaveLength(5);
    for (const part of ['DeadLetterAlarm', 'HandlerErrorsAlarm', 'ReconciliationDriftAlarm', 'SilentAccountsAlarm', 'ActivityCheckErrorsAlarm']) {
      expect(status.properties.alarms).toContain(`GETATT(${logicalId(template, 'AWS::CloudWatch::Alarm', part)}.Arn)`);
    }
  });
});

describe('ComplianceDashboard, alarm topic', () => {
  test('every alarm notifies the topic on alarm and on return to OK', () => {
    const stack = new Stack(new App(), 'Master', { env: ENV });
    const topic = new sns.Topic(stack, 'Alarms', { enforceSSL: true, masterKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    new ComplianceDashboard(stack, 'Dashboard', {
      alarmTopic: topic,
      ...masterParts(stack),
      reconcileFunction: inlineFunction(stack, 'ReconcileCompliance', {}),
    });
    const template = Template.fromStack(stack);
    const topicId = logicalId(template, 'AWS::SNS::Topic', 'Alarms');

    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[];
    expect(alarms).toHaveLength(3);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: topicId }]);
    }
  });

  test('the topic\'s customer-managed key lets CloudWatch publish', () => {
    const stack = new Stack(new App(), 'Master', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new ComplianceDashboard(stack, 'Dashboard', { alarmTopic: new sns.Topic(stack, 'Alarms', { masterKey: key }), ...masterParts(stack) });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Resource: '*',
        }]),
      },
    });
  });

  test('fails when the alarm topic is encrypted with the AWS-managed key alias/aws/sns', () => {
    const stack = new Stack(new App(), 'Master', { env: ENV });
    const topic = new sns.Topic(stack, 'Alarms', { masterKey: kms.Alias.fromAliasName(stack, 'Managed', 'alias/aws/sns') });

    expect(() => new ComplianceDashboard(stack, 'Dashboard', { alarmTopic: topic, ...masterParts(stack) }))
      .toThrow('alarmTopic is encrypted with the AWS-managed key alias/aws/sns, which CloudWatch alarms cannot use: give the alarms a topic');
  });

  test('an unencrypted topic needs no key statement', () => {
    const stack = new Stack(new App(), 'Master', { env: ENV });
    new ComplianceDashboard(stack, 'Dashboard', { alarmTopic: new sns.Topic(stack, 'Alarms', { enforceSSL: true }), ...masterParts(stack) });
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});

describe('ComplianceDashboard validation', () => {
  test.each([
    ['has a space', 'org compliance'],
    ['is empty', ''],
    ['is too long', 'x'.repeat(256)],
  ])('fails when dashboardName %s', (_what, dashboardName) => {
    expect(() => synth({ options: { dashboardName } })).toThrow(/^dashboardName must be 1 to 255 letters, digits, '-' or '_', got '.*': replace spaces/);
  });

  test.each([-1, 2.5])('fails when driftAlarmThreshold is %p', (driftAlarmThreshold) => {
    expect(() => synth({ options: { driftAlarmThreshold } })).toThrow(`driftAlarmThreshold must be a whole number of items, 0 or more, got ${driftAlarmThreshold}`);
  });

  test('a threshold of 0 is allowed: any correction alarms', () => {
    const { template } = synth({ options: { driftAlarmThreshold: 0 }, reconcile: true });
    expect(alarm(template, 'ReconciliationDriftAlarm').Threshold).toBe(0);
  });
});
