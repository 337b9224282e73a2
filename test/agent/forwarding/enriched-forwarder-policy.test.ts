import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { ConfigEventType } from '../../../src/agent/forwarding/config-event-type';
import { EnrichedForwardingOptions } from '../../../src/agent/forwarding/enriched-forwarding-options';
import { EventForwarding } from '../../../src/agent/forwarding/event-forwarding';
import { GuardException, acknowledgements as acknowledgementsIn, describeViolations, guardApp, nag, unexcused } from '../../support/policy-checks';

// The approach of test/policy/*: cdk-nag's validateScope() and the cfn-guard binary with the Control Tower rules.

/** Policy choices, as test/policy/cfn-guard.test.ts makes them for the master's handler. */
const EXCEPTIONS: GuardException[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    resources: /EnrichedForwarderFunction[0-9A-F]{8}$/,
    reason: 'The function only calls regional AWS APIs (EventBridge, SQS, S3) that IAM scopes to its own resources; '
      + 'a VPC in every member account would add NAT or interface endpoints (cost, failure modes) and protect nothing.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /EnrichedForwarderLogGroup[0-9A-F]{8}$/,
    reason: 'Without encryptionKey only: CloudWatch Logs always encrypts log data at rest; a customer-managed key is used '
      + 'when encryptionKey is given. Creating a key by default would cost every member account a key.',
  },
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'enriched-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Three agent stacks: the defaults, a customer-managed key with a delivery bucket, an imported encrypted bucket. */
function buildApp(): App {
  const app = new App({ outdir });
  const variants: Array<[string, (stack: Stack) => EnrichedForwardingOptions]> = [
    ['Defaults', () => ({})],
    ['KeyAndBucket', (stack) => {
      const encryptionKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      // Grants on the key only for AWS resources: Control Tower's CT.KMS.PR.3 (as in demo/example-app.ts).
      encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsResources',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }));
      return {
        encryptionKey,
        oversizedItemsBucket: s3.Bucket.fromBucketName(stack, 'Delivery', 'config-delivery-222222222222'),
        accountName: 'workloads-prod',
        dropNotApplicable: true,
      };
    }],
    ['ImportedEncryptedBucket', (stack) => ({
      oversizedItemsBucket: s3.Bucket.fromBucketAttributes(stack, 'Delivery', {
        bucketName: 'org-log-archive',
        encryptionKey: kms.Key.fromKeyArn(stack, 'DeliveryKey', 'arn:aws:kms:us-east-1:999999999999:key/0f0f0f0f-0000-4000-8000-000000000000'),
      }),
    })],
  ];
  for (const [name, options] of variants) {
    const stack = new Stack(app, `Enriched${name}`, { env: { account: '222222222222', region: 'us-east-1' } });
    EventForwarding.enriched(options(stack))._bind(new Construct(stack, 'Agent'), {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring'),
      forwardedEvents: [ConfigEventType.CONFIGURATION_ITEM_CHANGE, ConfigEventType.COMPLIANCE_CHANGE],
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    });
  }
  return app;
}

function acknowledgements(root: IConstruct): string[] {
  return acknowledgementsIn(root).map((ack) => `${ack.id} at ${ack.path} (${ack.reason.length > 40 ? 'reasoned' : 'NO REASON'})`);
}

describe('cdk-nag AwsSolutions over the enriched forwarding', () => {
  const app = buildApp();
  const violations = nag(app);

  test('no unacknowledged errors or warnings', () => {
    expect(describeViolations(violations)).toEqual([]);
  });

  test('the only acknowledgements are the S3 object wildcards of the delivery bucket, each with its reason', () => {
    expect(acknowledgements(app).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::config-delivery-222222222222/*AWSLogs/222222222222/Config/*/OversizedChangeNotification/*] '
        + 'at EnrichedKeyAndBucket/Agent/EnrichedForwarder/Role (reasoned)',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::org-log-archive/*AWSLogs/222222222222/Config/*/OversizedChangeNotification/*] '
        + 'at EnrichedImportedEncryptedBucket/Agent/EnrichedForwarder/Role (reasoned)',
    ]);
  });
});

test('the acknowledgement also matches a delivery bucket created in the same stack (a token name)', () => {
  const app = new App({ outdir: path.join(outdir, 'same-stack') });
  const stack = new Stack(app, 'SameStack', { env: { account: '222222222222', region: 'us-east-1' } });
  EventForwarding.enriched({ oversizedItemsBucket: new s3.Bucket(stack, 'Delivery') })._bind(new Construct(stack, 'Agent'), {
    centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring'),
    forwardedEvents: [ConfigEventType.COMPLIANCE_CHANGE],
    retryAttempts: 185,
    maxEventAge: Duration.hours(24),
  });
  const violations = nag(app);
  // The bucket's own findings (access logs, TLS) belong to the test's bucket, not to the construct.
  expect(violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM')).map((v) => v.ruleName)).toEqual([]);
  expect(acknowledgements(app)).toEqual([
    expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<Delivery[0-9A-F]{8}\.Arn>\/\*AWSLogs\/222222222222\/Config\/\*\/OversizedChangeNotification\/\*\] at SameStack\/Agent\/EnrichedForwarder\/Role \(reasoned\)$/),
  ]);
});

describe('Control Tower proactive controls over the enriched forwarding', () => {
  const findings = guardApp(buildApp());

  test('only the documented policy choices fail', () => {
    expect(unexcused(findings, EXCEPTIONS)).toEqual([]);
  });

  test('every exception is still needed; the log-group one only without a customer-managed key', () => {
    for (const exception of EXCEPTIONS) expect(findings.some((f) => f.control === exception.control)).toBe(true);
    expect(findings.filter((f) => f.control === 'CT.CLOUDWATCH.PR.3').map((f) => f.stack).sort())
      .toEqual(['EnrichedDefaults', 'EnrichedImportedEncryptedBucket']);
  });
});
