import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigEventType } from '../../../src/agent/forwarding/config-event-type';
import { EnrichedForwardingOptions } from '../../../src/agent/forwarding/enriched-forwarding-options';
import { EventForwarding } from '../../../src/agent/forwarding/event-forwarding';
import { SamplingRule } from '../../../src/agent/forwarding/sampling-rule';

const ENV = { account: '222222222222', region: 'us-east-1' };
const CENTRAL_BUS_ARN = 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring';

/** What the agent does with the option: bind it in its own scope with the forwarding options it already has. */
function bind(forwarding: EventForwarding | undefined, options: EnrichedForwardingOptions | ((stack: Stack) => EnrichedForwardingOptions) = {}) {
  const app = new App();
  const stack = new Stack(app, 'Agent', { env: ENV });
  const agent = new Construct(stack, 'Agent');
  const resolved = typeof options === 'function' ? options(stack) : options;
  const bound = (forwarding ?? EventForwarding.enriched(resolved))._bind(agent, {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', CENTRAL_BUS_ARN),
    forwardedEvents: [ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE],
    retryAttempts: 185,
    maxEventAge: Duration.hours(24),
  });
  return { app, stack, agent, bound, template: Template.fromStack(stack) };
}

function enriched(options: EnrichedForwardingOptions | ((stack: Stack) => EnrichedForwardingOptions) = {}) {
  return bind(undefined, options);
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function settingsOf(template: Template): Record<string, unknown> {
  const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
  return JSON.parse(fn.Properties.Environment.Variables.FORWARDING_SETTINGS);
}

function policyStatements(template: Template): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('EventForwarding.enriched(), defaults', () => {
  const { template, bound } = enriched();
  const buffer = logicalId(template, 'AWS::SQS::Queue', 'EnrichedForwarderBufferQueue');
  const dlq = logicalId(template, 'AWS::SQS::Queue', 'EnrichedForwarderDeadLetterQueue');
  const role = logicalId(template, 'AWS::IAM::Role', 'EnrichedForwarderRole');
  const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'EnrichedForwarderLogGroup');
  const fn = logicalId(template, 'AWS::Lambda::Function', 'EnrichedForwarderFunction');

  test('creates the rule, the two queues, the function with its role, policy and log group, and the event source', () => {
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort()).toEqual([
      'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Lambda::EventSourceMapping', 'AWS::Lambda::Function',
      'AWS::Logs::LogGroup', 'AWS::SQS::Queue', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SQS::QueuePolicy',
    ]);
  });

  test('the rule: default bus, aws.config, the forwarded detail-types, to the buffer with the retry policy and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.absent(),
      EventPattern: Match.exact({ 'source': ['aws.config'], 'detail-type': ['Config Configuration Item Change', 'Config Rules Compliance Change'] }),
      Targets: [Match.exact({
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [buffer, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      })],
    });
  });

  test('the buffer: SQS-managed encryption, visibility six times the timeout plus the window, redrive after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      KmsMasterKeyId: Match.absent(),
      VisibilityTimeout: 370,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  test('the dead-letter queue: encrypted, kept 14 days, TLS only for both queues', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as any[];
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    const denyInsecure = statements.filter((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(denyInsecure.map((s) => s.Resource['Fn::GetAtt'][0]).sort()).toEqual([buffer, dlq].sort());
  });

  test('EventBridge may send to the buffer and the dead-letter queue, from this rule only', () => {
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy')) as any[];
    const sends = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    expect(sends).toHaveLength(2);
    for (const statement of sends) expect(statement.Condition.ArnEquals['aws:SourceArn']).toBeDefined();
  });

  test('pitfall 13: the function runs a supported runtime (nodejs24.x) on arm64, 512 MB, 60 s, own role and log group, its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 60,
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: logGroup } },
      Environment: {
        Variables: {
          FORWARDING_SETTINGS: Match.anyValue(),
          DEAD_LETTER_QUEUE_URL: { Ref: dlq },
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        },
      },
    });
  });

  test('the settings: the central bus and nothing filtered or added', () => {
    expect(settingsOf(template)).toEqual({ centralEventBusArn: CENTRAL_BUS_ARN });
  });

  test('the event source: batches of 100, a 10 s window, at most 5 at once, partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn },
      EventSourceArn: { 'Fn::GetAtt': [buffer, 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('the log group keeps the logs one year, with CloudWatch Logs\' own encryption', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.absent() });
  });

  test('the role: assumed by Lambda, no managed policies, exactly the actions the function calls on its own resources', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    const statements = policyStatements(template);
    expect(statements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      { Action: 'events:PutEvents', Effect: 'Allow', Resource: CENTRAL_BUS_ARN },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } },
      {
        Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [buffer, 'Arn'] },
      },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/s3:|kms:/);
  });

  test('returns the rule, the role, the dead-letter queue and the function to the agent', () => {
    expect(bound.processor).toBeDefined();
    expect(bound.enrichedForwarder?.function).toBe(bound.processor);
    expect(bound.rule).toBe(bound.enrichedForwarder?.rule);
    expect(bound.role).toBe(bound.enrichedForwarder?.role);
    expect(bound.deadLetterQueue).toBe(bound.enrichedForwarder?.deadLetterQueue);
  });

  test('metrics read the function\'s own EMF metrics', () => {
    const metric = bound.enrichedForwarder!.metricForwardFailures();
    expect([metric.namespace, metric.metricName, metric.statistic, metric.period.toMinutes()]).toEqual(['ConfigMonitoring', 'EventsFailed', 'Sum', 5]);
    expect(Object.keys(metric.dimensions ?? {})).toEqual(['FunctionName']);
    expect(bound.enrichedForwarder!.metricEventsForwarded().metricName).toBe('EventsForwarded');
  });
});

describe('EventForwarding.enriched(), overrides', () => {
  test('every filter, sampling rule and enrichment reaches the function\'s settings', () => {
    const { template } = enriched({
      includeResourceTypes: [config.ResourceType.EC2_INSTANCE, config.ResourceType.S3_BUCKET],
      excludeResourceTypes: [config.ResourceType.of('AWS::EC2::NetworkInterface')],
      dropNotApplicable: true,
      dropRelationshipOnlyChanges: true,
      sampling: [SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, 0.25)],
      accountName: 'workloads-prod',
      labels: { team: 'platform', environment: 'production' },
    });
    expect(settingsOf(template)).toEqual({
      centralEventBusArn: CENTRAL_BUS_ARN,
      includeResourceTypes: ['AWS::EC2::Instance', 'AWS::S3::Bucket'],
      excludeResourceTypes: ['AWS::EC2::NetworkInterface'],
      dropNotApplicable: true,
      dropRelationshipOnlyChanges: true,
      samplingRates: { 'AWS::EC2::Instance': 0.25 },
      accountName: 'workloads-prod',
      labels: { team: 'platform', environment: 'production' },
    });
  });

  test('a delivery bucket created in the same stack: its name resolved into the settings', () => {
    const { template } = enriched((stack) => ({ oversizedItemsBucket: new s3.Bucket(stack, 'Delivery') }));
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0] as any;
    expect(JSON.stringify(fn.Properties.Environment.Variables.FORWARDING_SETTINGS)).toMatch(/"Ref":"Delivery[0-9A-F]{8}"/);
  });

  test('oversizedItemsBucket: its name in the settings, s3:GetObject on this account\'s oversized notifications only', () => {
    const { template } = enriched((stack) => ({ oversizedItemsBucket: s3.Bucket.fromBucketName(stack, 'Delivery', 'config-delivery-archive') }));
    expect(settingsOf(template).oversizedItemsBucket).toBe('config-delivery-archive');
    expect(policyStatements(template)).toContainEqual({
      Action: 's3:GetObject',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::config-delivery-archive/*AWSLogs/222222222222/Config/*/OversizedChangeNotification/*']],
      },
    });
    expect(JSON.stringify(policyStatements(template))).not.toMatch(/kms:/);
  });

  test('a delivery bucket encrypted with a KMS key: kms:Decrypt on that key', () => {
    const { template } = enriched((stack) => ({
      oversizedItemsBucket: s3.Bucket.fromBucketAttributes(stack, 'Delivery', {
        bucketName: 'config-delivery-archive',
        encryptionKey: kms.Key.fromKeyArn(stack, 'DeliveryKey', 'arn:aws:kms:us-east-1:999999999999:key/0f0f0f0f-0000-4000-8000-000000000000'),
      }),
    }));
    expect(policyStatements(template)).toContainEqual({
      Action: 'kms:Decrypt', Effect: 'Allow', Resource: 'arn:aws:kms:us-east-1:999999999999:key/0f0f0f0f-0000-4000-8000-000000000000',
    });
  });

  test('encryptionKey: both queues and the log group under the key, CloudWatch Logs and the role allowed to use it', () => {
    const { template } = enriched((s) => ({ encryptionKey: new kms.Key(s, 'Key', { enableKeyRotation: true }) }));
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    const queues = Object.values(template.findResources('AWS::SQS::Queue')) as any[];
    expect(queues.map((q) => q.Properties.KmsMasterKeyId)).toEqual([{ 'Fn::GetAtt': [key, 'Arn'] }, { 'Fn::GetAtt': [key, 'Arn'] }]);
    expect(queues.map((q) => q.Properties.SqsManagedSseEnabled)).toEqual([undefined, undefined]);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    const keyPolicy = (Object.values(template.findResources('AWS::KMS::Key'))[0] as any).Properties.KeyPolicy.Statement;
    expect(keyPolicy.some((s: any) => s.Principal?.Service === 'logs.us-east-1.amazonaws.com')).toBe(true);
    expect(keyPolicy.some((s: any) => s.Principal?.Service === 'events.amazonaws.com')).toBe(true);
    expect(policyStatements(template)).toContainEqual({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [key, 'Arn'] },
    });
  });

  test('the rule forwards the chosen detail-types', () => {
    const app = new App();
    const stack = new Stack(app, 'Agent', { env: ENV });
    EventForwarding.enriched()._bind(new Construct(stack, 'Agent'), {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', CENTRAL_BUS_ARN),
      forwardedEvents: [ConfigEventType.COMPLIANCE_CHANGE, ConfigEventType.of('Config Rules Re-evaluation Status')],
      retryAttempts: 10,
      maxEventAge: Duration.hours(2),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.config'], 'detail-type': ['Config Rules Compliance Change', 'Config Rules Re-evaluation Status'] },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 } })],
    });
  });
});

describe('EventForwarding.direct()', () => {
  test('creates the forward rule, its role and dead-letter queue, and no function', () => {
    const { template, bound } = bind(EventForwarding.direct());
    expect(Object.values(template.toJSON().Resources).map((r: any) => r.Type).sort()).toEqual([
      'AWS::Events::Rule', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
    ]);
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: CENTRAL_BUS_ARN })] });
    expect(bound.processor).toBeUndefined();
    expect(logicalId(template, 'AWS::Events::Rule', 'AgentForwardRule')).toBeDefined();
  });
});

describe('EventForwarding.enriched(), validation', () => {
  test('fails when a resource type is both included and excluded', () => {
    expect(() => enriched({
      includeResourceTypes: [config.ResourceType.EC2_INSTANCE],
      excludeResourceTypes: [config.ResourceType.EC2_INSTANCE],
    })).toThrow(/excludeResourceTypes repeats AWS::EC2::Instance from includeResourceTypes: .*remove it from one/);
  });

  test('fails when two sampling rules name the same resource type', () => {
    expect(() => enriched({
      sampling: [
        SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, 0.1),
        SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, 0.2),
      ],
    })).toThrow(/sampling has two rules for AWS::EC2::Instance: keep one/);
  });

  test.each([-0.1, 1.5, Number.NaN])('fails when a sampling rate is %p', (rate) => {
    expect(() => SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, rate))
      .toThrow(/rate must be from 0 to 1, got .* for AWS::EC2::Instance: pass the share/);
  });

  test('accepts the bounds 0 and 1', () => {
    expect(SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, 0).rate).toBe(0);
    expect(SamplingRule.forResourceType(config.ResourceType.EC2_INSTANCE, 1).rate).toBe(1);
  });

  test('fails when accountName is empty', () => {
    expect(() => enriched({ accountName: ' ' })).toThrow(/accountName must not be empty, got '': leave it out/);
  });

  test('fails when a label has an empty key', () => {
    expect(() => enriched({ labels: { '': 'x' } })).toThrow(/labels must not have an empty key/);
  });

  test('fails when the options do not fit the Lambda environment', () => {
    const labels = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`label-${i}`, 'x'.repeat(30)]));
    expect(() => enriched({ labels })).toThrow(/the enriched forwarding options take \d+ bytes, more than the 3500 bytes .*shorten labels/);
  });
});
