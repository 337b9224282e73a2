import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigMonitoringMaster } from '../../../src';
import { DailyReport, DailyReportProps } from '../../../src/master/reporting/daily-report';

const ENV = { account: '111111111111', region: 'eu-west-1' };

function synth(props: Partial<DailyReportProps> = {}, options: { key?: boolean; prepare?: (stack: Stack) => Partial<DailyReportProps> } = {}) {
  const stack = new Stack(new App(), 'Master', { env: ENV });
  const encryptionKey = options.key ? new kms.Key(stack, 'Key') : undefined;
  const master = new ConfigMonitoringMaster(stack, 'Monitoring', { organizationId: 'o-a1b2c3d4e5', encryptionKey });
  const report = new DailyReport(stack, 'DailyReport', {
    complianceTable: master.complianceTable,
    eventsTable: master.eventsTable,
    notificationTopic: master.notificationTopic,
    encryptionKey,
    ...props,
    ...options.prepare?.(stack),
  });
  return { stack, master, report, template: Template.fromStack(stack) };
}

function logicalId(template: Template, type: string, part: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(part));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function reportStatements(template: Template): any[] {
  const role = logicalId(template, 'AWS::IAM::Role', 'DailyReportRole');
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('DailyReport, defaults', () => {
  const { template } = synth();
  const fn = logicalId(template, 'AWS::Lambda::Function', 'DailyReportFunction');
  const bucket = logicalId(template, 'AWS::S3::Bucket', 'DailyReportBucket');
  const logsBucket = logicalId(template, 'AWS::S3::Bucket', 'DailyReportAccessLogsBucket');
  const complianceTable = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'ComplianceTable');
  const eventsTable = logicalId(template, 'AWS::DynamoDB::GlobalTable', 'EventsTable');
  const topic = logicalId(template, 'AWS::SNS::Topic', 'NotificationTopic');

  test('runs every day at 06:00 UTC, retried within the hour', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
  });

  test('the function: generated class, arm64, nodejs24.x, 1,024 MB, 10 minutes, its own log group kept a year', () => {
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'DailyReportLogGroup');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      MemorySize: 1024,
      Timeout: 600,
      LoggingConfig: { LogGroup: { Ref: logGroup } },
      Role: { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'DailyReportRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.absent() });
  });

  test('the environment names the tables, the bucket, the master\'s topic and the scan segments, nothing else', () => {
    const resource = template.findResources('AWS::Lambda::Function')[fn];
    expect(resource.Properties.Environment.Variables).toEqual({
      COMPLIANCE_TABLE_NAME: { Ref: complianceTable },
      EVENTS_TABLE_NAME: { Ref: eventsTable },
      REPORT_BUCKET_NAME: { Ref: bucket },
      NOTIFICATION_TOPIC_ARN: { Ref: topic },
      SCAN_SEGMENTS: '8',
      READ_FLEET_COVERAGE: 'false',
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    });
  });

  test('the role: logs, Scan on the compliance table, Query/PutItem on the snapshot partition only, PutObject under reports/ and latest/, Publish', () => {
    expect(reportStatements(template)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::Logs::LogGroup', 'DailyReportLogGroup'), 'Arn'] } },
      { Effect: 'Allow', Action: 'dynamodb:Scan', Resource: { 'Fn::GetAtt': [complianceTable, 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': [eventsTable, 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['REPORT#daily'] } },
      },
      {
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/reports/*']] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/latest/*']] },
        ],
      },
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topic } },
    ]);
    const role = template.findResources('AWS::IAM::Role')[logicalId(template, 'AWS::IAM::Role', 'DailyReportRole')];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the report bucket: SSE-S3, TLS 1.2+ only, public access blocked, owner-enforced, versioned, logged, lifecycle', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsBucket }, LogFilePrefix: 'daily-report-bucket/' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'ExpireDatedReports', Prefix: 'reports/', ExpirationInDays: 365, Status: 'Enabled' },
          {
            Id: 'ExpireOldVersions',
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            ExpiredObjectDeleteMarker: true,
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
    const resources = template.findResources('AWS::S3::Bucket');
    expect(resources[bucket].DeletionPolicy).toBe('Retain');
    expect(resources[logsBucket].DeletionPolicy).toBe('Retain');
  });

  test('both buckets deny requests without TLS or below TLS 1.2', () => {
    for (const b of [bucket, logsBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: b },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  test('the access-log bucket: SSE-S3, public access blocked, versioned, logs expire with the reports, writable by the logging service', () => {
    const resource = template.findResources('AWS::S3::Bucket')[logsBucket];
    expect(resource.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'ExpireAccessLogs', ExpirationInDays: 365, Status: 'Enabled' },
          { Id: 'ExpireOldVersions', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
        ],
      },
    });
    expect(resource.Properties.LoggingConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logsBucket, 'Arn'] }, '/daily-report-bucket/*']] },
          Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucket, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': '111111111111' } },
        }]),
      },
    });
  });
});

describe('DailyReport, overrides', () => {
  test('schedule', () => {
    const { template } = synth({ schedule: events.Schedule.cron({ minute: '30', hour: '22', weekDay: 'MON-FRI' }) });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(30 22 ? * MON-FRI *)' });
  });

  test('retention sets the expiration of dated reports and access logs', () => {
    const { template } = synth({ retention: Duration.days(90) });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireDatedReports', ExpirationInDays: 90 })]) },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireAccessLogs', ExpirationInDays: 90 })]) },
    });
  });

  test('removalPolicy DESTROY reaches the buckets and the log group', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    for (const type of ['AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      const deletion = Object.entries(template.findResources(type)).filter(([id]) => id.includes('DailyReport')).map(([, r]) => r.DeletionPolicy);
      expect(deletion.length).toBeGreaterThan(0);
      expect(new Set(deletion)).toEqual(new Set(['Delete']));
    }
  });

  test('a customer-managed key: SSE-KMS with a bucket key, encrypted log group, key use granted', () => {
    const { template } = synth({}, { key: true });
    const key = logicalId(template, 'AWS::KMS::Key', 'Key');
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } },
          BucketKeyEnabled: true,
        }],
      },
    });
    const logGroup = logicalId(template, 'AWS::Logs::LogGroup', 'DailyReportLogGroup');
    expect(template.findResources('AWS::Logs::LogGroup')[logGroup].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(reportStatements(template)).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: { 'Fn::GetAtt': [key, 'Arn'] },
    });
    // The access-log bucket stays SSE-S3: server access logging cannot deliver to SSE-KMS buckets.
    const logsBucket = logicalId(template, 'AWS::S3::Bucket', 'AccessLogsBucket');
    expect(template.findResources('AWS::S3::Bucket')[logsBucket].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
      .ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
  });

  test('a bucket you bring: no bucket created, PutObject on its prefixes, its key granted for data keys', () => {
    const { template, report } = synth({}, {
      prepare: (stack) => ({ bucket: new s3.Bucket(stack, 'Central', { encryptionKey: new kms.Key(stack, 'CentralKey'), encryption: s3.BucketEncryption.KMS }) }),
    });
    const central = logicalId(template, 'AWS::S3::Bucket', 'Central');
    expect(Object.keys(template.findResources('AWS::S3::Bucket'))).toEqual([central]);
    expect(report.serverAccessLogsBucket).toBeUndefined();
    const statements = reportStatements(template);
    expect(statements.find((s) => s.Action === 's3:PutObject').Resource).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [central, 'Arn'] }, '/reports/*']] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [central, 'Arn'] }, '/latest/*']] },
    ]);
    expect(statements).toContainEqual({
      Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'CentralKey'), 'Arn'] },
    });
  });

  test('a topic you bring receives the summary; its key is granted', () => {
    const { template } = synth({}, {
      prepare: (stack) => ({ topic: new sns.Topic(stack, 'Reports', { masterKey: new kms.Key(stack, 'TopicKey'), enforceSSL: true }) }),
    });
    const topic = logicalId(template, 'AWS::SNS::Topic', 'Reports');
    const fn = logicalId(template, 'AWS::Lambda::Function', 'DailyReportFunction');
    expect(template.findResources('AWS::Lambda::Function')[fn].Properties.Environment.Variables.NOTIFICATION_TOPIC_ARN).toEqual({ Ref: topic });
    const statements = reportStatements(template);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topic } });
    expect(statements).toContainEqual({
      Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'TopicKey'), 'Arn'] },
    });
  });

  test('an access-log bucket you bring receives the logs; none is created', () => {
    const { template } = synth({}, { prepare: (stack) => ({ serverAccessLogsBucket: new s3.Bucket(stack, 'OrgLogs', { enforceSSL: true }) }) });
    const orgLogs = logicalId(template, 'AWS::S3::Bucket', 'OrgLogs');
    expect(Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id.includes('AccessLogs'))).toEqual([]);
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: orgLogs } } });
  });
});

describe('DailyReport, validation', () => {
  test('fails when retention is combined with a bucket you bring', () => {
    expect(() => synth({ retention: Duration.days(30) }, { prepare: (stack) => ({ bucket: new s3.Bucket(stack, 'Mine') }) }))
      .toThrow("dailyReport.retention cannot be combined with dailyReport.bucket, got 30 days and a bucket: set the expiration in your bucket's lifecycle rules");
  });

  test('fails when serverAccessLogsBucket is combined with a bucket you bring', () => {
    expect(() => synth({}, { prepare: (stack) => ({ bucket: new s3.Bucket(stack, 'Mine'), serverAccessLogsBucket: new s3.Bucket(stack, 'Logs') }) }))
      .toThrow('dailyReport.serverAccessLogsBucket cannot be combined with dailyReport.bucket');
  });

  test('fails when retention is shorter than a day', () => {
    expect(() => synth({ retention: Duration.hours(12) })).toThrow('dailyReport.retention must be at least 1 day, got 12 hours');
  });

  test('fails when retention is not a whole number of days', () => {
    expect(() => synth({ retention: Duration.hours(36) })).toThrow('dailyReport.retention must be a whole number of days, got 1 day 12 hours: use Duration.days(2)');
  });

  test('an unresolved retention is left to CloudFormation', () => {
    expect(() => synth({}, { prepare: (stack) => ({ retention: Duration.days(new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber) }) }))
      .not.toThrow();
  });
});
