import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  ARCHIVE_BATCH_SIZE, ARCHIVE_RETRY_ATTEMPTS, HistoryArchive, HistoryArchiveProps,
} from '../../../src/master/archive/history-archive';
import { createComplianceStore } from '../../../src/master/compliance-store';

const ENV = { account: '111111111111', region: 'eu-west-1' };

interface SynthOptions {
  readonly key?: boolean;
  readonly stream?: boolean;
  readonly prepare?: (stack: Stack) => Partial<HistoryArchiveProps>;
}

function synth(props: Partial<HistoryArchiveProps> = {}, options: SynthOptions = {}) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const encryptionKey = options.key ? new kms.Key(stack, 'Key') : undefined;
  const store = createComplianceStore(stack, { encryptionKey, removalPolicy: RemovalPolicy.RETAIN, historyStream: options.stream ?? true });
  const archive = new HistoryArchive(stack, 'HistoryArchive', { eventsTable: store.eventsTable, encryptionKey, ...props, ...options.prepare?.(stack) });
  return { stack, archive, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function roleStatements(template: Template): any[] {
  const role = logicalId(template, 'AWS::IAM::Role', 'HistoryArchiveRole');
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('HistoryArchive, defaults', () => {
  const { template } = synth();
  const fn = logicalId(template, 'AWS::Lambda::Function', 'HistoryArchiveFunction');
  const bucket = logicalId(template, 'AWS::S3::Bucket', 'HistoryArchiveBucket');
  const logsBucket = logicalId(template, 'AWS::S3::Bucket', 'HistoryArchiveAccessLogsBucket');
  const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'EventsTable');
  const dlq = logicalId(template, 'AWS::SQS::Queue', 'HistoryArchiveDeadLetterQueue');

  test('the events table streams old images', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      StreamSpecification: { StreamViewType: 'OLD_IMAGE' },
    });
  });

  test('the event source: the stream from its oldest record, 1,000 records or a minute, retries, bisect, batch item failures, DLQ on failure', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn },
      EventSourceArn: { 'Fn::GetAtt': [table, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: ARCHIVE_BATCH_SIZE,
      MaximumBatchingWindowInSeconds: 60,
      MaximumRetryAttempts: ARCHIVE_RETRY_ATTEMPTS,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
  });

  test('the filter lets only TTL removals through: REMOVE by the service dynamodb.amazonaws.com', () => {
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0] as any;
    const filters = mapping.Properties.FilterCriteria.Filters;
    expect(filters).toHaveLength(1);
    expect(JSON.parse(filters[0].Pattern)).toEqual({
      eventName: ['REMOVE'],
      userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
    });
  });

  test('the function: generated class, arm64, 256 MB, one minute, bucket and queue in its environment, own log group', () => {
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'HistoryArchiveLogGroup');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      MemorySize: 256,
      Timeout: 60,
      LoggingConfig: { LogGroup: { Ref: logGroup } },
      Environment: { Variables: { ARCHIVE_BUCKET_NAME: { Ref: bucket }, DEAD_LETTER_QUEUE_URL: { Ref: dlq } } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('the bucket: SSE-S3, TLS only, public access blocked, versioned, access logs, Glacier IR after 90 days, expired after 7 years', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: 'history-archive-bucket/' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'ArchiveHistory',
            Prefix: 'history/',
            Status: 'Enabled',
            ExpirationInDays: 2555,
            Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
          }),
          Match.objectLike({ Id: 'ExpireOldVersions', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucket, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '111111111111' } },
        })]),
      },
    });
    for (const id of [bucket, logsBucket]) {
      expect(template.findResources('AWS::S3::Bucket')[id].DeletionPolicy).toBe('Retain');
    }
  });

  test('the dead-letter queue: SQS-managed encryption, TLS only, 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlq }],
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  test('the role: its log group, the stream, PutObject on history/* only, SendMessage to its queue; nothing else', () => {
    const statements = roleStatements(template);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual([
      'dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams',
      'logs:CreateLogStream', 'logs:PutLogEvents', 's3:PutObject', 'sqs:SendMessage',
    ].sort());
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/history/*']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [dlq, 'Arn'] } }));
    for (const s of statements.filter((x) => String(x.Action).startsWith('dynamodb:') || [x.Action].flat()[0].startsWith('dynamodb:'))) {
      expect(s.Resource).toEqual({ 'Fn::GetAtt': [table, 'StreamArn'] });
    }
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
  });
});

describe('HistoryArchive, overrides', () => {
  test('with a customer-managed key: bucket (bucket key), queue and log group use it; the role may Decrypt and GenerateDataKey', () => {
    const { template } = synth({}, { key: true });
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } },
        }],
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    const kmsActions = roleStatements(template).filter((s) => [s.Action].flat().some((a: string) => a.startsWith('kms:')))
      .flatMap((s) => [s.Action].flat());
    expect([...new Set(kmsActions)].sort()).toEqual(['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey']);
  });

  test('retention, transitionAfter, serverAccessLogsBucket and removalPolicy', () => {
    const { template } = synth({ retention: Duration.days(730), transitionAfter: Duration.days(30), removalPolicy: RemovalPolicy.DESTROY },
      { prepare: (stack) => ({ serverAccessLogsBucket: new s3.Bucket(stack, 'CentralLogs') }) });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ArchiveHistory', ExpirationInDays: 730, Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }] })]) },
      LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^CentralLogs') } },
    });
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.includes('AccessLogsBucket'))).toEqual([]);
    expect(template.findResources('AWS::S3::Bucket')[logicalId(template, 'AWS::S3::Bucket', 'HistoryArchiveBucket')].DeletionPolicy).toBe('Delete');
  });

  test('the events table has no stream without the archive', () => {
    const stack = new Stack(new App(), 'Plain', { env: ENV });
    createComplianceStore(stack, { removalPolicy: RemovalPolicy.RETAIN });
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: Match.anyValue(), StreamSpecification: Match.absent(),
    });
  });
});

describe('HistoryArchive, validation', () => {
  test('fails when the events table has no stream', () => {
    expect(() => synth({}, { stream: false })).toThrow(/historyArchive needs a stream on the events table, got table Master\/EventsTable without one: create the store with historyStream: true/);
  });

  test('fails when retention is shorter than a day or not whole days', () => {
    expect(() => synth({ retention: Duration.hours(12) })).toThrow('historyArchive.retention must be at least 1 day, got 12 hours: keep archives for at least Duration.days(1)');
    expect(() => synth({ retention: Duration.hours(36) })).toThrow(/historyArchive.retention must be a whole number of days, got 1 day 12 hours: use Duration.days\(2\)/);
  });

  test('fails when transitionAfter is shorter than a day, not whole days, or not shorter than retention', () => {
    expect(() => synth({ transitionAfter: Duration.hours(1) })).toThrow(/historyArchive.transitionAfter must be at least 1 day, got 1 hour/);
    expect(() => synth({ transitionAfter: Duration.hours(30) })).toThrow(/historyArchive.transitionAfter must be a whole number of days/);
    expect(() => synth({ retention: Duration.days(90) })).toThrow('historyArchive.transitionAfter must be shorter than historyArchive.retention, got 90 days and 90 days: lower transitionAfter, or raise retention');
  });
});
