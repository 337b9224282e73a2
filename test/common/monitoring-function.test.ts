import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { createMonitoringFunction, type MonitoringFunctionProps } from '../../src/common/monitoring-function';
import { inlineFunction } from '../support/inline-function';

const ENV = { account: '111111111111', region: 'eu-west-1' };


function synth(props: Partial<MonitoringFunctionProps> = {}, withKey = false) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
  const scope = new Construct(stack, 'Owner');
  const created = createMonitoringFunction(scope, {
    createFunction: inlineFunction,
    name: 'Probe',
    description: 'A probe',
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment: { TABLE_NAME: 'table' },
    encryptionKey,
    ...props,
  });
  return { stack, scope, created, template: Template.fromStack(stack) };
}

test('arm64, with the given description, memory, timeout and environment, under its own role and log group', () => {
  const { template, created } = synth();

  template.hasResourceProperties('AWS::Lambda::Function', {
    Architectures: ['arm64'],
    Description: 'A probe',
    MemorySize: 256,
    Timeout: 30,
    Environment: { Variables: { TABLE_NAME: 'table' } },
    LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^OwnerLogGroup') } },
  });
  template.hasResourceProperties('AWS::IAM::Role', { Description: 'Execution role of the Probe function', ManagedPolicyArns: Match.absent() });
  expect(created.function.role).toBe(created.role);
});

test('the role may only write to the function\'s own log group, kept a year', () => {
  const { template } = synth();

  template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  const policies = template.findResources('AWS::IAM::Policy');
  expect(Object.values(policies).map((policy) => policy.Properties.PolicyDocument.Statement)).toEqual([[{
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Effect: 'Allow',
    Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OwnerLogGroup/), 'Arn'] },
  }]]);
});

test('with a customer-managed key, the log group uses it and CloudWatch Logs may use the key', () => {
  const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY }, true);

  template.hasResource('AWS::Logs::LogGroup', {
    Properties: { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    DeletionPolicy: 'Delete',
  });
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-west-1.amazonaws.com' } })]) },
  });
});

test('the construct ids are the default ones, or the ones a site deployed with', () => {
  const defaults = synth().scope.node.children.map((child) => child.node.id);
  const kept = synth({ ids: { function: 'Handler', role: 'HandlerRole', logGroup: 'HandlerLogGroup' } }).scope.node.children.map((child) => child.node.id);

  expect(defaults).toEqual(['LogGroup', 'Role', 'Function']);
  expect(kept).toEqual(['HandlerLogGroup', 'HandlerRole', 'Handler']);
});

test('retries of asynchronous invocations only when asked for', () => {
  synth().template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  synth({ retryAttempts: 0 }).template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
});
