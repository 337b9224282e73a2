import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { ConfigEventType } from '../../../src/agent/forwarding/config-event-type';
import { EventForwarding } from '../../../src/agent/forwarding/event-forwarding';
import { GuardException, acknowledgements, describeViolations, guardApp, nag, unexcused } from '../../support/policy-checks';

// The approach of test/policy/*, over both forwarding modes with remediation events.

/** The enriched forwarder's documented choices (enriched-forwarder-policy.test.ts); the remediation rule adds none. */
const EXCEPTIONS: GuardException[] = [
  {
    control: 'CT.LAMBDA.PR.3',
    resources: /EnrichedForwarderFunction[0-9A-F]{8}$/,
    reason: 'No VPC for a function that only calls regional AWS APIs scoped by IAM (see enriched-forwarder-policy.test.ts).',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    resources: /EnrichedForwarderLogGroup[0-9A-F]{8}$/,
    reason: 'Without encryptionKey: CloudWatch Logs encrypts at rest (see enriched-forwarder-policy.test.ts).',
  },
];

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'remediation-policy-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

function buildApp(): App {
  const app = new App({ outdir });
  for (const [name, mode] of [['Direct', EventForwarding.direct()], ['Enriched', EventForwarding.enriched()]] as const) {
    const stack = new Stack(app, `Remediation${name}`, { env: { account: '222222222222', region: 'us-east-1' } });
    mode._bind(new Construct(stack, 'Agent'), {
      centralEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', 'arn:aws:events:eu-west-1:111111111111:event-bus/config-monitoring'),
      forwardedEvents: [ConfigEventType.COMPLIANCE_CHANGE],
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
      remediations: [{ documentName: 'AWS-DisableIncomingSSHOnPort22', configRuleName: 'restricted-ssh', resourceType: 'AWS::EC2::SecurityGroup' }],
    });
  }
  return app;
}

test('cdk-nag AwsSolutions: no findings beyond the direct dead-letter queue acknowledgement', () => {
  const app = buildApp();
  expect(describeViolations(nag(app))).toEqual([]);
  expect(acknowledgements(app).map((ack) => `${ack.id} at ${ack.path}`)).toEqual(['AwsSolutions-SQS3 at RemediationDirect/Agent/DeadLetterQueue']);
});

test('Control Tower proactive controls: only the enriched forwarder\'s documented choices fail', () => {
  expect(unexcused(guardApp(buildApp()), EXCEPTIONS)).toEqual([]);
});
