import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ConfigRecording } from '../../../src/agent/recording/config-recording';
import { DeliveryDestination } from '../../../src/agent/recording/delivery-destination';
import { Recording } from '../../../src/agent/recording/recording';
import { GuardException, describeViolations, excused, guardApp, nag, unexcused } from '../../support/policy-checks';

// Same approach as test/policy/*: cdk-nag through validateScope(), cfn-guard with the binary and Control Tower rules
// shipped in @cdklabs/cdk-validator-cfnguard.
const ENV = { account: '222222222222', region: 'us-east-1' };

/** Policy choices of the recording construct, each with its reason (also in docs/guide/policy-checks.md). */
const EXCEPTIONS: GuardException[] = [
  {
    control: 'CT.S3.PR.9',
    resources: /^Recording(DeliveryBucket|AccessLogsBucket)[0-9A-F]{8}$/,
    reason: 'AWS Config does not deliver to a bucket with S3 Object Lock; the access-log bucket, a server access '
      + 'logging target, is versioned and expires its logs instead.',
  },
  {
    control: 'CT.S3.PR.2',
    resources: /^RecordingAccessLogsBucket[0-9A-F]{8}$/,
    reason: 'The access-log bucket is the server access logging target itself; logging it elsewhere moves the finding.',
  },
  {
    control: 'CT.S3.PR.10',
    resources: /^RecordingAccessLogsBucket[0-9A-F]{8}$/,
    reason: 'S3 server access logging delivers only to buckets encrypted with SSE-S3, never SSE-KMS.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resources: /^RecordingServiceLinkedRoleFunction[0-9A-F]{8}$/,
    reason: 'The inline service-linked-role function only calls iam:CreateServiceLinkedRole while the stack deploys; a VPC '
      + 'would add NAT or an endpoint and protect nothing (createServiceLinkedRole: false removes it).',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /^RecordingServiceLinkedRoleLogGroup[0-9A-F]{8}$/,
    reason: 'The log group holds only the result of one iam:CreateServiceLinkedRole call per deployment; CloudWatch '
      + 'Logs encrypts it at rest.',
  },
];

/** Only with the defaults: no customer-managed key for the delivery bucket, no alarm topic. */
const DEFAULT_EXCEPTIONS: GuardException[] = [
  { control: 'CT.S3.PR.10', resources: /^RecordingDeliveryBucket[0-9A-F]{8}$/, reason: 'SSE-S3 unless encryptionKey is given.' },
  { control: 'CT.CLOUDWATCH.PR.1', resources: /^RecordingCostAlarm[0-9A-F]{8}$/, reason: 'No action unless alarmTopic is given.' },
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'recording-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function buildApp(name: string): App {
  const app = new App({ outdir: path.join(outdir, name) });
  const own = new Stack(app, 'NewBucket', { env: ENV });
  new ConfigRecording(own, 'Recording', { recording: Recording.create({ globalResourceTypesRegion: 'us-east-1' }) });
  const keyed = new Stack(app, 'NewBucketWithKey', { env: ENV });
  const key = new kms.Key(keyed, 'Key', { enableKeyRotation: true });
  key.addToResourcePolicy(new iam.PolicyStatement({
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const topic = new sns.Topic(keyed, 'Topic', { enforceSSL: true, masterKey: key });
  new ConfigRecording(keyed, 'Recording', {
    recording: Recording.create({
      delivery: DeliveryDestination.newBucket({ encryptionKey: key, keyPrefix: 'config' }),
      notificationTopic: topic,
      alarmTopic: topic,
    }),
  });
  const central = new Stack(app, 'CentralBucket', { env: ENV });
  new ConfigRecording(central, 'Recording', {
    recording: Recording.create({
      delivery: DeliveryDestination.centralBucket({
        bucket: s3.Bucket.fromBucketName(central, 'LogArchive', 'org-config-logs'),
        encryptionKey: kms.Key.fromKeyArn(central, 'LogArchiveKey', 'arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        keyPrefix: 'org',
      }),
      alarmTopic: sns.Topic.fromTopicArn(central, 'AlarmTopic', 'arn:aws:sns:us-east-1:222222222222:alarms'),
    }),
  });
  return app;
}

describe('policy checks over stacks with recording on (new bucket, new bucket with key, central bucket)', () => {
  test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
    expect(describeViolations(nag(buildApp('nag')), { severity: false })).toEqual([]);
  });

  test('cfn-guard Control Tower controls: no failures beyond the documented exceptions', () => {
    const findings = guardApp(buildApp('guard'));
    // The defaults' exceptions hold only for the stack with the defaults.
    expect(unexcused(findings.filter((f) => !(f.stack === 'NewBucket' && excused(f, DEFAULT_EXCEPTIONS))), EXCEPTIONS)).toEqual([]);
    // Every exception is still needed and says why.
    for (const e of [...EXCEPTIONS, ...DEFAULT_EXCEPTIONS]) {
      expect(findings.some((f) => excused(f, [e]))).toBe(true);
      expect(e.reason.length).toBeGreaterThan(30);
    }
  });
});
