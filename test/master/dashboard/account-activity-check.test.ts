import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AccountActivityCheck, type AccountActivityCheckProps } from '../../../src/master/dashboard/account-activity-check';
import { inlineFunction } from '../../support/inline-function';

const ENV = { account: '111111111111', region: 'eu-west-1' };


/** A table like the master's compliance table; the tests hold whether or not the master creates the check itself. */
function synth(props: Partial<AccountActivityCheckProps> = {}, withKey = false) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const complianceTable = new dynamodb.TableV2(stack, 'ComplianceTable', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    encryption: encryptionKey ? dynamodb.TableEncryptionV2.customerManagedKey(encryptionKey) : undefined,
  });
  const check = new AccountActivityCheck(stack, 'AccountActivityCheck', {
    complianceTable, createFunction: inlineFunction, removalPolicy: RemovalPolicy.RETAIN, encryptionKey, ...props,
  });
  return { stack, check, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('AccountActivityCheck, defaults', () => {
  const { template } = synth();
  const fn = logicalId(template, 'AWS::Lambda::Function', 'AccountActivityCheckFunction');
  const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ComplianceTable');

  test('the function: arm64, 256 MB, 1 minute, environment for a 24-hour silence', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({
          COMPLIANCE_TABLE_NAME: { Ref: table },
          SILENT_AFTER_SECONDS: '86400',
          IGNORED_ACCOUNTS: '',
        }),
      },
    });
  });

  test('runs every hour, with retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } })],
    });
  });

  test('its own role may only Query the base table and write its own log group', () => {
    const role = logicalId(template, 'AWS::IAM::Role', 'AccountActivityCheckRole');
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'AccountActivityCheckLogGroup'), 'Arn'] } },
      { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::GetAtt': [table, 'Arn'] } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Description: 'Execution role of the CheckAccountActivity function' });
  });

  test('the log group keeps a year', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.absent() });
  });
});

describe('AccountActivityCheck, options', () => {
  test('silentAccountPeriod and silentAccountExclusions reach the environment', () => {
    const { template } = synth({ silentAccountPeriod: Duration.hours(6), silentAccountExclusions: ['222222222222', '333333333333'] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SILENT_AFTER_SECONDS: '21600', IGNORED_ACCOUNTS: '222222222222,333333333333' }) },
    });
  });

  test('a customer-managed key encrypts the log group; the role may decrypt the table', () => {
    const { template } = synth({}, true);
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    const role = logicalId(template, 'AWS::IAM::Role', 'AccountActivityCheckRole');
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [key, 'Arn'] } });
  });

  test.each([Duration.minutes(59), Duration.seconds(30)])('fails when silentAccountPeriod is %s', (silentAccountPeriod) => {
    expect(() => synth({ silentAccountPeriod })).toThrow(/^silentAccountPeriod must be at least 1 hour, got .*: the handler records an account at most every 15 minutes/);
  });

  test('fails when silentAccountPeriod is not a whole number of seconds', () => {
    expect(() => synth({ silentAccountPeriod: Duration.millis(3_600_500) })).toThrow(/^silentAccountPeriod must be a whole number of seconds/);
  });

  test('fails when silentAccountExclusions holds something other than an account id', () => {
    expect(() => synth({ silentAccountExclusions: ['prod'] })).toThrow("silentAccountExclusions must hold 12-digit account ids, got 'prod'");
  });
});
