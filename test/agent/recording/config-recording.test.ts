import { App, CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as config from 'aws-cdk-lib/aws-config';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigRecording, costAlarmThreshold, ITEMS_RECORDED_QUERY, RESOURCE_COMPLIANCE_WARNING } from '../../../src/agent/recording/config-recording';
import { DeliveryDestination } from '../../../src/agent/recording/delivery-destination';
import { Recording, RecordingOptions } from '../../../src/agent/recording/recording';
import { RecordingFrequency, RecordingStrategy } from '../../../src/agent/recording/recording-strategy';
import { ROLE_TAKEN_ERROR } from '../../../src/agent/recording/service-linked-role';
import { SERVICE_LINKED_ROLE_HANDLER } from '../../../src/agent/recording/service-linked-role-handler';

const ENV = { account: '222222222222', region: 'us-east-1' };
const IAM_TYPES = ['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy'];
const COMPLIANCE = config.ResourceType.of('AWS::Config::ResourceCompliance');
const SLR_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig']] };

function synth(options: RecordingOptions = {}, env: { account?: string; region?: string } = ENV) {
  const stack = new Stack(new App(), 'Agent', { env });
  const recording = new ConfigRecording(stack, 'Recording', { recording: Recording.create(options) });
  return { stack, recording, template: Template.fromStack(stack) };
}

function only(template: Template, type: string): [string, any] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, any];
}

function recorderProps(template: Template): any {
  return only(template, 'AWS::Config::ConfigurationRecorder')[1].Properties;
}

describe('deprecated APIs', () => {
  test('never calls CfnResource.addDependency, deprecated in newer aws-cdk-lib (node.addDependency replaces it)', () => {
    const original = CfnResource.prototype.addDependency;
    const callers: string[] = [];
    const spy = jest.spyOn(CfnResource.prototype, 'addDependency').mockImplementation(function (this: CfnResource, target) {
      // aws-cdk-lib calls it itself to render node dependencies: only a call from our sources is a finding.
      const caller = (new Error().stack ?? '').split('\n').slice(2).find((line) => !line.includes('node_modules'));
      if (caller?.includes('/src/')) callers.push(caller.trim());
      return original.call(this, target);
    });
    try {
      synth();
      expect(callers).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  test('synthesizes with JSII_DEPRECATED=fail: no deprecated aws-cdk-lib API is called', () => {
    const previous = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'fail';
    try {
      expect(() => synth()).not.toThrow();
    } finally {
      if (previous === undefined) delete process.env.JSII_DEPRECATED; else process.env.JSII_DEPRECATED = previous;
    }
  });
});

describe('what makes a first deployment of recording fail', () => {
  test('one recorder per region: adoptExisting() creates no configuration recorder, so it never meets MaxNumberOfConfigurationRecordersExceeded', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    const recording = new ConfigRecording(stack, 'Recording', { recording: Recording.adoptExisting() });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    expect(recording.recorder).toBeUndefined();
  });

  test('one delivery channel per region: adoptExisting() creates no delivery channel, bucket, role, function or alarm', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    new ConfigRecording(stack, 'Recording', { recording: Recording.adoptExisting() });
    expect(Template.fromStack(stack).toJSON().Resources ?? {}).toEqual({});
  });

  test('an existing service-linked role: no AWS::IAM::ServiceLinkedRole; a custom resource creates it and takes "has been taken" (InvalidInput) as success', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::IAM::ServiceLinkedRole', 0);
    const [, resource] = only(template, 'Custom::ConfigServiceLinkedRole');
    expect(resource.Properties.AWSServiceName).toBe('config.amazonaws.com');
    // Inline code, no file asset: the function's code is in the template (see service-linked-role-handler.test.ts).
    const [fnId, fn] = only(template, 'AWS::Lambda::Function');
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(fn.Properties.Code).toEqual({ ZipFile: SERVICE_LINKED_ROLE_HANDLER });
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(SERVICE_LINKED_ROLE_HANDLER).toContain(ROLE_TAKEN_ERROR);
    expect(SERVICE_LINKED_ROLE_HANDLER).toContain('config.amazonaws.com');
    expect(new RegExp(ROLE_TAKEN_ERROR).test('InvalidInput')).toBe(true);
    expect(new RegExp(ROLE_TAKEN_ERROR).test('InvalidInputException')).toBe(true);
    expect(new RegExp(ROLE_TAKEN_ERROR).test('LimitExceededException')).toBe(false);
    // The recorder uses the service-linked role by ARN and waits for the custom resource.
    expect(recorderProps(template).RoleARN).toEqual(SLR_ARN);
  });

  test('an existing service-linked role, opt-out: createServiceLinkedRole false names the existing role and deploys no function', () => {
    const { template } = synth({ createServiceLinkedRole: false });
    template.resourceCountIs('Custom::ConfigServiceLinkedRole', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(recorderProps(template).RoleARN).toEqual(SLR_ARN);
  });

  test('no recorder/channel cycle: the channel depends on the recorder, the recorder not on the channel (no cycle), in one template', () => {
    const { template } = synth();
    const [recorderId, recorder] = only(template, 'AWS::Config::ConfigurationRecorder');
    const [channelId, channel] = only(template, 'AWS::Config::DeliveryChannel');
    const [slrId] = only(template, 'Custom::ConfigServiceLinkedRole');
    expect(channel.DependsOn).toContain(recorderId);
    expect(recorder.DependsOn ?? []).not.toContain(channelId);
    expect(recorder.DependsOn).toContain(slrId);
  });

  test('InsufficientDeliveryPolicyException: the bucket policy is the AWS Config one, scoped by AWS:SourceAccount, and the channel waits for it', () => {
    const { template } = synth();
    const [bucketId] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.includes('DeliveryBucket'))!;
    const [policyId] = Object.entries(template.findResources('AWS::S3::BucketPolicy')).find(([, p]: any) => p.Properties.Bucket.Ref === bucketId)!;
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    const condition = { 'AWS:SourceAccount': '222222222222' };
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Sid: 'AWSConfigBucketPermissionsCheck', Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: bucketArn, Condition: { StringEquals: condition } },
          { Sid: 'AWSConfigBucketExistenceCheck', Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringEquals: condition } },
          {
            Sid: 'AWSConfigBucketDelivery',
            Effect: 'Allow',
            Principal: { Service: 'config.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [bucketArn, '/AWSLogs/222222222222/Config/*']] },
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...condition } },
          },
        ]),
      },
    });
    const [, channel] = only(template, 'AWS::Config::DeliveryChannel');
    expect(channel.DependsOn).toContain(policyId);
    expect(channel.Properties.S3BucketName).toEqual({ Ref: bucketId });
  });

  test('InsufficientDeliveryPolicyException: fails when keyPrefix contains AWSLogs/, or the central bucket is given by ARN', () => {
    expect(() => DeliveryDestination.newBucket({ keyPrefix: 'x/AWSLogs/1' })).toThrow(/keyPrefix must not contain 'AWSLogs\/', got 'x\/AWSLogs\/1'/);
    const stack = new Stack();
    expect(() => DeliveryDestination.centralBucket({ bucket: s3.Bucket.fromBucketName(stack, 'B', 'org-logs'), keyPrefix: 'AWSLogs/' }))
      .toThrow(/keyPrefix must not contain 'AWSLogs\/'/);
    // The bucket is typed, so its name is what reaches S3BucketName; aws-cdk-lib already refuses an ARN as a name.
    expect(() => DeliveryDestination.centralBucket({ bucket: s3.Bucket.fromBucketName(stack, 'C', 'arn:aws:s3:::logs') })).toThrow();
  });

  test('global IAM types recorded in the home region only', () => {
    const home = recorderProps(synth({ globalResourceTypesRegion: 'us-east-1' }).template);
    expect(home.RecordingGroup).toEqual({ AllSupported: true, IncludeGlobalResourceTypes: true, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } });
    const elsewhere = recorderProps(synth({ globalResourceTypesRegion: 'eu-west-1' }).template);
    expect(elsewhere.RecordingGroup.IncludeGlobalResourceTypes).toBe(false);
  });

  test('DAILY recording: fails when a DAILY override names a continuous-only type', () => {
    for (const type of ['AWS::Config::ResourceCompliance', 'AWS::Config::ConformancePackCompliance', 'AWS::Config::ConfigurationRecorder']) {
      expect(() => synth({ frequencyOverrides: [{ resourceTypes: [config.ResourceType.of(type)], frequency: RecordingFrequency.DAILY }] }))
        .toThrow(new RegExp(`frequencyOverrides\\[0\\] records '${type}' DAILY, which AWS Config rejects`));
    }
  });

  test('compliance recording: warns when AWS::Config::ResourceCompliance is excluded, or missing from an inclusion list', () => {
    const excluded = synth({ strategy: RecordingStrategy.excluding([COMPLIANCE]) });
    Annotations.fromStack(excluded.stack).hasWarning('/Agent/Recording', Match.stringLikeRegexp('AWS::Config::ResourceCompliance is not recorded'));
    const missing = synth({ strategy: RecordingStrategy.only([config.ResourceType.S3_BUCKET]) });
    Annotations.fromStack(missing.stack).hasWarning('/Agent/Recording', Match.stringLikeRegexp(RESOURCE_COMPLIANCE_WARNING));
    const kept = synth({ strategy: RecordingStrategy.only([config.ResourceType.S3_BUCKET, COMPLIANCE]) });
    Annotations.fromStack(kept.stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('defaults', () => {
  const { template, recording } = synth();

  test('recorder: named default, all supported types, no global types without a home region, continuous', () => {
    expect(recorderProps(template)).toEqual({
      Name: 'default',
      RoleARN: SLR_ARN,
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } },
      RecordingMode: { RecordingFrequency: 'CONTINUOUS' },
    });
  });

  test('channel: the new bucket, no prefix, no key, no topic, daily snapshots', () => {
    const [, channel] = only(template, 'AWS::Config::DeliveryChannel');
    expect(channel.Properties).toEqual({
      Name: 'default',
      S3BucketName: { Ref: expect.stringMatching(/^RecordingDeliveryBucket/) },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'TwentyFour_Hours' },
    });
    expect(Object.keys(channel.Properties)).not.toContain('SnsTopicARN');
  });

  test('delivery bucket: SSE-S3, public access blocked, owner enforced, versioned, logged, archived after 90 days, expired after 7 years, retained', () => {
    const [, bucket] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) => id.includes('DeliveryBucket'))! as [string, any];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^RecordingAccessLogsBucket/) }, LogFilePrefix: 'config-delivery/' },
      LifecycleConfiguration: {
        Rules: [{
          Id: 'ArchiveThenExpire',
          Status: 'Enabled',
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
          ExpirationInDays: 2557,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }],
      },
    });
    expect(recording.deliveryBucket).toBeDefined();
  });

  test('both buckets deny requests without TLS', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as any[];
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]));
    }
  });

  test('service-linked role function: own role with only its log group, one-year retention, no managed policies', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as any[];
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'iam:CreateServiceLinkedRole', Effect: 'Allow', Resource: SLR_ARN, Condition: { StringEquals: { 'iam:AWSServiceName': 'config.amazonaws.com' } } }, { Action: 'iam:GetRole', Effect: 'Allow', Resource: SLR_ARN }]) },
    });
  });

  test('cost alarm: Metrics Insights total over 3 hours, above the 3-hour share of 10,000 items, no actions', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ Expression: ITEMS_RECORDED_QUERY, Period: 10800 })],
      Threshold: 1250,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: Match.absent(),
    });
  });
});

describe('overrides', () => {
  test('only(): inclusion list; IAM types kept in the home region, dropped elsewhere', () => {
    const strategy = RecordingStrategy.only([config.ResourceType.S3_BUCKET, config.ResourceType.IAM_ROLE, COMPLIANCE, config.ResourceType.S3_BUCKET]);
    const home = recorderProps(synth({ strategy, globalResourceTypesRegion: 'us-east-1' }).template);
    expect(home.RecordingGroup).toEqual({
      AllSupported: false,
      IncludeGlobalResourceTypes: false,
      ResourceTypes: ['AWS::S3::Bucket', 'AWS::IAM::Role', 'AWS::Config::ResourceCompliance'],
      RecordingStrategy: { UseOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
    });
    const elsewhere = recorderProps(synth({ strategy, globalResourceTypesRegion: 'eu-west-1' }).template);
    expect(elsewhere.RecordingGroup.ResourceTypes).toEqual(['AWS::S3::Bucket', 'AWS::Config::ResourceCompliance']);
  });

  test('excluding(): exclusion list, plus the IAM types outside the home region', () => {
    const strategy = RecordingStrategy.excluding([config.ResourceType.EC2_NETWORK_INTERFACE]);
    expect(recorderProps(synth({ strategy, globalResourceTypesRegion: 'us-east-1' }).template).RecordingGroup).toEqual({
      AllSupported: false,
      IncludeGlobalResourceTypes: false,
      ExclusionByResourceTypes: { ResourceTypes: ['AWS::EC2::NetworkInterface'] },
      RecordingStrategy: { UseOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
    });
    expect(recorderProps(synth({ strategy }).template).RecordingGroup.ExclusionByResourceTypes.ResourceTypes)
      .toEqual(['AWS::EC2::NetworkInterface', ...IAM_TYPES]);
  });

  test('environment-agnostic stack: the home region is chosen at deploy time by a condition', () => {
    const { template } = synth({ globalResourceTypesRegion: 'us-east-1' }, {});
    const conditions = template.toJSON().Conditions;
    expect(Object.values(conditions)).toEqual([{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] }]);
    const group = recorderProps(template).RecordingGroup;
    expect(group['Fn::If'][1].IncludeGlobalResourceTypes).toBe(true);
    expect(group['Fn::If'][2]).toEqual({ AllSupported: true, IncludeGlobalResourceTypes: false, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } });
    expect(recorderProps(template).RecordingMode['Fn::If'][1]).toEqual({ RecordingFrequency: 'CONTINUOUS' });
  });

  test('frequency DAILY with overrides; continuous-only types kept continuous for inclusion lists', () => {
    const { template } = synth({
      strategy: RecordingStrategy.only([config.ResourceType.EC2_INSTANCE, config.ResourceType.AUTO_SCALING_GROUP, COMPLIANCE]),
      frequency: RecordingFrequency.DAILY,
      frequencyOverrides: [{ resourceTypes: [config.ResourceType.EC2_INSTANCE], frequency: RecordingFrequency.CONTINUOUS, description: 'security' }],
    });
    expect(recorderProps(template).RecordingMode).toEqual({
      RecordingFrequency: 'DAILY',
      RecordingModeOverrides: [
        { Description: 'security', RecordingFrequency: 'CONTINUOUS', ResourceTypes: ['AWS::EC2::Instance'] },
        { Description: 'AWS Config records these types continuously only', RecordingFrequency: 'CONTINUOUS', ResourceTypes: ['AWS::Config::ResourceCompliance'] },
      ],
    });
    // A day's daily items arrive together: the alarm takes the whole budget.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 10000 });
  });

  test('DAILY with all supported types: AWS Config keeps continuous-only types continuous itself, no extra override', () => {
    expect(recorderProps(synth({ frequency: RecordingFrequency.DAILY }).template).RecordingMode).toEqual({ RecordingFrequency: 'DAILY' });
  });

  test('DAILY override for IAM types is dropped outside the home region', () => {
    const frequencyOverrides = [{ resourceTypes: [config.ResourceType.IAM_ROLE], frequency: RecordingFrequency.DAILY }];
    expect(recorderProps(synth({ frequencyOverrides, globalResourceTypesRegion: 'us-east-1' }).template).RecordingMode.RecordingModeOverrides)
      .toEqual([{ RecordingFrequency: 'DAILY', ResourceTypes: ['AWS::IAM::Role'] }]);
    expect(recorderProps(synth({ frequencyOverrides, globalResourceTypesRegion: 'eu-west-1' }).template).RecordingMode.RecordingModeOverrides)
      .toBeUndefined();
  });

  test('new bucket with key, prefix, lifecycle, removal policy; topic and alarm topic; hourly snapshots', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    const key = new kms.Key(stack, 'Key');
    const topic = new sns.Topic(stack, 'Topic');
    new ConfigRecording(stack, 'Recording', {
      recording: Recording.create({
        delivery: DeliveryDestination.newBucket({
          encryptionKey: key,
          keyPrefix: 'org/config',
          transitionAfter: Duration.days(30),
          expiration: Duration.days(365),
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        notificationTopic: topic,
        alarmTopic: topic,
        dailyItemBudget: 800,
        snapshotDeliveryFrequency: config.MaximumExecutionFrequency.ONE_HOUR,
      }),
    });
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] };
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3KeyPrefix: 'org/config',
      S3KmsKeyArn: keyArn,
      SnsTopicARN: { Ref: Match.stringLikeRegexp('Topic') },
      ConfigSnapshotDeliveryProperties: { DeliveryFrequency: 'One_Hour' },
    });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } }] },
        LifecycleConfiguration: { Rules: [Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 30 }], ExpirationInDays: 365 })] },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AWSConfigBucketDelivery', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/org/config/AWSLogs/222222222222/Config/*']] } })]) },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([{ Sid: 'AWSConfigKMSPolicy', Effect: 'Allow', Principal: { Service: 'config.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*', Condition: { StringEquals: { 'AWS:SourceAccount': '222222222222' } } }]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AWSConfigSNSPolicy', Action: 'sns:Publish', Principal: { Service: 'config.amazonaws.com' } })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 100, AlarmActions: [{ Ref: Match.stringLikeRegexp('Topic') }] });
  });

  test('own access-log bucket: no second bucket, the logging service may write under the prefix', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    const logs = new s3.Bucket(stack, 'Logs');
    new ConfigRecording(stack, 'Recording', { recording: Recording.create({ delivery: DeliveryDestination.newBucket({ serverAccessLogsBucket: logs }) }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Logs') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'S3ServerAccessLogsPolicy', Principal: { Service: 'logging.s3.amazonaws.com' } })]) },
    });
  });

  test('central bucket: no bucket created, the channel points at its name, key and prefix', () => {
    const stack = new Stack(new App(), 'Agent', { env: ENV });
    const keyArn = 'arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    new ConfigRecording(stack, 'Recording', {
      recording: Recording.create({
        delivery: DeliveryDestination.centralBucket({
          bucket: s3.Bucket.fromBucketName(stack, 'Central', 'org-config-logs'),
          encryptionKey: kms.Key.fromKeyArn(stack, 'CentralKey', keyArn),
          keyPrefix: 'org',
        }),
      }),
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', { S3BucketName: 'org-config-logs', S3KmsKeyArn: keyArn, S3KeyPrefix: 'org' });
  });
});

describe('validation', () => {
  test('fails when a strategy lists no types', () => {
    expect(() => RecordingStrategy.only([])).toThrow(/RecordingStrategy.only\(\) needs at least one resource type, got \[\]/);
    expect(() => RecordingStrategy.excluding([])).toThrow(/RecordingStrategy.excluding\(\) needs at least one resource type/);
  });

  test('fails when only() lists IAM types without globalResourceTypesRegion', () => {
    expect(() => synth({ strategy: RecordingStrategy.only([config.ResourceType.IAM_USER, COMPLIANCE]) }))
      .toThrow(/lists global IAM types \(AWS::IAM::User\) but globalResourceTypesRegion is not set/);
  });

  test('fails when only() lists nothing but IAM types outside the home region', () => {
    expect(() => synth({ strategy: RecordingStrategy.only([config.ResourceType.IAM_USER]), globalResourceTypesRegion: 'eu-west-1' }))
      .toThrow(/this region would record nothing/);
  });

  test('fails when globalResourceTypesRegion is malformed or cannot record global types', () => {
    expect(() => synth({ globalResourceTypesRegion: 'US East' })).toThrow(/globalResourceTypesRegion must be a region name, got 'US East'/);
    expect(() => synth({ globalResourceTypesRegion: 'eu-central-2' })).toThrow(/globalResourceTypesRegion cannot be 'eu-central-2'/);
  });

  test('fails when an override is empty or a type is in two overrides', () => {
    expect(() => synth({ frequencyOverrides: [{ resourceTypes: [], frequency: RecordingFrequency.DAILY }] }))
      .toThrow(/frequencyOverrides\[0\].resourceTypes must list at least one resource type/);
    expect(() => synth({
      frequencyOverrides: [
        { resourceTypes: [config.ResourceType.EC2_INSTANCE], frequency: RecordingFrequency.DAILY },
        { resourceTypes: [config.ResourceType.EC2_INSTANCE], frequency: RecordingFrequency.CONTINUOUS },
      ],
    })).toThrow(/frequencyOverrides list 'AWS::EC2::Instance' twice \(overrides 0 and 1\)/);
  });

  test('fails when dailyItemBudget is not a positive whole number', () => {
    expect(() => synth({ dailyItemBudget: 0 })).toThrow(/dailyItemBudget must be a whole number of at least 1, got 0/);
    expect(() => synth({ dailyItemBudget: 1.5 })).toThrow(/got 1.5/);
  });

  test('fails when the lifecycle is not whole days or expiry comes before the transition', () => {
    expect(() => DeliveryDestination.newBucket({ transitionAfter: Duration.hours(36) })).toThrow(/transitionAfter must be a whole number of days/);
    expect(() => DeliveryDestination.newBucket({ transitionAfter: Duration.days(90), expiration: Duration.days(60) }))
      .toThrow(/expiration must be later than transitionAfter, got 60 days and 90 days/);
    expect(() => DeliveryDestination.newBucket({ keyPrefix: '/config' })).toThrow(/neither start nor end with '\/'/);
  });
});

test('cost alarm threshold: the 3-hour share while continuous, the whole budget once anything is daily', () => {
  expect(costAlarmThreshold(10000, RecordingFrequency.CONTINUOUS, [])).toBe(1250);
  expect(costAlarmThreshold(1001, RecordingFrequency.CONTINUOUS, [RecordingFrequency.CONTINUOUS])).toBe(126);
  expect(costAlarmThreshold(10000, RecordingFrequency.CONTINUOUS, [RecordingFrequency.DAILY])).toBe(10000);
});
