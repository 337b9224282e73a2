import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ComplianceAggregator } from '../../../src/master/aggregation/compliance-aggregator';
import { ComplianceReconciliation, type ComplianceReconciliationProps } from '../../../src/master/aggregation/compliance-reconciliation';
import { createComplianceStore } from '../../../src/master/compliance-store';
import { acknowledgements, describeViolations, guardFailures, nag } from '../../support/policy-checks';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const CT_ARN = 'arn:aws:config:eu-west-1:111111111111:config-aggregator/config-aggregator-floqpus3';

function synth(props: Partial<ComplianceReconciliationProps> = {}, options: { key?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Master', { env: ENV });
  const encryptionKey = options.key ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const store = createComplianceStore(stack, { encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
  const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: encryptionKey ?? kms.Alias.fromAliasName(stack, 'SnsKey', 'alias/aws/sns') });
  const reconciliation = new ComplianceReconciliation(stack, 'Reconciliation', {
    aggregator: ComplianceAggregator.organization(),
    complianceTable: store.complianceTable,
    eventsTable: store.eventsTable,
    notificationTopic: topic,
    encryptionKey,
    removalPolicy: RemovalPolicy.DESTROY,
    historyRetentionDays: '365',
    ...props,
  });
  return { app, stack, reconciliation, store, topic, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function roleStatements(template: Template, rolePart: string): any[] {
  const role = logicalId(template, 'AWS::IAM::Role', rolePart);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ComplianceReconciliation, defaults', () => {
  const { stack, reconciliation, store, template } = synth();
  const fn = logicalId(template, 'AWS::Lambda::Function', 'Reconciliation');
  const aggregator = logicalId(template, 'AWS::Config::ConfigurationAggregator', 'Aggregator');

  test('the function: arm64, nodejs24.x, 15 minutes, 1 GB, no async retries', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'], Runtime: 'nodejs24.x', Handler: 'index.handler', Timeout: 900, MemorySize: 1024,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: fn }, MaximumRetryAttempts: 0 });
  });

  test('the environment is exactly what the handler reads', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.exact({
          COMPLIANCE_TABLE_NAME: { Ref: stack.getLogicalId(store.complianceTable.node.defaultChild as never) },
          EVENTS_TABLE_NAME: { Ref: stack.getLogicalId(store.eventsTable.node.defaultChild as never) },
          NOTIFICATION_TOPIC_ARN: { Ref: logicalId(template, 'AWS::SNS::Topic', 'Topic') },
          HISTORY_RETENTION_DAYS: '365',
          AGGREGATOR_NAME: { Ref: aggregator },
          RECONCILIATION_INTERVAL_MINUTES: '360',
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        }),
      },
    });
  });

  test('a rule wakes it every 15 minutes, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
  });

  test('the organization aggregator: all regions, with a role Config assumes holding AWSConfigRoleForOrganizations', () => {
    const role = logicalId(template, 'AWS::IAM::Role', 'AggregatorRole');
    template.hasResourceProperties('AWS::Config::ConfigurationAggregator', {
      OrganizationAggregationSource: { AllAwsRegions: true, RoleArn: { 'Fn::GetAtt': [role, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'config.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSConfigRoleForOrganizations']] }],
    });
    // The GetAtt orders the aggregator after the role and its attached policy; a DependsOn would only repeat it.
    expect(template.findResources('AWS::Config::ConfigurationAggregator')[aggregator].DependsOn).toBeUndefined();
    expect(stack.resolve(reconciliation.aggregatorName)).toEqual({ Ref: aggregator });
    expect(stack.resolve(reconciliation.aggregatorArn)).toEqual({ 'Fn::GetAtt': [aggregator, 'ConfigurationAggregatorArn'] });
  });

  test('its role may call exactly the aggregator APIs on the aggregator, the table actions it uses, and publish', () => {
    const statements = roleStatements(template, 'ReconciliationRole');
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Action: ['config:DescribeAggregateComplianceByConfigRules', 'config:GetAggregateComplianceDetailsByConfigRule'],
        Resource: { 'Fn::GetAtt': [aggregator, 'ConfigurationAggregatorArn'] },
      }),
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: { 'Fn::GetAtt': [stack.getLogicalId(store.complianceTable.node.defaultChild as never), 'Arn'] },
      }),
      expect.objectContaining({ Action: 'dynamodb:PutItem', Resource: { 'Fn::GetAtt': [stack.getLogicalId(store.eventsTable.node.defaultChild as never), 'Arn'] } }),
      expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: logicalId(template, 'AWS::SNS::Topic', 'Topic') } }),
    ]));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
    expect(statements.some((s) => JSON.stringify(s.Resource).includes('/index/'))).toBe(false);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const role = template.findResources('AWS::IAM::Role')[logicalId(template, 'AWS::IAM::Role', 'ReconciliationRole')];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('its own log group, kept one year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logicalId(template, 'AWS::Logs::LogGroup', 'ReconciliationLogGroup') } } });
  });
});

describe('ComplianceReconciliation, overrides', () => {
  test('interval and timeout', () => {
    const { template } = synth({ interval: Duration.hours(24), timeout: Duration.minutes(5) });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ RECONCILIATION_INTERVAL_MINUTES: '1440' }) },
    });
  });

  test('an organization aggregator over chosen regions, with a name', () => {
    const { template } = synth({ aggregator: ComplianceAggregator.organization({ regions: ['eu-west-1', 'us-east-1'], aggregatorName: 'compliance' }) });
    template.hasResourceProperties('AWS::Config::ConfigurationAggregator', {
      ConfigurationAggregatorName: 'compliance',
      OrganizationAggregationSource: { AllAwsRegions: false, AwsRegions: ['eu-west-1', 'us-east-1'] },
    });
  });

  test('an account aggregator: listed accounts and regions, no role', () => {
    const { template } = synth({ aggregator: ComplianceAggregator.accounts({ accounts: ['222222222222', '333333333333'], regions: ['eu-west-1'] }) });
    template.hasResourceProperties('AWS::Config::ConfigurationAggregator', {
      AccountAggregationSources: [{ AccountIds: ['222222222222', '333333333333'], AllAwsRegions: false, AwsRegions: ['eu-west-1'] }],
      OrganizationAggregationSource: Match.absent(),
    });
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes('AggregatorRole'))).toEqual([]);
  });

  test('an account aggregator over every region', () => {
    const { template } = synth({ aggregator: ComplianceAggregator.accounts({ accounts: ['222222222222'] }) });
    template.hasResourceProperties('AWS::Config::ConfigurationAggregator', { AccountAggregationSources: [{ AccountIds: ['222222222222'], AllAwsRegions: true }] });
  });

  test('an existing aggregator with its ARN: nothing created, the role scoped to that ARN', () => {
    const { template } = synth({ aggregator: ComplianceAggregator.controlTower(CT_ARN) });
    template.resourceCountIs('AWS::Config::ConfigurationAggregator', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AGGREGATOR_NAME: 'aws-controltower-GuardrailsComplianceAggregator' }) },
    });
    expect(roleStatements(template, 'ReconciliationRole')).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['config:DescribeAggregateComplianceByConfigRules', 'config:GetAggregateComplianceDetailsByConfigRule'], Resource: CT_ARN }),
    ]));
  });

  test('an existing aggregator by name only: the aggregators of this account and region, acknowledged', () => {
    const { template, reconciliation } = synth({ aggregator: ComplianceAggregator.existing('central') });
    expect(roleStatements(template, 'ReconciliationRole')).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':config:eu-west-1:111111111111:config-aggregator/*']] },
      }),
    ]));
    const role = reconciliation.node.findChild('Role');
    const acks = role.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(acks.flatMap((m) => Object.keys(m.data as object))).toEqual(['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:config:eu-west-1:111111111111:config-aggregator/*]']);
  });

  test('a customer-managed key: the log group uses it and the role may use it', () => {
    const { template } = synth({}, { key: true });
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    expect(roleStatements(template, 'ReconciliationRole')).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [key, 'Arn'] } }),
    ]));
  });
});

describe('ComplianceReconciliation, validation', () => {
  test.each([
    ['an interval shorter than 15 minutes', { interval: Duration.minutes(5) }, /reconciliationInterval must be at least 15 minutes, got 5 minutes/],
    ['an interval of fractional minutes', { interval: Duration.seconds(1000) }, /reconciliationInterval must be a whole number of minutes, got 16 minutes 40 seconds: use Duration.minutes\(17\)/],
    ['a timeout above 15 minutes', { timeout: Duration.minutes(20) }, /reconciliationTimeout must be from 1 minute to 15 minutes, got 20 minutes/],
    ['a timeout below a minute', { timeout: Duration.seconds(30) }, /reconciliationTimeout must be from 1 minute to 15 minutes, got 30 seconds/],
  ])('fails when given %s', (_name, props, message) => {
    expect(() => synth(props as Partial<ComplianceReconciliationProps>)).toThrow(message);
  });
});

describe('policy checks over a stack with the reconciliation', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'reconciliation-policy-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('cdk-nag AwsSolutions: no findings; the only acknowledgement is IAM4 on the aggregator role', () => {
    const { app } = synth({}, { key: true });
    expect(describeViolations(nag(app), { severity: false })).toEqual([]);
    const acks = acknowledgements(app).map((ack) => `${ack.id} at ${ack.path}`);
    expect(acks).toEqual(['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRoleForOrganizations] at Master/Reconciliation/AggregatorRole']);
  });

  test('cdk-nag AwsSolutions with an existing aggregator given by name: no findings', () => {
    const { app } = synth({ aggregator: ComplianceAggregator.existing('aws-controltower-GuardrailsComplianceAggregator') });
    expect(nag(app)).toEqual([]);
  });

  test('Control Tower proactive controls: only the documented Lambda-in-VPC choice fails', () => {
    const { stack } = synth({}, { key: true });
    const file = path.join(outdir, 'master.template.json');
    fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));

    const failures = guardFailures(file).map((f) => `${f.controls[0]} ${f.resources[0]}`);

    // CT.KMS.PR.3 concerns the test's own key (no explicit key policy), not the construct.
    expect([...new Set(failures)].filter((f) => !/^CT\.LAMBDA\.PR\.3 Reconciliation[0-9A-F]{8}$/.test(f) && !/^CT\.KMS\.PR\.3 Key[0-9A-F]{8}$/.test(f))).toEqual([]);
  });
});
