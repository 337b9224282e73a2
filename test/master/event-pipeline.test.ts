import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigMonitoringMaster, ConfigMonitoringMasterProps, ConfigurationItemHistory } from '../../src';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const ORG = 'o-a1b2c3d4e5';
const HANDLER_TIMEOUT_SECONDS = 60;

function synth(props: Partial<ConfigMonitoringMasterProps> = {}, prepare?: (stack: Stack) => Partial<ConfigMonitoringMasterProps>) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: ORG, ...props, ...prepare?.(stack) });
  return { stack, master, template: Template.fromStack(stack) };
}

/** Logical id of the only resource of `type` whose id contains `part`. */
function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Every statement of the handler's role, flattened. */
function handlerStatements(template: Template): any[] {
  const role = logicalId(template, 'AWS::IAM::Role', 'HandleConfigEventsRole');
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('event pipeline, defaults', () => {
  // Prepare: one synth for every default assertion.
  const { stack, master, template } = synth();
  const dlq = logicalId(template, 'AWS::SQS::Queue', 'MonitoringDeadLetterQueue');
  const buffer = logicalId(template, 'AWS::SQS::Queue', 'MonitoringBufferQueue');
  const fn = logicalId(template, 'AWS::Lambda::Function', 'MonitoringHandleConfigEvents');
  const topic = logicalId(template, 'AWS::SNS::Topic', 'MonitoringNotificationTopic');

  test('the handler: the generated function on arm64, nodejs24.x, 60 s, 512 MB', () => {
    // The pipeline's one function (the other is the dashboard's AccountActivityCheck).
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => id.includes('HandleConfigEvents'))).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: HANDLER_TIMEOUT_SECONDS,
      MemorySize: 512,
    });
  });

  test('the handler environment is exactly the runtime contract', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.exact({
          COMPLIANCE_TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ComplianceTable') },
          EVENTS_TABLE_NAME: { Ref: logicalId(template, 'AWS::DynamoDB::GlobalTable', 'EventsTable') },
          NOTIFICATION_TOPIC_ARN: { Ref: topic },
          DEAD_LETTER_QUEUE_URL: { Ref: dlq },
          HISTORY_RETENTION_DAYS: '365',
          CONFIGURATION_ITEM_HISTORY: 'RESOURCES_WITH_COMPLIANCE',
          SILENT_AFTER_SECONDS: '86400',
          AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        }),
      },
    });
  });

  test('the handler logs to its own log group, kept one year', () => {
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'HandleConfigEventsLogGroup');
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroup } } });
  });

  test('the SQS event source: batch 100, window 60 s, concurrency 20, partial batch responses', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [buffer, 'Arn'] },
      FunctionName: { Ref: fn },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 60,
      ScalingConfig: { MaximumConcurrency: 20 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('the buffer queue: visibility timeout at least 6 × the function timeout (plus the window), DLQ after 5 receives', () => {
    const queue = template.findResources('AWS::SQS::Queue')[buffer];
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * HANDLER_TIMEOUT_SECONDS);
    expect(queue.Properties.VisibilityTimeout).toBe(6 * HANDLER_TIMEOUT_SECONDS + 60);
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 });
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  test('the dead-letter queue: 14 days, SQS-managed encryption, declared a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
      RedrivePolicy: Match.absent(),
    });
  });

  test('both queues refuse requests without TLS', () => {
    for (const queue of [buffer, dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          })]),
        },
      });
    }
  });

  test('the rule sends to the buffer queue with a retry policy and the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [{
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [buffer, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      }],
    });
  });

  test('EventBridge may send to both queues, and only from this rule', () => {
    const rule = logicalId(template, 'AWS::Events::Rule', 'ConfigEventsRule');
    for (const queue of [buffer, dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queue }],
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.anyValue(),
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
          })]),
        },
      });
    }
  });

  test('the default topic: AWS-managed SNS key, TLS only', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:eu-west-1:111111111111:alias/aws/sns']] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 'sns:Publish',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('IAM: the handler role has no managed policy and exactly the actions it calls, on its own resources', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
    const statements = handlerStatements(template);
    const byAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));

    const tables = [
      { 'Fn::GetAtt': [logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ComplianceTable'), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(template, 'AWS::DynamoDB::GlobalTable', 'EventsTable'), 'Arn'] },
    ];
    expect(byAction('dynamodb:PutItem')).toEqual([{
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: tables,
    }]);
    // Remediation executions are linked to their item through the rule index: Query on that index only.
    expect(byAction('dynamodb:Query').filter((s) => s.Action === 'dynamodb:Query')).toEqual([{
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: { 'Fn::Join': ['', [tables[0], '/index/ConfigCompliance-Index']] },
    }]);
    expect(byAction('sqs:SendMessage')).toEqual([{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } }]);
    expect(byAction('sns:Publish')).toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topic } }]);
    expect(byAction('logs:PutLogEvents')).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'HandleConfigEventsLogGroup'), 'Arn'] },
    }]);
    expect(byAction('sqs:ReceiveMessage')).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [buffer, 'Arn'] } })]);

    const allActions = statements.flatMap((s) => [s.Action].flat());
    expect(allActions.sort()).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Query', 'dynamodb:UpdateItem',
      'logs:CreateLogStream', 'logs:PutLogEvents',
      'sns:Publish',
      'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ].sort());
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  test('exposes the pipeline', () => {
    expect(master.bufferQueue.node.id).toBe('BufferQueue');
    expect(master.deadLetterQueue.node.id).toBe('DeadLetterQueue');
    expect(master.eventHandler.node.id).toBe('HandleConfigEvents');
    expect(master.notificationTopic.node.id).toBe('NotificationTopic');
  });

  test('metrics: handler metrics in ConfigMonitoring by FunctionName, and the dead-letter depth', () => {
    const processed = master.metricEventsProcessed();
    expect(processed.namespace).toBe('ConfigMonitoring');
    expect(processed.metricName).toBe('EventsProcessed');
    expect(processed.statistic).toBe('Sum');
    expect(processed.period.toMinutes()).toBe(5);
    expect(stack.resolve(processed.dimensions)).toEqual({ FunctionName: { Ref: fn } });

    const failed = master.metricEventsFailed({ period: Duration.minutes(1) });
    expect(failed.metricName).toBe('EventsFailed');
    expect(failed.period.toMinutes()).toBe(1);
    expect(stack.resolve(failed.dimensions)).toEqual({ FunctionName: { Ref: fn } });

    const depth = master.metricDeadLetterDepth();
    expect(depth.namespace).toBe('AWS/SQS');
    expect(depth.metricName).toBe('ApproximateNumberOfMessagesVisible');
    expect(depth.statistic).toBe('Maximum');
    expect(stack.resolve(depth.dimensions)).toEqual({ QueueName: { 'Fn::GetAtt': [dlq, 'QueueName'] } });
    expect(master.metricDeadLetterDepth({ statistic: cloudwatch.Stats.AVERAGE }).statistic).toBe('Average');
  });
});

describe('event pipeline, overrides', () => {
  test('batch settings reach the event source and the visibility timeout', () => {
    const { template } = synth({ batchSize: 500, maxBatchingWindow: Duration.seconds(30), maxConcurrency: 50 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 30,
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * HANDLER_TIMEOUT_SECONDS + 30 });
  });

  test('batchSize 10 may do without a batching window', () => {
    const { template } = synth({ batchSize: 10, maxBatchingWindow: Duration.seconds(0) });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10 });
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * HANDLER_TIMEOUT_SECONDS });
  });

  test('the limits themselves are accepted', () => {
    const { template } = synth({ batchSize: 10_000, maxBatchingWindow: Duration.minutes(5), maxConcurrency: 1000 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 300,
      ScalingConfig: { MaximumConcurrency: 1000 },
    });
    const low = synth({ batchSize: 1, maxConcurrency: 2 }).template;
    low.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } });
  });

  test('a topic you bring: none is created, the handler publishes to yours', () => {
    const { template } = synth({}, (stack) => ({
      notificationTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:eu-west-1:111111111111:compliance'),
    }));
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:compliance' }) },
    });
    expect(handlerStatements(template).filter((s) => s.Action === 'sns:Publish'))
      .toEqual([{ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:eu-west-1:111111111111:compliance' }]);
  });

  test('a topic you bring with its own key: the handler may publish with that key', () => {
    const { template } = synth({}, (stack) => ({
      notificationTopic: new sns.Topic(stack, 'OwnTopic', { masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) }),
    }));
    const topicKey = logicalId(template, 'AWS::KMS::Key', 'TopicKey');
    expect(handlerStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [topicKey, 'Arn'] },
    });
  });

  describe('a customer-managed key', () => {
    const { template } = synth({}, (stack) => ({ encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) }));
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    const keyArn = { 'Fn::GetAtt': [key, 'Arn'] };

    test('encrypts both queues, the topic and the log group', () => {
      template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn, SqsManagedSseEnabled: Match.absent() });
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    });

    test('the handler may use the key for DynamoDB, SQS and SNS: decrypt and data keys, no wildcard actions', () => {
      const kmsStatements = handlerStatements(template).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
      expect(kmsStatements.length).toBeGreaterThan(0);
      for (const statement of kmsStatements) {
        expect(statement.Resource).toEqual(keyArn);
      }
      const actions = new Set(kmsStatements.flatMap((s) => [s.Action].flat()));
      expect([...actions].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']);
    });

    test('EventBridge may use the key to send to the queues, CloudWatch Logs for this account\'s log groups', () => {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'events.amazonaws.com' },
              Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
            }),
            Match.objectLike({
              Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
              Action: Match.arrayWith(['kms:Encrypt*', 'kms:Decrypt*', 'kms:GenerateDataKey*']),
              Condition: {
                ArnLike: {
                  'kms:EncryptionContext:aws:logs:arn': {
                    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:eu-west-1:111111111111:log-group:*']],
                  },
                },
              },
            }),
          ]),
        },
      });
    });
  });
});

describe('configuration-item history', () => {
  /** CONFIGURATION_ITEM_HISTORY of the master's HandleConfigEvents. */
  function historySetting(template: Template): unknown {
    const fn = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { EVENTS_TABLE_NAME: Match.anyValue() } } } });
    const handlers = Object.entries(fn).filter(([id]) => id.includes('HandleConfigEvents'));
    expect(handlers).toHaveLength(1);
    return (handlers[0][1] as any).Properties.Environment.Variables.CONFIGURATION_ITEM_HISTORY;
  }

  test('defaults to RESOURCES_WITH_COMPLIANCE', () => {
    expect(historySetting(synth().template)).toBe('RESOURCES_WITH_COMPLIANCE');
  });

  test.each([ConfigurationItemHistory.ALL, ConfigurationItemHistory.RESOURCES_WITH_COMPLIANCE, ConfigurationItemHistory.NONE])(
    'passes %s to the handler as CONFIGURATION_ITEM_HISTORY', (configurationItemHistory) => {
      expect(historySetting(synth({ configurationItemHistory }).template)).toBe(configurationItemHistory);
    });

  test('a value that is none of the enum (from JavaScript) fails at synth, naming the prop, the value and the allowed values', () => {
    expect(() => synth({ configurationItemHistory: 'EVERYTHING' as ConfigurationItemHistory }))
      .toThrow("configurationItemHistory must be one of ALL, RESOURCES_WITH_COMPLIANCE, NONE, got 'EVERYTHING'");
  });
});

describe('account activity write interval', () => {
  function handlerVariables(template: Template): Record<string, unknown> {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { EVENTS_TABLE_NAME: Match.anyValue() } } } });
    const [handler] = Object.entries(fns).filter(([id]) => id.includes('HandleConfigEvents'));
    return (handler[1] as any).Properties.Environment.Variables;
  }

  test('the handler reads the dashboard silent-account period (SILENT_AFTER_SECONDS), 24 hours by default', () => {
    expect(handlerVariables(synth().template).SILENT_AFTER_SECONDS).toBe('86400');
    expect(handlerVariables(synth({ dashboard: { silentAccountPeriod: Duration.hours(2) } }).template).SILENT_AFTER_SECONDS).toBe('7200');
  });

  test('the handler may read the activity items it is about to write (BatchGetItem on the compliance table)', () => {
    const { template } = synth();
    expect(handlerStatements(template).filter((s) => [s.Action].flat().includes('dynamodb:BatchGetItem'))).toEqual([{
      Effect: 'Allow',
      Action: 'dynamodb:BatchGetItem',
      Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ComplianceTable'), 'Arn'] },
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ACCOUNT_ACTIVITY#*'] } },
    }]);
  });
});
