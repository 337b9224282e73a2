import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigMonitoringMaster } from '../../../src';
import { AccountActivityCheck } from '../../../src/master/dashboard/account-activity-check';
import { ComplianceDashboard } from '../../../src/master/dashboard/compliance-dashboard';
import { OrganizationCompliance } from '../../../src/master/organization/organization-compliance';
import { ConformancePackTemplate } from '../../../src/master/organization/organization-conformance-pack';
import { OrganizationRule } from '../../../src/master/organization/organization-rule';
import { inlineFunction } from '../../support/inline-function';
import { describeViolations, guardApp, nag as nagApp } from '../../support/policy-checks';

// cdk-nag AwsSolutions and the Control Tower cfn-guard rules over a master with the dashboard, its alarms, the
// account activity check with fleet coverage (Organizations reads) and organization rules and packs, as the lead wires them (see test/policy/* for the approach).

const ENV = { account: '111111111111', region: 'eu-west-1' };


function buildApp(outdir: string, withTopicAndKey: boolean): App {
  const app = new App({ outdir });
  const stack = new Stack(app, withTopicAndKey ? 'WithTopic' : 'Defaults', { env: ENV });
  const encryptionKey = withTopicAndKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  // As in the example app: grants on the key only for AWS resources (Control Tower's CT.KMS.PR.3, a property of the user's key).
  encryptionKey?.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  // The user's own evaluator for a custom Lambda rule (scaffolding, nag-clean: own role, no managed policy).
  const evaluator = new lambda.Function(stack, 'Evaluator', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
    role: new iam.Role(stack, 'EvaluatorRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
  });
  const alarmTopic = withTopicAndKey ? new sns.Topic(stack, 'AlarmTopic', { enforceSSL: true, masterKey: encryptionKey }) : undefined;
  const organizationRules = [
    OrganizationRule.custom(evaluator, { ruleName: 'custom', configurationChanges: true }),
    OrganizationRule.managed(config.ManagedRuleIdentifiers.S3_BUCKET_VERSIONING_ENABLED, { ruleName: 's3-versioning' }),
    OrganizationRule.customPolicy('rule r { configuration.x == "y" }', { ruleName: 'guard' }),
  ];
  const organizationConformancePacks = [{ conformancePackName: 'pack', template: ConformancePackTemplate.fromBody('Resources: {}') }];
  // The master props the lead adds (dashboard, organizationRules, organizationConformancePacks); before that wiring
  // exists the master ignores them and the constructs are added here, with the same ids the wiring uses.
  const wiredProps: Record<string, unknown> = {
    dashboard: { alarmTopic }, organizationRules, organizationConformancePacks, fleetCoverage: { regions: ['eu-west-1', 'us-east-1'] },
  };
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', encryptionKey, ...wiredProps });
  if (!master.node.tryFindChild('Dashboard')) {
    const activity = new AccountActivityCheck(master, 'AccountActivityCheck', {
      complianceTable: master.complianceTable, createFunction: inlineFunction, encryptionKey, removalPolicy: RemovalPolicy.RETAIN,
    });
    new ComplianceDashboard(master, 'Dashboard', {
      alarmTopic,
      eventHandler: master.eventHandler,
      eventHandlerLogGroup: master.node.findChild('HandleConfigEventsLogGroup') as logs.ILogGroup,
      bufferQueue: master.bufferQueue,
      deadLetterQueue: master.deadLetterQueue,
      accountActivityFunction: activity.function,
    });
  }
  if (!master.node.tryFindChild('OrganizationCompliance')) {
    new OrganizationCompliance(master, 'OrganizationCompliance', {
      organizationId: 'o-a1b2c3d4e5', rules: organizationRules, conformancePacks: organizationConformancePacks,
    });
  }
  return app;
}

function nag(app: App): string[] {
  return describeViolations(nagApp(app), { severity: false });
}

/** Each failing (control, resource) as `<control> <resource>`, the form the exception patterns match. */
function guard(app: App): string[] {
  return guardApp(app).map((f) => `${f.control} ${f.resource}`);
}

/** The master's own documented exceptions (docs/guide/policy-checks.md): not this capability's. */
const MASTER_EXCEPTIONS = [/^CT\.LAMBDA\.PR\.3 MonitoringHandleConfigEvents[0-9A-F]{8}$/, /^CT\.CLOUDWATCH\.PR\.3 MonitoringHandleConfigEventsLogGroup[0-9A-F]{8}$/];

/**
 * This capability's exceptions, each a deliberate choice:
 * - CT.LAMBDA.PR.3 on the check function: it only calls DynamoDB Query on one table; a VPC would add an endpoint and protect nothing.
 * - CT.CLOUDWATCH.PR.3 on the check's log group, only without a customer-managed key: CloudWatch Logs encrypts it anyway.
 * - CT.CLOUDWATCH.PR.1 on the alarms, only without alarmTopic: an alarm without actions is what the user chose by not
 *   giving a topic; it still shows on the dashboard and in the console.
 */
const OWN_EXCEPTIONS = [/^CT\.LAMBDA\.PR\.3 MonitoringAccountActivityCheckFunction[0-9A-F]{8}$/];
/** The test's own evaluator function (the user's code, not the library's). */
const SCAFFOLDING = [/^CT\.LAMBDA\.PR\.3 Evaluator[0-9A-F]{8}$/];
const DEFAULT_KEY_EXCEPTIONS = [/^CT\.CLOUDWATCH\.PR\.3 MonitoringAccountActivityCheckLogGroup[0-9A-F]{8}$/];
const NO_TOPIC_EXCEPTIONS = [/^CT\.CLOUDWATCH\.PR\.1 MonitoringDashboard(DeadLetter|HandlerErrors|SilentAccounts|ActivityCheckErrors|NeverReported|CoverageTruncated)Alarm[0-9A-F]{8}$/];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe.each([
  ['defaults (no topic, no key)', false],
  ['alarm topic and customer-managed key', true],
])('dashboard, activity check and organization compliance: %s', (_name, withTopicAndKey) => {
  test('cdk-nag AwsSolutions: no findings', () => {
    expect(nag(buildApp(path.join(outdir, `nag-${withTopicAndKey}`), withTopicAndKey))).toEqual([]);
  });

  test('cfn-guard Control Tower: nothing beyond the documented exceptions', () => {
    const findings = guard(buildApp(path.join(outdir, `guard-${withTopicAndKey}`), withTopicAndKey));
    const conditional = withTopicAndKey ? [] : [...DEFAULT_KEY_EXCEPTIONS, ...NO_TOPIC_EXCEPTIONS];
    const allowed = [...MASTER_EXCEPTIONS, ...SCAFFOLDING, ...OWN_EXCEPTIONS, ...conditional];
    expect(findings.filter((f) => !allowed.some((pattern) => pattern.test(f)))).toEqual([]);
    // Every exception is still needed.
    for (const pattern of [...OWN_EXCEPTIONS, ...conditional]) expect(findings.some((f) => pattern.test(f))).toBe(true);
    if (!withTopicAndKey) expect(findings.filter((f) => NO_TOPIC_EXCEPTIONS[0].test(f))).toHaveLength(6);
  });
});
